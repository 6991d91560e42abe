import { unescapePointerToken } from "@partialgen/runtime";
import { isSchemaObject, mapSchema, walkSchemas } from "./walk.js";

/**
 * The generator's one reader of JSON Pointers (RFC 6901) and of the local `$ref`s that carry them ("#/a/b",
 * RFC 3986 fragments: percent-decoded first, then split). Building pointers is the runtime's `appendPointer`.
 * Reading follows own properties only, so "__proto__" or "constructor" in a pointer names a schema's key,
 * never something inherited.
 */

/** The unescaped reference tokens of a JSON Pointer ("" has none). */
export function pointerTokens(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map(unescapePointerToken);
}

/** The value at a JSON Pointer, or undefined when something on the way is missing. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  let node: unknown = document;
  for (const token of pointerTokens(pointer)) {
    const next = child(node, token);
    if (next === undefined) return undefined;
    node = next;
  }
  return node;
}

/** How many leading tokens of a JSON Pointer name a value in the document (all of them when it resolves). */
export function resolvedDepth(document: unknown, pointer: string): number {
  let node: unknown = document;
  let depth = 0;
  for (const token of pointerTokens(pointer)) {
    node = child(node, token);
    if (node === undefined) break;
    depth++;
  }
  return depth;
}

function child(node: unknown, token: string): unknown {
  return typeof node === "object" && node !== null && Object.hasOwn(node, token)
    ? (node as Record<string, unknown>)[token]
    : undefined;
}

/** A URI fragment (the text after "#") percent-decoded, or undefined when an escape is malformed. */
export function decodeFragment(fragment: string): string | undefined {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
}

/** The JSON Pointer a local `$ref` ("#/...", "#") names, or undefined (an anchor, another document). */
export function localPointer(ref: unknown): string | undefined {
  if (typeof ref !== "string" || !ref.startsWith("#")) return undefined;
  const pointer = decodeFragment(ref.slice(1));
  return pointer !== undefined && (pointer === "" || pointer.startsWith("/")) ? pointer : undefined;
}

/** The local `$ref` naming a JSON Pointer: "#" and the pointer as a URI fragment. */
export function localRef(pointer: string): string {
  return `#${encodeURI(pointer).replace(/#/g, "%23")}`;
}

/** A JSON Pointer past its first `count` tokens ("/a/b/c", 2: "/c"), its tokens left escaped. */
export function pointerAfter(pointer: string, count: number): string {
  return pointer
    .split("/")
    .slice(count + 1)
    .map((token) => `/${token}`)
    .join("");
}

/**
 * A `$ref` that names the document whose base URI is `base` ("https://x/s.json#/$defs/a", or "s.json#/a"
 * relative to it), as the local reference it means: "#" and its fragment as written. Undefined for a
 * reference to another document, or one that is no URI reference.
 */
export function localRefTo(ref: string, base: string): string | undefined {
  if (withoutFragment(ref, base) !== base) return undefined;
  const hash = ref.indexOf("#");
  return hash === -1 ? "#" : ref.slice(hash);
}

/**
 * The base URI of a document without an absolute `$id` (a relative one is resolved against it). Any
 * hierarchical URI serves: the bundler has already made every reference to another file local, so only the
 * document's own names are resolved against it.
 */
const DOCUMENT_BASE = "file:///partialgen-document-base/document";

/** The subschemas a document names by URI, as Ajv registers them, and the base URI each schema object has. */
export interface DocumentNames {
  /** The JSON Pointer of the subschema a `$ref` names, resolved against `base`; undefined for none of them. */
  pointerOf(ref: string, base: string): string | undefined;
  /** The base URI of the schema object at a JSON Pointer: its nearest `$id` (its own included), else the document's. */
  baseAt(pointer: string): string;
  /** The document's own base URI. */
  base: string;
}

/**
 * Indexes a document's names: its resources (the root, and each subschema with an `$id` of its own, resolved
 * against the nearest enclosing `$id`) and anchors (`$anchor`, `$dynamicAnchor`, draft-07's `$id: "#name"`),
 * each within the resource that declares it. A name declared twice names nothing (Ajv refuses it).
 */
export function documentNames(document: unknown, base = documentBase(document)): DocumentNames {
  const names = new Map<string, string | null>(); // URI -> pointer, null when declared twice
  const bases = new Map<string, string>();
  const declare = (uri: string, pointer: string) => names.set(uri, names.has(uri) ? null : pointer);
  declare(base, "");
  walkSchemas(document, base, (s, pointer, parentBase) => {
    let here = parentBase;
    const id = typeof s.$id === "string" ? parseUri(s.$id, parentBase) : undefined;
    if (id !== undefined) {
      if (id.fragment !== "") declare(`${id.resource}#${id.fragment}`, pointer);
      else if (pointer !== "") declare(id.resource, pointer);
      // The root's $id made `base` already (resolving it again would apply a relative one twice).
      if (pointer !== "") here = id.resource;
    }
    for (const anchor of [s.$anchor, s.$dynamicAnchor])
      if (typeof anchor === "string" && anchor !== "") declare(`${here}#${anchor}`, pointer);
    bases.set(pointer, here);
    return here;
  });
  return {
    base,
    baseAt: (pointer) => bases.get(pointer) ?? base,
    pointerOf(ref, refBase) {
      const uri = parseUri(ref, refBase);
      if (uri === undefined) return undefined;
      const anchored = uri.fragment !== "" && !uri.fragment.startsWith("/");
      const named = names.get(anchored ? `${uri.resource}#${uri.fragment}` : uri.resource);
      if (named === undefined || named === null) return undefined;
      return anchored ? named : `${named}${uri.fragment}`;
    },
  };
}

/** The base URI of a document: its root `$id` (resolved against a stand-in when relative), without fragment. */
function documentBase(document: unknown): string {
  const id = isSchemaObject(document) && typeof document.$id === "string" ? document.$id : "";
  return parseUri(id, DOCUMENT_BASE)?.resource ?? DOCUMENT_BASE;
}

/** A URI reference resolved against a base: the resource it names and its fragment, percent-decoded. */
function parseUri(ref: string, base: string): { resource: string; fragment: string } | undefined {
  try {
    const url = new URL(ref, base);
    const fragment = decodeFragment(url.hash.slice(1));
    if (fragment === undefined) return undefined;
    url.hash = "";
    return { resource: url.href, fragment };
  } catch {
    return undefined;
  }
}

/**
 * The schema with every `$ref` that names a subschema of the document made the local JSON Pointer reference it
 * means, resolved against its base URI as Ajv resolves it: the root by its `$id`, an anchor (`#name`), a nested
 * `$id` resource ("item.json", absolute or relative to the enclosing `$id`) and a pointer into one
 * ("item.json#/properties/a", or "#/a" below a nested `$id`). The type generator and strict mode resolve no
 * `$id`s, so they read the schema through this. A `$ref` already naming the root's pointer stays as written;
 * one naming nothing here (another document, a meta-schema) stays too. `dropIds` also removes every `$id`,
 * for a reader that would take them for places to fetch from.
 */
export function withLocalRefs(schema: unknown, dropIds = false): unknown {
  if (!isSchemaObject(schema)) return schema;
  const names = documentNames(schema);
  return mapSchema(schema, (s, pointer) => {
    if (typeof s.$ref === "string") {
      const target = names.pointerOf(s.$ref, names.baseAt(pointer));
      const written = localRefTo(s.$ref, names.base);
      if (target !== undefined)
        s.$ref = written !== undefined && localPointer(written) === target ? written : localRef(target);
    }
    if (dropIds) delete s.$id;
    return s;
  });
}

function withoutFragment(ref: string, base?: string): string | undefined {
  try {
    const url = new URL(ref, base);
    url.hash = "";
    return url.href;
  } catch {
    return undefined;
  }
}
