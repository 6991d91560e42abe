import { appendPointer } from "@partialgen/runtime";
import type { GenerateWarning } from "../errors.js";
import { defineOwn, isSchemaObject, mapSchema, type SchemaObject } from "../schema-walk.js";

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

/** Keywords mapping names to subschemas, whose keys json-schema-to-typescript reads through the object. */
const NAME_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependencies", "dependentSchemas"];

/**
 * json-schema-to-typescript calls `schema.hasOwnProperty(...)` on the objects it walks, so a key of that name
 * in any of these maps crashes it. Such keys are renamed on the way in and restored in the output.
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
  const propertyKey = fresh("hasOwnProperty__partialgen");
  /** Renamed $defs/definitions entries: old pointer -> new pointer, for the $refs that name them. */
  const movedDefs = new Map<string, string>();
  let renamed = false;
  const cleaned = mapSchema(schema, (s, pointer) => {
    for (const keyword of CODE_EXTENSIONS) delete s[keyword];
    for (const keyword of NAME_MAPS) {
      const map = s[keyword];
      if (!isSchemaObject(map) || !Object.hasOwn(map, SHADOWING_KEY)) continue;
      renamed = true;
      // A definition keeps the type name json-schema-to-typescript gives its key ("HasOwnProperty").
      const replacement =
        keyword === "$defs" || keyword === "definitions"
          ? Object.hasOwn(map, "HasOwnProperty")
            ? fresh("HasOwnProperty")
            : "HasOwnProperty"
          : keyword === "properties"
            ? propertyKey
            : fresh("hasOwnProperty");
      const copy: SchemaObject = {};
      for (const [key, value] of Object.entries(map)) defineOwn(copy, key === SHADOWING_KEY ? replacement : key, value);
      s[keyword] = copy;
      if (keyword === "properties" && Array.isArray(s.required))
        s.required = s.required.map((r) => (r === SHADOWING_KEY ? propertyKey : r));
      if (keyword === "$defs" || keyword === "definitions") {
        const at = appendPointer(pointer, keyword);
        movedDefs.set(appendPointer(at, SHADOWING_KEY), appendPointer(at, replacement));
      }
    }
    return s;
  });
  const withRefs =
    movedDefs.size === 0
      ? cleaned
      : mapSchema(cleaned, (s) => {
          if (typeof s.$ref === "string") s.$ref = movedRef(s.$ref, movedDefs);
          return s;
        });
  return {
    schema: withRefs,
    // The stand-in is an identifier, so json-schema-to-typescript writes it unquoted, as it writes the original.
    restore: (declarations) => (renamed ? declarations.split(propertyKey).join(SHADOWING_KEY) : declarations),
  };
}

/** A local `#/...` reference into a moved definition, pointed at its new place. */
function movedRef(ref: string, moved: Map<string, string>): string {
  if (!ref.startsWith("#/")) return ref;
  let pointer: string;
  try {
    pointer = decodeURIComponent(ref.slice(1));
  } catch {
    return ref;
  }
  for (const [from, to] of moved) {
    if (pointer === from || pointer.startsWith(`${from}/`))
      return `#${encodeURI(to + pointer.slice(from.length)).replace(/#/g, "%23")}`;
  }
  return ref;
}
