import { existsSync } from "node:fs";
import { basename, extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GenerateError } from "./errors.js";
import { loadSchemaFile, type SchemaFile } from "./load.js";
import { defineOwn, isSchemaObject, mapSchema, type SchemaObject } from "./schema-walk.js";

/** Where a schema file can be found by `$ref`: its file URL and its absolute `$id`, if any. */
export class SchemaRegistry {
  private readonly byUrl = new Map<string, SchemaFile>();

  constructor(files: readonly SchemaFile[]) {
    for (const file of files) this.add(file);
  }

  add(file: SchemaFile): void {
    this.byUrl.set(pathToFileURL(file.path).href, file);
    const id = rootId(file);
    if (id) this.byUrl.set(id, file);
  }

  /** The file a URL (without fragment) names; files outside the inputs are read on demand, never fetched. */
  async find(url: URL, from: SchemaFile, pointer: string, ref: string): Promise<SchemaFile> {
    const known = this.byUrl.get(url.href);
    if (known) return known;
    if (url.protocol === "file:") {
      const path = fileURLToPath(url);
      if (!existsSync(path))
        throw new GenerateError(
          from.displayPath,
          pointer,
          `$ref "${ref}" names a file that does not exist: ${path}`,
          "$ref",
        );
      const file = await loadSchemaFile(path);
      this.add(file);
      return file;
    }
    throw new GenerateError(
      from.displayPath,
      pointer,
      `$ref "${ref}" is remote (${url.protocol}): partialgen never fetches schemas; download it and add the file to the inputs`,
      "$ref",
    );
  }
}

/** The base URI a file's relative `$ref`s resolve against: its absolute `$id`, else its location. */
function baseOf(file: SchemaFile): string {
  return rootId(file) ?? pathToFileURL(file.path).href;
}

function rootId(file: SchemaFile): string | undefined {
  if (!isSchemaObject(file.schema)) return undefined;
  const id = file.schema.$id ?? file.schema.id;
  if (typeof id !== "string") return undefined;
  try {
    const url = new URL(id);
    url.hash = "";
    return url.href;
  } catch {
    return undefined; // a relative $id: the file location stays the base
  }
}

/**
 * Makes a schema self-contained: every `$ref` to another file is rewritten to a local pointer and that
 * file is embedded under `$defs`. Downstream stages (types, validators, strict schema, runtime hints)
 * then only ever see local references. Reference cycles between files are embedded once.
 */
export async function bundleSchema(root: SchemaFile, registry: SchemaRegistry): Promise<SchemaObject | boolean> {
  if (!isSchemaObject(root.schema)) return root.schema;
  const embedded = new Map<string, string>(); // file URL -> key under the definitions keyword
  const bundledDefs: SchemaObject = {};
  const defsKeyword = definitionsKeyword(root.schema);
  const rootDefs = root.schema[defsKeyword];
  const existing = new Set(Object.keys(isSchemaObject(rootDefs) ? rootDefs : {}));
  const rootBase = baseOf(root);

  const rewrite = async (file: SchemaFile, prefix: string): Promise<unknown> => {
    const base = baseOf(file);
    const pending: { target: SchemaObject; ref: string; pointer: string }[] = [];
    const copy = mapSchema(file.schema, (s, pointer) => {
      if (typeof s.$ref === "string") pending.push({ target: s, ref: s.$ref, pointer: `${pointer}/$ref` });
      // Once bundled, every reference is a local pointer: an $id would start a new resource (changing what
      // those pointers mean to Ajv) and invite tools to resolve against a remote base. Its job is done.
      delete s.$id;
      if (file !== root && pointer === "") delete s.$schema;
      return s;
    });
    for (const { target, ref, pointer } of pending) {
      let url: URL;
      try {
        url = new URL(ref, base);
      } catch {
        throw new GenerateError(file.displayPath, pointer, `$ref "${ref}" is not a valid URI reference`, "$ref");
      }
      const fragment = decodeURIComponent(url.hash.slice(1));
      url.hash = "";
      let local: string;
      if (url.href === base && file === root) continue; // already local to the root: left as written
      if (url.href === base) {
        local = fragment === "" || fragment.startsWith("/") ? `${prefix}${fragment}` : fragment;
      } else {
        const other = await registry.find(url, file, pointer, ref);
        if (baseOf(other) === rootBase) local = fragment;
        else {
          const otherUrl = baseOf(other);
          let key = embedded.get(otherUrl);
          if (key === undefined) {
            key = uniqueKey(basename(other.path, extname(other.path)), existing);
            embedded.set(otherUrl, key);
            defineOwn(bundledDefs, key, {}); // placeholder first: a cycle back to this file finds the key
            defineOwn(bundledDefs, key, await rewrite(other, `/${defsKeyword}/${escapeToken(key)}`));
          }
          local = `/${defsKeyword}/${escapeToken(key)}${fragment}`;
        }
      }
      target.$ref = `#${encodeURI(local).replace(/#/g, "%23")}`;
    }
    return copy;
  };

  const bundled = (await rewrite(root, "")) as SchemaObject;
  if (Object.keys(bundledDefs).length > 0) {
    const own = bundled[defsKeyword];
    bundled[defsKeyword] = { ...(isSchemaObject(own) ? own : {}), ...bundledDefs };
  }
  return bundled;
}

/**
 * Where embedded files go: beside the root's own definitions, in the keyword its dialect uses (tools
 * such as json-schema-to-typescript reject a schema that has both "definitions" and "$defs").
 */
function definitionsKeyword(schema: SchemaObject): "$defs" | "definitions" {
  if ("$defs" in schema) return "$defs";
  if ("definitions" in schema) return "definitions";
  return typeof schema.$schema === "string" && /draft-0[4-7]/.test(schema.$schema) ? "definitions" : "$defs";
}

function uniqueKey(stem: string, taken: Set<string>): string {
  const base = stem.replace(/[^A-Za-z0-9_-]/g, "_") || "schema";
  let key = base;
  for (let i = 2; taken.has(key); i++) key = `${base}_${i}`;
  taken.add(key);
  return key;
}

function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}
