import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PartialJSONParser } from "../../runtime/index.js";

/**
 * "Prefix" order on values: `earlier` may have been shown before `later` only if nothing it shows later
 * changes: strings may grow, containers may gain members (whose values are again prefixes), nothing else.
 */
function isPrefixOf(earlier: unknown, later: unknown): boolean {
  if (typeof earlier === "string") return typeof later === "string" && later.startsWith(earlier);
  if (Array.isArray(earlier)) {
    if (!Array.isArray(later) || earlier.length > later.length) return false;
    return earlier.every((item, i) => isPrefixOf(item, later[i]));
  }
  if (earlier !== null && typeof earlier === "object") {
    if (later === null || typeof later !== "object" || Array.isArray(later)) return false;
    const l = later as Record<string, unknown>;
    return Object.keys(earlier).every(
      (k) => Object.hasOwn(l, k) && isPrefixOf((earlier as Record<string, unknown>)[k], l[k]),
    );
  }
  return Object.is(earlier, later);
}

/** Every container of `prev` whose content did not change must be the very same object in `next`. */
function checkIdentity(prev: unknown, next: unknown): void {
  if (prev === null || typeof prev !== "object" || next === null || typeof next !== "object") return;
  if (JSON.stringify(prev) === JSON.stringify(next)) {
    expect(next).toBe(prev);
    return;
  }
  expect(next).not.toBe(prev); // a changed node is a new object
  for (const key of Object.keys(prev)) {
    checkIdentity((prev as Record<string, unknown>)[key], (next as Record<string, unknown>)[key]);
  }
}

/** Splits text at arbitrary points. */
const textAndCuts = fc
  .tuple(fc.jsonValue({ maxDepth: 5, stringUnit: "binary" }), fc.array(fc.nat(), { maxLength: 40 }), fc.boolean())
  .map(([value, cuts, pretty]) => {
    const text = JSON.stringify(value, null, pretty ? 2 : undefined);
    const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
    const chunks: string[] = [];
    let at = 0;
    for (const p of points) {
      chunks.push(text.slice(at, p));
      at = p;
    }
    chunks.push(text.slice(at));
    return { text, chunks };
  });

describe.each([true, false])("properties over arbitrary JSON and arbitrary chunkings (strict: %s)", (strict) => {
  it("the final value equals JSON.parse of the whole text", () => {
    fc.assert(
      fc.property(textAndCuts, ({ text, chunks }) => {
        const parser = new PartialJSONParser({ strict });
        for (const chunk of chunks) parser.write(chunk);
        expect(parser.end()).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it("every snapshot is a prefix of the next and of the final value; unchanged subtrees keep identity", () => {
    fc.assert(
      fc.property(textAndCuts, ({ chunks }) => {
        const parser = new PartialJSONParser({ strict });
        const snapshots: unknown[] = [];
        for (const chunk of chunks) if (parser.write(chunk)) snapshots.push(parser.value);
        const final = parser.end();
        if (snapshots.at(-1) !== final) snapshots.push(final);
        for (let i = 0; i < snapshots.length; i++) {
          expect(isPrefixOf(snapshots[i], final)).toBe(true);
          if (i > 0) {
            expect(isPrefixOf(snapshots[i - 1], snapshots[i])).toBe(true);
            checkIdentity(snapshots[i - 1], snapshots[i]);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("write() reports a change exactly when the snapshot changed", () => {
    fc.assert(
      fc.property(textAndCuts, ({ chunks }) => {
        const parser = new PartialJSONParser({ strict });
        for (const chunk of chunks) {
          const before = parser.value;
          const changed = parser.write(chunk);
          expect(changed).toBe(!Object.is(before, parser.value));
        }
      }),
      { numRuns: 300 },
    );
  });
});
