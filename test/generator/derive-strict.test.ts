import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkStrictRules, STRICT_LIMITS } from "../../generator/derive/strict-rules.js";
import { isStrictLoss, strictSchema } from "../../generator/derive/strict-schema.js";
import { GenerateError } from "../../generator/schema/errors.js";
import { createAjv, dialectOf } from "../../generator/validators/standalone.js";
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

/**
 * A value the strict schema admits that, read back, fails the original: allowed only where the derivation
 * reported a loss. Returns the loss warnings' pointers, or "unsound" for such a value with no loss reported.
 */
function verdict(original: Schema, value: unknown): string[] | "unsound" | "rejected by strict" {
  const { schema, warnings } = derive(original);
  const losses = warnings.filter(isStrictLoss).map((w) => w.pointer);
  const dialect = dialectOf(original);
  if (!createAjv(dialect).compile(schema)(value)) return "rejected by strict";
  if (losses.length === 0 && !createAjv(dialect).compile(original)(dropNulls(value, original))) return "unsound";
  return losses;
}

describe("no value the strict schema admits fails the original unless a loss is reported", () => {
  it("a required property that properties does not describe takes additionalProperties' schema, or cannot be expressed", () => {
    const free = object({ a: { type: "string" } }, { required: ["a", "b"] });
    expect(() => derive(free)).toThrow(/\("b"\) of any type/);
    const typed = { ...free, additionalProperties: { type: "integer" } };
    expect(verdict(typed, { a: "x", b: 1 })).toEqual([]);
    expect(verdict(typed, { a: "x" })).toBe("rejected by strict");
  });

  it("a closed allOf member forbids the properties the other members add: optional ones leave the strict schema", () => {
    const closed = {
      type: "object",
      properties: { a: { type: "string" } },
      required: ["a"],
      additionalProperties: false,
    };
    const schema = object({ p: { allOf: [closed, { properties: { b: { type: "string" } } }] } });
    expect(verdict(schema, { p: { a: "x", b: "y" } })).toBe("rejected by strict");
    expect(verdict(schema, { p: { a: "x" } })).toEqual([]);
    // Required by one member and forbidden by another: no value fits, which strict mode cannot say.
    const impossible = object({ p: { allOf: [closed, { properties: { b: { type: "string" } }, required: ["b"] }] } });
    expect(() => derive(impossible)).toThrow(/allOf/);
  });

  it("an allOf member's additionalProperties schema applies to the properties the other members add", () => {
    const open = { type: "object", properties: { a: { type: "string" } }, additionalProperties: { enum: ["x", "y"] } };
    const schema = object({ p: { allOf: [open, { properties: { b: { type: "string" } }, required: ["b"] }] } });
    expect(verdict(schema, { p: { a: null, b: "z" } })).toBe("rejected by strict");
    expect(verdict(schema, { p: { a: null, b: "y" } })).toEqual([]);
  });

  it("keywords beside anyOf that close the object close every branch", () => {
    const schema = object({
      p: {
        type: "object",
        properties: { a: { type: "string" } },
        additionalProperties: false,
        anyOf: [{ properties: { b: { type: "string" } } }, { required: ["a"] }],
      },
    });
    expect(verdict(schema, { p: { a: "x", b: "y" } })).toBe("rejected by strict");
  });

  it("oneOf branches told apart by a tag still overlap on the other types they share (null)", () => {
    const branch = (tag: string) => ({
      type: ["object", "null"],
      properties: { kind: { const: tag } },
      required: ["kind"],
    });
    const schema = object({ u: { oneOf: [branch("a"), branch("b")] } });
    expect(verdict(schema, { u: null })).toEqual(["/properties/u/oneOf"]);
  });

  it("a $ref to an $anchor keeps working in the strict schema", () => {
    const schema = object(
      { p: { $ref: "#word" } },
      { $defs: { w: { $anchor: "word", type: "string", enum: ["hi"] } } },
    );
    expect(verdict({ $schema: "https://json-schema.org/draft/2020-12/schema", ...schema }, { p: "hi" })).toEqual([]);
  });

  it("a $ref to a nested $id resource, or a pointer inside it, names that resource's schema, not the root's", () => {
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "https://example.com/root.json",
      ...object(
        { p: { $ref: "box.json#/$defs/word" }, q: { $ref: "box.json" } },
        {
          $defs: {
            word: { type: "integer" },
            box: { $id: "box.json", ...object({ w: { $ref: "#/$defs/word" } }), $defs: { word: { enum: ["hi"] } } },
          },
        },
      ),
    };
    expect(verdict(schema, { p: "hi", q: { w: "hi" } })).toEqual([]);
    expect(verdict(schema, { p: 1, q: { w: "hi" } })).toBe("rejected by strict");
    expect(verdict(schema, { p: "hi", q: { w: 1 } })).toBe("rejected by strict");
  });

  it("a map with enum keys that requires a key outside the enum reports it", () => {
    const schema = object({
      m: { type: "object", propertyNames: { enum: ["x"] }, additionalProperties: { type: "number" }, required: ["z"] },
    });
    expect(() => verdict(schema, { m: { x: 1 } })).toThrow(/\("z"\) that additionalProperties: false forbids/);
  });
});

describe("oneOf → anyOf reports an overlap only where one is possible", () => {
  it.each<[string, unknown[]]>([
    [
      "distinct constants (a TypeScript-style enum with descriptions)",
      [{ const: "a", description: "A" }, { const: "b" }],
    ],
    ["distinct enum values", [{ enum: ["a", "b"] }, { enum: ["c"] }]],
    ["different types", [{ type: "string" }, { type: "integer" }, { type: "boolean" }]],
    ["a tag behind a $ref (Pydantic's discriminated union)", [{ $ref: "#/$defs/Cat" }, { $ref: "#/$defs/Dog" }]],
    [
      "a tag whose schema is itself a $ref to a one-value enum",
      [object({ kind: { $ref: "#/$defs/CatTag" } }), object({ kind: { $ref: "#/$defs/DogTag" } })],
    ],
  ])("%s: no warning", (_name, oneOf) => {
    const defs = {
      Cat: object({ pet: { const: "cat" }, meow: { type: "boolean" } }),
      Dog: object({ pet: { const: "dog" } }),
      CatTag: { type: "string", enum: ["cat"] },
      DogTag: { type: "string", enum: ["dog"] },
    };
    expect(derive(object({ u: { oneOf } }, { $defs: defs })).warnings).toEqual([]);
  });

  it.each<[string, unknown[]]>([
    ["integer and number", [{ type: "integer" }, { type: "number" }]],
    ["a constant and its type", [{ const: "a" }, { type: "string" }]],
    ["enums sharing a value", [{ enum: ["a", "b"] }, { enum: ["b", "c"] }]],
    [
      "a tag that one branch does not require",
      [object({ k: { const: "a" } }), { ...object({ k: { const: "b" } }), required: [] }],
    ],
  ])("%s: a loss at the oneOf", (_name, oneOf) => {
    const { warnings } = derive(object({ u: { oneOf } }));
    expect(warnings.filter(isStrictLoss).map((w) => w.pointer)).toEqual(["/properties/u/oneOf"]);
  });
});

/** Union branches and allOf members of the shapes the derivation rewrites: tags, constants, closures, nulls. */
const scalar = fc.constantFrom<Schema>(
  { type: "string" },
  { type: "integer" },
  { type: "number" },
  { type: "boolean" },
  { type: ["string", "null"] },
  { const: "a" },
  { const: 1 },
  { enum: ["a", "b"] },
  { enum: ["b", null] },
);
const field = fc.constantFrom<Schema>({ type: "string" }, { type: "integer" }, { enum: ["a", "b"] });
const member: fc.Arbitrary<Schema> = fc
  .record({
    type: fc.constantFrom<unknown>(undefined, "object", ["object", "null"]),
    tag: fc.constantFrom<unknown>(undefined, "a", "b", ["a", "b"]),
    fields: fc.dictionary(fc.constantFrom("x", "y"), field, { maxKeys: 2 }),
    required: fc.subarray(["x", "y", "z"]),
    rest: fc.constantFrom<unknown>(undefined, false, { type: "string" }, { enum: ["a"] }),
  })
  .map(({ type, tag, fields, required, rest }) => {
    const properties: Schema = { ...fields };
    if (tag !== undefined) properties.kind = Array.isArray(tag) ? { enum: tag } : { const: tag };
    const out: Schema = { properties, required: tag === undefined ? required : [...required, "kind"] };
    if (type !== undefined) out.type = type;
    if (rest !== undefined) out.additionalProperties = rest;
    return out;
  });
const combinator = fc.oneof(
  fc.array(fc.oneof(scalar, member), { minLength: 2, maxLength: 3 }).map((oneOf) => ({ oneOf })),
  fc.array(member, { minLength: 2, maxLength: 3 }).map((allOf) => ({ type: "object", allOf })),
  fc
    .record({ outer: member, anyOf: fc.array(member, { minLength: 1, maxLength: 2 }) })
    .map(({ outer, anyOf }) => ({ ...outer, type: "object", anyOf })),
  member.map((m) => ({ ...m, type: "object" })),
);

describe("oneOf, allOf, closures and required names: strict answers read back valid unless a loss is reported", () => {
  it("for generated schemas and values the strict schema admits", () => {
    let checked = 0;
    fc.assert(
      fc.property(combinator, fc.gen(), (u, gen) => {
        const original = object({ u });
        let derived: ReturnType<typeof derive>;
        try {
          derived = derive(original);
        } catch (error) {
          if (error instanceof GenerateError) return;
          throw error;
        }
        expect(checkStrictRules(derived.schema)).toEqual([]);
        if (derived.warnings.some(isStrictLoss)) return;
        const strictValid = createAjv("draft-07").compile(derived.schema);
        const originalValid = createAjv("draft-07").compile(original);
        for (let i = 0; i < 4; i++) {
          const value = strictValue(gen, derived.schema, derived.schema, 0);
          if (!strictValid(value)) continue;
          checked++;
          expect(
            originalValid(dropNulls(value, original)),
            `${JSON.stringify(value)} for ${JSON.stringify(original)}`,
          ).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
    // The property must have met values to judge (the arbitraries are not all unsatisfiable).
    expect(checked).toBeGreaterThan(100);
  });
});

/** A random value of a strict schema's shape (it may still miss a constraint: the caller checks it). */
function strictValue(gen: fc.GeneratorValue, s: Schema, root: Schema, depth: number): unknown {
  if (typeof s.$ref === "string") {
    const name = s.$ref.split("/").pop() as string;
    return strictValue(gen, ((root.$defs ?? root.definitions) as Schema)?.[name] as Schema, root, depth + 1);
  }
  if (Array.isArray(s.anyOf)) return strictValue(gen, gen(fc.constantFrom, ...(s.anyOf as Schema[])), root, depth);
  if (Array.isArray(s.enum)) return gen(fc.constantFrom, ...s.enum);
  if ("const" in s) return s.const;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  switch (gen(fc.constantFrom, ...types)) {
    case "null":
      return null;
    case "string":
      return gen(fc.constantFrom, "", "a", "b", "x");
    case "integer":
      return gen(fc.constantFrom, 0, 1, -1);
    case "number":
      return gen(fc.constantFrom, 0, 1, 2.5);
    case "boolean":
      return gen(fc.boolean);
    case "array":
      return depth > 4 ? [] : [strictValue(gen, s.items as Schema, root, depth + 1)];
    default: {
      const out: Schema = {};
      for (const [k, v] of Object.entries((s.properties as Schema) ?? {}))
        out[k] = strictValue(gen, v as Schema, root, depth + 1);
      return out;
    }
  }
}
