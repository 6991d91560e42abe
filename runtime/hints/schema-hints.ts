import { type LinearRegExp, linearRegExp } from "../util/linear-regexp.js";
import type { HintNode } from "./hint-table.js";
import { wholeness } from "./whole.js";

export type { HintNode, HintRow, StreamHintTable } from "./hint-table.js";

/** A JSON Schema as the runtime sees it: only the keywords that change how a value streams are read. */
export type JSONSchema = boolean | { readonly [keyword: string]: unknown };

type SchemaObject = { readonly [keyword: string]: unknown };

/** The schema `false`: admits nothing. */
const NOTHING: SchemaObject = Object.freeze({ not: {} });

/**
 * The schemas that apply to one position of the document, keeping the structure that matters: every
 * schema in `all` applies (the schema itself, `$ref` targets, `allOf` members), and of each group in
 * `groups` (an `anyOf`/`oneOf`) at least one branch applies. Flattening the branches would lose the
 * difference between "some branch says" and "every schema says", which decides the hints below.
 */
export interface View {
  all: SchemaObject[];
  groups: View[][];
  /**
   * A branch's view of a property it never names (an open object admitting it through
   * `additionalProperties`, or by saying nothing): see restrictsString.
   */
  unnamed?: boolean;
  /**
   * A branch of a discriminated union (or a position below one) whose tag is not read yet: any branch may
   * turn out to be the one, so a string here is held while any branch holds it (see restrictsString).
   */
  tagged?: boolean;
}

/** A value a discriminating property (a `const`, an `enum`) may hold. */
export type TagValue = string | number | boolean | null;

type JSONType = "string" | "number" | "null" | "object" | "array" | "boolean";

/**
 * What the schema says about one position in the document, computed once per position kind and cached:
 * the parser asks for a child node whenever a value starts, so lookups must be cheap.
 *
 * Hints are conservative: a value is held back whenever showing it early could break the partial type.
 * What each schema object says is `wholeness` (whole.ts), which the generated partial schema reads too.
 */
export class SchemaNode implements HintNode {
  /** Shown only once complete: some schema here says `"x-stream": "done"` or `"not-null"` (wholeness().subtree). */
  readonly whole: boolean;
  /**
   * Strings here are shown only once complete: every schema that applies here and admits a string
   * restricts it to `enum`/`const` (branches that cannot hold a string and annotations do not count).
   */
  readonly atomicString: boolean;
  /** Properties marked `"x-stream": "not-null"`: the object is held back until each has a complete value. */
  readonly notNullKeys: readonly string[];

  private readonly named = new Map<string, SchemaNode | undefined>();
  /** Property names the schema mentions (properties, required): children worth caching. */
  readonly nameSet: ReadonlySet<string>;
  /** Some patternProperties apply: a child depends on the key's text. */
  readonly patterned: boolean;
  /** Item positions that have their own schema (prefixItems, array-form items). */
  readonly tupleLength: number;
  private additional: SchemaNode | undefined | null = null;
  private items: SchemaNode | undefined | null = null;
  private readonly tupleItems = new Map<number, SchemaNode | undefined>();
  /** Item schemas depend on the index (prefixItems, or draft-07 array items). */
  private readonly isTuple: boolean;
  private readonly absentNulls = new Map<string, boolean>();
  private tags: Map<string, TagValue[]> | undefined;
  private readonly selected = new Map<string, Map<TagValue, SchemaNode | undefined>>();

  constructor(
    private readonly resolver: RefResolver,
    readonly view: View,
  ) {
    const schemas = everySchema(view);
    this.whole = schemas.some((s) => wholeness(s).subtree);
    this.atomicString = restrictsString(view);
    const notNull = new Set<string>();
    const names = new Set<string>();
    let patterned = false;
    let tuple = 0;
    for (const s of schemas) {
      if (Array.isArray(s.required)) for (const key of s.required) if (typeof key === "string") names.add(key);
      const props = asObject(s.properties);
      if (props) {
        for (const key of Object.keys(props)) {
          names.add(key);
          if (everySchema(resolver.expand(props[key])).some((p) => wholeness(p).notNull)) notNull.add(key);
        }
      }
      if (asObject(s.patternProperties)) patterned = true;
      const list = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
      if (list) tuple = Math.max(tuple, list.length, 1);
    }
    this.notNullKeys = [...notNull];
    this.nameSet = names;
    this.patterned = patterned;
    this.tupleLength = tuple;
    this.isTuple = tuple > 0;
  }

  /** The value may be null. */
  get acceptsNull(): boolean {
    return admits(this.view, "null");
  }

  /**
   * A null in this property means "absent": OpenAI strict mode makes optional properties
   * required-but-nullable, and the original schema (which the final value must match) forbids null there.
   * Required means required whichever branch applies: by the schema, an allOf member, or every branch.
   */
  nullMeansAbsent(key: string): boolean {
    const cached = this.absentNulls.get(key);
    if (cached !== undefined) return cached;
    const property = this.property(key);
    const absent = !requires(this.view, key) && property !== undefined && !property.acceptsNull;
    if (this.nameSet.has(key)) this.absentNulls.set(key, absent);
    return absent;
  }

  property(key: string): SchemaNode | undefined {
    if (this.nameSet.has(key)) {
      if (this.named.has(key)) return this.named.get(key);
      const node = this.propertyNode(key);
      this.named.set(key, node);
      return node;
    }
    // Only keys the schema names are cached: the model chooses the others, and an unbounded cache
    // keyed by untrusted text would grow without limit.
    if (this.patterned) return this.propertyNode(key);
    // Any other key: what additionalProperties says, the same for every such key.
    if (this.additional === null) this.additional = this.propertyNode(key);
    return this.additional;
  }

  private propertyNode(key: string): SchemaNode | undefined {
    const view = childView(
      this.view,
      "object",
      (s) => propertySchemas(s, key),
      this.resolver,
      (s) => namesProperty(s, key),
    );
    return this.resolver.node(view);
  }

  /**
   * The properties that discriminate the unions of this object, each with the values that select branches:
   * in every object branch of such a union the property is a `const` or an `enum` of scalars.
   */
  get tagValues(): ReadonlyMap<string, readonly TagValue[]> {
    if (this.tags === undefined) {
      this.tags = new Map();
      for (const group of this.view.groups) {
        for (const [key, values] of this.resolver.discriminators(group)) {
          const known = this.tags.get(key) ?? [];
          for (const v of values) if (!known.includes(v)) known.push(v);
          this.tags.set(key, known);
        }
      }
    }
    return this.tags;
  }

  /**
   * This object's hints once its property `key` holds `value`: of each union that property discriminates,
   * only the branches that allow the value remain. Undefined when that rules out no branch.
   */
  select(key: string, value: unknown): SchemaNode | undefined {
    const values = this.tagValues.get(key);
    if (values === undefined || !values.includes(value as TagValue)) return undefined;
    // Bounded: keys and values come from the schema's finite sets, never from the model's text alone.
    let byValue = this.selected.get(key);
    if (byValue === undefined) {
      byValue = new Map();
      this.selected.set(key, byValue);
    }
    if (byValue.has(value as TagValue)) return byValue.get(value as TagValue);
    const view = narrow(this.view, key, value as TagValue, this.resolver);
    const node = view === undefined ? undefined : this.resolver.node(view);
    byValue.set(value as TagValue, node);
    return node;
  }

  item(index: number): SchemaNode | undefined {
    if (!this.isTuple) {
      if (this.items === null)
        this.items = this.resolver.node(childView(this.view, "array", (s) => itemSchemas(s, 0), this.resolver));
      return this.items;
    }
    if (this.tupleItems.has(index)) return this.tupleItems.get(index);
    const node = this.resolver.node(childView(this.view, "array", (s) => itemSchemas(s, index), this.resolver));
    if (index < 1024) this.tupleItems.set(index, node);
    return node;
  }
}

/**
 * Resolves `$ref`s within one root schema: local ones ("#", "#/...", "#anchor") and ones naming a resource
 * of this schema by its `$id` (the root's own, or an embedded one). Nothing is ever fetched.
 */
export class RefResolver {
  /** Each schema object's base URI: the `$id` of the resource it is in (a `$ref` resolves against it). */
  private readonly bases = new WeakMap<object, string>();
  /** Resources by absolute URI, and anchors (`$anchor`, `$dynamicAnchor`, draft-07 "#name" ids) by `<resource>#<name>`. */
  private readonly resources = new Map<string, SchemaObject>();
  private readonly anchors = new Map<string, SchemaObject>();
  private readonly rootBase: string;
  private readonly groupTags = new WeakMap<readonly View[], Map<string, TagValue[]>>();

  constructor(private readonly root: JSONSchema) {
    const id = asObject(root)?.$id;
    this.rootBase = (typeof id === "string" ? withoutFragment(id, UNNAMED_ROOT) : undefined) ?? UNNAMED_ROOT;
    this.index(root, this.rootBase, new Set());
  }

  private index(schema: unknown, base: string, seen: Set<unknown>): void {
    if (typeof schema !== "object" || schema === null || seen.has(schema)) return;
    seen.add(schema);
    let here = base;
    const s = schema as SchemaObject;
    if (!Array.isArray(schema)) {
      if (typeof s.$id === "string") {
        const url = safeUrl(s.$id, base);
        if (url !== undefined) {
          const name = url.hash.slice(1);
          url.hash = "";
          // A plain-name id ("#name", draft 7) names a schema of its resource; any other starts a resource.
          if (url.href !== base || this.resources.size === 0) {
            here = url.href;
            if (!this.resources.has(here)) this.resources.set(here, s);
          }
          if (name !== "" && !name.startsWith("/")) this.anchor(here, name, s);
        }
      }
      for (const keyword of ["$anchor", "$dynamicAnchor"]) {
        const name = s[keyword];
        if (typeof name === "string") this.anchor(here, name, s);
      }
      this.bases.set(s, here);
    }
    for (const value of Object.values(s)) this.index(value, here, seen);
  }

  private anchor(resource: string, name: string, s: SchemaObject): void {
    const key = `${resource}#${name}`;
    if (!this.anchors.has(key)) this.anchors.set(key, s);
  }

  rootNode(): SchemaNode | undefined {
    return this.node(this.expand(this.root));
  }

  node(view: View): SchemaNode | undefined {
    return view.all.length === 0 && view.groups.length === 0 ? undefined : new SchemaNode(this, view);
  }

  /** The view of one schema: `$ref` and `allOf` join `all`, each `anyOf`/`oneOf` becomes a group. */
  expand(schema: unknown, seen: ReadonlySet<unknown> = new Set()): View {
    return this.expandAll([schema], seen);
  }

  /** One view of several schemas that all apply; a schema reached twice (two $refs to it) counts once. */
  expandAll(schemas: readonly unknown[], seen: ReadonlySet<unknown> = new Set()): View {
    const view: View = { all: [], groups: [] };
    const added = new Set<SchemaObject>();
    for (const schema of schemas) this.addTo(view, schema, seen, added);
    return view;
  }

  private addTo(view: View, schema: unknown, seen: ReadonlySet<unknown>, added: Set<SchemaObject>): void {
    const s = schema === false ? NOTHING : asObject(schema);
    // A $ref cycle that never descends into a value ({"$ref": "#"} at the root) adds nothing new.
    if (!s || seen.has(s) || added.has(s)) return;
    added.add(s);
    const path = new Set(seen).add(s);
    view.all.push(s);
    if (typeof s.$ref === "string")
      this.addTo(view, this.lookup(s.$ref, this.bases.get(s) ?? this.rootBase), path, added);
    if (Array.isArray(s.allOf)) for (const member of s.allOf) this.addTo(view, member, path, added);
    for (const keyword of ["anyOf", "oneOf"]) {
      const list = s[keyword];
      if (Array.isArray(list)) view.groups.push(list.map((branch) => this.expand(branch, path)));
    }
  }

  /**
   * The properties that discriminate a union's branches (a tagged union: zod's discriminatedUnion,
   * Pydantic's `discriminator`), each with every value a branch allows there. A property qualifies when
   * every branch that can be an object names it with a `const` or an `enum` of scalars: the validators
   * check those, so a value rules out the branches that do not allow it. (The `discriminator` keyword
   * itself is not read: the validators ignore it, and Pydantic's mapping repeats the consts.)
   */
  discriminators(group: readonly View[]): ReadonlyMap<string, readonly TagValue[]> {
    const known = this.groupTags.get(group);
    if (known !== undefined) return known;
    const tags = new Map<string, TagValue[]>();
    const objects = group.filter((branch) => admits(branch, "object"));
    const first = objects[0];
    const candidates = new Set<string>();
    if (first !== undefined)
      for (const s of everySchema(first))
        for (const key of Object.keys(asObject(s.properties) ?? {})) candidates.add(key);
    for (const key of candidates) {
      const values: TagValue[] = [];
      const discriminates = objects.every((branch) => {
        const allowed = this.tagValuesOf(branch, key);
        if (allowed === undefined) return false;
        for (const v of allowed) if (!values.includes(v)) values.push(v);
        return true;
      });
      if (discriminates) tags.set(key, values);
    }
    this.groupTags.set(group, tags);
    return tags;
  }

  /** The values an object branch allows for property `key`, when finitely many scalars (else undefined). */
  tagValuesOf(branch: View, key: string): readonly TagValue[] | undefined {
    let values: readonly TagValue[] | undefined;
    const within = (allowed: readonly TagValue[]) => {
      values = values === undefined ? allowed : values.filter((v) => allowed.includes(v));
    };
    for (const s of branch.all) {
      const props = asObject(s.properties);
      if (!props || !Object.hasOwn(props, key)) continue;
      const allowed = finiteValues(this.expand(props[key]));
      if (allowed !== undefined) within(allowed);
    }
    for (const group of branch.groups) {
      const objects = group.filter((b) => admits(b, "object"));
      const sets = objects.map((b) => this.tagValuesOf(b, key));
      if (objects.length > 0 && sets.every((set) => set !== undefined)) within([...new Set(sets.flat())]);
    }
    return values !== undefined && values.length > 0 ? values : undefined;
  }

  /** What `ref` names, resolved against `base` (the resource the `$ref` is in), if this schema holds it. */
  private lookup(ref: string, base: string): unknown {
    const url = safeUrl(ref, base);
    if (url === undefined) return undefined;
    let fragment: string;
    try {
      fragment = decodeURIComponent(url.hash.slice(1));
    } catch {
      return undefined;
    }
    url.hash = "";
    const resource = url.href === this.rootBase ? asObject(this.root) : this.resources.get(url.href);
    if (resource === undefined) return undefined;
    if (fragment !== "" && !fragment.startsWith("/")) return this.anchors.get(`${url.href}#${fragment}`);
    let at: unknown = resource;
    for (const token of fragment.split("/").slice(1)) {
      if (typeof at !== "object" || at === null) return undefined;
      const key = unescapeToken(token);
      at = Object.hasOwn(at, key) ? (at as SchemaObject)[key] : undefined;
    }
    return at;
  }
}

/**
 * The view of a child position: the child schemas of every schema in `all`, and per group the children
 * of the branches that can be this kind of container (a `{"type": "null"}` branch says nothing about a
 * property of the object the value turned out to be).
 */
function childView(
  view: View,
  container: JSONType,
  children: (s: SchemaObject) => unknown[],
  resolver: RefResolver,
  names?: (s: SchemaObject) => boolean,
): View {
  const out = resolver.expandAll(view.all.flatMap(children));
  for (const group of view.groups) {
    const branches = group.filter((branch) => admits(branch, container));
    if (branches.length === 0) continue;
    const tagged = container === "object" && resolver.discriminators(group).size > 0;
    const childBranches = branches.map((branch) => {
      const child = childView(branch, container, children, resolver, names);
      // What lies below a position a branch never names is unnamed by it too.
      if (branch.unnamed === true || (names !== undefined && !everySchema(branch).some(names))) child.unnamed = true;
      if (tagged || branch.tagged === true) child.tagged = true;
      return child;
    });
    // One possible branch applies for sure: its schemas join `all` (without this, a recursive
    // `anyOf: [{"$ref": ...}, {"type": "null"}]` would nest one group deeper at every level).
    if (childBranches.length === 1) {
      const only = childBranches[0] as View;
      for (const s of only.all) if (!out.all.includes(s)) out.all.push(s);
      out.groups.push(...only.groups);
    } else out.groups.push(childBranches);
  }
  return out;
}

/**
 * The view once property `key` of the object holds `value`: of each group that property discriminates,
 * the object branches that allow the value (narrowed in turn), one remaining branch joining `all`.
 * Undefined when no branch is ruled out; a group no branch of which allows the value stays as it is (the
 * validators reject that value, and the wider view is the conservative one).
 */
function narrow(view: View, key: string, value: TagValue, resolver: RefResolver): View | undefined {
  const out: View = { ...view, all: [...view.all], groups: [] };
  let changed = false;
  for (const group of view.groups) {
    const kept = selectBranches(group, key, value, resolver);
    if (kept === undefined) out.groups.push(group);
    else if (kept.length === 1) {
      const only = kept[0] as View;
      for (const s of only.all) if (!out.all.includes(s)) out.all.push(s);
      out.groups.push(...only.groups);
      changed = true;
    } else {
      out.groups.push(kept);
      changed = true;
    }
  }
  return changed ? out : undefined;
}

function selectBranches(group: View[], key: string, value: TagValue, resolver: RefResolver): View[] | undefined {
  if (!resolver.discriminators(group).has(key)) return undefined;
  const kept: View[] = [];
  let changed = false;
  for (const branch of group) {
    if (!admits(branch, "object")) continue;
    if (!(resolver.tagValuesOf(branch, key) as TagValue[]).includes(value)) {
      changed = true;
      continue;
    }
    const narrowed = narrow(branch, key, value, resolver);
    if (narrowed !== undefined) changed = true;
    kept.push(narrowed ?? branch);
  }
  return changed && kept.length > 0 ? kept : undefined;
}

/** The values a view allows, when it restricts them to finitely many scalars (const, enum). */
function finiteValues(view: View): readonly TagValue[] | undefined {
  let values: readonly unknown[] | undefined;
  const within = (allowed: readonly unknown[]) => {
    values = values === undefined ? allowed : values.filter((v) => allowed.includes(v));
  };
  for (const s of view.all) {
    if ("const" in s) within([s.const]);
    if (Array.isArray(s.enum)) within(s.enum);
  }
  for (const group of view.groups) {
    const sets = group.map(finiteValues);
    if (sets.every((set) => set !== undefined)) within([...new Set(sets.flat())]);
  }
  return values?.every(isTagValue) ? (values as TagValue[]) : undefined;
}

function isTagValue(value: unknown): value is TagValue {
  return value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function propertySchemas(s: SchemaObject, key: string): unknown[] {
  if (s === NOTHING) return [false];
  const props = asObject(s.properties);
  const out: unknown[] = [];
  if (props && Object.hasOwn(props, key)) out.push(props[key]);
  const patterns = asObject(s.patternProperties);
  if (patterns) for (const pattern of Object.keys(patterns)) if (safeTest(pattern, key)) out.push(patterns[pattern]);
  if (out.length === 0 && s.additionalProperties !== undefined) out.push(s.additionalProperties);
  return out;
}

function itemSchemas(s: SchemaObject, index: number): unknown[] {
  if (s === NOTHING) return [false];
  if (Array.isArray(s.prefixItems)) return [index < s.prefixItems.length ? s.prefixItems[index] : s.items];
  if (Array.isArray(s.items)) return [index < s.items.length ? s.items[index] : s.additionalItems];
  return [s.items];
}

/** Some schema that applies (or may apply, in a branch) — for hints that hold a value back. */
function everySchema(view: View): SchemaObject[] {
  const out = [...view.all];
  for (const group of view.groups) for (const branch of group) out.push(...everySchema(branch));
  return out;
}

/** Whether some value of JSON type `type` can satisfy the view (type, enum and const are read). */
function admits(view: View, type: JSONType): boolean {
  return view.all.every((s) => ownAdmits(s, type)) && view.groups.every((g) => g.some((b) => admits(b, type)));
}

function ownAdmits(s: SchemaObject, type: JSONType): boolean {
  if (s === NOTHING) return false;
  const types = typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? s.type : undefined;
  if (types && !types.some((t) => t === type || (t === "integer" && type === "number"))) return false;
  if (Array.isArray(s.enum) && !s.enum.some((v) => typeOf(v) === type)) return false;
  if ("const" in s && typeOf(s.const) !== type) return false;
  return true;
}

/**
 * Every string this view admits is one of finitely many (enum/const): a prefix of one is no value.
 * Of a group, the branches that name the position decide: in a tagged union of open objects (Pydantic's
 * default models, zod's looseObject), `{"type": "keypress", "key": "shif"}` must not show `"shif"` because
 * the `click` branch, open, would admit any string there (and `{"modifiers": ["shif"]}` likewise): the tag has
 * already ruled that branch out, and the branch that names the property rejects the prefix. Of a discriminated
 * union whose tag is not read yet, every naming branch may be the one, so one that holds the string is enough
 * (`{"type": "typed", "key": "shi"}` shows once the tag has selected the free-string branch: SchemaNode.select).
 * Holding a string until it is complete is always safe (a complete string is a value of every branch that
 * admits one), so this only streams less.
 */
function restrictsString(view: View): boolean {
  if (view.all.some((s) => wholeness(s).completeStrings)) return true;
  return view.groups.some((group) => {
    const strings = group.filter((b) => admits(b, "string"));
    const named = strings.filter((b) => b.unnamed !== true);
    const deciding = named.length > 0 ? named : strings;
    if (deciding.length === 0) return false;
    // Until the tag is read, any branch may be the one (the parser narrows the object's hints once it is).
    return deciding.some((b) => b.tagged === true) ? deciding.some(restrictsString) : deciding.every(restrictsString);
  });
}

/** The schema gives property `key` a schema of its own (properties, or a matching patternProperties). */
function namesProperty(s: SchemaObject, key: string): boolean {
  const props = asObject(s.properties);
  if (props && Object.hasOwn(props, key)) return true;
  const patterns = asObject(s.patternProperties);
  return patterns !== undefined && Object.keys(patterns).some((pattern) => safeTest(pattern, key));
}

/** The property must be present whichever branch applies. */
function requires(view: View, key: string): boolean {
  if (view.all.some((s) => Array.isArray(s.required) && s.required.includes(key))) return true;
  return view.groups.some((group) => {
    const possible = group.filter((b) => admits(b, "object"));
    return possible.length > 0 && possible.every((b) => requires(b, key));
  });
}

function typeOf(value: unknown): JSONType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const t = typeof value;
  return t === "string" || t === "number" || t === "boolean" ? t : "object";
}

/** The base of a root without an `$id`: relative references resolve against it like against any URI. */
const UNNAMED_ROOT = "partialgen-root:/schema";

function safeUrl(ref: string, base: string): URL | undefined {
  try {
    return new URL(ref, base);
  } catch {
    return undefined;
  }
}

function withoutFragment(ref: string, base: string): string | undefined {
  const url = safeUrl(ref, base);
  if (url === undefined) return undefined;
  url.hash = "";
  return url.href;
}

function asObject(value: unknown): SchemaObject | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as SchemaObject) : undefined;
}

/**
 * Whether a `patternProperties` pattern matches a key the model wrote. A backtracking `RegExp` would let a
 * schema's `^(a+)+$` and a 30-character key stall the parser for seconds, so patterns run on the linear-time
 * engine. A pattern it cannot run (invalid, a backreference, too large) applies to no key, as if absent: the
 * hints then only stream differently, and the generator refuses such patterns with their JSON Pointer.
 */
function safeTest(pattern: string, key: string): boolean {
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = linearRegExp(pattern, "u");
    } catch {
      compiled = null;
    }
    // Raw schemas may arrive at run time without end: the cache is bounded.
    if (compiledPatterns.size >= MAX_CACHED_PATTERNS) compiledPatterns.clear();
    compiledPatterns.set(pattern, compiled);
  }
  return compiled?.test(key) === true;
}

const MAX_CACHED_PATTERNS = 256;
const compiledPatterns = new Map<string, LinearRegExp | null>();

/**
 * RFC 6901 unescaping, as util/json-pointer.ts does it: kept here so that this module, which the browser loads
 * only for a raw JSON Schema, shares no chunk with every page (a chunk of its own costs each page ~75 B gzipped).
 */
function unescapeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}
