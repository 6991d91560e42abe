import { mapSchema, type SchemaObject } from "../schema-walk.js";

/**
 * Named rewrites applied before anything else, so later stages see one dialect. Each rule is small and
 * listed here with what it does; test/generator/normalize.test.ts has an in/out case per rule.
 */
export const NORMALIZE_RULES: { name: string; apply: (s: SchemaObject, pointer: string) => void }[] = [
  {
    name: "draft-04 boolean exclusiveMinimum/exclusiveMaximum become numbers",
    apply(s) {
      for (const [flag, bound] of [
        ["exclusiveMinimum", "minimum"],
        ["exclusiveMaximum", "maximum"],
      ] as const) {
        if (typeof s[flag] !== "boolean") continue;
        if (s[flag] === true && typeof s[bound] === "number") {
          s[flag] = s[bound];
          delete s[bound];
        } else delete s[flag];
      }
    },
  },
  {
    name: "draft-04 and draft-06 $schema are read as draft-07",
    apply(s, pointer) {
      if (pointer === "" && typeof s.$schema === "string" && /draft-0[346]/.test(s.$schema)) {
        s.$schema = "http://json-schema.org/draft-07/schema#";
      }
    },
  },
  {
    name: "OpenAPI nullable: true adds null to the type (and to an enum), as Ajv's nullable keyword reads it",
    apply(s) {
      if (s.nullable !== true || s.type === undefined) return;
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.includes("null")) s.type = [...types, "null"];
      if (Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
      delete s.nullable;
    },
  },
  {
    name: "draft-04 id is dropped (bundling already made every reference local)",
    apply(s) {
      if (typeof s.id === "string" && !("$id" in s)) delete s.id;
    },
  },
];

export function normalize(schema: unknown): unknown {
  return mapSchema(schema, (s, pointer) => {
    for (const rule of NORMALIZE_RULES) rule.apply(s, pointer);
    return s;
  });
}
