import { appendPointer } from "@partialgen/runtime";
import { isSchemaObject } from "../schema/walk.js";

/**
 * OpenAI's published rules for strict structured outputs ("Supported schemas" in the Structured Outputs
 * guide), checked on a finished strict schema. The generator runs it on every strict schema it derives,
 * so a derivation bug shows up as a clear warning (or error with --strict) instead of a 400 from the API.
 */
export interface StrictRuleViolation {
  pointer: string;
  keyword: string;
  message: string;
}

/** The keywords strict mode accepts (the strict derivation keeps exactly these). */
export const STRICT_KEYWORDS: ReadonlySet<string> = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "const",
  "anyOf",
  "$ref",
  "$defs",
  "definitions",
  "description",
  "title",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "$schema",
]);
export const STRICT_FORMATS = new Set([
  "date-time",
  "time",
  "date",
  "duration",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "uuid",
]);
const TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

export const STRICT_LIMITS = {
  /** Object properties in the whole schema. */
  properties: 5000,
  /** Levels of object nesting. */
  depth: 10,
  /** Enum values in the whole schema. */
  enumValues: 1000,
  /** A string enum longer than this... */
  longEnum: 250,
  /** ...may hold at most this many characters in total. */
  longEnumChars: 15_000,
  /** Characters of property names, definition names, enum and const values in the whole schema. */
  totalChars: 120_000,
};

export function checkStrictRules(schema: unknown): StrictRuleViolation[] {
  const out: StrictRuleViolation[] = [];
  const totals = { properties: 0, enumValues: 0, chars: 0 };
  const add = (pointer: string, keyword: string, message: string) => out.push({ pointer, keyword, message });
  if (!isSchemaObject(schema)) {
    add("", "type", "the root must be a schema object");
    return out;
  }
  if ("anyOf" in schema) add("", "anyOf", "the root must not be anyOf");
  if (schema.type !== "object") add("", "type", 'the root must be of type "object"');
  visit(schema, "", 0, true, { add, totals });
  for (const defs of ["$defs", "definitions"]) {
    if (isSchemaObject(schema[defs])) {
      for (const [name, def] of Object.entries(schema[defs])) {
        totals.chars += name.length;
        visit(def, appendPointer(appendPointer("", defs), name), 0, false, { add, totals });
      }
    }
  }
  if (totals.properties > STRICT_LIMITS.properties)
    add("", "properties", `${totals.properties} object properties (at most ${STRICT_LIMITS.properties})`);
  if (totals.enumValues > STRICT_LIMITS.enumValues)
    add("", "enum", `${totals.enumValues} enum values (at most ${STRICT_LIMITS.enumValues})`);
  if (totals.chars > STRICT_LIMITS.totalChars)
    add("", "enum", `${totals.chars} characters of names and values (at most ${STRICT_LIMITS.totalChars})`);
  return out;
}

interface Walk {
  add: (pointer: string, keyword: string, message: string) => void;
  totals: { properties: number; enumValues: number; chars: number };
}

function visit(schema: unknown, pointer: string, depth: number, root: boolean, w: Walk): void {
  if (!isSchemaObject(schema)) {
    w.add(pointer, "type", "every subschema must be a schema object (true/false are not supported)");
    return;
  }
  for (const keyword of Object.keys(schema)) {
    if (!STRICT_KEYWORDS.has(keyword)) w.add(appendPointer(pointer, keyword), keyword, `"${keyword}" is not supported`);
  }
  if (!root && ("$defs" in schema || "definitions" in schema))
    w.add(pointer, "$defs", "definitions are only supported at the root");
  if (!root && "$schema" in schema) w.add(pointer, "$schema", "$schema is only allowed at the root");
  if ("$ref" in schema) {
    for (const keyword of Object.keys(schema)) {
      if (keyword !== "$ref" && keyword !== "description")
        w.add(appendPointer(pointer, keyword), keyword, "$ref allows no sibling keyword but description");
    }
    if (typeof schema.$ref !== "string" || !(schema.$ref === "#" || schema.$ref.startsWith("#/")))
      w.add(appendPointer(pointer, "$ref"), "$ref", "only local references by JSON Pointer (#/...) are supported");
    return;
  }
  if (typeof schema.format === "string" && !STRICT_FORMATS.has(schema.format))
    w.add(appendPointer(pointer, "format"), "format", `format "${schema.format}" is not supported`);
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  for (const t of types) {
    if (typeof t !== "string" || !TYPES.has(t)) w.add(appendPointer(pointer, "type"), "type", `unknown type ${t}`);
  }
  if (Array.isArray(schema.anyOf)) {
    schema.anyOf.forEach((branch, i) => {
      visit(branch, appendPointer(appendPointer(pointer, "anyOf"), i), depth, false, w);
    });
  } else if (types.length === 0 && !("enum" in schema) && !("const" in schema)) {
    w.add(pointer, "type", "every schema needs a type (or enum, const, anyOf, $ref)");
  }
  if (Array.isArray(schema.enum)) {
    w.totals.enumValues += schema.enum.length;
    const chars = schema.enum.reduce<number>((n, v) => n + (typeof v === "string" ? v.length : 0), 0);
    w.totals.chars += chars;
    if (schema.enum.length > STRICT_LIMITS.longEnum && chars > STRICT_LIMITS.longEnumChars)
      w.add(
        appendPointer(pointer, "enum"),
        "enum",
        `an enum of more than ${STRICT_LIMITS.longEnum} values may hold at most ${STRICT_LIMITS.longEnumChars} characters`,
      );
  }
  if (typeof schema.const === "string") w.totals.chars += schema.const.length;
  if (types.includes("object") || "properties" in schema) {
    if (depth + 1 > STRICT_LIMITS.depth)
      w.add(pointer, "properties", `objects nested deeper than ${STRICT_LIMITS.depth} levels`);
    if (schema.additionalProperties !== false)
      w.add(pointer, "additionalProperties", "objects need additionalProperties: false");
    const properties = isSchemaObject(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required : [];
    for (const [key, sub] of Object.entries(properties)) {
      w.totals.properties++;
      w.totals.chars += key.length;
      if (!required.includes(key))
        w.add(appendPointer(appendPointer(pointer, "properties"), key), "required", "every property must be required");
      visit(sub, appendPointer(appendPointer(pointer, "properties"), key), depth + 1, false, w);
    }
    if (!isSchemaObject(schema.properties))
      w.add(pointer, "properties", "objects need properties (a free-form object is not supported)");
  }
  if (types.includes("array")) {
    if (!("items" in schema)) w.add(pointer, "items", "arrays need items");
    else visit(schema.items, appendPointer(pointer, "items"), depth, false, w);
  } else if ("items" in schema) {
    visit(schema.items, appendPointer(pointer, "items"), depth, false, w);
  }
}
