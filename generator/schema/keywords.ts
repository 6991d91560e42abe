import { isSchemaObject, type SchemaObject } from "./walk.js";

/** Root keywords a definitions-only file may have besides its definitions: identity and annotations. */
const DEFINITIONS_FILE_KEYS = new Set(["$schema", "$id", "id", "$comment", "title", "description", "examples"]);

/** The definitions keyword of a file that only holds definitions for other files, else undefined. */
export function definitionsOnly(schema: unknown): "$defs" | "definitions" | undefined {
  if (!isSchemaObject(schema)) return undefined;
  let keyword: "$defs" | "definitions" | undefined;
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$defs" || key === "definitions") {
      if (!isSchemaObject(value) || Object.keys(value).length === 0 || keyword) return undefined;
      keyword = key;
    } else if (!DEFINITIONS_FILE_KEYS.has(key) && !key.startsWith("x-")) return undefined;
  }
  return keyword;
}

/** Keywords that may sit beside a `$ref` that only annotate it. */
const ANNOTATIONS = new Set(["$ref", "description", "title", "$comment", "examples", "default", "deprecated"]);

/** A `$ref` with only annotations beside it: it means its target's type exactly. */
export function onlyAnnotates(s: SchemaObject): boolean {
  return Object.keys(s).every((k) => ANNOTATIONS.has(k));
}
