import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalize } from "../../generator/derive/normalize.js";
import { partialSchema } from "../../generator/derive/partial-schema.js";
import { xStreamWarnings } from "../../generator/schema/x-stream-warnings.js";
import { createAjv, dialectOf } from "../../generator/validators/standalone.js";
import { compileStreamHints } from "../../runtime/hints/compile.js";
import { chunkedSnapshots } from "./random.js";

/*
 * Schemas built at random with "x-stream" annotations at random positions (properties, array and tuple items,
 * the root, union branches, additionalProperties and patternProperties values, $ref sites and their targets),
 * beside keywords a prefix violates (required, minLength, minItems). Every snapshot of every chunking of a
 * valid value must pass the partial validator: what the partial schema keeps whole, the runtime shows whole.
 */

type Stream = "done" | "not-null" | undefined;
type Kind = "string" | "number" | "null" | "object" | "array";
type Shape = { stream: Stream } & (
  | { kind: "string"; minLength: number; values?: string[] }
  | { kind: "number" }
  | { kind: "null" }
  | { kind: "object"; props: Member[]; extra?: { how: "additional" | "pattern"; shape: Shape }; closed: boolean }
  | { kind: "array"; items: Shape; minItems: number }
  | { kind: "tuple"; prefix: Shape[] }
  | { kind: "union"; keyword: "anyOf" | "oneOf"; branches: Shape[] }
  | { kind: "ref"; target: Shape }
);
interface Member {
  name: string;
  shape: Shape;
  required: boolean;
}

const stream = fc.constantFrom<Stream>(undefined, undefined, "done", "not-null", "not-null");
const KINDS: Kind[] = ["string", "number", "null", "object", "array"];
/** Named properties never match the pattern ("^a") nor the additional keys ("z1", "z2"). */
const NAMES = ["id", "n", "b", "c"];

/** A shape whose values are all of JSON type `kind` (a union's branches get distinct kinds: oneOf holds). */
function shapeOf(kind: Kind, depth: number): fc.Arbitrary<Shape> {
  const inner = depth > 0 ? shapeArb(depth - 1) : fc.constant<Shape>({ kind: "number", stream: undefined });
  let own: fc.Arbitrary<Shape>;
  switch (kind) {
    case "string":
      own = fc.record({
        kind: fc.constant("string" as const),
        stream,
        minLength: fc.nat(3),
        values: fc.option(fc.constant(["ab", "abc", "abcd"]), { nil: undefined }),
      });
      break;
    case "number":
      own = fc.record({ kind: fc.constant("number" as const), stream });
      break;
    case "null":
      own = fc.record({ kind: fc.constant("null" as const), stream });
      break;
    case "object": {
      const member = fc.record({ name: fc.constantFrom(...NAMES), shape: inner, required: fc.boolean() });
      own = fc.record(
        {
          kind: fc.constant("object" as const),
          stream,
          props: fc.uniqueArray(member, { selector: (m) => m.name, maxLength: 3 }),
          extra: fc.record({ how: fc.constantFrom("additional" as const, "pattern" as const), shape: inner }),
          closed: fc.boolean(),
        },
        { requiredKeys: ["kind", "stream", "props", "closed"] },
      );
      break;
    }
    case "array":
      own = fc.oneof(
        fc.record({ kind: fc.constant("array" as const), stream, items: inner, minItems: fc.nat(2) }),
        fc.record({
          kind: fc.constant("tuple" as const),
          stream,
          prefix: fc.array(inner, { minLength: 1, maxLength: 3 }),
        }),
      );
      break;
  }
  if (depth === 0) return own;
  // The same kind reached through a $ref, annotated at the site, the target, both or neither.
  return fc.oneof(
    { arbitrary: own, weight: 4 },
    { arbitrary: fc.record({ kind: fc.constant("ref" as const), stream, target: own }), weight: 1 },
  );
}

function shapeArb(depth: number): fc.Arbitrary<Shape> {
  const single = fc.constantFrom(...KINDS).chain((k) => shapeOf(k, depth));
  if (depth === 0) return single;
  const union = fc.shuffledSubarray(KINDS, { minLength: 2, maxLength: 3 }).chain((kinds) =>
    fc.record({
      kind: fc.constant("union" as const),
      stream,
      keyword: fc.constantFrom("anyOf" as const, "oneOf" as const),
      branches: fc.tuple(...kinds.map((k) => shapeOf(k, depth - 1))),
    }),
  );
  return fc.oneof({ arbitrary: single, weight: 3 }, { arbitrary: union, weight: 1 });
}

/** The JSON Schema of a shape; $ref targets go to `defs`. */
function schemaOf(shape: Shape, defs: Record<string, unknown>): Record<string, unknown> {
  const own = ((): Record<string, unknown> => {
    switch (shape.kind) {
      case "string":
        return {
          type: "string",
          ...(shape.minLength > 0 ? { minLength: shape.minLength } : {}),
          ...(shape.values ? { enum: shape.values } : {}),
        };
      case "number":
        return { type: "number" };
      case "null":
        return { type: "null" };
      case "object": {
        const out: Record<string, unknown> = {
          type: "object",
          properties: Object.fromEntries(shape.props.map((m) => [m.name, schemaOf(m.shape, defs)])),
          required: shape.props.filter((m) => m.required).map((m) => m.name),
        };
        if (shape.extra?.how === "pattern") out.patternProperties = { "^a": schemaOf(shape.extra.shape, defs) };
        if (shape.extra?.how === "additional") out.additionalProperties = schemaOf(shape.extra.shape, defs);
        else if (shape.closed) out.additionalProperties = false;
        return out;
      }
      case "array":
        return {
          type: "array",
          items: schemaOf(shape.items, defs),
          ...(shape.minItems > 0 ? { minItems: shape.minItems } : {}),
        };
      case "tuple":
        return { type: "array", prefixItems: shape.prefix.map((s) => schemaOf(s, defs)) };
      case "union":
        return { [shape.keyword]: shape.branches.map((b) => schemaOf(b, defs)) };
      case "ref": {
        const name = `D${Object.keys(defs).length}`;
        defs[name] = {};
        defs[name] = schemaOf(shape.target, defs);
        return { $ref: `#/$defs/${name}` };
      }
    }
  })();
  return shape.stream === undefined ? own : { ...own, "x-stream": shape.stream };
}

const number = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.integer({ min: -1e4, max: 1e4 }).map((n) => n / 8),
);

function instanceOf(shape: Shape): fc.Arbitrary<unknown> {
  switch (shape.kind) {
    case "string":
      return shape.values
        ? fc.constantFrom(...shape.values.filter((v) => v.length >= shape.minLength))
        : fc.string({ minLength: shape.minLength, maxLength: 6 });
    case "number":
      return number;
    case "null":
      return fc.constant(null);
    case "object": {
      const entries: fc.Arbitrary<[string, unknown][]>[] = shape.props.map((m) => {
        const present = instanceOf(m.shape).map((v): [string, unknown][] => [[m.name, v]]);
        return m.required ? present : fc.oneof(present, fc.constant<[string, unknown][]>([]));
      });
      if (shape.extra) {
        const keys = shape.extra.how === "pattern" ? ["a1", "a2"] : ["z1", "z2"];
        const extra = shape.extra.shape;
        entries.push(
          fc
            .subarray(keys)
            .chain((ks) => fc.tuple(...ks.map((k) => instanceOf(extra).map((v): [string, unknown] => [k, v])))),
        );
      }
      return fc
        .tuple(...entries)
        .chain((lists) => fc.shuffledSubarray(lists.flat(), { minLength: lists.flat().length }))
        .map((pairs) => Object.fromEntries(pairs));
    }
    case "array":
      return fc.array(instanceOf(shape.items), { minLength: shape.minItems, maxLength: shape.minItems + 2 });
    case "tuple":
      return fc.tuple(...shape.prefix.map(instanceOf));
    case "union":
      return fc.oneof(...shape.branches.map(instanceOf));
    case "ref":
      return instanceOf(shape.target);
  }
}

function schemaFor(shape: Shape): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  const root = schemaOf(shape, defs);
  return normalize({ $schema: "https://json-schema.org/draft/2020-12/schema", ...root, $defs: defs }) as Record<
    string,
    unknown
  >;
}

const read = chunkedSnapshots;

/** Every chunking's snapshots are among these (what is shown depends only on the characters received). */
const everyCharacter = (text: string) => Array.from({ length: text.length }, (_, i) => i);

const subject = shapeArb(3).chain((shape) =>
  fc.tuple(
    fc.constant(shape),
    instanceOf(shape),
    fc.array(fc.array(fc.nat(400), { maxLength: 30 }), { minLength: 2, maxLength: 2 }),
  ),
);

describe('"x-stream" at random positions', () => {
  it("every snapshot of every chunking passes the partial validator; the table reads as the schema", () => {
    fc.assert(
      fc.property(subject, ([shape, value, chunkings]) => {
        const schema = schemaFor(shape);
        const ajv = createAjv(dialectOf(schema));
        expect(ajv.compile(schema)(value), JSON.stringify(value)).toBe(true);
        const valid = createAjv(dialectOf(schema)).compile(partialSchema(schema) as object);
        const table = compileStreamHints(schema as never);
        const text = JSON.stringify(value);
        for (const cuts of [everyCharacter(text), ...chunkings]) {
          const got = read(schema, text, cuts);
          for (const s of got.shown)
            expect(valid(s), `${JSON.stringify(s)}: ${JSON.stringify(valid.errors)}`).toBe(true);
          expect(got.final).toEqual(value);
          if (table !== undefined) expect(read(table, text, cuts)).toEqual(got);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("an annotation the generator reports as without effect changes no snapshot", () => {
    fc.assert(
      fc.property(subject, ([shape, value]) => {
        const schema = schemaFor(shape);
        const warnings = xStreamWarnings(schema, "s.json");
        fc.pre(warnings.length > 0);
        const without = structuredClone(schema);
        for (const w of warnings)
          delete (at(without, w.pointer.replace(/\/x-stream$/, "")) as Record<string, unknown>)["x-stream"];
        const text = JSON.stringify(value);
        const cuts = everyCharacter(text);
        expect(isDeepStrictEqual(read(without, text, cuts), read(schema, text, cuts))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

/** The value at a JSON Pointer (the generator's pointers name no key that needs escaping here). */
function at(root: unknown, pointer: string): unknown {
  return pointer
    .split("/")
    .slice(1)
    .reduce((node, token) => (node as Record<string, unknown>)[token], root);
}
