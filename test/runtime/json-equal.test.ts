import fc from "fast-check";
import fastDeepEqual from "fast-deep-equal";
import { describe, expect, it } from "vitest";
import { jsonEqual } from "../../runtime/util/json-equal.js";
import {
  validatePartialPrototypeKeys,
  validatePrototypeKeys,
} from "../fixtures/generator/hostile-names/expected/prototype-keys.js";

// JSON values whose keys include the names fast-deep-equal calls (valueOf, toString, constructor) and __proto__.
const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom("valueOf", "toString", "constructor", "__proto__"));
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(null, true, false, 0, -1, 1.5),
    fc.string({ maxLength: 3 }),
    fc.array(tie("json"), { maxLength: 3 }),
    fc.dictionary(key, tie("json"), { maxKeys: 3 }),
  ),
}));
const parsed = (value: unknown) => JSON.parse(JSON.stringify(value));

describe("jsonEqual, the equality generated validators use for const, enum and uniqueItems", () => {
  it("is structural equality on JSON values (a value and its re-parsed copy; two values as JSON texts)", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(jsonEqual(a, parsed(a))).toBe(true);
        // Key order does not matter to JSON equality; canonical texts decide it.
        expect(jsonEqual(a, b)).toBe(canonical(a) === canonical(b));
      }),
      { numRuns: 2000 },
    );
  });

  it("agrees with fast-deep-equal wherever that one answers at all", () => {
    fc.assert(
      fc.property(json, json, (x, y) => {
        // As JSON.parse makes them (fast-deep-equal tells objects apart by constructor; JSON has none).
        const a = parsed(x);
        const b = parsed(y);
        let reference: boolean;
        try {
          reference = fastDeepEqual(a, b);
        } catch {
          return; // it called a data key as a method: the case jsonEqual exists for
        }
        expect(jsonEqual(a, b)).toBe(reference);
      }),
      { numRuns: 2000 },
    );
  });

  it("compares only plain objects and arrays structurally", () => {
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual({ length: 0 }, [])).toBe(false);
    expect(jsonEqual(new Date(0), {})).toBe(false);
    expect(jsonEqual(Object.create(null), {})).toBe(true);
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false);
  });

  it("answers for values nested deeper than the call stack (uniqueItems compares two of a model's values)", () => {
    const deep = (inner: string) => JSON.parse(`${'[{"a":'.repeat(100_000)}${inner}${"}]".repeat(100_000)}`);
    expect(jsonEqual(deep("1"), deep("1"))).toBe(true);
    expect(jsonEqual(deep("1"), deep("2"))).toBe(false);
  });
});

describe("generated validators on data whose keys shadow Object.prototype's methods", () => {
  it("answer (never throw) for const, enum and nested values keyed toString or valueOf", () => {
    // Before, each of these threw "a.toString is not a function" (or valueOf) from inside the validator.
    // The schema's const is {"hasOwnProperty": {"toString": "x"}}; its enum holds {"constructor": "b"}.
    const valid = parsed({ fixed: { hasOwnProperty: { toString: "x" } }, choice: { constructor: "b" } });
    expect(validatePrototypeKeys(valid)).toBe(true);
    expect(validatePartialPrototypeKeys(valid)).toBe(true);
    for (const bad of [
      { fixed: { hasOwnProperty: { toString: "y" } } },
      { fixed: { valueOf: 1 } },
      { choice: { toString: "b" } },
      { choice: { valueOf: { valueOf: 2 } } },
    ]) {
      expect(validatePrototypeKeys(parsed(bad)), JSON.stringify(bad)).toBe(false);
      // The partial validator accepts what a const or enum object may still become; it must answer all the same.
      expect(typeof validatePartialPrototypeKeys(parsed(bad))).toBe("boolean");
    }
  });
});

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
