import { unescapePointerToken } from "../util/json-pointer.js";
import type { StreamEvent } from "./event-log.js";

/**
 * The reference tokens of a JSON Pointer pattern, at the type level: "/sections/*\/users/*" is
 * ["sections", "*", "users", "*"].
 */
type PatternTokens<S extends string> = S extends `/${infer Head}/${infer Rest}`
  ? [Head, ...PatternTokens<`/${Rest}`>]
  : S extends `/${infer Last}`
    ? [Last]
    : [];

type Step<T, Token> = T extends readonly (infer E)[]
  ? Token extends "*" | `${number}`
    ? E
    : never
  : T extends object
    ? Token extends "*"
      ? T[keyof T]
      : Token extends keyof T
        ? T[Token]
        : never
    : never;

type Walk<T, Tokens> = Tokens extends [infer Head, ...infer Rest] ? Walk<Step<NonNullable<T>, Head>, Rest> : T;

/** The type of the values a pattern matches in `T`: `ElementAt<MeetingInfo, "/users/*">` is `User`. */
export type ElementAt<T, Pattern extends string> = unknown extends T
  ? unknown
  : string extends Pattern
    ? unknown // a pattern known only at run time
    : Walk<T, PatternTokens<Pattern>>;

/**
 * `Pattern` itself when it is a JSON Pointer pattern that names values of `T`, else a message type, so a
 * misspelt or impossible path is a compile error at the call (`elements(stream, "/userz/*")`). With `T`
 * unknown (an untyped reader) any JSON Pointer pattern passes, and so does a `string` built at run time.
 */
export type PatternOf<T, Pattern extends string> = string extends Pattern
  ? Pattern // a pattern built at run time: checked then
  : Pattern extends "" | `/${string}`
    ? unknown extends T
      ? Pattern
      : [ElementAt<T, Pattern>] extends [never]
        ? `partialgen: the pattern ${Pattern} matches no value of this schema's type`
        : Pattern
    : `partialgen: a pattern is a JSON Pointer, starting with "/" (${Pattern})`;

/** Anything with the object stream's events: the server's stream, the browser's reader. */
export interface HasEvents<P, T> {
  events(): AsyncIterable<StreamEvent<P, T>>;
}

/**
 * A pattern as a test on pointers: JSON Pointer reference tokens where "*" matches any one token (an array
 * index or a property name); a pointer matches when it has as many tokens and each is equal or matched.
 */
export function pointerPattern(pattern: string): (pointer: string) => boolean {
  if (pattern !== "" && pattern[0] !== "/") throw new Error(`partialgen: pattern ${pattern} must be a JSON Pointer`);
  const tokens = pattern.split("/");
  return (pointer) => {
    const parts = pointer.split("/");
    return parts.length === tokens.length && tokens.every((t, i) => t === "*" || t === parts[i]);
  };
}

/** The value at a JSON Pointer in a snapshot (undefined when absent). */
export function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === "") return root;
  let node = root;
  for (const raw of pointer.slice(1).split("/")) {
    if (node === null || typeof node !== "object") return undefined;
    const token = unescapePointerToken(raw);
    if (!Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/**
 * Yields each value matching `pattern` once it is complete: in the order the model finishes them, each
 * position exactly once. `"/users/*"` yields every user as soon as its closing brace arrives;
 * `"/sections/*\/users/*"` every user of every section. A retry restarts the answer from empty: positions
 * already yielded are not yielded again, later ones come from the new attempt. Elements are complete JSON;
 * like every snapshot they are validated only with the whole value (final()). Ends when the stream ends,
 * and throws the stream's error.
 */
export async function* elements<P, T, Pattern extends string>(
  stream: HasEvents<P, T>,
  pattern: PatternOf<T, Pattern>,
): AsyncGenerator<ElementAt<T, Pattern>, void, undefined> {
  const matches = pointerPattern(pattern);
  const yielded = new Set<string>();
  for await (const event of stream.events()) {
    if (event.type === "error") throw event.error;
    if (event.type !== "snapshot" && event.type !== "done") continue;
    for (const pointer of event.completedPaths) {
      if (yielded.has(pointer) || !matches(pointer)) continue;
      yielded.add(pointer);
      yield valueAt(event.value, pointer) as ElementAt<T, Pattern>;
    }
  }
}
