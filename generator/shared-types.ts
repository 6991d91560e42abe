import { appendPointer } from "@partialgen/runtime";
import type { SchemaFile } from "./load.js";
import { typeName } from "./naming.js";
import { isSchemaObject, mapSchema, type SchemaObject } from "./schema-walk.js";

/**
 * Shared definitions are declared once: a type that lives in another input file (its root, or a definition
 * of a definitions-only file) is imported from that file's module instead of being declared again in every
 * module that references it. The schemas handed to the validators keep everything bundled; only the
 * input of the type generator changes, where each such `$ref` becomes a placeholder type that is replaced
 * by the imported name afterwards.
 */

/** What another module declares for a file: its root type and, for a definitions-only file, each definition. */
export interface SharedModule {
  module: string;
  root?: string;
  /** JSON Pointer within the file (e.g. "/$defs/Ingredient") -> declared type name. */
  definitions: Map<string, string>;
}

/** Input files by path. */
export type SharedTypes = Map<string, SharedModule>;

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

/**
 * The type name of each definition of a definitions-only file (json-schema-to-typescript's naming of its
 * title, else of its key), made unique within the file. `taken` holds the module's other names.
 */
export function definitionNames(schema: SchemaObject, keyword: string, taken: Set<string>): Map<string, string> {
  const names = new Map<string, string>();
  const defs = schema[keyword] as SchemaObject;
  for (const [key, def] of Object.entries(defs)) {
    const title = isSchemaObject(def) && typeof def.title === "string" ? def.title : "";
    const base = typeName(title) ?? typeName(key) ?? "Definition";
    let name = base;
    for (let i = 1; taken.has(name) || taken.has(`Partial${name}`); i++) name = `${base}${i}`;
    taken.add(name);
    names.set(appendPointer(`/${keyword}`, key), name);
  }
  return names;
}

/**
 * The types input of a definitions-only file: a root that is the union of its definitions (so that all are
 * declared), each definition titled with its chosen name, and titles below them removed so that no nested
 * schema can take a definition's name first.
 */
export function definitionsTypesInput(schema: SchemaObject, _keyword: string, names: Map<string, string>): unknown {
  const titled = mapSchema(schema, (s, pointer) => {
    const name = names.get(pointer);
    if (name !== undefined) s.title = name;
    else if ([...names.keys()].some((p) => pointer.startsWith(`${p}/`))) delete s.title;
    return s;
  }) as SchemaObject;
  return { ...titled, anyOf: [...names.keys()].map((p) => ({ $ref: `#${encodeRef(p)}` })) };
}

/** One imported type: the module it comes from and its name there. */
export interface SharedLink {
  module: string;
  name: string;
}

/** Where, in a bundled schema, the types of other input files sit: JSON Pointer -> link. */
export function sharedLinks(
  embeddings: readonly { file: SchemaFile; locate: (fragment: string) => string | undefined }[],
  shared: SharedTypes,
): Map<string, SharedLink> {
  const links = new Map<string, SharedLink>();
  for (const { file, locate } of embeddings) {
    const owner = shared.get(file.path);
    if (!owner) continue; // read from the project root, not an input: it has no module, so stays declared here
    const root = locate("");
    if (owner.root !== undefined && root !== undefined) links.set(root, { module: owner.module, name: owner.root });
    for (const [within, name] of owner.definitions) {
      const pointer = locate(within);
      if (pointer !== undefined) links.set(pointer, { module: owner.module, name });
    }
  }
  return links;
}

/** Keywords that may sit beside a `$ref` that is replaced by an imported type (they only annotate it). */
const ANNOTATIONS = new Set(["$ref", "description", "title", "$comment", "examples", "default", "deprecated"]);

/**
 * Replaces each `$ref` to a linked type by a placeholder type for the type generator (`tsType`, set by us,
 * never taken from a schema). Returns the schema and the placeholders used, by link.
 */
export function linkShared(
  schema: unknown,
  links: Map<string, SharedLink>,
  tag: "full" | "partial",
): { schema: unknown; placeholders: Map<string, SharedLink> } {
  const placeholders = new Map<string, SharedLink>();
  if (links.size === 0) return { schema, placeholders };
  const text = JSON.stringify(schema) ?? "";
  const byPointer = new Map<string, string>();
  let n = 0;
  const linked = mapSchema(schema, (s) => {
    if (typeof s.$ref !== "string" || !s.$ref.startsWith("#")) return s;
    if (Object.keys(s).some((k) => !ANNOTATIONS.has(k))) return s;
    let pointer: string;
    try {
      pointer = decodeURIComponent(s.$ref.slice(1));
    } catch {
      return s;
    }
    const link = links.get(pointer);
    if (!link) return s;
    let placeholder = byPointer.get(pointer);
    if (placeholder === undefined) {
      // Starts lowercase: json-schema-to-typescript never declares such a name; absent from the schema's text.
      do placeholder = `partialgen$${tag}${n++}$`;
      while (text.includes(placeholder));
      byPointer.set(pointer, placeholder);
      placeholders.set(placeholder, link);
    }
    const out: SchemaObject = { tsType: placeholder };
    if (typeof s.description === "string") out.description = s.description;
    return out;
  });
  return { schema: linked, placeholders };
}

/** Names declared at the top level of generated declarations. */
export function declaredNames(declarations: string): Set<string> {
  return new Set(
    [...declarations.matchAll(/^export (?:interface|type|enum|const enum) ([\w$]+)/gm)].map((m) => m[1] as string),
  );
}

/**
 * Puts the imported names in place of the placeholders and returns the import lines. An imported name that
 * the module declares itself is imported under an alias.
 */
export function resolveShared(
  texts: { full: string; partial: string },
  placeholders: { full: Map<string, SharedLink>; partial: Map<string, SharedLink> },
): { full: string; partial: string; imports: string[] } {
  const taken = declaredNames(`${texts.full}\n${texts.partial}`);
  const byModule = new Map<string, Map<string, string>>(); // module -> imported name -> local name
  const local = (link: SharedLink, name: string): string => {
    const names = byModule.get(link.module) ?? new Map<string, string>();
    byModule.set(link.module, names);
    const known = names.get(name);
    if (known) return known;
    let alias = name;
    for (let i = 2; taken.has(alias); i++) alias = `${name}${i}`;
    taken.add(alias);
    names.set(name, alias);
    return alias;
  };
  const replace = (text: string, map: Map<string, SharedLink>, partial: boolean) => {
    let out = text;
    for (const [placeholder, link] of map) {
      if (!out.includes(placeholder)) continue;
      out = out.split(placeholder).join(local(link, partial ? `Partial${link.name}` : link.name));
    }
    return out;
  };
  const full = replace(texts.full, placeholders.full, false);
  const partial = replace(texts.partial, placeholders.partial, true);
  const imports = [...byModule]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([module, names]) => {
      const list = [...names].map(([name, alias]) => (name === alias ? name : `${name} as ${alias}`)).join(", ");
      return `import type { ${list} } from "./${module}.js";`;
    });
  return { full, partial, imports };
}

function encodeRef(pointer: string): string {
  return encodeURI(pointer).replace(/#/g, "%23");
}
