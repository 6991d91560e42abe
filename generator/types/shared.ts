import { appendPointer } from "@partialgen/runtime";
import { firstTypeName, numberedName } from "../code/naming.js";
import type { FileStem, Identifier } from "../code/safe.js";
import type { SchemaFile } from "../load/schema-files.js";
import { localPointer, localRef, resolvePointer } from "../schema/pointer.js";
import { isSchemaObject, mapSchema, mapSubschemas, type SchemaObject } from "../schema/walk.js";
import type { SharedLink } from "./linked.js";

/**
 * Shared definitions are declared once: a type that lives in another input file (its root, or one of its
 * definitions) is imported from that file's module instead of being declared again in every module that
 * references it. The schemas handed to the validators keep everything bundled; only the input of the type
 * generator changes, where each such `$ref` becomes a placeholder type that is replaced by the imported
 * name afterwards.
 *
 * Which definitions of a file with a root type are shared is found before anything is emitted
 * (`reachedTargets`): those that another module's types reach (directly, or through a deeper pointer such
 * as `recipe.json#/properties/steps/items`, which that module declares itself). The owning module
 * declares them under pinned names (types/owned.ts); a pointer that is not a definition is never
 * shared, so the module that references it declares its type (importing what it reaches in turn). Neither
 * is a `$ref` with more than annotations beside it (a different type: declared where it is written), nor a
 * file that is not an input (it has no module).
 */

/**
 * What a module declares for other modules: its root type (none for a definitions-only file) and the
 * definitions others import (every definition of a definitions-only file; the shared ones of another).
 */
export interface SharedModule {
  module: FileStem;
  root?: Identifier;
  /** JSON Pointer within the file (e.g. "/$defs/Ingredient") -> declared type name. */
  definitions: Map<string, Identifier>;
}

/** Input files by path. */
export type SharedTypes = Map<string, SharedModule>;

/**
 * The type name of each definition of a file (json-schema-to-typescript's naming of its title, else of its
 * key), made unique within the file; `only` restricts it to some definitions (JSON Pointers within the
 * file). `taken` holds the module's other names.
 */
export function definitionNames(
  schema: SchemaObject,
  keyword: string,
  taken: Set<string>,
  only?: ReadonlySet<string>,
): Map<string, Identifier> {
  const names = new Map<string, Identifier>();
  const defs = schema[keyword];
  if (!isSchemaObject(defs)) return names;
  for (const [key, def] of Object.entries(defs)) {
    const pointer = appendPointer(`/${keyword}`, key);
    if (only && !only.has(pointer)) continue;
    const title = isSchemaObject(def) && typeof def.title === "string" ? def.title : "";
    const base = firstTypeName([title, key], "Definition");
    let name = base;
    for (let i = 1; taken.has(name) || taken.has(`Partial${name}`); i++) name = numberedName(base, i);
    taken.add(name);
    taken.add(`Partial${name}`);
    names.set(pointer, name);
  }
  return names;
}

/**
 * The definitions of a file with a root type that other modules may import: JSON Pointers within the file
 * of its top-level `$defs`/`definitions` entries that are schema objects. (A boolean definition is a
 * one-word type, declared where used; "hasOwnProperty" is renamed on its way to the type generator.)
 */
export function shareableDefinitions(schema: unknown): string[] {
  if (!isSchemaObject(schema)) return [];
  const pointers: string[] = [];
  for (const keyword of ["$defs", "definitions"]) {
    const defs = schema[keyword];
    if (!isSchemaObject(defs)) continue;
    for (const [key, def] of Object.entries(defs))
      if (isSchemaObject(def) && key !== "hasOwnProperty") pointers.push(appendPointer(`/${keyword}`, key));
  }
  return pointers;
}

/**
 * The types input of a definitions-only file: a root that is the union of its definitions (so that all are
 * declared), each definition titled with its chosen name, and titles below them removed so that no nested
 * schema can take a definition's name first.
 */
export function definitionsTypesInput(schema: SchemaObject, names: Map<string, string>): unknown {
  const titled = mapSchema(schema, (s, pointer) => {
    const name = names.get(pointer);
    if (name !== undefined) s.title = name;
    else if ([...names.keys()].some((p) => pointer.startsWith(`${p}/`))) delete s.title;
    return s;
  }) as SchemaObject;
  return { ...titled, anyOf: [...names.keys()].map((p) => ({ $ref: localRef(p) })) };
}

/** An embedded input file's type in a bundle: the file and the JSON Pointer within it ("" for its root). */
export interface SharedTarget {
  file: string;
  within: string;
}

type Embedding = { file: SchemaFile; locate: (fragment: string) => string | undefined };

/**
 * Where, in a bundled schema, the types other modules may declare sit: JSON Pointer -> target. `candidates`
 * gives, per input file, whether its root is a type of its own and which of its definitions count.
 */
export function sharedTargets(
  embeddings: readonly Embedding[],
  candidates: ReadonlyMap<string, { root: boolean; definitions: Iterable<string> }>,
): Map<string, SharedTarget> {
  const targets = new Map<string, SharedTarget>();
  for (const { file, locate } of embeddings) {
    const owner = candidates.get(file.path);
    if (!owner) continue; // read from the project root, not an input: it has no module, so stays declared here
    const root = locate("");
    if (owner.root && root !== undefined) targets.set(root, { file: file.path, within: "" });
    for (const within of owner.definitions) {
      const pointer = locate(within);
      if (pointer !== undefined) targets.set(pointer, { file: file.path, within });
    }
  }
  return targets;
}

/** Where, in a bundled schema, the types of other input files sit: JSON Pointer -> link. */
export function sharedLinks(embeddings: readonly Embedding[], shared: SharedTypes): Map<string, SharedLink> {
  const candidates = new Map(
    [...shared].map(([path, m]) => [path, { root: m.root !== undefined, definitions: m.definitions.keys() }]),
  );
  const links = new Map<string, SharedLink>();
  for (const [pointer, { file, within }] of sharedTargets(embeddings, candidates)) {
    const owner = shared.get(file) as SharedModule;
    const name = within === "" ? owner.root : owner.definitions.get(within);
    if (name !== undefined) links.set(pointer, { module: owner.module, name });
  }
  return links;
}

/**
 * The targets a module's types reach, starting from `starts` (JSON Pointers in the bundle) and following
 * local `$ref`s: a target ends the path (its type is imported, so what it references is not needed here);
 * anything else reached is declared by this module, so what it references is reached too. Definitions
 * containers are entered only through a `$ref`. A reference this cannot follow (an anchor, a remote one)
 * only means a shared type may be declared here again, never that a type goes missing.
 */
export function reachedTargets(schema: unknown, starts: readonly string[], targets: ReadonlyMap<string, unknown>) {
  const reached = new Set<string>();
  const seen = new Set<string>();
  const visit = (pointer: string): void => {
    if (targets.has(pointer)) {
      reached.add(pointer);
      return;
    }
    if (seen.has(pointer)) return;
    seen.add(pointer);
    const walk = (node: unknown, at: string): void => {
      if (!isSchemaObject(node)) return;
      const target = localPointer(node.$ref);
      if (target !== undefined) visit(target);
      mapSubschemas(node, at, (sub, subAt) => {
        const keyword = subAt.slice(at.length + 1).split("/")[0];
        if (keyword !== "$defs" && keyword !== "definitions") walk(sub, subAt);
        return sub;
      });
    };
    walk(resolvePointer(schema, pointer), pointer);
  };
  for (const start of starts) visit(start);
  return reached;
}
