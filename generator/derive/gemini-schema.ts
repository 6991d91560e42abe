import { appendPointer } from "@partialgen/runtime";
import { defineOwn, isSchemaObject, type SchemaObject } from "../schema/walk.js";
import { editSchemas, refCycles, type SchemaEdit } from "./provider-edit.js";

/*
 * Gemini's published rules for `responseJsonSchema`, from the field's documentation (the Gemini API reference's
 * GenerationConfig, repeated in @google/genai 2.x's GenerateContentConfig): only $id, $defs, $ref, $anchor,
 * type, format, title, description, enum (for strings and numbers), items, prefixItems, minItems, maxItems,
 * minimum, maximum, anyOf, oneOf (read as anyOf), properties, additionalProperties, required and the
 * non-standard propertyOrdering are supported; beside a `$ref` only keywords starting with `$`; cyclic
 * references are unrolled a few levels, so a cycle may only pass through properties that are not required
 * (nullable ones are not enough).
 */
const SUPPORTED = new Set([
  "$id",
  "$defs",
  "$ref",
  "$anchor",
  "type",
  "format",
  "title",
  "description",
  "enum",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "anyOf",
  "oneOf",
  "properties",
  "additionalProperties",
  "required",
  "propertyOrdering",
]);
/** Keywords that say nothing about which values are valid: left out without a warning. */
const SILENT = new Set(["$schema", "definitions"]);

export function geminiPass(strict: SchemaObject, edit: SchemaEdit): SchemaObject {
  const schema = editSchemas(definitionsAsDefs(strict), (s, pointer) => {
    if (typeof s.$ref === "string") {
      // Beside a $ref only `$` keywords: description and title go (annotations, no loss).
      for (const keyword of Object.keys(s)) if (!keyword.startsWith("$")) delete s[keyword];
      return s;
    }
    let out = s;
    if ("const" in out) out = constAsEnum(out, pointer, edit);
    if (Array.isArray(out.enum) && !out.enum.every(isStringOrNumber)) out = enumBranches(out, pointer, edit);
    for (const keyword of Object.keys(out)) {
      if (SUPPORTED.has(keyword) || (pointer === "" && SILENT.has(keyword))) continue;
      edit.remove(out, pointer, keyword);
    }
    if (pointer === "") delete out.$schema;
    return out;
  });
  const required = (parent: SchemaObject, keyword: string, key: string | undefined) =>
    keyword !== "properties" || (Array.isArray(parent.required) && parent.required.includes(key));
  for (const cycle of refCycles(schema, required)) {
    edit.refusal(
      cycle.pointer,
      "$ref",
      `a cycle of references through required properties (${cycle.text}) cannot be unrolled: make a property on it optional`,
    );
  }
  return schema;
}

const isStringOrNumber = (v: unknown) => typeof v === "string" || typeof v === "number";

/** `definitions` (draft-07) renamed `$defs`, the only one Gemini reads, with the references to them. */
function definitionsAsDefs(schema: SchemaObject): SchemaObject {
  if (!isSchemaObject(schema.definitions) || "$defs" in schema) return schema;
  const text = JSON.stringify(schema, (key, value) =>
    key === "$ref" && typeof value === "string" && value.startsWith("#/definitions/")
      ? `#/$defs/${value.slice("#/definitions/".length)}`
      : value,
  );
  const { definitions, ...rest } = JSON.parse(text) as SchemaObject;
  return { ...rest, $defs: definitions };
}

/** `const` is not supported: a string or number becomes a one-value enum, null the type null, else a loss. */
function constAsEnum(s: SchemaObject, pointer: string, edit: SchemaEdit): SchemaObject {
  const { const: value, ...rest } = s;
  if (isStringOrNumber(value)) return { ...rest, enum: [value] };
  if (value === null) return { ...rest, type: "null" };
  edit.loss(appendPointer(pointer, "const"), "const", `const ${JSON.stringify(value)} cannot be expressed: removed`);
  return rest;
}

/**
 * An enum holding more than strings and numbers becomes an anyOf: the strings and numbers as an enum, null as
 * type null, booleans as type boolean (a loss unless both are there); object and array values are left out.
 */
function enumBranches(s: SchemaObject, pointer: string, edit: SchemaEdit): SchemaObject {
  const values = s.enum as unknown[];
  const { enum: _, type: __, ...rest } = s;
  const branches: SchemaObject[] = [];
  const scalars = values.filter(isStringOrNumber);
  if (scalars.length > 0) branches.push({ enum: scalars });
  if (values.includes(null)) branches.push({ type: "null" });
  const booleans = values.filter((v) => typeof v === "boolean");
  if (booleans.length > 0) branches.push({ type: "boolean" });
  if (booleans.length === 1) {
    edit.loss(
      appendPointer(pointer, "enum"),
      "enum",
      `the boolean ${booleans[0]} alone cannot be expressed (enum takes strings and numbers)`,
    );
  }
  const out: SchemaObject = {};
  for (const [k, v] of Object.entries(rest)) defineOwn(out, k, v);
  // Object and array values are left out (narrower: the model cannot send them); with nothing else, the enum goes.
  if (branches.length === 0) {
    edit.loss(appendPointer(pointer, "enum"), "enum", "an enum of objects and arrays cannot be expressed: removed");
    return out;
  }
  if (branches.length === 1) return { ...out, ...branches[0] };
  out.anyOf = branches;
  return out;
}
