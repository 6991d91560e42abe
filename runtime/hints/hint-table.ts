/*
 * The stream hints as the browser reads them: a table the generator computed ahead of time
 * (hints/compile.ts), read here without the schema derivation of schema-hints.ts, which stays
 * out of the browser bundle.
 */

/** What the parser asks about one position of the document (see SchemaNode for the rules). */
export interface HintNode {
  readonly whole: boolean;
  readonly atomicString: boolean;
  readonly notNullKeys: readonly string[];
  readonly acceptsNull: boolean;
  nullMeansAbsent(key: string): boolean;
  property(key: string): HintNode | undefined;
  item(index: number): HintNode | undefined;
  /**
   * This object's hints once its property `key` holds the complete scalar `value`: a discriminated union's
   * tag selects its branches. Undefined when that changes nothing.
   */
  select?(key: string, value: unknown): HintNode | undefined;
}

/**
 * The hints of a whole schema, computed by the generator ahead of time (compileStreamHints) from the same
 * normalised schema its partial type and strict schema come from: one row per position kind.
 * `f`: flags (1 whole, 2 atomic string, 4 accepts null); `n`: not-null keys; `a`: named keys where null
 * means absent; `p`: named property -> row; `x`: any other property; `xa`: null means absent there;
 * `t`: tuple items by index; `i`: the other items; `d`: tag property -> [value, row, value, row, ...], the
 * object's hints once that property holds that value. A missing child is a position the schema says nothing of.
 */
export interface StreamHintTable {
  readonly $partialgen: "stream-hints";
  readonly rows: readonly HintRow[];
}

export interface HintRow {
  readonly f?: number;
  readonly n?: readonly string[];
  readonly a?: readonly string[];
  readonly p?: { readonly [key: string]: number };
  readonly x?: number;
  readonly xa?: 1;
  readonly t?: readonly number[];
  readonly i?: number;
  readonly d?: { readonly [key: string]: readonly (string | number | boolean | null)[] };
}

/** A position's hints (schemaHints(), a table's node): what the parser asks, as methods. */
export function isHintNode(value: unknown): value is HintNode {
  return (
    typeof value === "object" && value !== null && typeof (value as { property?: unknown }).property === "function"
  );
}

export function isStreamHintTable(value: unknown): value is StreamHintTable {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { $partialgen?: unknown }).$partialgen === "stream-hints" &&
    Array.isArray((value as { rows?: unknown }).rows)
  );
}

const NO_KEYS: readonly string[] = Object.freeze([]);

/** A position read from a precomputed table. */
class TableNode implements HintNode {
  // Set by the constructor (the same own properties as class fields, fewer bytes in browser bundles).
  declare readonly whole: boolean;
  declare readonly atomicString: boolean;
  declare readonly acceptsNull: boolean;
  declare readonly notNullKeys: readonly string[];

  readonly #nodes: (TableNode | undefined)[];
  readonly #rows: readonly HintRow[];
  readonly #row: HintRow;

  constructor(nodes: (TableNode | undefined)[], rows: readonly HintRow[], row: HintRow) {
    this.#nodes = nodes;
    this.#rows = rows;
    this.#row = row;
    const f = row.f ?? 0;
    this.whole = (f & 1) !== 0;
    this.atomicString = (f & 2) !== 0;
    this.acceptsNull = (f & 4) !== 0;
    this.notNullKeys = row.n ?? NO_KEYS;
  }

  nullMeansAbsent(key: string): boolean {
    if (this.#row.a?.includes(key)) return true;
    if (this.#row.p !== undefined && Object.hasOwn(this.#row.p, key)) return false;
    return this.#row.xa === 1;
  }

  property(key: string): HintNode | undefined {
    const p = this.#row.p;
    if (p !== undefined && Object.hasOwn(p, key)) return this.#at(p[key]);
    return this.#at(this.#row.x);
  }

  item(index: number): HintNode | undefined {
    const t = this.#row.t;
    if (t !== undefined && index < t.length) return this.#at(t[index]);
    return this.#at(this.#row.i);
  }

  select(key: string, value: unknown): HintNode | undefined {
    const d = this.#row.d;
    if (d === undefined || !Object.hasOwn(d, key)) return undefined;
    const pairs = d[key] as readonly unknown[];
    for (let k = 0; k < pairs.length; k += 2) if (pairs[k] === value) return this.#at(pairs[k + 1] as number);
    return undefined;
  }

  /** The node of row `index`; undefined for a missing child (and for an index that is not a row). */
  #at(index: number | undefined): HintNode | undefined {
    const row = index === undefined || !Object.hasOwn(this.#rows, index) ? undefined : this.#rows[index];
    if (row === undefined) return undefined;
    this.#nodes[index as number] ??= new TableNode(this.#nodes, this.#rows, row);
    return this.#nodes[index as number];
  }
}

/** The root position of a precomputed table. */
export function tableHints(table: StreamHintTable): HintNode | undefined {
  const first = table.rows[0];
  return first === undefined ? undefined : new TableNode([], table.rows, first);
}
