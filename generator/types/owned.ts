import { appendPointer } from "@partialgen/runtime";
import { identifier } from "../code/literals.js";
import { typeName } from "../code/naming.js";
import type { Identifier } from "../code/safe.js";
import { onlyAnnotates } from "../schema/keywords.js";
import { localPointer, localRef, pointerTokens, resolvePointer } from "../schema/pointer.js";
import { isSchemaObject, mapSchema, type SchemaObject } from "../schema/walk.js";
import type { SharedLink } from "./linked.js";

/**
 * The types input of a module whose root file owns definitions that other modules import: each such
 * definition must be declared here, under the name the importers use, even when the root itself does not
 * reach it. json-schema-to-typescript declares only what its root reaches and names types in the order it
 * meets them (a second "Amount" becomes "Amount1"), so:
 * - the root moves into the definitions and a wrapper root (`anyOf` of the root and the shared
 *   definitions, dropped from the output) makes every shared definition reachable;
 * - each shared definition is titled with its pinned name, and every other name the tool could derive
 *   that equals a pinned one (a title, a definition key, the last token of a `$ref`) is changed to a free
 *   one, so the order of meeting no longer matters;
 * - a `$ref` that only annotates a shared definition becomes a placeholder for its name (as imports do),
 *   so the tool makes no copy of it that could take the name; a `$ref` with other keywords beside it is a
 *   copy the tool declares under a name of its own.
 */
export interface OwnedTypesInput {
  schema: unknown;
  /** The wrapper root's name, to compile under and to drop from the declarations. */
  wrapper: Identifier;
  /** Placeholders standing for the shared definitions' names (declared by this module). */
  placeholders: Map<string, SharedLink>;
}

/** Key of the moved root among the definitions (made unique). */
const ROOT_KEY = "partialgen-root";
const WRAPPER = "PartialgenSharedTypes";

/**
 * `owned`: JSON Pointer of each shared definition (a top-level `$defs`/`definitions` entry) -> its pinned
 * name. `rootName` is the root type's name. Returns undefined when nothing is owned (the input stays as is).
 */
export function ownedTypesInput(
  schema: unknown,
  owned: ReadonlyMap<string, Identifier>,
  rootName: Identifier,
  tag: string,
): OwnedTypesInput | undefined {
  if (owned.size === 0 || !isSchemaObject(schema)) return undefined;
  const shared = new Map([...owned].filter(([pointer]) => isSchemaObject(resolvePointer(schema, pointer))));
  if (shared.size === 0) return undefined;
  const dealiased = dealiasShared(schema, shared, rootName);
  const held = placeholdShared(dealiased, shared, rootName, tag, JSON.stringify(schema) ?? "");
  const names = new TypeNames(held.schema, [rootName, ...shared.values()]);
  const wrapper = identifier(names.fresh(WRAPPER));
  const named = pinNames(held.schema, shared, names);
  return { schema: wrapRoot(named, rootName, [...shared.keys()]), wrapper, placeholders: held.placeholders };
}

/**
 * A shared definition that is only a `$ref` to another schema: the tool's reference resolver would follow it
 * to that schema (and its name), so it becomes a copy of the schema it names, annotations kept. So does a
 * root that is a `$ref` (it moves among the definitions), its definitions kept.
 */
function dealiasShared(
  schema: SchemaObject,
  shared: ReadonlyMap<string, Identifier>,
  rootName: Identifier,
): SchemaObject {
  return mapSchema(schema, (s, pointer) => {
    if (pointer === "" && localPointer(s.$ref) !== undefined) {
      const { containers, rest } = splitContainers(s);
      return { ...containers, ...followAliases(schema, rest, shared) }; // never "#": itself
    }
    if (!shared.has(pointer)) return s;
    return followAliases(schema, s, new Map([["", rootName], ...shared]));
  }) as SchemaObject;
}

/**
 * A `$ref` that only annotates a shared definition (or the root) becomes a placeholder for its name (`tsType`,
 * absent from the schema's `text`), so the tool makes no copy of it that could take the name.
 */
function placeholdShared(
  schema: SchemaObject,
  shared: ReadonlyMap<string, Identifier>,
  rootName: Identifier,
  tag: string,
  text: string,
): { schema: SchemaObject; placeholders: Map<string, SharedLink> } {
  // What a placeholder may stand for: the shared definitions, and the root (a `$ref` to "#" means its type)
  // unless the root is itself a `$ref` (a cycle of names, which the tool reports).
  const rootIsRef = typeof schema.$ref === "string";
  const named$refs = new Map<string, Identifier>(rootIsRef ? shared : [["", rootName], ...shared]);
  const placeholders = new Map<string, SharedLink>();
  const byPointer = new Map<string, string>();
  let n = 0;
  const placeheld = mapSchema(schema, (schemaHere, at) => {
    const { containers, rest: s } = at === "" ? splitContainers(schemaHere) : { containers: {}, rest: schemaHere };
    const pointer = localPointer(s.$ref);
    const name = pointer === undefined ? undefined : named$refs.get(pointer);
    if (pointer === undefined || name === undefined || !onlyAnnotates(s)) return schemaHere;
    if (at === "" && pointer === "") return schemaHere; // a root that names itself: the tool reports it
    let placeholder = byPointer.get(pointer);
    if (placeholder === undefined) {
      do placeholder = `partialgen$${tag}${n++}$`;
      while (text.includes(placeholder));
      byPointer.set(pointer, placeholder);
      placeholders.set(placeholder, { name });
    }
    const out: SchemaObject = { ...containers, tsType: placeholder };
    if (typeof s.description === "string") out.description = s.description;
    return out;
  }) as SchemaObject;
  return { schema: placeheld, placeholders };
}

/**
 * Every type name json-schema-to-typescript could derive from a schema (titles, definition keys, the last
 * tokens of `$ref`s), to pick free ones; `pinned` are the names that must stay ours.
 */
export class TypeNames {
  private readonly derivable: Set<string>;
  private readonly pinned: ReadonlySet<string>;
  /** Target pointer -> the names its `$ref`s' last tokens give. */
  private readonly refTokens = new Map<string, Set<string>>();
  /** Pointers of the top-level definitions. */
  private readonly topDefs = new Set<string>();

  constructor(schema: SchemaObject, pinned: readonly string[]) {
    this.pinned = new Set(pinned);
    this.derivable = new Set(pinned);
    mapSchema(schema, (s) => {
      if (typeof s.title === "string") addName(this.derivable, s.title);
      const target = localPointer(s.$ref);
      if (target !== undefined && target !== "") {
        const name = typeName(pointerTokens(target).at(-1) as string);
        if (name !== undefined) {
          this.derivable.add(name);
          const names = this.refTokens.get(target) ?? new Set<string>();
          names.add(name);
          this.refTokens.set(target, names);
        }
      }
      return s;
    });
    for (const kw of ["$defs", "definitions"]) {
      const defs = schema[kw];
      if (!isSchemaObject(defs)) continue;
      for (const key of Object.keys(defs)) {
        addName(this.derivable, key);
        this.topDefs.add(appendPointer(`/${kw}`, key));
      }
    }
  }

  /** A name nothing derives, `base` or `base` numbered, whose `Partial` form is free too; taken from now on. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.derivable.has(name) || this.derivable.has(`Partial${name}`); i++) name = `${base}${i}`;
    this.derivable.add(name);
    this.derivable.add(`Partial${name}`);
    return name;
  }

  /**
   * The tool numbers a name it meets again ("Item", "Item1", ...): a base is at risk when it or one of its
   * numbered forms is pinned, and everything else deriving it gets a free name of its own.
   */
  atRisk(base: string | undefined): base is string {
    return (
      base !== undefined &&
      [...this.pinned].some(
        (pinned) => pinned === base || (pinned.startsWith(base) && /^\d+$/.test(pinned.slice(base.length))),
      )
    );
  }

  /** The names the tool may give a schema without a title: a $ref's last token (objects, arrays), its key. */
  untitled(s: SchemaObject, pointer: string): string[] {
    const names = containerLike(s) ? [...(this.refTokens.get(pointer) ?? [])] : [];
    if (this.topDefs.has(pointer)) names.push(typeName(pointerTokens(pointer).at(-1) as string) ?? "");
    return names;
  }
}

/** Pinned titles on the shared definitions, and free names for everything else that would derive an at-risk one. */
function pinNames(schema: SchemaObject, shared: ReadonlyMap<string, Identifier>, names: TypeNames): SchemaObject {
  return mapSchema(schema, (s, pointer) => {
    if (pointer === "") return s;
    const pinned = shared.get(pointer);
    if (pinned !== undefined) {
      s.title = pinned;
      return s;
    }
    if (typeof s.title === "string") {
      const base = typeName(s.title);
      if (names.atRisk(base)) s.title = names.fresh(base);
      return s;
    }
    const clash = names.untitled(s, pointer).find((name) => names.atRisk(name));
    if (clash !== undefined) s.title = names.fresh(clash);
    // A $ref with more than annotations beside it is a copy of its target, named like it.
    const target = localPointer(s.$ref);
    if (target !== undefined && typeof s.title !== "string" && !onlyAnnotates(s)) {
      const original = resolvePointer(schema, target);
      if (isSchemaObject(original)) {
        const own = shared.get(target);
        const base =
          own ?? (typeof original.title === "string" ? typeName(original.title) : names.untitled(original, target)[0]);
        if (names.atRisk(base)) s.title = names.fresh(base);
      }
    }
    return s;
  }) as SchemaObject;
}

/**
 * The root moves among the definitions (under a key of its own, titled `rootName`), and a wrapper root, an
 * `anyOf` of it and the `shared` definitions, makes every one of them reachable; `$ref`s into the root follow.
 */
export function wrapRoot(schema: SchemaObject, rootName: string, shared: readonly string[]): SchemaObject {
  const keyword = "$defs" in schema || !("definitions" in schema) ? "$defs" : "definitions";
  const { $schema, $defs, definitions, ...root } = schema;
  const defs: SchemaObject = { ...(isSchemaObject(schema[keyword]) ? (schema[keyword] as SchemaObject) : {}) };
  let rootKey = ROOT_KEY;
  for (let i = 2; Object.hasOwn(defs, rootKey); i++) rootKey = `${ROOT_KEY}-${i}`;
  defs[rootKey] = { ...root, title: rootName };
  const moved = `/${keyword}/${rootKey}`;
  const wrapped: SchemaObject = {
    ...($schema === undefined ? {} : { $schema }),
    ...($defs === undefined ? {} : { $defs }),
    ...(definitions === undefined ? {} : { definitions }),
    [keyword]: defs,
    anyOf: [moved, ...shared].map((p) => ({ $ref: localRef(p) })),
  };
  return mapSchema(wrapped, (s, pointer) => {
    if (pointer === "") return s;
    const target = localPointer(s.$ref);
    if (target !== undefined && !/^\/(\$defs|definitions)\//.test(target)) s.$ref = localRef(moved + target);
    return s;
  }) as SchemaObject;
}

/** The root's definitions containers and `$schema`, apart from the rest of it. */
function splitContainers(root: SchemaObject): { containers: SchemaObject; rest: SchemaObject } {
  const { $schema, $defs, definitions, ...rest } = root;
  const containers: SchemaObject = {};
  if ($schema !== undefined) containers.$schema = $schema;
  if ($defs !== undefined) containers.$defs = $defs;
  if (definitions !== undefined) containers.definitions = definitions;
  return { containers, rest };
}

/**
 * A schema that is a local `$ref` (with annotations or other keywords beside it), followed to the first
 * schema that is not one, or to a shared definition named with annotations only (kept as a `$ref` to it,
 * which becomes its placeholder): the keywords beside each `$ref` win over those of the schema it names, as
 * the tool's resolver merges them.
 */
function followAliases(document: unknown, schema: SchemaObject, owned: ReadonlyMap<string, string>): SchemaObject {
  let merged: SchemaObject = {};
  let current: unknown = schema;
  const seen = new Set<string>();
  for (;;) {
    if (!isSchemaObject(current)) {
      const typed: SchemaObject = current === false ? { tsType: "never" } : { tsType: "unknown" };
      return { ...typed, ...merged };
    }
    const target = localPointer(current.$ref);
    if (target === undefined || seen.has(target)) return { ...current, ...merged };
    seen.add(target);
    const { $ref, ...beside } = current;
    merged = { ...beside, ...merged };
    if (owned.has(target) && onlyAnnotates({ ...merged, $ref })) return { ...merged, $ref };
    current = resolvePointer(document, target);
  }
}

/** json-schema-to-typescript names an untitled $ref target after the $ref only if it is an object or array. */
function containerLike(s: SchemaObject): boolean {
  const types = Array.isArray(s.type) ? s.type : [s.type];
  return "properties" in s || "items" in s || types.some((t) => t === "object" || t === "array" || t === "any");
}

function addName(names: Set<string>, text: string): void {
  const name = typeName(text);
  if (name !== undefined) names.add(name);
}
