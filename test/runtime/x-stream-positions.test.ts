import { describe, expect, it } from "vitest";
import { normalize } from "../../generator/derive/normalize.js";
import { partialSchema } from "../../generator/derive/partial-schema.js";
import { createAjv, dialectOf } from "../../generator/validators/standalone.js";
import { compileStreamHints } from "../../runtime/hints/compile.js";
import type { StreamHintTable } from "../../runtime/hints/schema-hints.js";
import { PartialJSONParser } from "../../runtime/parse/lenient-parser.js";

type Schema = { [k: string]: unknown };

const DIALECT = "https://json-schema.org/draft/2020-12/schema";

/** An object that is only valid once complete: what a not-null value must not be shown before. */
const item = (stream: string): Schema => ({
  type: "object",
  "x-stream": stream,
  properties: { id: { type: "string", minLength: 4 }, n: { type: "number" } },
  required: ["id", "n"],
});

/** Every position kind a schema object can sit at, with a valid value whose text passes through it. */
const positions: [string, (s: Schema) => Schema, unknown][] = [
  [
    "an array item",
    (s) => ({ type: "array", items: s }),
    [
      { id: "abcd", n: 1 },
      { id: "efgh", n: 2 },
    ],
  ],
  ["a tuple item (prefixItems)", (s) => ({ type: "array", prefixItems: [s] }), [{ id: "abcd", n: 1 }]],
  [
    "a tuple item (draft-07 array items)",
    (s) => ({ $schema: "http://json-schema.org/draft-07/schema#", type: "array", items: [s] }),
    [{ id: "abcd", n: 1 }],
  ],
  ["the root", (s) => s, { id: "abcd", n: 1 }],
  ["an anyOf branch", (s) => ({ type: "array", items: { anyOf: [s, { type: "string" }] } }), [{ id: "abcd", n: 1 }]],
  ["additionalProperties", (s) => ({ type: "object", additionalProperties: s }), { a: { id: "abcd", n: 1 } }],
  [
    "a patternProperties value",
    (s) => ({ type: "object", patternProperties: { "^a": s } }),
    { ab: { id: "abcd", n: 1 } },
  ],
  [
    "a patternProperties value matching a named property",
    (s) => ({ type: "object", properties: { ab: { type: "object" } }, patternProperties: { "^a": s } }),
    { ab: { id: "abcd", n: 1 } },
  ],
  [
    "a $ref target reached from an array item",
    (s) => ({ type: "array", items: { $ref: "#/$defs/Item" }, $defs: { Item: s } }),
    [{ id: "abcd", n: 1 }],
  ],
  ["a named property", (s) => ({ type: "object", properties: { p: s } }), { p: { id: "abcd", n: 1 } }],
];

/** Every snapshot of `value`'s text cut after each character, read with `hints` (a schema or its table). */
function everySnapshot(hints: Schema | StreamHintTable, value: unknown): unknown[] {
  const text = JSON.stringify(value);
  const parser = new PartialJSONParser({ schema: hints, strict: true });
  const shown: unknown[] = [];
  for (const c of text) if (parser.write(c)) shown.push(parser.value);
  expect(parser.end()).toEqual(value);
  return shown;
}

/*
 * The partial schema keeps an x-stream subtree whole wherever it sits, so the runtime must show it only complete
 * there too: `not-null` outside a named property means `done` (there is no object to hold back).
 */
describe('"x-stream" at every position: each snapshot passes the partial validator', () => {
  for (const stream of ["not-null", "done"])
    it.each(positions)(`${stream} at %s`, (_position, place, value) => {
      const schema = normalize({ $schema: DIALECT, ...place(item(stream)) }) as Schema;
      expect(createAjv(dialectOf(schema)).compile(schema)(value)).toBe(true);
      const valid = createAjv(dialectOf(schema)).compile(partialSchema(schema) as object);
      for (const hints of [schema, compileStreamHints(schema as never) ?? schema])
        for (const s of everySnapshot(hints as Schema, value))
          expect(valid(s), `${JSON.stringify(s)}: ${JSON.stringify(valid.errors)}`).toBe(true);
    });
});
