// The generator's one JSON Pointer / local $ref reader (generator/schema/pointer.ts), against documents whose
// paths are known because the test builds them.
import { appendPointer } from "@partialgen/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  localPointer,
  localRef,
  pointerAfter,
  pointerTokens,
  resolvedDepth,
  resolvePointer,
} from "../../generator/schema/pointer.js";

/** Keys that need escaping in a pointer or a URI fragment, or that name something inherited. */
const key = fc.oneof(
  fc.string(),
  fc.constantFrom("~", "/", "~1", "~0/", "#", "%", "%25", " ", "é", "__proto__", "constructor", "toString", ""),
);
const path = fc.array(key, { maxLength: 6 });

/** A document holding `leaf` at `path` (each key an own property). */
function documentAt(keys: readonly string[], leaf: unknown): unknown {
  return keys.reduceRight<unknown>(
    (inner, k) => Object.defineProperty({}, k, { value: inner, enumerable: true }),
    leaf,
  );
}

const pointerOf = (keys: readonly string[]) => keys.reduce<string>((p, k) => appendPointer(p, k), "");

describe("generator JSON Pointer reader", () => {
  it("resolves the pointer built from a path to the value there, and its tokens are the path", () => {
    fc.assert(
      fc.property(path, (keys) => {
        const leaf = { leaf: true };
        const pointer = pointerOf(keys);
        expect(pointerTokens(pointer)).toEqual(keys);
        expect(resolvePointer(documentAt(keys, leaf), pointer)).toBe(leaf);
        expect(resolvedDepth(documentAt(keys, leaf), pointer)).toBe(keys.length);
      }),
    );
  });

  it("a local $ref names the pointer it was made from", () => {
    fc.assert(
      fc.property(path, (keys) => {
        expect(localPointer(localRef(pointerOf(keys)))).toBe(pointerOf(keys));
      }),
    );
  });

  it("stops where the document ends, and never reads inherited properties", () => {
    fc.assert(
      fc.property(path, key, fc.array(key, { maxLength: 3 }), (keys, missing, rest) => {
        const doc = documentAt(keys, {});
        const pointer = pointerOf([...keys, missing, ...rest]);
        expect(resolvePointer(doc, pointer)).toBeUndefined();
        expect(resolvedDepth(doc, pointer)).toBe(keys.length);
        expect(pointerAfter(pointer, keys.length)).toBe(pointerOf([missing, ...rest]));
      }),
    );
  });

  it("reads no anchor, no other document and no malformed escape as a local pointer", () => {
    for (const ref of ["#anchor", "other.json#/a", "#/a%zz", "/a", 42, undefined])
      expect(localPointer(ref)).toBeUndefined();
    expect(localPointer("#")).toBe("");
    expect(localPointer("#/a%20b/c~1d")).toBe("/a b/c~1d");
  });
});
