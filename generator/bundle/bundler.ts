import { basename, extname } from "node:path";
import { appendPointer } from "@partialgen/runtime";
import type { SchemaFile } from "../load/schema-files.js";
import { GenerateError } from "../schema/errors.js";
import { definitionsOnly } from "../schema/keywords.js";
import {
  type DocumentNames,
  decodeFragment,
  documentNames,
  localRef,
  localRefTo,
  pointerAfter,
  pointerTokens,
} from "../schema/pointer.js";
import { defineOwn, isSchemaObject, mapSchema, type SchemaObject, walkSchemas } from "../schema/walk.js";
import { checkFragment, checkRefLoop } from "./ref-checks.js";
import { baseOf, META_SCHEMAS, type SchemaRegistry, safeUrl } from "./registry.js";

/** Told where each embedded file went: `locate` maps a JSON Pointer within it to its place in the bundle. */
export type EmbedListener = (file: SchemaFile, locate: (fragment: string) => string | undefined) => void;

/**
 * Makes a schema self-contained: every `$ref` to another file is rewritten to a local pointer and that
 * file is embedded under `$defs`. Downstream stages (types, validators, strict schema, runtime hints)
 * then only ever see local references. Reference cycles between files are embedded once.
 */
export async function bundleSchema(
  root: SchemaFile,
  registry: SchemaRegistry,
  /**
   * Told where each embedded file went (`locate` is undefined for the container of a definitions-only file,
   * unless it was needed itself).
   */
  onEmbed?: EmbedListener,
): Promise<SchemaObject | boolean> {
  if (!isSchemaObject(root.schema)) return root.schema;
  return new Bundler(root, root.schema, registry, onEmbed).bundle();
}

/** A `$ref` found in a document, with the base URI it resolves against. */
interface Reference {
  /** The schema object holding it (rewritten in place). */
  holder: SchemaObject;
  ref: string;
  /** JSON Pointer of the `$ref` keyword in its file. */
  pointer: string;
  base: string;
}

/** A document being rewritten: the file, its copy, and the resources it declares itself. */
interface Rewriting {
  file: SchemaFile;
  copy: unknown;
  resources: ReadonlySet<string>;
  /** Where the file went in the bundle (undefined for the root). */
  placement: Placement | undefined;
}

/** One bundling of a root file: the files embedded so far and the definitions they became. */
class Bundler {
  private readonly embedded = new Map<string, Placement>(); // file URL -> where its content went
  private readonly bundledDefs: SchemaObject = {};
  private readonly defsKeyword: "$defs" | "definitions";
  /** Definition keys taken: the root's own, then each embedding's. */
  private readonly existing: Set<string>;
  private readonly rootBase: string;
  private readonly names = new Map<SchemaFile, DocumentNames>();

  constructor(
    private readonly root: SchemaFile,
    rootSchema: SchemaObject,
    private readonly registry: SchemaRegistry,
    private readonly onEmbed: EmbedListener | undefined,
  ) {
    this.defsKeyword = definitionsKeyword(rootSchema);
    const rootDefs = rootSchema[this.defsKeyword];
    this.existing = new Set(Object.keys(isSchemaObject(rootDefs) ? rootDefs : {}));
    this.rootBase = baseOf(root);
  }

  /** A file's names ($ids, anchors), indexed once. */
  private namesOf(file: SchemaFile): DocumentNames {
    let names = this.names.get(file);
    if (names === undefined) {
      names = documentNames(file.schema, baseOf(file));
      this.names.set(file, names);
    }
    return names;
  }

  async bundle(): Promise<SchemaObject> {
    const bundled = (await this.rewrite(this.root, undefined)) as SchemaObject;
    if (Object.keys(this.bundledDefs).length > 0) {
      const own = bundled[this.defsKeyword];
      bundled[this.defsKeyword] = { ...(isSchemaObject(own) ? own : {}), ...this.bundledDefs };
    }
    return bundled;
  }

  private at(key: string): string {
    return appendPointer(`/${this.defsKeyword}`, key);
  }

  /** Where a pointer into an embedded file goes, embedding the file on first use. */
  private async place(other: SchemaFile): Promise<Placement> {
    const url = baseOf(other);
    const known = this.embedded.get(url);
    if (known) return known;
    const stem = basename(other.path, extname(other.path));
    const keyword = definitionsOnly(other.schema);
    return keyword === undefined ? this.placeWhole(other, url, stem) : this.placeDefinitions(other, url, stem, keyword);
  }

  /** A file embedded as one definition. */
  private async placeWhole(other: SchemaFile, url: string, stem: string): Promise<Placement> {
    const key = uniqueKey(stem, this.existing);
    defineOwn(this.bundledDefs, key, {}); // placeholder first: a cycle back to this file finds the key
    const placement: Placement = { locate: (fragment) => `${this.at(key)}${fragment}`, container: () => this.at(key) };
    this.embedded.set(url, placement);
    this.onEmbed?.(other, placement.locate);
    defineOwn(this.bundledDefs, key, await this.rewrite(other, placement));
    return placement;
  }

  /**
   * A file that only holds definitions is not embedded as one object: each definition becomes a definition
   * of the bundle, so that no typeless container sits among them (strict mode would have to describe it).
   * Its container is embedded only if a $ref names it.
   */
  private async placeDefinitions(
    other: SchemaFile,
    url: string,
    stem: string,
    keyword: "$defs" | "definitions",
  ): Promise<Placement> {
    const keys = new Map<string, string>();
    for (const name of Object.keys((other.schema as SchemaObject)[keyword] as SchemaObject)) {
      const key = uniqueKey(`${stem}-${name}`, this.existing);
      keys.set(name, key);
      defineOwn(this.bundledDefs, key, {});
    }
    let containerKey: string | undefined;
    let content: SchemaObject | undefined;
    const placement: Placement = {
      locate: (fragment) => {
        const [container, name] = pointerTokens(fragment);
        const key = container === keyword && name !== undefined ? keys.get(name) : undefined;
        return key === undefined ? undefined : `${this.at(key)}${pointerAfter(fragment, 2)}`;
      },
      container: () => {
        if (containerKey === undefined) {
          containerKey = uniqueKey(stem, this.existing);
          defineOwn(this.bundledDefs, containerKey, content ?? {});
        }
        return this.at(containerKey);
      },
    };
    this.embedded.set(url, placement);
    this.onEmbed?.(other, placement.locate);
    content = (await this.rewrite(other, placement)) as SchemaObject;
    for (const [name, key] of keys) defineOwn(this.bundledDefs, key, (content[keyword] as SchemaObject)[name]);
    if (containerKey !== undefined) defineOwn(this.bundledDefs, containerKey, content);
    return placement;
  }

  /** A copy of a file's schema whose `$ref`s name places in the bundle. */
  private async rewrite(file: SchemaFile, placement: Placement | undefined): Promise<unknown> {
    const embeddedFile = file !== this.root;
    const copy = mapSchema(file.schema, (s, pointer) => {
      if (embeddedFile && pointer === "") delete s.$schema;
      return s;
    });
    const { resources, references } = referencesIn(copy, file);
    for (const reference of references) await this.rewriteReference(reference, { file, copy, resources, placement });
    // An embedded file's $ids would make Ajv resolve its rewritten pointers against the wrong base. Its
    // $anchors are pointers now too (rewriteReference): kept, two files' equal anchor names would be one name
    // twice in the bundle's resource, which Ajv refuses.
    if (embeddedFile) {
      walkSchemas(copy, null, (s) => {
        delete s.$id;
        delete s.$anchor;
        return null;
      });
    }
    return copy;
  }

  /** Checks one `$ref` and points it at its target's place in the bundle (embedding that file if needed). */
  private async rewriteReference({ holder, ref, pointer, base: refBase }: Reference, doc: Rewriting): Promise<void> {
    const { file, copy, resources, placement } = doc;
    const base = baseOf(file);
    const url = safeUrl(ref, refBase);
    if (!url) throw new GenerateError(file.displayPath, pointer, `$ref "${ref}" is not a valid URI reference`, "$ref");
    const fragment = decodeFragment(url.hash.slice(1));
    if (fragment === undefined)
      throw new GenerateError(
        file.displayPath,
        pointer,
        `$ref "${ref}" has a malformed %-escape in its fragment: write "%25" for a literal "%"`,
        "$ref",
      );
    const whole = url.href;
    url.hash = "";
    if (META_SCHEMAS.has(url.href)) return;
    // An embedded file keeps no $ids (see `rewrite`): what its own names (nested $ids, anchors) mean becomes
    // a pointer now. The root's stay for Ajv, which has its $ids; later stages read them through withLocalRefs.
    const named = placement ? this.namesOf(file).pointerOf(ref, refBase) : undefined;
    if (placement && named !== undefined) {
      checkFragment(copy, named, file, pointer, ref);
      await checkRefLoop(this.registry, file, pointer, ref, file, named);
      holder.$ref = localRef(localIn(placement, named));
      return;
    }
    if (resources.has(whole) || resources.has(url.href)) return;
    let local: string;
    if (url.href === base) {
      checkFragment(copy, fragment, file, pointer, ref);
      await checkRefLoop(this.registry, file, pointer, ref, file, fragment);
      if (file === this.root) {
        // The root's document, however named ("s.json#/a", its $id): "#/a" as written. Below a nested $id
        // a local $ref would name that resource instead, so there the $ref stays for Ajv, which has the $ids.
        if (refBase === base) holder.$ref = localRefTo(ref, base) ?? localRef(fragment);
        return;
      }
      local = placement && (fragment === "" || fragment.startsWith("/")) ? localIn(placement, fragment) : fragment;
    } else if (url.protocol !== "file:" && this.registry.remoteRefs === "unknown" && !this.registry.has(url)) {
      this.registry.unresolved.push({ file: file.displayPath, pointer, ref });
      delete holder.$ref;
      holder["x-partialgen-unresolved-ref"] = ref;
      return;
    } else {
      const other = await this.registry.find(url, file, pointer, ref);
      // An anchor of the other file ("other.json#name") is the pointer of the schema declaring it.
      const anchored =
        fragment === "" || fragment.startsWith("/") ? fragment : this.namesOf(other).pointerOf(whole, base);
      const target = anchored ?? fragment;
      checkFragment(other.schema, target, file, pointer, ref, other);
      await checkRefLoop(this.registry, file, pointer, ref, other, target);
      if (baseOf(other) === this.rootBase) local = target;
      else local = localIn(await this.place(other), target);
    }
    holder.$ref = localRef(local);
  }
}

/**
 * The `$ref`s of a document, each with its base URI, and the resources the document declares itself (nested
 * $ids, $anchor, draft-07 "#name" ids): references to those stay as written, and so do their $ids, for Ajv.
 * The document itself is none of them: its base (`baseOf`, the root $id included) is what the bundle's
 * local pointers stand for.
 */
function referencesIn(copy: unknown, file: SchemaFile): { resources: Set<string>; references: Reference[] } {
  const resources = new Set<string>();
  const references: Reference[] = [];
  const base = baseOf(file);
  if (isSchemaObject(copy)) checkRootId(copy, file);
  walkSchemas(copy, base, (s, pointer, parentBase) => {
    for (const keyword of ["$id", "$ref"]) {
      const value = s[keyword];
      // Ajv (and any URI resolver) rejects these, in a message naming neither the file nor the keyword.
      if (typeof value === "string" && /%(?![0-9A-Fa-f]{2})/.test(value))
        throw new GenerateError(
          file.displayPath,
          `${pointer}/${keyword}`,
          `${keyword} "${value}" has a malformed %-escape ("%" must start "%XX" with two hex digits): write "%25" for a literal "%"`,
          keyword,
        );
    }
    let here = parentBase;
    if (typeof s.$id === "string") {
      const id = safeUrl(s.$id, parentBase);
      if (id) {
        if (id.hash.length > 1 && id.href.startsWith(`${parentBase.split("#")[0]}#`)) resources.add(id.href);
        id.hash = "";
        // The root's $id made `base` already (resolving it again would apply a relative one twice).
        if (pointer !== "") here = id.href;
        if (here !== base) resources.add(here);
      }
    }
    if (typeof s.$anchor === "string") resources.add(`${here}#${s.$anchor}`);
    if (typeof s.$dynamicAnchor === "string") resources.add(`${here}#${s.$dynamicAnchor}`);
    if (typeof s.$ref === "string") references.push({ holder: s, ref: s.$ref, pointer: `${pointer}/$ref`, base: here });
    return here;
  });
  return { resources, references };
}

/**
 * A root `$id` names the document, so it has no fragment, or an empty one ("https://x/s.json#"): draft-07
 * knows "#name" only as a subschema's plain-name `$id` (one alone, "#name", names the root the same way),
 * and 2019-09 on allow no fragment at all. A named root would leave the bundle's references to it unresolvable.
 */
function checkRootId(root: SchemaObject, file: SchemaFile): void {
  const id = root.$id;
  if (typeof id !== "string" || id.startsWith("#")) return;
  const hash = id.indexOf("#");
  if (hash === -1 || hash === id.length - 1) return;
  throw new GenerateError(
    file.displayPath,
    "/$id",
    `$id "${id}" has the fragment "${id.slice(hash)}", but a root $id names the whole document: write "${id.slice(0, hash)}", and refer to the root as "#" (or "${id.slice(0, hash)}")`,
    "$id",
  );
}

function localIn(placement: Placement, fragment: string): string {
  return placement.locate(fragment) ?? `${placement.container()}${fragment}`;
}

/** Where an embedded file's content went in the bundle. */
interface Placement {
  /** The bundled pointer for a pointer within the file; undefined when only the container has it. */
  locate: (fragment: string) => string | undefined;
  /** The bundled pointer of the file as a whole (embedding it on first use, for a definitions-only file). */
  container: () => string;
}

/**
 * Where embedded files go: beside the root's own definitions, in the keyword its dialect uses (tools
 * such as json-schema-to-typescript reject a schema that has both "definitions" and "$defs").
 */
function definitionsKeyword(schema: SchemaObject): "$defs" | "definitions" {
  if ("$defs" in schema) return "$defs";
  if ("definitions" in schema) return "definitions";
  return typeof schema.$schema === "string" && /draft-0[4-7]/.test(schema.$schema) ? "definitions" : "$defs";
}

function uniqueKey(stem: string, taken: Set<string>): string {
  const base = stem.replace(/[^A-Za-z0-9_-]/g, "_") || "schema";
  let key = base;
  for (let i = 2; taken.has(key); i++) key = `${base}_${i}`;
  taken.add(key);
  return key;
}
