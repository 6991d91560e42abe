/**
 * Checks of what callers pass to the public entries (the parsers' constructors and write(), streamObject,
 * readObjectStream, useObjectStream, toResponse): a wrong option fails at the call, with a TypeError naming the
 * entry, the option, what it got and what it expects, instead of being ignored or failing later somewhere else.
 *
 * Unknown option names are errors (with the closest known name when one is close): a misspelt `maxDeph` or a
 * request parameter put beside the options (`temperature`, which belongs in `request`) would otherwise be ignored
 * silently. An unknown name whose value is `undefined` is let through: it cannot change anything, and
 * conditional spreads (`{ ...options, extra: flag ? x : undefined }`) write such keys.
 *
 * The entries a browser page loads (readObjectStream, SnapshotParser, the bindings) check in development only,
 * so that a production bundle does not carry the checks, as React's development warnings go:
 * `if (typeof process === "object" && process.env.NODE_ENV !== "production") checkOptions(...)`, written at
 * the call, because bundlers define `process.env.NODE_ENV` as "production" there (Vite, webpack, Next.js,
 * esbuild when minifying) and then drop the call and the rules it passes; `typeof process` keeps a page loaded
 * without a bundler from failing. It is compared with "object", not "undefined": esbuild drops `typeof x ===
 * "object" && false` whole but keeps `typeof x !== "undefined"` as a statement (about 7 B in each place). In Node, tests and development builds the checks run.
 */

/** What an option accepts: a kind, or the list of its values. */
export type OptionKind =
  | "limit"
  | "count"
  | "duration"
  | "boolean"
  | "string"
  | "function"
  | "object"
  | "array"
  | "schema"
  | "signal"
  | "api"
  | readonly string[];
export type OptionRules = Readonly<Record<string, OptionKind>>;

const isObject = (v: unknown): v is object => typeof v === "object" && v !== null;

/** The kinds that are not a typeof: their test, and what they expect as the message says it (default: "a kind"). */
const KINDS: Record<string, [test: (v: never) => boolean, expected?: string]> = {
  /** A size limit: Infinity means none. */
  limit: [
    (n: number) => n === Number.POSITIVE_INFINITY || (Number.isInteger(n) && n >= 0),
    "an integer >= 0 or Infinity",
  ],
  /** A count (of retries, say): finite. */
  count: [(n: number) => Number.isSafeInteger(n) && n >= 0, "an integer >= 0"],
  /** A duration: finite (setTimeout reads Infinity as 1 ms). */
  duration: [(n: number) => Number.isFinite(n) && n >= 0, "a finite number >= 0"],
  object: [isObject],
  array: [Array.isArray as (v: never) => boolean],
  /** A JSON Schema (objects, and the boolean schemas) or a precomputed hint table. */
  schema: [(v) => typeof v === "boolean" || isObject(v), "a JSON Schema (an object or a boolean)"],
  signal: [(v: AbortSignal) => isObject(v) && typeof v.addEventListener === "function", "an AbortSignal"],
  /** useObjectStream's api. */
  api: [(v) => typeof v === "string" || typeof v === "function", "a URL or a function"],
};

/** Whether `v` is of `kind`, else what the kind expects. */
function expectation(kind: OptionKind, v: unknown): string | undefined {
  if (typeof kind !== "string") return kind.includes(v as string) ? undefined : `one of ${kind.join(", ")}`;
  const known = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
  if (known === undefined) return typeof v === kind ? undefined : withArticle(kind); // boolean, string, function
  return known[0](v as never) ? undefined : (known[1] ?? withArticle(kind));
}

/**
 * Checks `options` of `entry` (the name users call, as "streamObject") against `rules`; `undefined` values
 * count as absent. Throws a TypeError at the first problem. (Short on purpose: the browser bundle carries it.)
 */
export function checkOptions(entry: string, options: unknown, rules: OptionRules): void {
  if (options === undefined) return;
  if (!isObject(options) || Array.isArray(options)) {
    throw new TypeError(`partialgen: ${entry}'s options must be an object, got ${describeValue(options)}`);
  }
  for (const name of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (Object.hasOwn(rules, name)) {
      const expected = expectation(rules[name] as OptionKind, value);
      if (expected === undefined) continue;
      throw new TypeError(`partialgen: ${entry}'s option ${name} must be ${expected}, got ${describeValue(value)}`);
    }
    const close = closestName(name, Object.keys(rules));
    throw new TypeError(`partialgen: ${entry} has no option ${name}${close ? ` (did you mean ${close}?)` : ""}`);
  }
}

/** A value as an error message names it: `number -1`, `a Buffer`, `"text"`. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === "function") return "a function";
  if (typeof value !== "object") return `${typeof value} ${String(value)}`;
  let name: unknown;
  try {
    name = Object.getPrototypeOf(value)?.constructor?.name;
  } catch {} // a Proxy may throw: it is just "an object"
  return withArticle(typeof name !== "string" || !name || name === "Object" ? "object" : name);
}

/** "an object", "a Uint8Array" (a U sounds as "you" in the names met here). */
function withArticle(noun: string): string {
  return `${/^[aeioAEIO]/.test(noun) ? "an" : "a"} ${noun}`;
}

/** The known name `name` is most likely a misspelling of: 1–2 edits away (case ignored), if any. */
function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bound = Math.min(2, Math.max(1, name.length / 3));
  for (const candidate of known) {
    for (let edits = 0; edits <= bound; edits++) {
      if (withinEdits(name.toLowerCase(), candidate.toLowerCase(), edits)) {
        best = candidate;
        bound = edits;
        break;
      }
    }
  }
  return best;
}

/**
 * Whether at most `k` edits (insert, delete, replace, swap two neighbours) turn `a` into `b`. A search, not a
 * distance table: k is at most 2, and a common first character never needs an edit.
 */
function withinEdits(a: string, b: string, k: number): boolean {
  if (a && b && a[0] === b[0]) return withinEdits(a.slice(1), b.slice(1), k);
  if (a === b) return true;
  if (k === 0) return false;
  const rest = a.slice(1);
  return (
    withinEdits(rest, b, k - 1) ||
    withinEdits(a, b.slice(1), k - 1) ||
    withinEdits(rest, b.slice(1), k - 1) ||
    (a[0] === b[1] && a[1] === b[0] && withinEdits(a.slice(2), b.slice(2), k - 1))
  );
}
