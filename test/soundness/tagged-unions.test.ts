import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z as z3 } from "zod";
import { zodToJsonSchema } from "zod-to-json-schema";
import { z as z4 } from "zod-v4";
import { normalize } from "../../generator/derive/normalize.js";
import { partialSchema } from "../../generator/derive/partial-schema.js";
import { createAjv, dialectOf } from "../../generator/validators/standalone.js";
import { compileStreamHints } from "../../runtime/hints/compile.js";
import { chunkedSnapshots } from "./random.js";

/*
 * Discriminated unions as zod v3, zod v4 and Pydantic write them, generated at random: branches that name
 * the same property differently (an enum in one, a free string in another), tags of several types,
 * nested unions, open and closed objects, keys in any order. Every snapshot must pass the partial
 * validator, and once the tag has selected a branch its free strings stream.
 */

type Tag = string | number | boolean;
type Field =
  | { kind: "enum"; values: string[] }
  | { kind: "string" }
  | { kind: "number" }
  | { kind: "enums"; values: string[] }
  | { kind: "strings" }
  | { kind: "union"; union: Union };
interface Member {
  name: string;
  field: Field;
  optional: boolean;
}
interface Branch {
  /** The values selecting this branch: one, or (Pydantic's Literal["a", "b"], zod v4's literal([...])) two. */
  tags: Tag[];
  members: Member[];
}
interface Union {
  key: string;
  branches: Branch[];
  open: boolean;
}

/** Enum values, and free strings that are often their prefixes: where a shown prefix would break the enum. */
const WORDS = ["shift", "shiftlock", "alt", "enter"];
const PREFIXES = ["", "s", "sh", "shi", "shif", "shiftl", "al", "ente"];
const NAMES = ["key", "mods", "note", "n", "sub"];
/** Mostly names other branches use too: the case where branches disagree on a property. */
const memberName = fc.oneof(
  { arbitrary: fc.constantFrom("key", "mods"), weight: 3 },
  { arbitrary: fc.constantFrom(...NAMES), weight: 1 },
);
const TAG_NAMES = ["keypress", "typed", "click", "scroll"];

const enumValues = fc.uniqueArray(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 });

/** Weighted towards strings, enum or free, where branches naming one property differently matter. */
function fieldArb(depth: number, multiTags: boolean): fc.Arbitrary<Field> {
  const kinds: fc.WeightedArbitrary<Field>[] = [
    { arbitrary: enumValues.map((values) => ({ kind: "enum" as const, values })), weight: 3 },
    { arbitrary: fc.constant({ kind: "string" as const }), weight: 3 },
    { arbitrary: fc.constant({ kind: "number" as const }), weight: 1 },
    { arbitrary: enumValues.map((values) => ({ kind: "enums" as const, values })), weight: 2 },
    { arbitrary: fc.constant({ kind: "strings" as const }), weight: 2 },
  ];
  if (depth > 0) {
    const union = unionArb(depth - 1, multiTags).map((u) => ({ kind: "union" as const, union: u }));
    kinds.push({ arbitrary: union, weight: 2 });
  }
  return fc.oneof(...kinds);
}

function unionArb(depth: number, multiTags: boolean): fc.Arbitrary<Union> {
  const member = fc.record({
    name: memberName,
    field: fieldArb(depth, multiTags),
    optional: fc.boolean(),
  });
  const branch = fc.record({
    members: fc.uniqueArray(member, { selector: (m) => m.name, maxLength: 3 }),
    alias: fc.boolean(),
  });
  return fc
    .record({
      key: fc.constantFrom("type", "kind"),
      tagType: fc.constantFrom("string", "string", "number", "boolean", "mixed"),
      branches: fc.array(branch, { minLength: 2, maxLength: 4 }),
      open: fc.boolean(),
    })
    .map(({ key, tagType, branches, open }) => ({
      key,
      open,
      branches: (tagType === "boolean" ? branches.slice(0, 2) : branches).map(({ members, alias }, i) => {
        const tag: Tag =
          tagType === "number" || (tagType === "mixed" && i % 2 === 1)
            ? i + 1
            : tagType === "boolean"
              ? i === 0
              : (TAG_NAMES[i] as string);
        return { members, tags: multiTags && alias && typeof tag === "string" ? [tag, `${tag}-alias`] : [tag] };
      }),
    }));
}

const freeString = fc.oneof(fc.constantFrom(...PREFIXES), fc.string({ maxLength: 6 }));

function valueArb(field: Field, nulls: boolean): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case "enum":
      return fc.constantFrom(...field.values);
    case "string":
      return freeString;
    case "number":
      return fc.integer({ min: -1000, max: 1000 });
    case "enums":
      return fc.array(fc.constantFrom(...field.values), { maxLength: 3 });
    case "strings":
      return fc.array(freeString, { maxLength: 3 });
    case "union":
      return instanceArb(field.union, nulls);
  }
}

/**
 * A value of one branch, keys in a random order (models write the tag anywhere). An open branch may carry
 * a key it does not name, which another branch may name as an enum. `nulls`: Pydantic's `Optional[X] = None`
 * may be written as null.
 */
function instanceArb(union: Union, nulls: boolean): fc.Arbitrary<Record<string, unknown>> {
  return fc.integer({ min: 0, max: union.branches.length - 1 }).chain((b) => {
    const branch = union.branches[b] as Branch;
    const entries: fc.Arbitrary<[string, unknown] | undefined>[] = [
      fc.constantFrom(...branch.tags).map((tag): [string, unknown] => [union.key, tag]),
    ];
    for (const m of branch.members) {
      const present = valueArb(m.field, nulls).map((v): [string, unknown] => [m.name, v]);
      const absent = nulls ? fc.constantFrom(undefined, [m.name, null] as [string, unknown]) : fc.constant(undefined);
      entries.push(m.optional ? fc.oneof(present, absent) : present);
    }
    const unnamed = NAMES.filter((n) => !branch.members.some((m) => m.name === n));
    if (union.open && unnamed.length > 0)
      entries.push(
        fc.option(fc.tuple(fc.constantFrom(...unnamed), freeString), { nil: undefined }) as fc.Arbitrary<
          [string, unknown] | undefined
        >,
      );
    return fc
      .tuple(...entries)
      .chain((pairs) => {
        const present = pairs.filter((p) => p !== undefined);
        return fc.shuffledSubarray(present, { minLength: present.length, maxLength: present.length });
      })
      .map((pairs) => Object.fromEntries(pairs));
  });
}

const rootInstanceArb = (union: Union, nulls: boolean) =>
  fc.record({ one: instanceArb(union, nulls), many: fc.array(instanceArb(union, nulls), { maxLength: 3 }) });

// ---- the three ways users write such a union ----------------------------------------------------------------

function zod3Field(field: Field): z3.ZodTypeAny {
  switch (field.kind) {
    case "enum":
      return z3.enum(field.values as [string, ...string[]]);
    case "string":
      return z3.string();
    case "number":
      return z3.number().int();
    case "enums":
      return z3.array(z3.enum(field.values as [string, ...string[]]));
    case "strings":
      return z3.array(z3.string());
    case "union":
      return zod3Union(field.union);
  }
}

function zod3Union(union: Union): z3.ZodTypeAny {
  const branches = union.branches.map((b) => {
    const shape: z3.ZodRawShape = { [union.key]: z3.literal(b.tags[0] as Tag) };
    for (const m of b.members) shape[m.name] = m.optional ? zod3Field(m.field).optional() : zod3Field(m.field);
    const object = z3.object(shape);
    return union.open ? object.passthrough() : object;
  });
  return z3.discriminatedUnion(union.key, branches as never);
}

function zod4Field(field: Field): z4.ZodType {
  switch (field.kind) {
    case "enum":
      return z4.enum(field.values as [string, ...string[]]);
    case "string":
      return z4.string();
    case "number":
      return z4.int();
    case "enums":
      return z4.array(z4.enum(field.values as [string, ...string[]]));
    case "strings":
      return z4.array(z4.string());
    case "union":
      return zod4Union(field.union);
  }
}

function zod4Union(union: Union): z4.ZodType {
  const branches = union.branches.map((b) => {
    const shape: Record<string, z4.ZodType> = {
      [union.key]: b.tags.length === 1 ? z4.literal(b.tags[0] as Tag) : z4.literal(b.tags as string[]),
    };
    for (const m of b.members) shape[m.name] = m.optional ? zod4Field(m.field).optional() : zod4Field(m.field);
    return union.open ? z4.looseObject(shape) : z4.object(shape);
  });
  return z4.discriminatedUnion(union.key, branches as never);
}

/** Pydantic v2's model_json_schema(): a model per branch in $defs, `oneOf` of $refs with a `discriminator`. */
function pydanticSchema(union: Union): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  const made = new Map<Union, unknown>();
  const field = (f: Field): Record<string, unknown> => {
    switch (f.kind) {
      case "enum": {
        // An Enum class: a definition of its own.
        const name = `Choice${Object.keys(defs).length}`;
        defs[name] = { enum: f.values, title: name, type: "string" };
        return { $ref: `#/$defs/${name}` };
      }
      case "string":
        return { type: "string" };
      case "number":
        return { type: "integer" };
      case "enums":
        return { items: { enum: f.values, type: "string" }, type: "array" };
      case "strings":
        return { items: { type: "string" }, type: "array" };
      case "union":
        return unionSchema(f.union) as Record<string, unknown>;
    }
  };
  const unionSchema = (u: Union): unknown => {
    const known = made.get(u);
    if (known !== undefined) return known;
    const mapping: Record<string, string> = {};
    const refs = u.branches.map((b) => {
      const name = `Model${Object.keys(defs).length}`;
      const ref = `#/$defs/${name}`;
      const properties: Record<string, unknown> = {
        [u.key]:
          b.tags.length === 1
            ? { const: b.tags[0], title: "Type", type: typeof b.tags[0] === "number" ? "integer" : typeof b.tags[0] }
            : { enum: b.tags, title: "Type", type: "string" },
      };
      const required = [u.key];
      defs[name] = {}; // reserve the name before nested models take theirs
      for (const m of b.members) {
        const s = field(m.field);
        properties[m.name] = m.optional
          ? { anyOf: [s, { type: "null" }], default: null, title: m.name }
          : { ...s, title: m.name };
        if (!m.optional) required.push(m.name);
      }
      defs[name] = {
        properties,
        required,
        title: name,
        type: "object",
        ...(u.open ? {} : { additionalProperties: false }),
      };
      for (const tag of b.tags) mapping[String(tag)] = ref;
      return { $ref: ref };
    });
    const schema = { discriminator: { mapping, propertyName: u.key }, oneOf: refs };
    made.set(u, schema);
    return schema;
  };
  const one = unionSchema(union);
  return {
    $defs: defs,
    properties: { one, many: { items: one, title: "Many", type: "array" } },
    required: ["one", "many"],
    title: "Root",
    type: "object",
  };
}

interface Family {
  name: string;
  multiTags: boolean;
  nulls: boolean;
  schema(union: Union): unknown;
  /** The library's own check of an instance (the generated values must be ones it accepts). */
  accepts?(union: Union, value: unknown): boolean;
}

const families: Family[] = [
  {
    name: "zod v3 + zod-to-json-schema",
    multiTags: false,
    nulls: false,
    schema: (u) => zodToJsonSchema(z3.object({ one: zod3Union(u), many: z3.array(zod3Union(u)) })),
    accepts: (u, v) => z3.object({ one: zod3Union(u), many: z3.array(zod3Union(u)) }).safeParse(v).success,
  },
  ...(["input", "output"] as const).flatMap((io) =>
    (["draft-2020-12", "draft-07"] as const).map(
      (target): Family => ({
        name: `zod v4 toJSONSchema (${target}, ${io})`,
        multiTags: true,
        nulls: false,
        schema: (u) => {
          const union = zod4Union(u);
          return z4.toJSONSchema(z4.object({ one: union, many: z4.array(union) }), { target, io });
        },
        accepts: (u, v) => z4.object({ one: zod4Union(u), many: z4.array(zod4Union(u)) }).safeParse(v).success,
      }),
    ),
  ),
  { name: "Pydantic discriminator + oneOf of $refs", multiTags: true, nulls: true, schema: pydanticSchema },
];

/** Every snapshot of the text of `value`, cut at `cuts`, read with `hints` (a schema or a table). */
function snapshots(hints: unknown, value: unknown, cuts: number[]) {
  return chunkedSnapshots(hints, JSON.stringify(value), cuts);
}

const cuts = fc.array(fc.nat(600), { maxLength: 40 });

describe.each(families)("discriminated unions: $name", (family) => {
  it("every snapshot passes the partial validator, the table reads as the schema, the final value is the instance", () => {
    fc.assert(
      fc.property(
        unionArb(1, family.multiTags).chain((u) =>
          fc.tuple(fc.constant(u), rootInstanceArb(u, family.nulls), fc.array(cuts, { minLength: 3, maxLength: 3 })),
        ),
        ([union, value, chunkings]) => {
          const schema = normalize(family.schema(union));
          const ajv = createAjv(dialectOf(schema));
          expect(ajv.compile(schema as object)(value), JSON.stringify(value)).toBe(true);
          if (family.accepts) expect(family.accepts(union, value)).toBe(true);
          const valid = createAjv(dialectOf(schema)).compile(partialSchema(schema) as object);
          const table = compileStreamHints(schema as never);
          expect(table).toBeDefined();
          for (const points of chunkings) {
            const read = snapshots(schema, value, points);
            for (const s of read.shown)
              expect(valid(s), `${JSON.stringify(s)} ${JSON.stringify(valid.errors)}`).toBe(true);
            expect(read.final).toEqual(value);
            expect(snapshots(table, value, points)).toEqual(read);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a free string streams once the tag has selected its branch, and is held before the tag while a branch holds it", () => {
    // A union whose first branch is `key`, a free string, and whose second names `key` an enum.
    const contested = unionArb(0, family.multiTags).map((u): Union => {
      const [first, second, ...rest] = u.branches as [Branch, Branch, ...Branch[]];
      const key = (field: Field): Member => ({ name: "key", field, optional: false });
      return {
        ...u,
        branches: [
          { tags: first.tags, members: [key({ kind: "string" })] },
          {
            tags: second.tags,
            members: [key({ kind: "enum", values: WORDS }), ...second.members.filter((m) => m.name !== "key")],
          },
          ...rest,
        ],
      };
    });
    fc.assert(
      fc.property(contested, fc.constantFrom("shift", "shiftlock"), fc.boolean(), (union, text, tagFirst) => {
        const tag = [union.key, (union.branches[0] as Branch).tags[0]];
        const key = ["key", text];
        const value = { one: Object.fromEntries(tagFirst ? [tag, key] : [key, tag]), many: [] };
        const schema = normalize(family.schema(union));
        expect(createAjv(dialectOf(schema)).compile(schema as object)(value)).toBe(true);
        const json = JSON.stringify(value);
        const inside = json.indexOf(`"key":"`) + `"key":"`.length + 2;
        for (const hints of [schema, compileStreamHints(schema as never)]) {
          const keys = snapshots(hints, value, [inside]).shown.map((s) => (s as { one?: { key?: string } }).one?.key);
          expect(keys.includes(text.slice(0, 2))).toBe(tagFirst);
        }
      }),
      { numRuns: 30 },
    );
  });
});
