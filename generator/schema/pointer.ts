import { unescapePointerToken } from "@partialgen/runtime";
import { isSchemaObject, mapSchema } from "./walk.js";

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

/** The base URI a root's `$id` gives its document (the `$id` without fragment), when the `$id` is absolute. */
export function rootBaseUri(schema: unknown): string | undefined {
  if (!isSchemaObject(schema) || typeof schema.$id !== "string") return undefined;
  return withoutFragment(schema.$id);
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
 * The schema with every `$ref` that names its root by the root's absolute `$id` made local (the type
 * generator and strict mode resolve no `$id`s). The bundler has made local every such `$ref` that resolves
 * against the document's own base; what is left sits below a nested `$id`, kept for Ajv. `dropIds` also
 * removes every `$id`, for a reader that would take them for places to fetch from. Nested `$id`s do not change
 * the base: the root's is used throughout.
 */
export function withLocalRootRefs(schema: unknown, dropIds = false): unknown {
  const base = rootBaseUri(schema);
  if (base === undefined && !dropIds) return schema;
  return mapSchema(schema, (s) => {
    if (dropIds) delete s.$id;
    const local = base !== undefined && typeof s.$ref === "string" ? localRefTo(s.$ref, base) : undefined;
    if (local !== undefined) s.$ref = local;
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
