import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalize } from "../../generator/derive/normalize.js";
import { partialSchema } from "../../generator/derive/partial-schema.js";
import { createAjv } from "../../generator/validators/standalone.js";
import { compileStreamHints } from "../../runtime/hints/compile.js";
import type { StreamHintTable } from "../../runtime/hints/schema-hints.js";
import { PartialJSONParser } from "../../runtime/parse/lenient-parser.js";

type Schema = { [k: string]: unknown };

/** Every snapshot of `value`'s text, cut at the given points. */
function snapshots(
  schema: Schema | StreamHintTable,
  value: unknown,
  cuts: number[],
  optionalNulls: "keep" | "drop" = "keep",
) {
  const text = JSON.stringify(value);
  const parser = new PartialJSONParser({ schema, strict: true, optionalNulls });
  const out: unknown[] = [];
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)) {
    if (parser.write(text.slice(at, cut))) out.push(parser.value);
    at = cut;
  }
  parser.write(text.slice(at));
  return { snapshots: out, final: parser.end() };
}

const cuts = fc.array(fc.nat(400), { maxLength: 30 });

/** The partial validator the generator emits for `schema`: the runtime's snapshots must all pass it. */
function partialValidator(schema: Schema) {
  const validate = createAjv("draft-07").compile(partialSchema(normalize(schema)) as object);
  return (value: unknown) => validate(value) as boolean;
}

const atomicCases: [string, Schema, unknown][] = [
  [
    "references inside a nested $id resource name its own definitions and anchors (equal names elsewhere apart)",
    {
      $id: "https://example.com/root.json",
      type: "object",
      properties: { p: { $ref: "a.json" }, q: { $ref: "#item" } },
      definitions: {
        A: {
          $id: "a.json",
          type: "object",
          properties: { v: { $ref: "#/definitions/s" }, w: { $ref: "#item" } },
          definitions: { s: { enum: ["x1", "x2"] }, t: { $id: "#item", enum: ["long-value-1"] } },
        },
        s: { type: "string" },
        u: { $id: "#item", type: "string" },
      },
    },
    { p: { v: "x1", w: "long-value-1" }, q: "free text" },
  ],
  [
    "a nullable enum (zodResponseFormat's z.enum().nullable())",
    {
      type: "object",
      properties: { units: { anyOf: [{ type: "string", enum: ["celsius", "fahrenheit"] }, { type: "null" }] } },
      required: ["units"],
      additionalProperties: false,
    },
    { units: "fahrenheit" },
  ],
  [
    "an enum behind $ref with a sibling default (Pydantic's kind: Kind = Kind.single)",
    {
      type: "object",
      properties: { kind: { $ref: "#/$defs/Kind", default: "single" } },
      $defs: { Kind: { title: "Kind", type: "string", enum: ["single", "multiple"] } },
    },
    { kind: "multiple" },
  ],
  [
    "a const through allOf and a $ref chain, beside a non-string branch",
    {
      type: "object",
      properties: { v: { allOf: [{ $ref: "#/$defs/A" }] } },
      $defs: { A: { $ref: "#/$defs/B" }, B: { anyOf: [{ const: "exactly" }, { type: "integer" }] } },
    },
    { v: "exactly" },
  ],
  [
    "enum branches beside object and array branches, with annotations",
    {
      type: "object",
      properties: {
        e: {
          description: "d",
          title: "t",
          examples: ["x"],
          $comment: "c",
          deprecated: true,
          readOnly: true,
          oneOf: [
            { enum: ["left", "right"] },
            { type: "object", properties: { s: { type: "string" } } },
            { type: "array", items: { type: "string" } },
          ],
        },
      },
    },
    { e: "right" },
  ],
  [
    "an enum inside a nullable object (the null branch says nothing about its properties)",
    {
      type: "object",
      properties: {
        o: {
          anyOf: [{ type: "object", properties: { k: { type: "string", enum: ["alpha", "beta"] } } }, { type: "null" }],
        },
      },
    },
    { o: { k: "beta" } },
  ],
  [
    "a tagged union of open objects (Pydantic's default models): an enum the other branch never names",
    {
      type: "object",
      properties: {
        event: {
          oneOf: [
            {
              type: "object",
              properties: { type: { const: "keypress" }, key: { enum: ["shift", "enter"] } },
              required: ["type"],
            },
            { type: "object", properties: { type: { const: "click" }, x: { type: "number" } }, required: ["type"] },
          ],
        },
      },
    },
    { event: { type: "keypress", key: "shift" } },
  ],
  [
    "the same below an array (zod v4 looseObject: additionalProperties {})",
    {
      type: "object",
      properties: {
        events: {
          type: "array",
          items: {
            anyOf: [
              {
                type: "object",
                properties: {
                  type: { const: "keypress" },
                  modifiers: { type: "array", items: { type: "string", enum: ["shift", "alt"] } },
                },
                required: ["type"],
                additionalProperties: {},
              },
              {
                type: "object",
                properties: { type: { const: "click" } },
                required: ["type"],
                additionalProperties: {},
              },
            ],
          },
        },
      },
    },
    { events: [{ type: "click" }, { type: "keypress", modifiers: ["shift", "alt"] }] },
  ],
  [
    "a tagged union where both branches name a property, one as an enum and one as a free string",
    {
      type: "object",
      properties: {
        events: {
          type: "array",
          items: {
            oneOf: [
              {
                type: "object",
                properties: { type: { const: "keypress" }, key: { enum: ["shift", "enter"] } },
                required: ["type", "key"],
                additionalProperties: false,
              },
              {
                type: "object",
                properties: { type: { const: "typed" }, key: { type: "string" } },
                required: ["type", "key"],
                additionalProperties: false,
              },
            ],
          },
        },
      },
    },
    {
      events: [
        { type: "keypress", key: "shift" },
        { key: "enter", type: "keypress" },
        { type: "typed", key: "shi" },
      ],
    },
  ],
];

describe("optional nulls in a tagged union", () => {
  it("a null read before the tag is dropped once the tag selects a branch where it means absent; snapshots handed out stay as they were", () => {
    const schema = {
      type: "object",
      properties: {
        u: {
          oneOf: [
            { type: "object", properties: { x: { type: "string" }, kind: { const: "a" } }, required: ["kind"] },
            { type: "object", properties: { kind: { const: "b" } }, required: ["kind"] },
          ],
        },
      },
      required: ["u"],
    };
    // The order strict mode writes them in: the schema's (x before the tag).
    for (const text of ['{"u":{"x":null,"kind":"a"}}', '{"u":{"kind":"a","x":null}}']) {
      const parser = new PartialJSONParser({ schema, optionalNulls: "drop", strict: true, freeze: true });
      const before: unknown[] = [];
      for (const ch of text) if (parser.write(ch)) before.push(structuredClone(parser.value));
      expect(parser.end(), text).toEqual({ u: { kind: "a" } });
      expect(partialValidator(schema)(parser.value)).toBe(true);
      if (text.indexOf("x") < text.indexOf("kind")) expect(before).toContainEqual({ u: { x: null } });
    }
  });
});

describe("strings are atomic where every string-admitting schema restricts them to enum/const", () => {
  it.each(atomicCases)("%s", (_name, schema, value) => {
    const valid = partialValidator(schema);
    fc.assert(
      fc.property(cuts, (points) => {
        const { snapshots: shown, final } = snapshots(schema, value, points);
        for (const s of shown) expect(valid(s), JSON.stringify(s)).toBe(true);
        expect(final).toEqual(value);
      }),
    );
  });

  it("a free string branch beside an enum streams (a prefix is a valid free string)", () => {
    const schema = {
      type: "object",
      properties: { s: { anyOf: [{ enum: ["celsius"] }, { type: "string" }] } },
    };
    const { snapshots: shown } = snapshots(schema, { s: "celsius" }, [7, 8, 9]);
    expect(shown).toContainEqual({ s: "c" });
    const valid = partialValidator(schema);
    for (const s of shown) expect(valid(s)).toBe(true);
  });

  it("an open branch's unnamed property still streams where no branch names it", () => {
    const schema = {
      type: "object",
      properties: {
        o: {
          anyOf: [
            { type: "object", properties: { tag: { const: "a" }, k: { enum: ["alpha"] } } },
            { type: "object", properties: { tag: { const: "b" } } },
          ],
        },
      },
    };
    const value = { o: { tag: "b", note: "free text" } };
    const at = JSON.stringify(value).indexOf("free");
    const { snapshots: shown } = snapshots(schema, value, [at, at + 1, at + 2]);
    expect(shown).toContainEqual({ o: { tag: "b", note: "f" } });
    const valid = partialValidator(schema);
    for (const s of shown) expect(valid(s), JSON.stringify(s)).toBe(true);
  });
});

describe("patternProperties run in linear time on the keys the model writes", () => {
  // The case: JavaScript's RegExp takes over 10 s on this 31-character key (catastrophic backtracking).
  const schema = { type: "object", patternProperties: { "^(a+)+$": { enum: ["yes", "no"] } } };
  const matching = "a".repeat(30);
  const adversarial = `${matching}!`;

  it("a 30-character adversarial key under ^(a+)+$ parses at once, and the pattern still decides the hints", () => {
    const started = performance.now();
    const value = { [adversarial]: "yes", [matching]: "no" };
    const text = JSON.stringify(value);
    // Cut inside each string: the enum applies to the matching key only, so only the other string shows early.
    const cuts = [text.indexOf('"ye') + 3, text.lastIndexOf('"n') + 2];
    const { snapshots: shown, final } = snapshots(schema, value, cuts);
    expect(shown).toContainEqual({ [adversarial]: "ye" });
    expect(shown).not.toContainEqual(expect.objectContaining({ [matching]: "n" }));
    expect(final).toEqual(value);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("a pattern the linear-time engine refuses (a backreference) applies to no key", () => {
    const refused = { type: "object", patternProperties: { "^(a)\\1$": { enum: ["yes"] } } };
    const text = JSON.stringify({ aa: "yes" });
    const { snapshots: shown } = snapshots(refused, { aa: "yes" }, [text.indexOf('"y') + 2]);
    expect(shown).toContainEqual({ aa: "y" });
  });
});

describe("a discriminated union's tag, once complete, selects the hints of its branches", () => {
  /** The prefixes of `text` that some snapshot shows at `path` when the text is cut after every character. */
  function shownPrefixes(schema: Schema, value: unknown, read: (s: unknown) => unknown) {
    const text = JSON.stringify(value);
    const everyCut = Array.from({ length: text.length }, (_, i) => i);
    const table = compileStreamHints(schema) as StreamHintTable;
    const shown = snapshots(schema, value, everyCut).snapshots;
    expect(snapshots(table, value, everyCut).snapshots).toEqual(shown);
    const valid = partialValidator(schema);
    for (const s of shown) expect(valid(s), JSON.stringify(s)).toBe(true);
    return shown.map(read).filter((v) => v !== undefined);
  }

  // zod v4's nested discriminated unions, Pydantic's Union[Annotated[Union[A, B], Field(discriminator="sub")], C]
  const nested: Schema = {
    type: "object",
    properties: {
      o: {
        anyOf: [
          {
            oneOf: [
              { type: "object", properties: { kind: { const: "x" }, sub: { const: 1 }, key: { enum: ["shift"] } } },
              { type: "object", properties: { kind: { const: "x" }, sub: { const: 2 }, key: { type: "string" } } },
            ],
          },
          { type: "object", properties: { kind: { const: "y" }, key: { enum: ["shift"] } } },
        ],
      },
    },
  };

  it("an inner union's tag written before the outer one selects once the outer one is complete", () => {
    const keys = shownPrefixes(nested, { o: { sub: 2, kind: "x", key: "shift" } }, (s) => (s as Schema).o);
    expect(keys).toContainEqual({ sub: 2, kind: "x", key: "sh" });
  });

  it("before the tags select, a string is held while any branch holds it", () => {
    const keys = shownPrefixes(nested, { o: { key: "shift", sub: 2, kind: "x" } }, (s) => (s as Schema).o);
    expect(keys.filter((o) => typeof (o as Schema).key === "string")).toEqual([
      { key: "shift" },
      { key: "shift", sub: 2 },
      { key: "shift", sub: 2, kind: "x" },
    ]);
  });

  it("a tag of another type (a number, a boolean) selects too", () => {
    for (const [a, b] of [
      [1, 2],
      [true, false],
    ]) {
      const schema: Schema = {
        type: "object",
        properties: {
          o: {
            oneOf: [
              {
                type: "object",
                properties: { t: { const: a }, key: { enum: ["shift"] } },
                additionalProperties: false,
              },
              {
                type: "object",
                properties: { t: { enum: [b] }, key: { type: "string" } },
                additionalProperties: false,
              },
            ],
          },
        },
      };
      const keys = shownPrefixes(schema, { o: { t: b, key: "shift" } }, (s) => (s as Schema).o);
      expect(keys).toContainEqual({ t: b, key: "s" });
    }
  });

  it("a not-null property of a branch the tag rules out no longer holds its object back", () => {
    const schema: Schema = {
      type: "object",
      properties: {
        items: {
          type: "array",
          items: {
            oneOf: [
              { type: "object", properties: { type: { const: "a" }, id: { type: "string", "x-stream": "not-null" } } },
              { type: "object", properties: { type: { const: "b" }, text: { type: "string" } } },
            ],
          },
        },
      },
    };
    const items = shownPrefixes(schema, { items: [{ type: "b", text: "hello" }] }, (s) => (s as Schema).items);
    expect(items).toContainEqual([{ type: "b", text: "he" }]);
  });
});

describe("a null that strict mode's optional-made-nullable wrote reads as absent", () => {
  const cases: [string, Schema, unknown, unknown][] = [
    [
      "an optional $ref with a default",
      {
        type: "object",
        properties: { kind: { $ref: "#/$defs/Kind", default: "single" }, n: { type: "number" } },
        required: ["n"],
        $defs: { Kind: { type: "string", enum: ["single", "multiple"] } },
      },
      { kind: null, n: 1 },
      { n: 1 },
    ],
    [
      "oneOf branches that differ only in required",
      {
        type: "object",
        properties: { a: { type: "string" }, b: { type: "string" } },
        oneOf: [{ required: ["a"] }, { required: ["b"] }],
      },
      { a: "x", b: null },
      { a: "x" },
    ],
    [
      "a property every branch requires keeps its null (the final validator reports it)",
      {
        type: "object",
        properties: { a: { type: "string" }, b: { type: "string" } },
        anyOf: [{ required: ["a", "b"] }, { required: ["b"] }],
      },
      { a: "x", b: null },
      { a: "x", b: null },
    ],
    [
      "a nullable property keeps its null",
      { type: "object", properties: { a: { type: ["string", "null"] } } },
      { a: null },
      { a: null },
    ],
  ];
  it.each(cases)("%s", (_name, schema, sent, read) => {
    fc.assert(
      fc.property(cuts, (points) => {
        expect(snapshots(schema, sent, points, "drop").final).toEqual(read);
      }),
    );
  });
});

describe("the precomputed hint table reads as the schema does", () => {
  const all: [string, Schema, unknown][] = [...atomicCases];
  it.each(all)("%s", (_name, schema, value) => {
    const table = compileStreamHints(schema);
    expect(table).toBeDefined();
    fc.assert(
      fc.property(cuts, fc.constantFrom("keep" as const, "drop" as const), (points, mode) => {
        expect(snapshots(table as StreamHintTable, value, points, mode)).toEqual(
          snapshots(schema, value, points, mode),
        );
      }),
    );
  });

  it("is left out when hints depend on property names (patternProperties)", () => {
    expect(compileStreamHints({ type: "object", patternProperties: { "^a": { enum: ["x"] } } })).toBeUndefined();
  });
});
