import { readdirSync, readFileSync } from "node:fs";
import { Allow, parse as partialJsonParse } from "partial-json";
import { describe, expect, it } from "vitest";
import { CORPORA_DIR, CORPORA_MISSING_MESSAGE, HAVE_CORPORA } from "../corpora.js";
import { fixtureDocuments, snapshotAfterEachChar } from "./helpers.js";

if (!HAVE_CORPORA) console.warn(CORPORA_MISSING_MESSAGE);

/**
 * partial-json is the reference for every prefix of a document. Its `STR | OBJ | ARR` mode matches our
 * semantics: partial strings shown, numbers and literals only once complete, keys only once their value
 * started. The places where we differ on purpose have their own tests below.
 */
function reference(prefix: string): unknown {
  try {
    return partialJsonParse(prefix, Allow.STR | Allow.OBJ | Allow.ARR);
  } catch {
    return undefined;
  }
}

/**
 * partial-json trims the text before parsing, so a string's trailing whitespace shows one chunk later
 * there, and it shows half of a surrogate pair. We show whitespace at once and hold half code points back
 * (tests below), so each prefix is compared at the point partial-json effectively parses.
 */
function seenByReference(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  const whole = last >= 0xd800 && last <= 0xdbff ? prefix.slice(0, -1) : prefix;
  return whole.replace(/\\u[dD][89abAB][0-9a-fA-F]{2}(\\(u[0-9a-fA-F]{0,3})?)?$/, "").trimEnd();
}

function documents(): { name: string; text: string }[] {
  const docs = fixtureDocuments().filter((d) => d.name !== "keys-that-look-dangerous.json");
  if (HAVE_CORPORA) {
    // Real-world inputs nobody here wrote: the JSONTestSuite "must parse" files that are containers.
    const dir = `${CORPORA_DIR}JSONTestSuite/test_parsing/`;
    for (const name of readdirSync(dir).sort()) {
      if (!name.startsWith("y_")) continue;
      const text = readFileSync(dir + name, "utf8");
      const first = text.trimStart()[0];
      if ((first === "{" || first === "[") && text.length < 4000 && !/\\u[dD][89abAB]/.test(text)) {
        docs.push({ name, text });
      }
    }
  }
  return docs;
}

describe("snapshots agree with partial-json on every prefix", () => {
  for (const { name, text } of documents()) {
    it(name, () => {
      const ours = snapshotAfterEachChar(text, { strict: true });
      for (let i = 1; i <= text.length; i++) {
        const prefix = seenByReference(text.slice(0, i));
        const snapshot = prefix.length === 0 ? undefined : ours[prefix.length - 1];
        expect(snapshot, `after ${JSON.stringify(prefix)}`).toEqual(reference(prefix));
      }
    });
  }
});

describe("where we differ from partial-json on purpose", () => {
  it("a top-level number appears only at end(): more digits may follow", () => {
    expect(snapshotAfterEachChar("12", { strict: true })).toEqual([undefined, undefined]);
    expect(partialJsonParse("12", Allow.ALL)).toBe(12);
  });

  it("an escaped surrogate pair appears only when both halves arrived (never half a code point)", () => {
    const text = '["\\ud83d\\ude00"]';
    const ours = snapshotAfterEachChar(text, { strict: true });
    const afterHigh = ours[text.indexOf("\\ude00") + 1];
    expect(afterHigh).toEqual([""]);
    expect(ours.at(-1)).toEqual(["😀"]);
  });

  it("a string's trailing whitespace shows as soon as it arrives", () => {
    const text = '{"quote": "She \u2028';
    const ours = snapshotAfterEachChar(text);
    expect(ours[text.indexOf(" \u2028")]).toEqual({ quote: "She " });
    expect(ours.at(-1)).toEqual({ quote: "She \u2028" });
    expect(reference('{"quote": "She ')).toEqual({ quote: "She" });
  });

  it("a raw surrogate pair split across chunks shows only once whole", () => {
    const ours = snapshotAfterEachChar('["€😀"]', { strict: true });
    expect(ours[3]).toEqual(["€"]);
    expect(ours[4]).toEqual(["€😀"]);
  });

  it("a key named __proto__ is an own data property, never the prototype", () => {
    const ours = snapshotAfterEachChar('{"__proto__": {"x": 1}}').at(-1) as object;
    expect(Object.getPrototypeOf(ours)).toBe(Object.prototype);
    expect(Object.keys(ours)).toEqual(["__proto__"]);
  });
});
