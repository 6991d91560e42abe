import { appendPointer } from "@partialgen/runtime";
import { GenerateError, type GenerateWarning } from "../errors.js";
import { isSchemaObject, mapSubschemas, type SchemaObject } from "../schema-walk.js";

/**
 * The variant of a schema that OpenAI's strict structured outputs accept: every object closed
 * (additionalProperties: false) with all its properties required, optional ones made nullable; `x-*`
 * keywords removed; keywords strict mode does not support removed (the generated full validator still
 * enforces them on the final value) or, where the shape itself cannot be expressed, a GenerateError that
 * names the keyword and JSON Pointer.
 *
 * The runtime reads `null` in a property made nullable here as "absent" (see PartialJSONParser's
 * `optionalNulls`), so final values match the original schema.
 */
export function strictSchema(schema: unknown, file: string): { schema: SchemaObject; warnings: GenerateWarning[] } {
  const warnings: GenerateWarning[] = [];
  if (!isSchemaObject(schema) || (schema.type !== "object" && !isSchemaObject(schema.properties))) {
    throw new GenerateError(file, "", 'OpenAI strict mode needs an object schema at the root (type: "object")', "type");
  }
  const out = tighten(schema, "", { file, warnings }) as SchemaObject;
  return { schema: out, warnings };
}

interface Context {
  file: string;
  warnings: GenerateWarning[];
}

/** Supported by strict mode and kept as they are. */
const KEPT = new Set([
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
/** Strict mode's string formats. */
const FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"]);
/** Annotations with no effect on the model's output: removed without a warning. */
const SILENT = new Set(["$id", "$comment", "default", "examples", "readOnly", "writeOnly", "deprecated", "$anchor"]);

function tighten(schema: unknown, pointer: string, ctx: Context): unknown {
  if (schema === true || (isSchemaObject(schema) && isUnconstrained(schema))) {
    throw new GenerateError(
      ctx.file,
      pointer,
      "a value of any type cannot be described in OpenAI strict mode: give it a type",
      "type",
    );
  }
  if (!isSchemaObject(schema)) return schema;
  for (const keyword of ["patternProperties", "prefixItems"]) {
    if (keyword in schema) throw unsupported(ctx, pointer, keyword);
  }
  if (Array.isArray(schema.items))
    throw unsupported(ctx, appendPointer(pointer, "items"), "items", "tuple (array-form) items");
  if (Array.isArray(schema.allOf) && schema.allOf.length > 1) throw unsupported(ctx, pointer, "allOf");
  if (isSchemaObject(schema.additionalProperties) && !isSchemaObject(schema.properties)) {
    throw unsupported(
      ctx,
      appendPointer(pointer, "additionalProperties"),
      "additionalProperties",
      "a map with free-form keys",
    );
  }
  if (Array.isArray(schema.type) && schema.type.filter((t) => t !== "null").length > 1) {
    throw unsupported(ctx, appendPointer(pointer, "type"), "type", "a list of several types (use anyOf)");
  }

  let source = schema;
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1 && isSchemaObject(schema.allOf[0])) {
    const { allOf: _, ...rest } = schema;
    source = { ...rest, ...schema.allOf[0] };
  }
  if (Array.isArray(source.oneOf)) {
    const { oneOf, ...rest } = source;
    source = { ...rest, anyOf: oneOf };
  }

  const out = mapSubschemas(source, pointer, (sub, at) => tighten(sub, at, ctx));
  for (const keyword of Object.keys(out)) {
    if (keyword.startsWith("x-") || SILENT.has(keyword)) delete out[keyword];
    else if (!KEPT.has(keyword) || (keyword === "format" && !FORMATS.has(String(out.format)))) {
      delete out[keyword];
      ctx.warnings.push({
        file: ctx.file,
        pointer: appendPointer(pointer, keyword),
        message: `"${keyword}" is not supported by OpenAI strict mode: removed from the strict schema (the final validator still enforces it)`,
      });
    }
  }
  if (pointer !== "") delete out.$schema;

  if (isSchemaObject(out.properties) || out.type === "object") {
    const properties = isSchemaObject(out.properties) ? out.properties : {};
    const required = new Set(Array.isArray(source.required) ? source.required : []);
    const closed: SchemaObject = {};
    for (const [key, value] of Object.entries(properties)) {
      const property = required.has(key) ? value : nullable(value);
      if (key === "__proto__")
        Object.defineProperty(closed, key, { value: property, enumerable: true, writable: true, configurable: true });
      else closed[key] = property;
    }
    out.properties = closed;
    out.required = Object.keys(closed);
    out.additionalProperties = false;
    if (out.type === undefined) out.type = "object";
  }
  return out;
}

/** Optional properties become required-but-nullable, the only way strict mode can leave a value out. */
function nullable(schema: unknown): unknown {
  if (!isSchemaObject(schema)) return schema;
  if (typeof schema.type === "string" && !("$ref" in schema) && !("anyOf" in schema)) {
    const out: SchemaObject = { ...schema, type: [schema.type, "null"] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    if ("const" in schema) return { anyOf: [schema, { type: "null" }] };
    return out;
  }
  if (Array.isArray(schema.type)) {
    if (schema.type.includes("null")) return schema;
    return { ...schema, type: [...schema.type, "null"] };
  }
  if (Array.isArray(schema.anyOf)) {
    if (schema.anyOf.some((s) => isSchemaObject(s) && s.type === "null")) return schema;
    return { ...schema, anyOf: [...schema.anyOf, { type: "null" }] };
  }
  return { anyOf: [schema, { type: "null" }] };
}

function isUnconstrained(schema: SchemaObject): boolean {
  return !Object.keys(schema).some(
    (k) => !SILENT.has(k) && !k.startsWith("x-") && k !== "description" && k !== "title",
  );
}

function unsupported(ctx: Context, pointer: string, keyword: string, what = `"${keyword}"`): GenerateError {
  return new GenerateError(
    ctx.file,
    pointer,
    `${what} cannot be expressed in OpenAI strict mode (keyword "${keyword}"); change the schema or generate with --no-strict`,
    keyword,
  );
}
