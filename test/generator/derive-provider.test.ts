import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainPattern } from "../../generator/derive/anthropic-schema.js";
import { providerSchema, SCHEMA_PROVIDERS, type SchemaProvider } from "../../generator/derive/provider-schema.js";
import { isStrictLoss } from "../../generator/derive/strict-schema.js";
import { GenerateError } from "../../generator/schema/errors.js";
import { createAjv } from "../../generator/validators/standalone.js";

type Schema = { [k: string]: unknown };
const root = (properties: Schema, required: string[] = Object.keys(properties)): Schema => ({
  type: "object",
  properties,
  required,
});

/** What a provider's derivation reports, in short: pointer, keyword (losses only) and whether it is a loss. */
const report = (provider: SchemaProvider, schema: Schema) => {
  const { schema: derived, warnings } = providerSchema(provider, schema, "s.json");
  return {
    schema: derived,
    warnings: warnings.map((w) => ({ pointer: w.pointer, loss: w.strictLoss ?? null })),
  };
};

interface Case {
  name: string;
  input: Schema;
  anthropic: { schema: Schema; warnings: { pointer: string; loss: string | null }[] };
  gemini: { schema: Schema; warnings: { pointer: string; loss: string | null }[] };
}

const closed = (properties: Schema, required: string[] = Object.keys(properties)): Schema => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});

const cases: Case[] = [
  {
    name: "optional properties stay optional (no nullable), objects closed",
    input: root({ a: { type: "string" }, b: { type: "integer" } }, ["a"]),
    anthropic: { schema: closed({ a: { type: "string" }, b: { type: "integer" } }, ["a"]), warnings: [] },
    gemini: { schema: closed({ a: { type: "string" }, b: { type: "integer" } }, ["a"]), warnings: [] },
  },
  {
    name: "numeric bounds: Anthropic drops them (losses), Gemini keeps minimum/maximum and drops the rest",
    input: root({ n: { type: "number", minimum: 0, maximum: 9, exclusiveMaximum: 9, multipleOf: 0.5 } }),
    anthropic: {
      schema: closed({ n: { type: "number" } }),
      warnings: [
        { pointer: "/properties/n/minimum", loss: "minimum" },
        { pointer: "/properties/n/maximum", loss: "maximum" },
        { pointer: "/properties/n/exclusiveMaximum", loss: "exclusiveMaximum" },
        { pointer: "/properties/n/multipleOf", loss: "multipleOf" },
      ],
    },
    gemini: {
      schema: closed({ n: { type: "number", minimum: 0, maximum: 9 } }),
      warnings: [
        { pointer: "/properties/n/exclusiveMaximum", loss: "exclusiveMaximum" },
        { pointer: "/properties/n/multipleOf", loss: "multipleOf" },
      ],
    },
  },
  {
    name: "array lengths: Anthropic keeps minItems 0 or 1 only, Gemini both",
    input: root({ l: { type: "array", items: { type: "string" }, minItems: 2, maxItems: 4 } }),
    anthropic: {
      schema: closed({ l: { type: "array", items: { type: "string" }, minItems: 1 } }),
      warnings: [
        { pointer: "/properties/l/maxItems", loss: "maxItems" },
        { pointer: "/properties/l/minItems", loss: "minItems" },
      ],
    },
    gemini: {
      schema: closed({ l: { type: "array", items: { type: "string" }, minItems: 2, maxItems: 4 } }),
      warnings: [],
    },
  },
  {
    name: "pattern: Anthropic keeps a plain one and drops a lookahead; Gemini drops both",
    input: root({ p: { type: "string", pattern: "^[a-z]+$" }, q: { type: "string", pattern: "^(?!x)" } }),
    anthropic: {
      schema: closed({ p: { type: "string", pattern: "^[a-z]+$" }, q: { type: "string" } }),
      warnings: [{ pointer: "/properties/q/pattern", loss: "pattern" }],
    },
    gemini: {
      schema: closed({ p: { type: "string" }, q: { type: "string" } }),
      warnings: [
        { pointer: "/properties/p/pattern", loss: "pattern" },
        { pointer: "/properties/q/pattern", loss: "pattern" },
      ],
    },
  },
  {
    name: "const and enums: Gemini's enum takes strings and numbers, so null and booleans become anyOf branches",
    input: root({
      k: { const: "a" },
      e: { enum: ["x", 1, null, true, false] },
      t: { const: true },
    }),
    anthropic: {
      schema: closed({ k: { const: "a" }, e: { enum: ["x", 1, null, true, false] }, t: { const: true } }),
      warnings: [],
    },
    gemini: {
      schema: closed({
        k: { enum: ["a"] },
        e: { anyOf: [{ enum: ["x", 1] }, { type: "null" }, { type: "boolean" }] },
        t: {},
      }),
      warnings: [{ pointer: "/properties/t/const", loss: "const" }],
    },
  },
  {
    name: "definitions: Gemini reads $defs only, and nothing beside a $ref but $ keywords",
    input: {
      ...root({ a: { $ref: "#/definitions/A", description: "an A" } }),
      definitions: { A: root({ s: { type: "string" } }) },
    },
    anthropic: {
      schema: {
        ...closed({ a: { $ref: "#/definitions/A", description: "an A" } }),
        definitions: { A: closed({ s: { type: "string" } }) },
      },
      warnings: [],
    },
    gemini: {
      schema: {
        ...closed({ a: { $ref: "#/$defs/A" } }),
        $defs: { A: closed({ s: { type: "string" } }) },
      },
      warnings: [],
    },
  },
  {
    name: "recursion: Anthropic refuses any cycle; Gemini only one through required properties",
    input: {
      ...root({ head: { $ref: "#/$defs/Node" } }),
      $defs: { Node: root({ next: { $ref: "#/$defs/Node" } }, []) },
    },
    anthropic: {
      schema: {
        ...closed({ head: { $ref: "#/$defs/Node" } }),
        $defs: { Node: closed({ next: { $ref: "#/$defs/Node" } }, []) },
      },
      warnings: [{ pointer: "/$defs/Node", loss: null }],
    },
    gemini: {
      schema: {
        ...closed({ head: { $ref: "#/$defs/Node" } }),
        $defs: { Node: closed({ next: { $ref: "#/$defs/Node" } }, []) },
      },
      warnings: [],
    },
  },
];

describe("each provider's schema: derived, checked against its rules, every loss named by keyword and pointer", () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(report("anthropic", c.input)).toEqual(c.anthropic);
      expect(report("gemini", c.input)).toEqual(c.gemini);
    });
  }

  it("Gemini: a cycle through required properties is reported; Anthropic's limits of optional and union properties", () => {
    const cyclic = { ...root({ head: { $ref: "#/$defs/N" } }), $defs: { N: root({ next: { $ref: "#/$defs/N" } }) } };
    expect(report("gemini", cyclic).warnings).toEqual([{ pointer: "/$defs/N", loss: null }]);
    const many = (n: number, s: Schema) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, s]));
    expect(report("anthropic", root(many(24, { type: "string" }), [])).warnings).toEqual([]);
    expect(report("anthropic", root(many(25, { type: "string" }), [])).warnings).toEqual([{ pointer: "", loss: null }]);
    expect(report("anthropic", root(many(16, { type: ["string", "null"] }))).warnings).toEqual([]);
    expect(report("anthropic", root(many(17, { type: ["string", "null"] }))).warnings).toEqual([
      { pointer: "", loss: null },
    ]);
  });

  it("a root $ref (Pydantic's model) is reported where the file has the definition", () => {
    const model = root({ n: { type: "integer", multipleOf: 2 } });
    const input = { $ref: "#/$defs/Model", $defs: { Model: model } };
    expect(report("gemini", input).warnings).toEqual([
      { pointer: "/$defs/Model/properties/n/multipleOf", loss: "multipleOf" },
    ]);
  });

  it("a pattern is plain unless it has a backreference, lookaround or word boundary outside an escape", () => {
    for (const p of ["^a+$", "\\\\b", "[(?=]", "\\d{3}-\\w"]) expect(plainPattern(p), p).toBe(true);
    for (const p of ["(a)\\1", "\\bword", "(?<=x)y", "(?!a)", "(?<n>a)\\k<n>"]) expect(plainPattern(p), p).toBe(false);
  });
});

// Schemas built from the keywords the providers treat differently, and values of their shape.
const leaf: fc.Arbitrary<Schema> = fc.oneof(
  fc
    .record(
      {
        minimum: fc.integer({ min: -2, max: 2 }),
        maximum: fc.integer({ min: 0, max: 4 }),
        exclusiveMaximum: fc.integer({ min: 1, max: 5 }),
        multipleOf: fc.constantFrom(1, 2),
      },
      { requiredKeys: [] },
    )
    .map((r) => ({ type: "integer", ...r })),
  fc
    .record(
      { minItems: fc.integer({ min: 0, max: 3 }), maxItems: fc.integer({ min: 0, max: 3 }) },
      { requiredKeys: [] },
    )
    .map((r) => ({ type: "array", items: { type: "integer" }, ...r })),
  fc.constantFrom("^a", "^(?!a)", "b$", "^(a)\\1").map((pattern) => ({ type: "string", pattern })),
  fc.constantFrom<unknown>("a", 1, true, false, null).map((v) => ({ const: v })),
  fc.subarray<unknown>(["a", "b", 1, null, true, false], { minLength: 1 }).map((values) => ({ enum: values })),
  fc.constant({ oneOf: [{ type: "integer" }, { type: "number", minimum: 1 }] }),
);
const schemas = fc
  .dictionary(fc.constantFrom("a", "b", "c"), leaf, { minKeys: 1, maxKeys: 3 })
  .chain((properties) =>
    fc.subarray(Object.keys(properties)).map((required) => ({ type: "object", properties, required })),
  );

function sampleValue(gen: fc.GeneratorValue, s: Schema, depth = 0): unknown {
  if (Array.isArray(s.anyOf)) return sampleValue(gen, gen(fc.constantFrom, ...(s.anyOf as Schema[])), depth);
  if (Array.isArray(s.enum)) return gen(fc.constantFrom, ...s.enum);
  if ("const" in s) return s.const;
  const types = Array.isArray(s.type)
    ? s.type
    : s.type === undefined
      ? ["null", "string", "integer", "boolean"]
      : [s.type];
  switch (gen(fc.constantFrom, ...types)) {
    case "null":
      return null;
    case "string":
      return gen(fc.constantFrom, "", "a", "ab", "ba", "aa", "x");
    case "integer":
    case "number":
      return gen(fc.integer, { min: -3, max: 6 });
    case "boolean":
      return gen(fc.boolean);
    case "array":
      return Array.from({ length: gen(fc.integer, { min: 0, max: 4 }) }, () =>
        sampleValue(gen, (s.items as Schema) ?? {}, depth + 1),
      );
    default: {
      const out: Schema = {};
      for (const [k, v] of Object.entries((s.properties as Schema) ?? {}))
        if (gen(fc.boolean) || (s.required as string[]).includes(k)) out[k] = sampleValue(gen, v as Schema, depth + 1);
      return out;
    }
  }
}

describe("soundness of each provider schema: a value the provider's schema admits passes the full validator wherever no loss is reported", () => {
  for (const provider of SCHEMA_PROVIDERS) {
    it(provider, () => {
      let checked = 0;
      fc.assert(
        fc.property(schemas, fc.gen(), (original, gen) => {
          let derived: ReturnType<typeof providerSchema>;
          try {
            derived = providerSchema(provider, original, "s.json");
          } catch (error) {
            if (error instanceof GenerateError) return;
            throw error;
          }
          if ([...derived.warnings, ...derived.inherited].some(isStrictLoss)) return;
          const providerValid = createAjv("draft-07").compile(derived.schema);
          const originalValid = createAjv("draft-07").compile(original);
          for (let i = 0; i < 6; i++) {
            const value = sampleValue(gen, derived.schema);
            if (!providerValid(value)) continue;
            checked++;
            expect(originalValid(value), `${JSON.stringify(value)} for ${JSON.stringify(original)}`).toBe(true);
          }
        }),
        { numRuns: 300 },
      );
      expect(checked).toBeGreaterThan(100);
    });
  }
});
