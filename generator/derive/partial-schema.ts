import { wholeness } from "@partialgen/runtime";
import { isSchemaObject, mapSubschemas, type SchemaObject } from "../schema/walk.js";

/**
 * The schema a stream snapshot satisfies: it drops what a prefix of a valid value cannot yet satisfy and
 * keeps what a prefix can already violate. Every valid complete value is valid against it too (each rule
 * only relaxes), so validating snapshots never rejects a good answer.
 *
 * What is shown only whole is the runtime's rule (`wholeness`, runtime/hints/whole.ts), the one the stream hints
 * read. Rules, each a case of the "partial schema rules" table in test/generator/derive.test.ts:
 * - required, minProperties, minItems, minLength, contains/minContains/maxContains, dependencies: dropped
 *   (members and characters are still arriving). A required property marked "x-stream": "not-null" stays
 *   required: the runtime holds its object back until it is there.
 * - pattern and format: dropped on strings still streaming; kept on enum/const strings (shown complete).
 * - uniqueItems: dropped (a growing last string may equal an earlier one for a moment).
 * - oneOf becomes anyOf (a partial value may match several branches); not, if/then/else,
 *   unevaluatedProperties/Items: dropped (they can reject a prefix that will become valid).
 * - enum/const of objects or arrays: dropped (containers are shown incomplete); of scalars: kept.
 * - "x-stream": "done" and "x-stream": "not-null" subtrees, wherever they sit: kept whole (the runtime shows them
 *   complete; test/runtime/x-stream-positions.test.ts).
 * - Everything else is kept: type, maxLength, maxItems, maxProperties, numeric bounds, additionalProperties: false.
 */
export function partialSchema(schema: unknown): unknown {
  return relax(schema, "");
}

const DROPPED = new Set([
  "required",
  "minProperties",
  "minItems",
  "minLength",
  "contains",
  "minContains",
  "maxContains",
  "dependencies",
  "dependentRequired",
  "dependentSchemas",
  "uniqueItems",
  "not",
  "if",
  "then",
  "else",
  "unevaluatedProperties",
  "unevaluatedItems",
]);

function relax(schema: unknown, pointer: string): unknown {
  if (!isSchemaObject(schema)) return schema;
  const whole = wholeness(schema);
  if (whole.subtree) return schema;
  const out = mapSubschemas(schema, pointer, relax);
  const keepRequired = requiredNotNull(schema);
  for (const keyword of DROPPED) {
    // A dropped subschema may declare a resource ($id, $anchor) that other references name: it moves to
    // $defs, where Ajv still finds it but it no longer constrains this value.
    if (keyword in out && declaresResource(out[keyword])) {
      const defs = isSchemaObject(out.$defs) ? out.$defs : {};
      out.$defs = { ...defs, [`partialgen-dropped-${keyword}`]: out[keyword] };
    }
    delete out[keyword];
  }
  if (keepRequired.length > 0) out.required = keepRequired;
  if (!whole.completeStrings) {
    delete out.pattern;
    delete out.format;
  }
  if (Array.isArray(out.enum) && !out.enum.every(isScalar)) delete out.enum;
  if ("const" in out && !isScalar(out.const)) delete out.const;
  if (Array.isArray(out.oneOf)) {
    if (Array.isArray(out.anyOf)) out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), { anyOf: out.oneOf }];
    else out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  return out;
}

function declaresResource(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (
    !Array.isArray(value) &&
    (typeof (value as SchemaObject).$id === "string" || typeof (value as SchemaObject).$anchor === "string")
  )
    return true;
  return Object.values(value).some(declaresResource);
}

function requiredNotNull(schema: SchemaObject): string[] {
  if (!Array.isArray(schema.required) || !isSchemaObject(schema.properties)) return [];
  const props = schema.properties;
  return schema.required.filter(
    (k): k is string =>
      typeof k === "string" && Object.hasOwn(props, k) && isSchemaObject(props[k]) && wholeness(props[k]).notNull,
  );
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== "object";
}
