import { unescapePointerToken } from "./json-pointer.js";

/** A JSON Schema as the runtime sees it: only the keywords that change how a value streams are read. */
export type JSONSchema = boolean | { readonly [keyword: string]: unknown };

type SchemaObject = { readonly [keyword: string]: unknown };

/**
 * What the schema says about one position in the document, computed once per position kind and cached:
 * the parser asks for a child node whenever a value starts, so lookups must be cheap.
 *
 * A position can be described by several schemas at once (allOf/anyOf/oneOf, $ref); they are flattened
 * into `candidates`. Hints are conservative: a value is held back when any candidate asks for it.
 */
export class SchemaNode {
  /** `"x-stream": "done"`: show this value only once it is complete. */
  readonly whole: boolean;
  /** Strings here are `enum`/`const` values: show them only once complete (a half enum value is no value). */
  readonly atomicString: boolean;
  /** Properties marked `"x-stream": "not-null"`: the object is held back until each has a complete value. */
  readonly notNullKeys: readonly string[];

  private readonly named = new Map<string, SchemaNode | undefined>();
  private additional: SchemaNode | undefined | null = null;
  private items: SchemaNode | undefined | null = null;
  private readonly tupleItems = new Map<number, SchemaNode | undefined>();
  /** Item schemas depend on the index (prefixItems, or draft-07 array items). */
  private readonly isTuple: boolean;

  constructor(
    private readonly resolver: RefResolver,
    readonly candidates: readonly SchemaObject[],
  ) {
    this.whole = candidates.some((s) => s["x-stream"] === "done");
    this.atomicString = candidates.length > 0 && candidates.every((s) => "enum" in s || "const" in s);
    const notNull = new Set<string>();
    for (const s of candidates) {
      const props = asObject(s.properties);
      if (!props) continue;
      for (const key of Object.keys(props)) {
        if (resolver.expand(props[key]).some((p) => p["x-stream"] === "not-null")) notNull.add(key);
      }
    }
    this.notNullKeys = [...notNull];
    this.isTuple = candidates.some((s) => Array.isArray(s.prefixItems) || Array.isArray(s.items));
  }

  /** The value may be null: some candidate allows null, or nothing constrains the type. */
  get acceptsNull(): boolean {
    return this.candidates.some(
      (c) =>
        c.type === "null" ||
        (Array.isArray(c.type) && c.type.includes("null")) ||
        (Array.isArray(c.enum) && c.enum.includes(null)) ||
        c.const === null ||
        !("type" in c || "enum" in c || "const" in c || "properties" in c || "items" in c),
    );
  }

  /**
   * A null in this optional property means "absent": OpenAI strict mode makes optional properties
   * required-but-nullable, and the original schema (which the final value must match) forbids null there.
   */
  nullMeansAbsent(key: string): boolean {
    if (this.candidates.some((c) => Array.isArray(c.required) && c.required.includes(key))) return false;
    const property = this.property(key);
    return property !== undefined && !property.acceptsNull;
  }

  property(key: string): SchemaNode | undefined {
    const cached = this.named.get(key);
    if (cached !== undefined || this.named.has(key)) return cached;
    const named: unknown[] = [];
    let patterned = false;
    for (const s of this.candidates) {
      const props = asObject(s.properties);
      if (props && Object.hasOwn(props, key)) {
        named.push(props[key]);
        continue;
      }
      const patterns = asObject(s.patternProperties);
      if (patterns) {
        for (const pattern of Object.keys(patterns)) {
          if (safeTest(pattern, key)) {
            named.push(patterns[pattern]);
            patterned = true;
          }
        }
      }
    }
    if (named.length > 0) {
      const node = this.resolver.node(named);
      // Only keys the schema names are cached: the model chooses the others, and an unbounded cache
      // keyed by untrusted text would grow without limit.
      if (!patterned) this.named.set(key, node);
      return node;
    }
    if (this.additional === null) {
      this.additional = this.resolver.node(
        this.candidates.map((s) => s.additionalProperties).filter((a) => a !== undefined),
      );
    }
    return this.additional;
  }

  item(index: number): SchemaNode | undefined {
    if (!this.isTuple) {
      if (this.items === null) this.items = this.resolver.node(this.candidates.map((s) => s.items));
      return this.items;
    }
    if (this.tupleItems.has(index)) return this.tupleItems.get(index);
    const parts: unknown[] = [];
    for (const s of this.candidates) {
      if (Array.isArray(s.prefixItems)) parts.push(index < s.prefixItems.length ? s.prefixItems[index] : s.items);
      else if (Array.isArray(s.items)) parts.push(index < s.items.length ? s.items[index] : s.additionalItems);
      else parts.push(s.items);
    }
    const node = this.resolver.node(parts);
    if (index < 1024) this.tupleItems.set(index, node);
    return node;
  }
}

/** Resolves local `$ref`s ("#/...", "#/$defs/x", "#anchor") within one root schema. */
export class RefResolver {
  private readonly anchors = new Map<string, SchemaObject>();

  constructor(private readonly root: JSONSchema) {
    collectAnchors(root, this.anchors, new Set());
  }

  rootNode(): SchemaNode | undefined {
    return this.node([this.root]);
  }

  node(schemas: readonly unknown[]): SchemaNode | undefined {
    const candidates: SchemaObject[] = [];
    for (const s of schemas) candidates.push(...this.expand(s));
    return candidates.length === 0 ? undefined : new SchemaNode(this, candidates);
  }

  /** Flattens $ref and the combinators into the schema objects that apply to one value. */
  expand(schema: unknown, seen: Set<unknown> = new Set()): SchemaObject[] {
    const s = asObject(schema);
    if (!s || seen.has(s)) return [];
    seen.add(s);
    const out: SchemaObject[] = [s];
    if (typeof s.$ref === "string") out.push(...this.expand(this.lookup(s.$ref), seen));
    for (const keyword of ["allOf", "anyOf", "oneOf"]) {
      const list = s[keyword];
      if (Array.isArray(list)) for (const sub of list) out.push(...this.expand(sub, seen));
    }
    // A schema that only combines others says nothing itself; dropping it keeps `atomicString` exact.
    return out.filter((c) => !isPureCombinator(c));
  }

  private lookup(ref: string): unknown {
    if (!ref.startsWith("#")) return undefined;
    const fragment = decodeURIComponent(ref.slice(1));
    if (fragment !== "" && !fragment.startsWith("/")) return this.anchors.get(fragment);
    let at: unknown = this.root;
    for (const token of fragment.split("/").slice(1)) {
      const o = asObject(at) ?? (Array.isArray(at) ? (at as unknown as SchemaObject) : undefined);
      if (!o) return undefined;
      const key = unescapePointerToken(token);
      at = Object.hasOwn(o, key) ? o[key] : undefined;
    }
    return at;
  }
}

const COMBINATOR_KEYS = new Set([
  "$ref",
  "allOf",
  "anyOf",
  "oneOf",
  "$id",
  "$schema",
  "$defs",
  "definitions",
  "$comment",
  "title",
  "description",
]);

function isPureCombinator(s: SchemaObject): boolean {
  const keys = Object.keys(s);
  return (
    keys.some((k) => k === "$ref" || k === "allOf" || k === "anyOf" || k === "oneOf") &&
    keys.every((k) => COMBINATOR_KEYS.has(k))
  );
}

function collectAnchors(schema: unknown, anchors: Map<string, SchemaObject>, seen: Set<unknown>): void {
  if (typeof schema !== "object" || schema === null || seen.has(schema)) return;
  seen.add(schema);
  const s = schema as SchemaObject;
  if (!Array.isArray(schema) && typeof s.$anchor === "string") anchors.set(s.$anchor, s);
  for (const value of Object.values(s)) collectAnchors(value, anchors, seen);
}

function asObject(value: unknown): SchemaObject | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as SchemaObject) : undefined;
}

function safeTest(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, "u").test(key);
  } catch {
    return false;
  }
}
