// Steps of the types input for a module that owns shared definitions (generator/types/owned.ts), alone.
import { appendPointer } from "@partialgen/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { typeName } from "../../generator/code/naming.js";
import { localPointer, localRef, resolvePointer } from "../../generator/schema/pointer.js";
import { type SchemaObject, walkSchemas } from "../../generator/schema/walk.js";
import { TypeNames, wrapRoot } from "../../generator/types/owned.js";

/** Keys that need escaping in a pointer or a fragment, or that look like the containers and the root's key. */
const key = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.constantFrom("~", "/", "%", "#", " ", "é", "$defs", "definitions", "__proto__", "partialgen-root"),
);

/** A root with properties and definitions, each marked by its description, and `$ref`s between them. */
const rootWithRefs = fc
  .record({
    keyword: fc.constantFrom("$defs", "definitions"),
    props: fc.uniqueArray(key, { maxLength: 4 }),
    defs: fc.uniqueArray(key, { minLength: 1, maxLength: 4 }),
    refs: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 8 }),
    shared: fc.array(fc.nat(), { maxLength: 3 }),
  })
  .map(({ keyword, props, defs, refs, shared }) => {
    const node = (description: string): SchemaObject => ({ description });
    const properties = Object.fromEntries(props.map((k) => [k, node(`property ${k}`)]));
    const definitions = Object.fromEntries(defs.map((k) => [k, node(`definition ${k}`)]));
    const schema: SchemaObject = { description: "root", properties, [keyword]: definitions };
    const sources = [schema, ...Object.values(properties), ...Object.values(definitions)];
    const targets = [
      "",
      ...props.map((k) => appendPointer("/properties", k)),
      ...defs.map((k) => appendPointer(`/${keyword}`, k)),
    ];
    for (const [from, to] of refs)
      (sources[from % sources.length] as SchemaObject).$ref = localRef(targets[to % targets.length] as string);
    const sharedPointers = [
      ...new Set(shared.map((i) => appendPointer(`/${keyword}`, defs[i % defs.length] as string))),
    ];
    return { schema, sharedPointers };
  });

/** Each described node's `$ref` target, by description. */
function refTargets(schema: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  walkSchemas(schema, null, (s) => {
    const pointer = localPointer(s.$ref);
    if (typeof s.description === "string" && pointer !== undefined)
      out.set(s.description, (resolvePointer(schema, pointer) as SchemaObject | undefined)?.description);
    return null;
  });
  return out;
}

describe("wrapRoot", () => {
  it("moves the root among the definitions: every $ref still names the same schema, the wrapper reaches the root and each shared definition", () => {
    fc.assert(
      fc.property(rootWithRefs, ({ schema, sharedPointers }) => {
        const wrapped = wrapRoot(structuredClone(schema), "Root", sharedPointers);
        expect(refTargets(wrapped)).toEqual(refTargets(schema));
        const reached = (wrapped.anyOf as SchemaObject[]).map((r) =>
          resolvePointer(wrapped, localPointer(r.$ref) ?? ""),
        );
        expect(reached.map((s) => (s as SchemaObject).description)).toEqual([
          "root",
          ...sharedPointers.map((p) => (resolvePointer(schema, p) as SchemaObject).description),
        ]);
        expect((reached[0] as SchemaObject).title).toBe("Root");
        expect(wrapped.description).toBeUndefined();
      }),
    );
  });
});

describe("TypeNames", () => {
  it("a base is at risk when it or one of its numbered forms is pinned", () => {
    const names = new TypeNames({}, ["Amount", "Item2", "Ab12"]);
    const risky = ["Amount", "Item", "Item2", "Ab", "Ab1"];
    const safe = ["Ite", "Amoun", "Amount1", "Cd", "A", undefined];
    expect(risky.filter((n) => !names.atRisk(n))).toEqual([]);
    expect(safe.filter((n) => names.atRisk(n))).toEqual([]);
  });

  it("fresh names are distinct and none, nor its Partial form, is a name the tool could derive from the schema", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 5 }),
        fc.array(fc.constantFrom("Amount", "Item", "PartialItem", "Item1", "PartialWrapper", "PartialAmount1"), {
          maxLength: 3,
        }),
        fc.array(fc.constantFrom("Amount", "Item", "Wrapper"), { minLength: 1, maxLength: 4 }),
        (titles, keys, bases) => {
          const schema: SchemaObject = {
            properties: Object.fromEntries(titles.map((t, i) => [`p${i}`, { title: t }])),
            $defs: Object.fromEntries(keys.map((k) => [k, {}])),
          };
          const pinned = ["Root", "Item"];
          const derivable = new Set([...pinned, ...keys, ...titles.map(typeName).filter((n) => n !== undefined)]);
          const names = new TypeNames(schema, pinned);
          const fresh = bases.map((b) => names.fresh(b));
          expect(new Set(fresh).size).toBe(fresh.length);
          for (const name of fresh) {
            expect(derivable.has(name)).toBe(false);
            expect(derivable.has(`Partial${name}`)).toBe(false);
          }
        },
      ),
    );
  });
});
