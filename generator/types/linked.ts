import type { TypeImport } from "../../templates/imports.js";
import { numberedName, partialName } from "../code/naming.js";
import type { FileStem, Identifier } from "../code/safe.js";
import { onlyAnnotates } from "../schema/keywords.js";
import { localPointer } from "../schema/pointer.js";
import { mapSchema, type SchemaObject } from "../schema/walk.js";

/**
 * Types another module declares reach json-schema-to-typescript as placeholders (`tsType`, a name it pastes
 * verbatim), replaced by the imported names in its output (types/shared.ts says which types those are).
 */

/** One linked type: its name, and the module it is imported from (none: this module declares it). */
export interface SharedLink {
  module?: FileStem;
  name: Identifier;
}

/**
 * Replaces each `$ref` to a linked type by a placeholder type for the type generator (`tsType`, set by us,
 * never taken from a schema). Returns the schema and the placeholders used, by link.
 */
export function linkShared(
  schema: unknown,
  links: ReadonlyMap<string, SharedLink>,
  tag: string,
): { schema: unknown; placeholders: Map<string, SharedLink> } {
  const placeholders = new Map<string, SharedLink>();
  if (links.size === 0) return { schema, placeholders };
  const text = JSON.stringify(schema) ?? "";
  const byPointer = new Map<string, string>();
  let n = 0;
  const linked = mapSchema(schema, (s) => {
    if (typeof s.$ref !== "string" || !s.$ref.startsWith("#")) return s;
    if (!onlyAnnotates(s)) return s;
    const pointer = localPointer(s.$ref);
    if (pointer === undefined) return s;
    const link = links.get(pointer);
    if (!link) return s;
    let placeholder = byPointer.get(pointer);
    if (placeholder === undefined) {
      // Starts lowercase: json-schema-to-typescript never declares such a name; absent from the schema's text.
      do placeholder = `partialgen$${tag}${n++}$`;
      while (text.includes(placeholder));
      byPointer.set(pointer, placeholder);
      placeholders.set(placeholder, link);
    }
    const out: SchemaObject = { tsType: placeholder };
    if (typeof s.description === "string") out.description = s.description;
    return out;
  });
  return { schema: linked, placeholders };
}

/**
 * Puts the imported names in place of the placeholders and returns the import lines. An imported name that
 * the module declares itself is imported under an alias.
 */
export function resolveShared(
  texts: { full: string; partial: string },
  placeholders: { full: ReadonlyMap<string, SharedLink>; partial: ReadonlyMap<string, SharedLink> },
  /** The names the module declares. */
  declared: Iterable<string>,
): { full: string; partial: string; imports: TypeImport[] } {
  const taken = new Set(declared);
  const byModule = new Map<FileStem, Map<Identifier, Identifier>>(); // module -> imported name -> local name
  const local = (link: SharedLink, name: Identifier): Identifier => {
    if (link.module === undefined) return name;
    const names = byModule.get(link.module) ?? new Map<Identifier, Identifier>();
    byModule.set(link.module, names);
    const known = names.get(name);
    if (known) return known;
    let alias = name;
    for (let i = 2; taken.has(alias); i++) alias = numberedName(name, i);
    taken.add(alias);
    names.set(name, alias);
    return alias;
  };
  const replace = (text: string, map: ReadonlyMap<string, SharedLink>, partial: boolean) => {
    let out = text;
    for (const [placeholder, link] of map) {
      if (!out.includes(placeholder)) continue;
      out = out.split(placeholder).join(local(link, partial ? partialName(link.name) : link.name));
    }
    return out;
  };
  const full = replace(texts.full, placeholders.full, false);
  const partial = replace(texts.partial, placeholders.partial, true);
  const imports = [...byModule]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([module, names]) => ({
      module,
      names: [...names].map(([name, alias]) => ({ name, alias })),
    }));
  return { full, partial, imports };
}
