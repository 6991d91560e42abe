import { appendPointer } from "@partialgen/runtime";
import { identifier } from "../code/literals.js";
import { typeName } from "../code/naming.js";
import type { Identifier } from "../code/safe.js";
import { onlyAnnotates } from "../schema/keywords.js";
import { localPointer, localRef, pointerTokens, resolvePointer, withLocalRootRefs } from "../schema/pointer.js";
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
  const owns = [...owned].filter(([pointer]) => isSchemaObject(resolvePointer(schema, pointer)));
  if (owns.length === 0) return undefined;
  const text = JSON.stringify(schema) ?? "";

  // References naming the root by its absolute $id become local first (the root is about to move).
  const localized = withLocalRootRefs(schema, true) as SchemaObject;

  const ownedPointers = new Map(owns);
  // A shared definition that is only a `$ref` to another schema: the tool's reference resolver would follow
  // it to that schema (and its name), so it becomes a copy of the schema it names, annotations kept.
  // So does a root that is a `$ref` (it moves among the definitions below), its definitions kept.
  const dealiased = mapSchema(localized, (s, pointer) => {
    if (pointer === "" && localPointer(s.$ref) !== undefined) {
      const { containers, rest } = splitContainers(s);
      return { ...containers, ...followAliases(localized, rest, ownedPointers) }; // never "#": itself
    }
    if (!ownedPointers.has(pointer)) return s;
    return followAliases(localized, s, new Map([["", rootName], ...owns]));
  });

  // What a placeholder may stand for: the shared definitions, and the root (a `$ref` to "#" means its type)
  // unless the root is itself a `$ref` (a cycle of names, which the tool reports).
  const rootIsRef = typeof (dealiased as SchemaObject).$ref === "string";
  const named$refs = new Map<string, Identifier>(rootIsRef ? owns : [["", rootName], ...owns]);
  // Placeholders for references that only annotate a shared definition (or the root).
  const placeholders = new Map<string, SharedLink>();
  const byPointer = new Map<string, string>();
  let n = 0;
  const placeheld = mapSchema(dealiased, (schemaHere, at) => {
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

  // Every name the type generator could derive from this input, to pick free ones.
  const keyword = "$defs" in placeheld || !("definitions" in placeheld) ? "$defs" : "definitions";
  const reserved = new Set([rootName, ...ownedPointers.values()]);
  const derivable = new Set<string>(reserved);
  const refTokens = new Map<string, Set<string>>(); // target pointer -> names its $refs' last tokens give
  mapSchema(placeheld, (s) => {
    if (typeof s.title === "string") addName(derivable, s.title);
    const target = localPointer(s.$ref);
    if (target !== undefined && target !== "") {
      const token = pointerTokens(target).at(-1) as string;
      const name = typeName(token);
      if (name !== undefined) {
        derivable.add(name);
        const names = refTokens.get(target) ?? new Set<string>();
        names.add(name);
        refTokens.set(target, names);
      }
    }
    return s;
  });
  for (const kw of ["$defs", "definitions"]) {
    const defs = placeheld[kw];
    if (isSchemaObject(defs)) for (const key of Object.keys(defs)) addName(derivable, key);
  }
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 1; derivable.has(name) || derivable.has(`Partial${name}`); i++) name = `${base}${i}`;
    derivable.add(name);
    derivable.add(`Partial${name}`);
    return name;
  };
  const wrapper = identifier(fresh(WRAPPER));
  // The tool numbers a name it meets again ("Item", "Item1", ...): a base is at risk when it or one of its
  // numbered forms is pinned, and everything else deriving it gets a free name of its own.
  const atRisk = (base: string | undefined): base is string =>
    base !== undefined &&
    [...reserved].some(
      (pinned) => pinned === base || (pinned.startsWith(base) && /^\d+$/.test(pinned.slice(base.length))),
    );

  // Pinned titles, and free names for everything else that would derive an at-risk name.
  const topDefs = new Set<string>();
  for (const kw of ["$defs", "definitions"]) {
    const defs = placeheld[kw];
    if (isSchemaObject(defs)) for (const key of Object.keys(defs)) topDefs.add(appendPointer(`/${kw}`, key));
  }
  /** The names the tool may give a schema without a title: a $ref's last token (objects, arrays), its key. */
  const untitledNames = (s: SchemaObject, pointer: string): string[] => {
    const names = containerLike(s) ? [...(refTokens.get(pointer) ?? [])] : [];
    if (topDefs.has(pointer)) names.push(typeName(pointerTokens(pointer).at(-1) as string) ?? "");
    return names;
  };
  const named = mapSchema(placeheld, (s, pointer) => {
    if (pointer === "") return s;
    const pinned = ownedPointers.get(pointer);
    if (pinned !== undefined) {
      s.title = pinned;
      return s;
    }
    if (typeof s.title === "string") {
      const base = typeName(s.title);
      if (atRisk(base)) s.title = fresh(base);
      return s;
    }
    const clash = untitledNames(s, pointer).find(atRisk);
    if (clash !== undefined) s.title = fresh(clash);
    // A $ref with more than annotations beside it is a copy of its target, named like it.
    const target = localPointer(s.$ref);
    if (target !== undefined && typeof s.title !== "string" && !onlyAnnotates(s)) {
      const original = resolvePointer(placeheld, target);
      if (isSchemaObject(original)) {
        const own = ownedPointers.get(target);
        const base =
          own ?? (typeof original.title === "string" ? typeName(original.title) : untitledNames(original, target)[0]);
        if (atRisk(base)) s.title = fresh(base);
      }
    }
    return s;
  }) as SchemaObject;

  // The root moves among the definitions; references into it follow.
  const { $schema, $defs, definitions, ...root } = named;
  const defs: SchemaObject = { ...(isSchemaObject(named[keyword]) ? (named[keyword] as SchemaObject) : {}) };
  let rootKey = ROOT_KEY;
  for (let i = 2; Object.hasOwn(defs, rootKey); i++) rootKey = `${ROOT_KEY}-${i}`;
  defs[rootKey] = { ...root, title: rootName };
  const moved = `/${keyword}/${rootKey}`;
  const wrapped: SchemaObject = {
    ...($schema === undefined ? {} : { $schema }),
    ...($defs === undefined ? {} : { $defs }),
    ...(definitions === undefined ? {} : { definitions }),
    [keyword]: defs,
    anyOf: [moved, ...ownedPointers.keys()].map((p) => ({ $ref: localRef(p) })),
  };
  const relinked = mapSchema(wrapped, (s, pointer) => {
    if (pointer === "") return s;
    const target = localPointer(s.$ref);
    if (target !== undefined && !/^\/(\$defs|definitions)\//.test(target)) s.$ref = localRef(moved + target);
    return s;
  });
  return { schema: relinked, wrapper, placeholders };
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
