import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkStrictRules, STRICT_LIMITS } from "../../generator/derive/strict-rules.js";
import { strictSchema } from "../../generator/derive/strict-schema.js";
import { GenerateError } from "../../generator/schema/errors.js";
import { createAjv } from "../../generator/validators/standalone.js";
import { PartialJSONParser } from "../../runtime/parse/lenient-parser.js";

type Schema = { [k: string]: unknown };
const object = (properties: Schema, extra: Schema = {}): Schema => ({
  type: "object",
  properties,
  required: Object.keys(properties),
  ...extra,
});
const derive = (schema: Schema) => strictSchema(schema, "s.json");

describe("conversions that make more schemas strict", () => {
  it("type lists become anyOf of single types, each with its own keywords; [x, null] stays", () => {
    const { schema } = derive(
      object({
        a: { type: ["string", "integer"], minimum: 1, pattern: "^a", description: "d" },
        b: { type: ["string", "null"] },
        c: { type: ["string", "number"], enum: ["x", 2] },
      }),
    );
    const p = schema.properties as Schema;
    expect(p.a).toEqual({
      description: "d",
      anyOf: [
        { type: "string", pattern: "^a" },
        { type: "integer", minimum: 1 },
      ],
    });
    expect(p.b).toEqual({ type: ["string", "null"] });
    expect(p.c).toEqual({
      anyOf: [
        { type: "string", enum: ["x"] },
        { type: "number", enum: [2] },
      ],
    });
  });

  it("a root $ref to a recursive definition (Pydantic's recursive model) becomes that object, recursion kept", () => {
    const node = object(
      { name: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/Node" } } },
      { required: ["name"] },
    );
    const { schema, warnings } = derive({ $defs: { Node: node }, $ref: "#/$defs/Node" });
    expect(warnings).toEqual([]);
    expect(schema.type).toBe("object");
    expect(schema.$ref).toBeUndefined();
    expect(Object.keys(schema.properties as Schema)).toEqual(["name", "children"]);
    expect(((schema.$defs as Schema).Node as Schema).properties).toEqual(schema.properties);
    const validate = createAjv("2020-12").compile(schema);
    expect(validate({ name: "a", children: [{ name: "b", children: null }] })).toBe(true);
    expect(validate({ name: "a", children: [{ name: "b" }] })).toBe(false);
  });

  it("a root $ref to a definition nothing else refers to (zod-to-json-schema's `name`) leaves no copy behind", () => {
    const model = object({ a: { type: "string", minLength: 1 }, b: { $ref: "#/definitions/m/properties/a" } });
    const { schema, warnings } = derive({ $ref: "#/definitions/m", definitions: { m: model } });
    expect(schema.type).toBe("object");
    // Still referred to (a path into it): kept.
    expect(Object.keys(schema.definitions as Schema)).toEqual(["m"]);
    const alone = derive({
      $ref: "#/definitions/m",
      definitions: { m: object({ a: { type: "string", minLength: 1 } }) },
    });
    expect(alone.schema.definitions).toEqual({});
    // One warning for the keyword removed (not one for the root and one for the definition it came from),
    // at its place in the file.
    expect(alone.warnings.map((w) => w.pointer)).toEqual(["/definitions/m/properties/a/minLength"]);
    const error = (() => {
      try {
        derive({ $ref: "#/definitions/m", definitions: { m: object({ a: { type: "array" } }) } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GenerateError);
    expect((error as GenerateError).pointer).toBe("/definitions/m/properties/a");
    expect(warnings.length).toBeGreaterThan(0);
  });

  it("a map whose keys are an enum (zod's record of enum keys) becomes an object with those properties", () => {
    const { schema, warnings } = derive(
      object({
        some: { type: "object", propertyNames: { enum: ["x", "y"] }, additionalProperties: { type: "number" } },
        all: {
          type: "object",
          propertyNames: { type: "string", enum: ["x", "y"] },
          additionalProperties: { type: "number" },
          required: ["x", "y"],
        },
      }),
    );
    expect(warnings).toEqual([]);
    const p = schema.properties as Schema;
    expect(p.some).toEqual({
      type: "object",
      properties: { x: { type: ["number", "null"] }, y: { type: ["number", "null"] } },
      required: ["x", "y"],
      additionalProperties: false,
    });
    expect(p.all).toEqual({
      type: "object",
      properties: { x: { type: "number" }, y: { type: "number" } },
      required: ["x", "y"],
      additionalProperties: false,
    });
    // Keys that are not an enum of strings stay a free-form map.
    expect(() =>
      derive(
        object({ m: { type: "object", propertyNames: { pattern: "^a" }, additionalProperties: { type: "number" } } }),
      ),
    ).toThrow(/additionalProperties/);
  });

  it("what additionalProperties admits beside properties is not tightened: the object is closed (zod v4's looseObject)", () => {
    const { schema, warnings } = derive(
      object({
        loose: object({ a: { type: "string" } }, { additionalProperties: {} }),
        catchall: object({ a: { type: "string" } }, { additionalProperties: { type: "string", minLength: 2 } }),
      }),
    );
    expect(warnings).toEqual([]);
    const p = schema.properties as Schema;
    expect(p.loose).toEqual(object({ a: { type: "string" } }, { additionalProperties: false }));
    expect(p.catchall).toEqual(object({ a: { type: "string" } }, { additionalProperties: false }));
  });

  it("allOf members (and the $refs among them) merge into one object", () => {
    const { schema } = derive({
      type: "object",
      allOf: [{ $ref: "#/$defs/Base" }, { properties: { b: { type: "number" } }, required: ["b"] }],
      $defs: { Base: { type: "object", properties: { a: { type: "string" } }, required: ["a"] } },
    });
    expect(schema.properties).toEqual({ a: { type: "string" }, b: { type: "number" } });
    expect(schema.required).toEqual(["a", "b"]);
    expect(schema.additionalProperties).toBe(false);
  });

  it("a tuple of one item schema becomes items with minItems/maxItems", () => {
    const { schema } = derive(
      object({ t: { type: "array", prefixItems: [{ type: "number" }, { type: "number" }], items: false } }),
    );
    expect((schema.properties as Schema).t).toEqual({
      type: "array",
      items: { type: "number" },
      minItems: 2,
      maxItems: 2,
    });
  });

  it("oneOf becomes anyOf silently when its branches are disjoint, with a warning at its path otherwise", () => {
    const disjoint = derive(
      object({
        u: {
          oneOf: [
            object({ kind: { const: "a" } }),
            object({ kind: { const: "b" }, x: { type: "number" } }),
            { type: "string" },
          ],
        },
      }),
    );
    expect(disjoint.warnings).toEqual([]);
    expect(((disjoint.schema.properties as Schema).u as Schema).anyOf).toHaveLength(3);
    const overlapping = derive(object({ u: { oneOf: [{ type: "string" }, { type: "string", pattern: "^a" }] } }));
    expect(overlapping.warnings.map((w) => w.pointer)).toContain("/properties/u/oneOf");
  });

  it("nested definitions (bundled files keep their own) move to the root and references follow", () => {
    const { schema } = derive({
      type: "object",
      properties: { p: { $ref: "#/$defs/a/$defs/b" } },
      required: ["p"],
      $defs: { a: { type: "object", properties: {}, $defs: { b: { type: "string" } } } },
    });
    expect(schema.properties).toEqual({ p: { $ref: "#/$defs/a.b" } });
    expect(schema.$defs).toEqual({
      a: { type: "object", properties: {}, required: [], additionalProperties: false },
      "a.b": { type: "string" },
    });
  });

  it("a $ref keeps only description beside it", () => {
    const { schema } = derive(
      object(
        { k: { $ref: "#/$defs/K", description: "d", title: "t", default: "x" } },
        { $defs: { K: { enum: ["x"] } } },
      ),
    );
    expect((schema.properties as Schema).k).toEqual({ $ref: "#/$defs/K", description: "d" });
  });
});

describe("OpenAI's strict-mode rules", () => {
  it.each<[string, unknown, string]>([
    ["a root anyOf", { anyOf: [object({})] }, "anyOf"],
    [
      "an open object",
      { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
      "additionalProperties",
    ],
    [
      "an optional property",
      { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
      "required",
    ],
    [
      "an unsupported keyword",
      { ...object({ a: { type: "string", minLength: 1 } }), additionalProperties: false },
      "minLength",
    ],
    [
      "a $ref with a sibling",
      { ...object({ a: { $ref: "#/$defs/x", title: "t" } }), additionalProperties: false },
      "title",
    ],
    ["an array without items", { ...object({ a: { type: "array" } }), additionalProperties: false }, "items"],
    ["a typeless schema", { ...object({ a: { description: "d" } }), additionalProperties: false }, "type"],
    [
      "an unsupported format",
      { ...object({ a: { type: "string", format: "uri" } }), additionalProperties: false },
      "format",
    ],
    [
      "too many enum values",
      {
        ...object({
          a: { type: "string", enum: Array.from({ length: STRICT_LIMITS.enumValues + 1 }, (_, i) => `v${i}`) },
        }),
        additionalProperties: false,
      },
      "enum",
    ],
  ])("%s is reported", (_name, schema, keyword) => {
    expect(checkStrictRules(schema).map((v) => v.keyword)).toContain(keyword);
  });

  it("nesting deeper than the limit is reported, and generation says why", () => {
    let deep: Schema = { type: "string" };
    for (let i = 0; i <= STRICT_LIMITS.depth; i++) deep = object({ a: deep });
    expect(() => derive(deep)).toThrow(GenerateError);
    expect(() => derive(deep)).toThrow(/nested deeper/);
  });
});

/** Small schemas built from the keywords strict derivation rewrites. */
const leaf = fc.oneof(
  fc.constant<Schema>({ type: "string" }),
  fc.constant<Schema>({ type: "integer", minimum: 0 }),
  fc.constant<Schema>({ type: ["string", "number"] }),
  fc.constant<Schema>({ enum: ["a", "b"] }),
  fc.constant<Schema>({ type: "string", nullable: true }),
  fc.constant<Schema>({ type: "boolean", default: true, description: "b" }),
);
const schemaArb: fc.Arbitrary<Schema> = fc.letrec<{ node: Schema }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc
      .record({ props: fc.dictionary(fc.constantFrom("a", "b", "c"), tie("node"), { maxKeys: 3 }), req: fc.boolean() })
      .map(({ props, req }) => ({
        type: "object",
        properties: props,
        ...(req ? { required: Object.keys(props) } : {}),
      })),
    fc.record({ items: tie("node") }).map(({ items }) => ({ type: "array", items, maxItems: 3 })),
    // anyOf of scalars only: with overlapping object branches the runtime decides per key, not per branch,
    // whether a null means absent (a known limit: an open branch that accepts the null keeps it).
    fc.array(leaf, { minLength: 1, maxLength: 3 }).map((anyOf) => ({ anyOf })),
  ),
})).node;

describe("every strict schema derived obeys the rules, and strict values read back valid", () => {
  it("for generated schemas: the rules hold; with no loss reported, a strict-valid value without its optional nulls is valid against the original", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("p", "q", "r"), schemaArb, { minKeys: 1, maxKeys: 3 }),
        fc.boolean(),
        (props, req) => {
          const original = { type: "object", properties: props, ...(req ? { required: Object.keys(props) } : {}) };
          const { schema, warnings } = derive(original);
          expect(checkStrictRules(schema)).toEqual([]);
          if (warnings.length > 0) return;
          const strictValid = createAjv("draft-07").compile(schema);
          const originalValid = createAjv("draft-07").compile(original);
          // A value the model may send: every property present, optional ones as null.
          const sample = sampleStrict(schema, schema);
          if (!strictValid(sample)) return;
          expect(originalValid(dropNulls(sample, original)), JSON.stringify(sample)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** A value valid against a strict schema: the first branch of each anyOf, null where null is allowed. */
function sampleStrict(s: Schema, root: Schema): unknown {
  if (typeof s.$ref === "string") return sampleStrict(root, root);
  if (Array.isArray(s.anyOf)) return sampleStrict(s.anyOf[s.anyOf.length - 1] as Schema, root);
  if (Array.isArray(s.enum)) return s.enum[s.enum.length - 1];
  const type = Array.isArray(s.type) ? s.type[s.type.length - 1] : s.type;
  switch (type) {
    case "null":
      return null;
    case "string":
      return "a";
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [sampleStrict(s.items as Schema, root)];
    default: {
      const out: Schema = {};
      for (const [k, v] of Object.entries((s.properties as Schema) ?? {})) out[k] = sampleStrict(v as Schema, root);
      return out;
    }
  }
}

/** What the runtime reads from the model's text: a null where the original forbids it is absent. */
function dropNulls(value: unknown, original: Schema): unknown {
  const parser = new PartialJSONParser({ schema: original, optionalNulls: "drop", strict: true });
  parser.write(JSON.stringify(value));
  return parser.end();
}
