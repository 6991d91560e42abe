import { appendPointer } from "@partialgen/runtime";
import type { GenerateWarning } from "../schema/errors.js";
import { localPointer, localRef } from "../schema/pointer.js";
import { defineOwn, isSchemaObject, mapSchema, type SchemaObject } from "../schema/walk.js";

/**
 * json-schema-to-typescript extensions that turn schema text into TypeScript: `tsType` is pasted into the
 * output verbatim (code on import), `tsEnumNames` declares a TS enum in place of the value union, and the
 * draft-03 `extends` makes an interface inherit properties the validators do not check. Schemas come from
 * other teams and models, so none of them reaches the type generator; each is reported once.
 */
const CODE_EXTENSIONS = ["tsType", "tsEnumNames", "extends"] as const;

const EXTENSION_EFFECT: Record<(typeof CODE_EXTENSIONS)[number], string> = {
  tsType: "it would be pasted into the generated code verbatim",
  tsEnumNames: "it would declare a TypeScript enum instead of the union of the enum values",
  extends: "it is not a JSON Schema keyword (draft-03), and the validators would not check what it adds",
};

/**
 * json-schema-to-typescript calls `schema.hasOwnProperty(...)` on every object it walks (data in `enum`,
 * `const`, `default` and `examples` included), so an own key of that name anywhere crashes it. Definitions
 * are renamed to the name their type gets anyway ("HasOwnProperty", $refs updated); every other such key
 * becomes a stand-in identifier that is restored in the output.
 */
const SHADOWING_KEY = "hasOwnProperty";

export interface TypesInput {
  schema: unknown;
  /** Restores renamed property keys in json-schema-to-typescript's output. */
  restore: (declarations: string) => string;
}

/** Warnings for the code-producing extensions in `schema` (with their JSON Pointers). */
export function extensionWarnings(schema: unknown, file: string): GenerateWarning[] {
  const warnings: GenerateWarning[] = [];
  mapSchema(schema, (s, pointer) => {
    for (const keyword of CODE_EXTENSIONS) {
      if (Object.hasOwn(s, keyword))
        warnings.push({
          file,
          pointer: appendPointer(pointer, keyword),
          message: `"${keyword}" ignored: ${EXTENSION_EFFECT[keyword]}; partialgen derives the type from the schema's JSON Schema keywords`,
        });
    }
    return s;
  });
  return warnings;
}

/** The schema as json-schema-to-typescript gets it: extensions removed, crashing keys renamed. */
export function typesInput(schema: unknown): TypesInput {
  const text = JSON.stringify(schema) ?? "";
  let n = 0;
  // A stand-in no key of this schema spells (checked against its whole text), so restoring is exact.
  const fresh = (stem: string) => {
    let candidate: string;
    do candidate = `${stem}${n++}`;
    while (text.includes(candidate));
    return candidate;
  };
  const standIn = fresh("hasOwnProperty__partialgen");
  /** Renamed $defs/definitions entries: old pointer -> new pointer, for the $refs that name them. */
  const movedDefs = new Map<string, string>();
  const cleaned = mapSchema(schema, (s, pointer) => {
    for (const keyword of CODE_EXTENSIONS) delete s[keyword];
    if (isUselessAlias(s, pointer)) delete s.title;
    if (isSchemaObject(s.patternProperties)) s.patternProperties = commentSafePatterns(s.patternProperties);
    for (const keyword of ["$defs", "definitions"]) {
      const map = s[keyword];
      if (!isSchemaObject(map) || !Object.hasOwn(map, SHADOWING_KEY)) continue;
      // A definition keeps the type name json-schema-to-typescript gives its key.
      const replacement = Object.hasOwn(map, "HasOwnProperty") ? fresh("HasOwnProperty") : "HasOwnProperty";
      const copy: SchemaObject = {};
      for (const [key, value] of Object.entries(map)) defineOwn(copy, key === SHADOWING_KEY ? replacement : key, value);
      s[keyword] = copy;
      const at = appendPointer(pointer, keyword);
      movedDefs.set(appendPointer(at, SHADOWING_KEY), appendPointer(at, replacement));
    }
    return s;
  });
  // A second pass: subschemas are visited before the definitions that hold them are renamed.
  const relinked =
    movedDefs.size === 0
      ? cleaned
      : mapSchema(cleaned, (s) => {
          if (typeof s.$ref === "string") s.$ref = movedRef(s.$ref, movedDefs);
          return s;
        });
  let renamed = false;
  const rename = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rename);
    if (!isSchemaObject(value)) return value;
    const out: SchemaObject = {};
    for (const [key, v] of Object.entries(value)) {
      const own = key === SHADOWING_KEY;
      renamed ||= own;
      const required = key === "required" && Array.isArray(v) ? v.map((r) => (r === SHADOWING_KEY ? standIn : r)) : v;
      defineOwn(out, own ? standIn : key, rename(required));
    }
    return out;
  };
  const renamedSchema = text.includes(`"${SHADOWING_KEY}"`) ? rename(relinked) : relinked;
  return {
    schema: renamedSchema,
    // The stand-in is an identifier: json-schema-to-typescript writes it unquoted as a key, quoted in literals.
    restore: (declarations) => (renamed ? declarations.split(standIn).join(SHADOWING_KEY) : declarations),
  };
}

/**
 * json-schema-to-typescript declares a named type for every titled schema. Pydantic titles every property
 * ("name" gets "Name"), which would type `name: Name` with `type Name = string` beside it (and `Name1`,
 * `Name2` for the next models, `ZipCode = (string | null)`, `Tags = string[]`): below the root, a title is
 * dropped unless it names an object with properties or an enum of several values (a Literal's
 * `const` stays a literal type), so the property reads `name: string`.
 * Definitions keep their names (json-schema-to-typescript names them by their key anyway).
 */
function isUselessAlias(s: SchemaObject, pointer: string): boolean {
  if (pointer === "" || typeof s.title !== "string" || /^\/(\$defs|definitions)\/[^/]*$/.test(pointer)) return false;
  return !((Array.isArray(s.enum) && s.enum.length > 1) || isSchemaObject(s.properties));
}

/**
 * json-schema-to-typescript quotes each patternProperties key in a doc comment, escaping only the first "*\/"
 * in it (`key.replace("*\/", ...)`), so a second one ends the comment and the rest of the pattern becomes code.
 * The keys matter to the types only there (the index signature is the union of the values), so every "*\/"
 * is escaped before it sees them; a key that would then equal another gets spaces until it is unique.
 */
function commentSafePatterns(patterns: SchemaObject): SchemaObject {
  if (!Object.keys(patterns).some((key) => key.includes("*/"))) return patterns;
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(patterns)) {
    let safe = key.replaceAll("*/", "*\\/");
    while (Object.hasOwn(out, safe) || (safe !== key && Object.hasOwn(patterns, safe))) safe += " ";
    defineOwn(out, safe, value);
  }
  return out;
}

/** A local `#/...` reference into a moved definition, pointed at its new place. */
function movedRef(ref: string, moved: Map<string, string>): string {
  const pointer = localPointer(ref);
  if (pointer === undefined) return ref;
  for (const [from, to] of moved) {
    if (pointer === from || pointer.startsWith(`${from}/`)) return localRef(to + pointer.slice(from.length));
  }
  return ref;
}
