import { appendPointer } from "@partialgen/runtime";
import { isSchemaObject, type SchemaObject } from "../schema/walk.js";
import { editSchemas, refCycles, type SchemaEdit } from "./provider-edit.js";

/*
 * Anthropic's published rules for structured outputs (`output_config.format` and strict tools), from the
 * "Structured outputs" guide's JSON Schema limitations (platform.claude.com/docs/en/build-with-claude/
 * structured-outputs) and @anthropic-ai/sdk 1.x's own schema transform (lib/transform-json-schema, which keeps
 * the same keywords and string formats):
 * - supported: type, properties, required, additionalProperties: false (on every object), items, enum and
 *   const of scalars, anyOf, allOf, local $ref/$defs/definitions, description, title, string formats
 *   date-time, time, date, duration, email, hostname, uri, ipv4, ipv6, uuid; minItems 0 or 1; pattern
 *   without backreferences, lookarounds or word boundaries;
 * - not supported: minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, minLength, maxLength,
 *   minItems above 1, maxItems, recursive schemas;
 * - limits: at most 24 optional properties and 16 properties using anyOf or type arrays, over the request's
 *   strict schemas.
 * The strict derivation already removed what OpenAI's strict mode lacks (minLength, maxLength, ...); this pass
 * removes the rest.
 */
const NOT_SUPPORTED = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "maxItems"];
export const ANTHROPIC_LIMITS = { optionalProperties: 24, unionProperties: 16 };

export function anthropicPass(strict: SchemaObject, edit: SchemaEdit): SchemaObject {
  let optional = 0;
  let unions = 0;
  const schema = editSchemas(strict, (s, pointer) => {
    for (const keyword of NOT_SUPPORTED) if (keyword in s) edit.remove(s, pointer, keyword);
    if (typeof s.minItems === "number" && s.minItems > 1) {
      s.minItems = 1;
      edit.loss(appendPointer(pointer, "minItems"), "minItems", "minItems above 1 is not supported: lowered to 1");
    }
    if (typeof s.pattern === "string" && !plainPattern(s.pattern)) {
      edit.remove(s, pointer, "pattern", "uses a backreference, lookaround or word boundary, which Anthropic refuses");
    }
    for (const keyword of ["enum", "const"] as const) {
      const values = keyword === "enum" ? s.enum : [s.const];
      if (keyword in s && Array.isArray(values) && values.some((v) => typeof v === "object" && v !== null)) {
        edit.remove(s, pointer, keyword, "holds an object or array, and only scalars are supported");
      }
    }
    if (isSchemaObject(s.properties)) {
      const required = new Set(Array.isArray(s.required) ? s.required : []);
      for (const [key, sub] of Object.entries(s.properties)) {
        if (!required.has(key)) optional++;
        if (isSchemaObject(sub) && (Array.isArray(sub.anyOf) || Array.isArray(sub.type))) unions++;
      }
    }
    return s;
  });
  if (optional > ANTHROPIC_LIMITS.optionalProperties) {
    edit.refusal(
      "",
      "required",
      `${optional} optional properties (at most ${ANTHROPIC_LIMITS.optionalProperties}): the API may refuse the schema`,
    );
  }
  if (unions > ANTHROPIC_LIMITS.unionProperties) {
    edit.refusal(
      "",
      "anyOf",
      `${unions} properties use anyOf or a type array (at most ${ANTHROPIC_LIMITS.unionProperties}): the API may refuse the schema`,
    );
  }
  for (const cycle of refCycles(schema, () => true)) {
    edit.refusal(
      cycle.pointer,
      "$ref",
      `recursive schemas are not supported (${cycle.text}): the API refuses the schema; use mode "json" with Anthropic clients`,
    );
  }
  return schema;
}

/** Whether a regular expression avoids what Anthropic's pattern support leaves out. */
export function plainPattern(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      // In a class, \b is a backspace and no group starts.
      if (!inClass && (next === "b" || next === "B" || next === "k" || /[1-9]/.test(next))) return false;
      i++;
    } else if (c === "[") {
      inClass = true;
    } else if (c === "]") {
      inClass = false;
    } else if (!inClass && c === "(" && /^\?(=|!|<=|<!)/.test(pattern.slice(i + 1, i + 4))) {
      return false;
    }
  }
  return true;
}
