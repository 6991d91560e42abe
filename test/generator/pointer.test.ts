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
  withLocalRefs,
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

  it("a $ref naming the root by its $id (absolute or relative to it) becomes the local $ref it means", () => {
    const base = fc.constantFrom(
      "https://example.com/kitchen/recipe.json",
      "urn:example:recipe",
      "file:///s/recipe.json",
    );
    const refTo = (rootBase: string, form: number, fragment: string): string => {
      const relative = rootBase.startsWith("urn:") ? rootBase : rootBase.slice(rootBase.lastIndexOf("/") + 1);
      return [rootBase, relative, `./${relative}`][form % (rootBase.startsWith("urn:") ? 1 : 3)] + fragment;
    };
    fc.assert(
      fc.property(base, fc.nat(2), path, fc.constantFrom("", "#"), (rootBase, form, keys, idTail) => {
        const pointer = pointerOf(keys);
        const doc = {
          $id: rootBase + idTail,
          $defs: { at: { $ref: refTo(rootBase, form, localRef(pointer)) } },
          // Its own $id is the base of a sibling $ref (as Ajv reads it): only the absolute form still names the root.
          items: [{ $id: "https://elsewhere.example/x.json", $ref: refTo(rootBase, 0, "") }],
          not: { $ref: "https://other.example/recipe.json#/a" },
        };
        const local = withLocalRefs(doc) as typeof doc;
        expect(localPointer(local.$defs.at.$ref)).toBe(pointer);
        expect(local.items[0]?.$ref).toBe("#");
        expect(local.not.$ref).toBe(doc.not.$ref); // another document
        expect(local.$id).toBe(doc.$id);
        expect(JSON.stringify(withLocalRefs(doc, true))).not.toContain('"$id"');
      }),
    );
  });

  it("a relative root $id names the root too; without one, a file name names another document", () => {
    for (const $id of [undefined, "recipe.json", 42]) {
      const doc = { $id, properties: { a: { $ref: "recipe.json#/a" }, b: { $ref: "https://x.example/r.json" } } };
      const local = withLocalRefs(doc) as typeof doc;
      expect(local.properties.a.$ref).toBe($id === "recipe.json" ? "#/a" : "recipe.json#/a");
      expect(local.properties.b.$ref).toBe(doc.properties.b.$ref);
    }
  });
});
