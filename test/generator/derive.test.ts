import { join } from "node:path";
import { compileStreamHints, type StreamHintTable } from "@partialgen/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod/v3";
import { zodToJsonSchema } from "zod-to-json-schema";
import { NORMALIZE_RULES, normalize } from "../../generator/derive/normalize.js";
import { partialSchema } from "../../generator/derive/partial-schema.js";
import { strictSchema } from "../../generator/derive/strict-schema.js";
import { generateFromFiles } from "../../generator/index.js";
import { GenerateError } from "../../generator/schema/errors.js";
import { xStreamWarnings } from "../../generator/schema/x-stream-warnings.js";
import { OUTPUT } from "./helpers.js";

/** Table-driven: [rule, in, out]. */
const partialCases: [string, unknown, unknown][] = [
  [
    "required, minProperties, minItems, minLength are dropped; maxima are kept",
    {
      type: "object",
      required: ["a"],
      minProperties: 1,
      maxProperties: 3,
      properties: {
        a: { type: "array", minItems: 2, maxItems: 4, items: { type: "string", minLength: 3, maxLength: 9 } },
      },
    },
    {
      type: "object",
      maxProperties: 3,
      properties: { a: { type: "array", maxItems: 4, items: { type: "string", maxLength: 9 } } },
    },
  ],
  [
    "pattern and format are dropped from streaming strings",
    { type: "string", pattern: "^a+$", format: "email" },
    { type: "string" },
  ],
  [
    "pattern and format stay on enum strings (shown complete)",
    { enum: ["ab", "cd"], pattern: "^[a-z]+$" },
    { enum: ["ab", "cd"], pattern: "^[a-z]+$" },
  ],
  [
    "oneOf becomes anyOf",
    { oneOf: [{ type: "string" }, { type: "number" }] },
    { anyOf: [{ type: "string" }, { type: "number" }] },
  ],
  [
    "not, if/then/else, uniqueItems, contains are dropped",
    // biome-ignore lint/suspicious/noThenProperty: "then" is a JSON Schema keyword here
    { not: { type: "null" }, if: {}, then: {}, else: {}, uniqueItems: true, contains: {} },
    {},
  ],
  [
    "enum/const of containers are dropped, of scalars kept",
    { anyOf: [{ const: { a: 1 } }, { enum: [[1]] }, { const: 3 }] },
    { anyOf: [{}, {}, { const: 3 }] },
  ],
  [
    '"x-stream": "done" subtrees are kept whole',
    {
      type: "object",
      properties: {
        t: { "x-stream": "done", type: "object", required: ["a"], properties: { a: { type: "string", minLength: 2 } } },
      },
    },
    {
      type: "object",
      properties: {
        t: { "x-stream": "done", type: "object", required: ["a"], properties: { a: { type: "string", minLength: 2 } } },
      },
    },
  ],
  [
    "a required not-null property stays required",
    {
      type: "object",
      required: ["id", "n"],
      properties: { id: { type: "string", "x-stream": "not-null" }, n: { type: "number" } },
    },
    {
      type: "object",
      required: ["id"],
      properties: { id: { type: "string", "x-stream": "not-null" }, n: { type: "number" } },
    },
  ],
  [
    "additionalProperties: false is kept",
    { type: "object", additionalProperties: false },
    { type: "object", additionalProperties: false },
  ],
  [
    "$defs are relaxed too",
    { $defs: { a: { required: ["x"] } }, $ref: "#/$defs/a" },
    { $defs: { a: {} }, $ref: "#/$defs/a" },
  ],
];

describe("partial schema rules", () => {
  it.each(partialCases)("%s", (_rule, input, output) => {
    const before = structuredClone(input);
    expect(partialSchema(input)).toEqual(output);
    expect(input).toEqual(before);
  });

  // A property schema made of the keywords that decide what is shown whole, and ones the partial schema relaxes.
  const property = fc.record(
    {
      type: fc.constantFrom("string", ["string", "null"]),
      enum: fc.constantFrom(["ab", "cd"], ["ab", null]),
      const: fc.constantFrom("ab", null),
      pattern: fc.constant("^[a-z]+$"),
      format: fc.constant("email"),
      minLength: fc.constant(2),
      "x-stream": fc.constantFrom("done", "not-null", "other"),
    },
    { requiredKeys: [] },
  );

  it("keeps exactly what the stream hints show whole: one rule for the hints and the partial schema", () => {
    fc.assert(
      fc.property(property, (p) => {
        const schema = { type: "object", required: ["k"], properties: { k: p } };
        const table = compileStreamHints(schema) as StreamHintTable;
        const root = table.rows[0]!;
        const row = table.rows[root.p!.k!]!;
        const flags = row.f ?? 0;
        const partial = partialSchema(schema) as { required?: string[]; properties: { k: Record<string, unknown> } };
        const kept = partial.properties.k;
        const shownWhole = (flags & 1) !== 0 || (root.n ?? []).includes("k");
        // A subtree shown whole (done, or a not-null property) is kept as it is; a streaming one is relaxed.
        expect(kept === p || kept.minLength === undefined).toBe(true);
        expect(kept === p).toBe(shownWhole);
        // A string shown only complete keeps its pattern and format; a streaming string cannot satisfy them yet.
        if ("pattern" in p) expect("pattern" in kept).toBe(shownWhole || (flags & 2) !== 0);
        // A not-null property holds its object back until it is there, so it stays required.
        expect(partial.required ?? []).toEqual((root.n ?? []).includes("k") ? ["k"] : []);
      }),
    );
  });
});

describe('"x-stream" annotations that change nothing are reported with their JSON Pointer', () => {
  const pointers = (schema: unknown) => xStreamWarnings(schema, "s.json").map((w) => w.pointer);

  it("an unknown value, one under a keyword no value is shown through, one inside a whole subtree", () => {
    const schema = {
      type: "object",
      properties: {
        typo: { type: "object", "x-stream": "not_null" },
        whole: { type: "object", "x-stream": "done", properties: { id: { type: "string", "x-stream": "not-null" } } },
        negated: { not: { "x-stream": "done" } },
        keys: { type: "object", propertyNames: { "x-stream": "done" } },
      },
      $defs: { Item: { type: "object", "x-stream": "not-null" } },
    };
    expect(pointers(schema)).toEqual([
      "/properties/typo/x-stream",
      "/properties/whole/properties/id/x-stream",
      "/properties/negated/not/x-stream",
      "/properties/keys/propertyNames/x-stream",
    ]);
  });

  it("every position a value streams at is in effect: properties, items, the root, branches, $defs", () => {
    const annotated = { type: "object", "x-stream": "not-null" };
    const schema = {
      type: "object",
      properties: { p: annotated, list: { type: "array", items: annotated, prefixItems: [annotated] } },
      additionalProperties: annotated,
      patternProperties: { "^a": annotated },
      anyOf: [annotated, { allOf: [annotated] }],
      $defs: { Item: annotated },
    };
    expect(pointers(schema)).toEqual([]);
    expect(pointers({ ...annotated, $defs: { Item: annotated } })).toEqual([]);
    // A branch of a value shown whole is the same value: as a property, its not-null still holds the object back.
    const branch = { "x-stream": "done", anyOf: [{ type: "string", "x-stream": "not-null" }, { type: "null" }] };
    expect(pointers({ type: "object", properties: { p: branch } })).toEqual([]);
  });

  it("reaches the generator's warnings", async () => {
    const result = await generateFromFiles([
      {
        path: join(OUTPUT, "x-stream-warnings", "s.json"),
        displayPath: "s.json",
        schema: { title: "S", type: "object", properties: { a: { type: "string", "x-stream": "whole" } } },
      },
    ]);
    expect(result.warnings.filter((w) => w.message.includes("x-stream"))).toEqual([
      { file: "s.json", pointer: "/properties/a/x-stream", message: expect.stringContaining('"whole" has no effect') },
    ]);
  });
});

describe("strict schema", () => {
  const strict = (schema: unknown) => strictSchema(schema, "s.json").schema;

  it("closes objects and makes optional properties required but nullable", () => {
    expect(
      strict({
        type: "object",
        properties: {
          a: { type: "string" },
          b: { type: "integer" },
          c: { $ref: "#/$defs/c" },
          d: { enum: ["x", "y"], type: "string" },
        },
        required: ["a"],
        $defs: { c: { type: "object", properties: { z: { type: "boolean" } } } },
      }),
    ).toEqual({
      type: "object",
      properties: {
        a: { type: "string" },
        b: { type: ["integer", "null"] },
        c: { anyOf: [{ $ref: "#/$defs/c" }, { type: "null" }] },
        d: { enum: ["x", "y", null], type: ["string", "null"] },
      },
      required: ["a", "b", "c", "d"],
      additionalProperties: false,
      $defs: {
        c: {
          type: "object",
          properties: { z: { type: ["boolean", "null"] } },
          required: ["z"],
          additionalProperties: false,
        },
      },
    });
  });

  it("removes x-* keywords, annotations and unsupported keywords (reported), turns oneOf into anyOf", () => {
    const { schema, warnings } = strictSchema(
      {
        type: "object",
        "x-stream": "done",
        default: {},
        properties: {
          s: { type: "string", minLength: 2, format: "uri" },
          u: { oneOf: [{ type: "string" }, { type: "number" }] },
        },
        required: ["s", "u"],
      },
      "s.json",
    );
    expect(schema).toEqual({
      type: "object",
      properties: { s: { type: "string" }, u: { anyOf: [{ type: "string" }, { type: "number" }] } },
      required: ["s", "u"],
      additionalProperties: false,
    });
    expect(warnings.map((w) => w.pointer)).toEqual(["/properties/s/minLength", "/properties/s/format"]);
  });

  it.each([
    ["a non-object root", { type: "array", items: { type: "string" } }, "", "type"],
    [
      "patternProperties",
      { type: "object", properties: { m: { type: "object", patternProperties: { "^a": { type: "string" } } } } },
      "/properties/m",
      "patternProperties",
    ],
    [
      "a free-form map",
      { type: "object", properties: { m: { type: "object", additionalProperties: { type: "string" } } } },
      "/properties/m/additionalProperties",
      "additionalProperties",
    ],
    [
      "a tuple of different item schemas",
      { type: "object", properties: { t: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }] } } },
      "/properties/t/prefixItems",
      "prefixItems",
    ],
    [
      "allOf members that contradict each other",
      { type: "object", properties: { a: { allOf: [{ type: "string" }, { type: "number" }] } } },
      "/properties/a/allOf/1/type",
      "allOf",
    ],
    ["a root anyOf", { anyOf: [{ type: "object", properties: {} }] }, "", "type"],
    ["an array without items", { type: "object", properties: { a: { type: "array" } } }, "/properties/a", "items"],
    ["an untyped value", { type: "object", properties: { a: { description: "anything" } } }, "/properties/a", "type"],
  ])("cannot express %s: a GenerateError naming the keyword and JSON Pointer", (_name, schema, pointer, keyword) => {
    let error: unknown;
    try {
      strictSchema(schema, "dir/s.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GenerateError);
    expect((error as GenerateError).pointer).toBe(pointer);
    expect((error as GenerateError).keyword).toBe(keyword);
    expect((error as GenerateError).message).toContain(`dir/s.json${pointer === "" ? "" : `#${pointer}`}`);
  });
});

describe("normalisation rules", () => {
  it("has a case for each rule", () => {
    expect(NORMALIZE_RULES.map((r) => r.name)).toHaveLength(5);
  });

  it("OpenAPI nullable: true adds null to the type and the enum", () => {
    expect(normalize({ type: "string", enum: ["a"], nullable: true })).toEqual({
      type: ["string", "null"],
      enum: ["a", null],
    });
    expect(normalize({ nullable: true })).toEqual({ nullable: true });
  });

  it("draft-04 exclusive bounds become numbers, $schema becomes draft-07, id is dropped", () => {
    expect(
      normalize({
        $schema: "http://json-schema.org/draft-04/schema#",
        id: "http://x/y.json",
        properties: { a: { type: "number", minimum: 0, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false } },
      }),
    ).toEqual({
      $schema: "http://json-schema.org/draft-07/schema#",
      properties: { a: { type: "number", exclusiveMinimum: 0, maximum: 9 } },
    });
  });

  it("identity escapes invalid in Unicode mode are unescaped, in pattern and patternProperties; others stay", () => {
    expect(
      normalize({
        properties: { a: { type: "string", pattern: "^https\\:\\/\\/" }, b: { pattern: "[\\:a\\-z]\\-" } },
        patternProperties: { "^x\\-": { type: "number" } },
      }),
    ).toEqual({
      properties: { a: { type: "string", pattern: "^https:\\/\\/" }, b: { pattern: "[:a\\-z]-" } },
      patternProperties: { "^x-": { type: "number" } },
    });
    // Not an identity escape (a class escape in a range): left for the pattern check to name.
    expect(normalize({ pattern: "^[\\w-.]+$" })).toEqual({ pattern: "^[\\w-.]+$" });
  });

  it("zod-to-json-schema's escaped literals (startsWith/endsWith/includes) compile in Unicode mode and mean the same", () => {
    const text = fc.string({ unit: fc.constantFrom(..."abw:/.-_@ #%&,;=!<>~'\"`é€😀[](){}*+?^$|\\") });
    fc.assert(
      fc.property(text, text, (literal, probe) => {
        const { pattern: original } = zodToJsonSchema(z.string().startsWith(literal)) as { pattern: string };
        const pattern = (normalize({ pattern: original }) as { pattern: string }).pattern;
        const unicode = new RegExp(pattern, "u");
        expect(unicode.test(literal + probe)).toBe(true);
        expect(unicode.test(probe)).toBe(new RegExp(original).test(probe));
      }),
    );
  });

  it("a property named id is not mistaken for draft-04's id", () => {
    const schema = { type: "object", properties: { id: { type: "string" } } };
    expect(normalize(schema)).toEqual(schema);
  });
});
