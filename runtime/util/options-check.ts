/**
 * Checks of what callers pass to the public entries (the parsers' constructors and write(), streamObject,
 * readObjectStream, useObjectStream, toResponse): a wrong option fails at the call, with a TypeError naming the
 * entry, the option, what it got and what it expects, instead of being ignored or failing later somewhere else.
 *
 * Unknown option names are errors (with the closest known name when one is close): a misspelt `maxDeph` or a
 * request parameter put beside the options (`temperature`, which belongs in `request`) would otherwise be ignored
 * silently. An unknown name whose value is `undefined` is let through: it cannot change anything, and
 * conditional spreads (`{ ...options, extra: flag ? x : undefined }`) write such keys.
 */

/** What the kinds of option that are not a typeof expect, as the message says it. */
const EXPECTED: Record<string, string> = {
  /** A size limit: Infinity means none. */
  limit: "an integer >= 0 or Infinity",
  /** A count (of retries, say): finite. */
  count: "an integer >= 0",
  /** A duration: finite (setTimeout reads Infinity as 1 ms). */
  duration: "a finite number >= 0",
  /** A JSON Schema (objects, and the boolean schemas) or a precomputed hint table. */
  schema: "a JSON Schema (an object or a boolean)",
  signal: "an AbortSignal",
  /** useObjectStream's api. */
  api: "a URL or a function",
};

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

function accepts(kind: OptionKind, v: unknown): boolean {
  if (typeof kind !== "string") return kind.includes(v as string);
  const n = v as number;
  switch (kind) {
    case "limit":
      return n === Number.POSITIVE_INFINITY || (Number.isInteger(n) && n >= 0);
    case "count":
      return Number.isSafeInteger(n) && n >= 0;
    case "duration":
      return Number.isFinite(n) && n >= 0;
    case "object":
      return typeof v === "object" && v !== null;
    case "array":
      return Array.isArray(v);
    case "schema":
      return typeof v === "boolean" || accepts("object", v);
    case "signal":
      return accepts("object", v) && typeof (v as AbortSignal).addEventListener === "function";
    case "api":
      return typeof v === "string" || typeof v === "function";
    default:
      return typeof v === kind; // boolean, string, function
  }
}

/**
 * Checks `options` of `entry` (the name users call, as "streamObject") against `rules`; `undefined` values
 * count as absent. Throws a TypeError at the first problem. (Short on purpose: the browser bundle carries it.)
 */
export function checkOptions(entry: string, options: unknown, rules: OptionRules): void {
  if (options === undefined) return;
  if (!accepts("object", options) || Array.isArray(options)) {
    throw new TypeError(`partialgen: ${entry}'s options must be an object, got ${describeValue(options)}`);
  }
  for (const name of Object.keys(options as object)) {
    const value = (options as Record<string, unknown>)[name];
    const kind = Object.hasOwn(rules, name) ? rules[name] : undefined;
    if (value === undefined || (kind !== undefined && accepts(kind, value))) continue;
    if (kind !== undefined) {
      const expected = typeof kind !== "string" ? `one of ${kind.join(", ")}` : (EXPECTED[kind] ?? withArticle(kind));
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
  let bestDistance = Math.min(2, Math.max(1, name.length / 3));
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`; option names are short. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (before[j - 2] as number) + 1);
      row.push(d);
    }
    before = previous;
    previous = row;
  }
  return previous[b.length] as number;
}
