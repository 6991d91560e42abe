import { unescapePointerToken } from "@partialgen/runtime";

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
