import {
  type HintNode,
  type HintRow,
  type JSONSchema,
  RefResolver,
  type SchemaNode,
  type StreamHintTable,
  type View,
} from "./schema-hints.js";

/*
 * The generator's side of the stream hints: the table is computed at generation time, so this module stays
 * out of the browser bundle (only the parser's reading of a table, in schema-hints.ts, ships there).
 */

type SchemaObject = { readonly [keyword: string]: unknown };

/** Positions a table may describe; past this a schema's hints stay as the raw schema. */
const MAX_ROWS = 2048;
/** anyOf groups nested in each other within one position. */
const MAX_NESTING = 12;

function nesting(view: View): number {
  let deepest = 0;
  for (const group of view.groups) for (const branch of group) deepest = Math.max(deepest, 1 + nesting(branch));
  return deepest;
}

/**
 * The hints of `schema` as a table (what generated code passes to the parser), or undefined when they
 * depend on a property name's text (patternProperties) or the table would be too large: then the raw
 * schema is used, with the same rules evaluated lazily. Deterministic: rows in breadth-first order.
 */
export function compileStreamHints(schema: JSONSchema): StreamHintTable | undefined {
  const resolver = new RefResolver(schema);
  const root = resolver.rootNode();
  if (root === undefined) return { $partialgen: "stream-hints", rows: [] };
  const ids = new Map<SchemaObject, number>();
  const keyOf = (view: View): string => {
    const all = view.all
      .map((s) => {
        const known = ids.get(s);
        if (known !== undefined) return known;
        ids.set(s, ids.size);
        return ids.size - 1;
      })
      .sort((a, b) => a - b);
    // The flags change the hints (restrictsString): views differing only in them are different rows.
    const flags = `${view.unnamed === true ? "u" : ""}${view.tagged === true ? "t" : ""}`;
    return `[${all.join(",")}|${view.groups.map((g) => g.map(keyOf).join(";")).join("|")}]${flags}`;
  };
  const index = new Map<string, number>();
  const queue: SchemaNode[] = [];
  const rows: HintRow[] = [];
  const rowOf = (node: HintNode | undefined): number | undefined => {
    if (node === undefined) return undefined;
    const key = keyOf((node as SchemaNode).view);
    let at = index.get(key);
    if (at === undefined) {
      at = queue.length;
      index.set(key, at);
      queue.push(node as SchemaNode);
    }
    return at;
  };
  rowOf(root);
  for (let i = 0; i < queue.length; i++) {
    if (queue.length > MAX_ROWS) return undefined;
    const node = queue[i] as SchemaNode;
    // Views that keep growing (recursion through several branches) have no finite table.
    if (node.patterned || nesting(node.view) > MAX_NESTING) return undefined;
    const row: { -readonly [K in keyof HintRow]: HintRow[K] } = {};
    const flags = (node.whole ? 1 : 0) | (node.atomicString ? 2 : 0) | (node.acceptsNull ? 4 : 0);
    if (flags !== 0) row.f = flags;
    if (node.notNullKeys.length > 0) row.n = [...node.notNullKeys];
    const names = [...node.nameSet].sort();
    const absent = names.filter((k) => node.nullMeansAbsent(k));
    if (absent.length > 0) row.a = absent;
    const props: { [key: string]: number } = {};
    for (const name of names) {
      const child = rowOf(node.property(name));
      if (child !== undefined) Object.defineProperty(props, name, { value: child, enumerable: true, writable: true });
    }
    if (names.length > 0) row.p = props;
    const other = node.property(unnamedKey(node.nameSet));
    const x = rowOf(other);
    if (x !== undefined) row.x = x;
    if (other !== undefined && node.nullMeansAbsent(unnamedKey(node.nameSet))) row.xa = 1;
    if (node.tupleLength > 0) {
      const t: number[] = [];
      for (let k = 0; k < node.tupleLength; k++) t.push(rowOf(node.item(k)) ?? -1);
      row.t = t;
    }
    const tail = rowOf(node.item(node.tupleLength));
    if (tail !== undefined) row.i = tail;
    const selections: { [key: string]: (string | number | boolean | null)[] } = {};
    for (const key of [...node.tagValues.keys()].sort()) {
      const pairs: (string | number | boolean | null)[] = [];
      for (const value of node.tagValues.get(key) ?? []) {
        const selected = rowOf(node.select(key, value));
        if (selected !== undefined) pairs.push(value, selected);
      }
      if (pairs.length > 0) Object.defineProperty(selections, key, { value: pairs, enumerable: true, writable: true });
    }
    if (Object.keys(selections).length > 0) row.d = selections;
    rows.push(row);
  }
  return { $partialgen: "stream-hints", rows: mergeEquivalent(rows) };
}

/**
 * Rows the parser cannot tell apart (the same flags and keys, children equivalent in turn) merged into one,
 * as in minimising an automaton: a branch a tag selects mostly repeats rows the union already has. Classes are
 * refined from "all rows alike" until stable; rows keep their order of first appearance (the root first).
 */
function mergeEquivalent(rows: readonly HintRow[]): HintRow[] {
  let classOf = rows.map(() => 0);
  for (let count = 1; ; ) {
    const classes = new Map<string, number>();
    const next = rows.map((row, i) => {
      const key = `${classOf[i]}${JSON.stringify(remap(row, (r) => classOf[r] as number))}`;
      let c = classes.get(key);
      if (c === undefined) {
        c = classes.size;
        classes.set(key, c);
      }
      return c;
    });
    classOf = next;
    if (classes.size === count) break;
    count = classes.size;
  }
  const merged: HintRow[] = [];
  const first = new Map<number, number>();
  for (const c of classOf) if (!first.has(c)) first.set(c, first.size);
  const seen = new Set<number>();
  rows.forEach((row, i) => {
    const c = classOf[i] as number;
    if (seen.has(c)) return;
    seen.add(c);
    merged.push(remap(row, (r) => first.get(classOf[r] as number) as number));
  });
  return merged;
}

/** The row with each child row index `r` replaced by `to(r)` (-1, "no schema here", stays). */
function remap(row: HintRow, to: (r: number) => number): HintRow {
  const out: { -readonly [K in keyof HintRow]: HintRow[K] } = { ...row };
  const child = (r: number) => (r < 0 ? r : to(r));
  if (row.p !== undefined) {
    const p: { [key: string]: number } = {};
    for (const [key, r] of Object.entries(row.p))
      Object.defineProperty(p, key, { value: child(r), enumerable: true, writable: true });
    out.p = p;
  }
  if (row.x !== undefined) out.x = child(row.x);
  if (row.t !== undefined) out.t = row.t.map(child);
  if (row.i !== undefined) out.i = child(row.i);
  if (row.d !== undefined) {
    const d: { [key: string]: (string | number | boolean | null)[] } = {};
    for (const [key, pairs] of Object.entries(row.d)) {
      const mapped = pairs.map((v, k) => (k % 2 === 1 ? child(v as number) : v));
      Object.defineProperty(d, key, { value: mapped, enumerable: true, writable: true });
    }
    out.d = d;
  }
  return out;
}

/** A property name the schema does not mention, to ask about "any other property". */
function unnamedKey(names: ReadonlySet<string>): string {
  let key = "\u0000other";
  while (names.has(key)) key += "_";
  return key;
}
