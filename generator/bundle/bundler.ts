import { realpathSync } from "node:fs";
import { lstat, realpath, stat } from "node:fs/promises";
import { basename, extname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { appendPointer } from "@partialgen/runtime";
import {
  displayPathOf,
  isWithin,
  kindOf,
  loadSchemaFile,
  SCHEMA_EXTENSIONS,
  type SchemaFile,
} from "../load/schema-files.js";
import { GenerateError } from "../schema/errors.js";
import { definitionsOnly, onlyAnnotates } from "../schema/keywords.js";
import {
  decodeFragment,
  localRef,
  pointerAfter,
  pointerTokens,
  resolvedDepth,
  resolvePointer,
} from "../schema/pointer.js";
import { defineOwn, isSchemaObject, mapSchema, type SchemaObject, walkSchemas } from "../schema/walk.js";

/** Where a schema file can be found by `$ref`: its file URL and its absolute `$id`, if any. */
export class SchemaRegistry {
  private readonly byUrl = new Map<string, SchemaFile>();
  /** Remote references left unresolved (with `remoteRefs: "unknown"`), for warnings. */
  readonly unresolved: { file: string; pointer: string; ref: string }[] = [];
  /** Files outside the inputs that a $ref may name are under this directory (resolved, no symbolic links). */
  readonly root: string;
  private readonly rootAsGiven: string;

  /**
   * `remoteRefs`: "error" (default) makes a remote $ref a GenerateError; "unknown" types it `unknown` and
   * leaves it unvalidated. Either way nothing is fetched. `root`: the project root (default: the working
   * directory); a $ref reads a file that is not an input only if it lies under the root.
   */
  constructor(
    files: readonly SchemaFile[],
    readonly remoteRefs: "error" | "unknown" = "error",
    root: string = process.cwd(),
  ) {
    this.rootAsGiven = resolve(root);
    try {
      this.root = realpathSync(this.rootAsGiven);
    } catch (error) {
      throw new GenerateError(root, "", `the project root cannot be used: ${(error as Error).message}`);
    }
    for (const file of files) this.add(file);
  }

  add(file: SchemaFile): void {
    this.byUrl.set(pathToFileURL(file.path).href, file);
    const id = rootId(file);
    if (id) this.byUrl.set(id, file);
  }

  has(url: URL): boolean {
    return this.byUrl.has(url.href);
  }

  /**
   * The file a URL (without fragment) names. A file that is not an input is read only when it is a regular
   * schema file under the project root, checked before it is opened; nothing is ever fetched.
   */
  async find(url: URL, from: SchemaFile, pointer: string, ref: string): Promise<SchemaFile> {
    const known = this.byUrl.get(url.href);
    if (known) return known;
    const refuse = (problem: string): never => {
      throw new GenerateError(from.displayPath, pointer, `$ref "${ref}" ${problem}`, "$ref");
    };
    if (url.protocol !== "file:")
      refuse(
        `is remote (${url.protocol}): partialgen never fetches schemas; download it and add the file to the inputs`,
      );
    let path = "";
    try {
      path = fileURLToPath(url);
    } catch (error) {
      refuse(`is not a local file path (${(error as Error).message})`);
    }
    const widen = "add the file to the inputs, or widen the project root with --root DIR";
    // Outside the root is refused before the file system is asked anything about the path.
    if (!isWithin(resolve(path), this.root) && !isWithin(resolve(path), this.rootAsGiven))
      refuse(
        `names ${path}, outside the project root ${this.rootAsGiven}: partialgen reads only its inputs and files under the root; ${widen}`,
      );
    if (!SCHEMA_EXTENSIONS.has(extname(path).toLowerCase()))
      refuse(`names ${path}, which is not a .json, .yaml or .yml file: partialgen reads schema files only`);
    if (!(await lstat(path).catch(() => undefined))) refuse(`names a file that does not exist: ${path}`);
    const target = await realpath(path).catch(() => undefined);
    if (target === undefined) refuse(`names a symbolic link whose target does not exist: ${path}`);
    if (!isWithin(target as string, this.root))
      refuse(`names ${path}, a symbolic link to ${target}, outside the project root ${this.rootAsGiven}: ${widen}`);
    const real = target as string;
    const sameFile = this.byUrl.get(pathToFileURL(real).href);
    if (sameFile) return sameFile;
    const info = await stat(real);
    if (!info.isFile()) refuse(`names ${path}, ${kindOf(info)}: only regular files are read`);
    let file: SchemaFile;
    try {
      file = { ...(await loadSchemaFile(real)), displayPath: displayPathOf(path) };
    } catch (error) {
      if (!(error instanceof GenerateError)) throw error;
      throw new GenerateError(
        error.file,
        error.pointer,
        `${error.problem} (the file $ref "${ref}" names at ${from.displayPath}#${pointer})`,
        error.keyword,
      );
    }
    this.add(file);
    return file;
  }
}

/** The base URI a file's relative `$ref`s resolve against: its absolute `$id`, else its location. */
function baseOf(file: SchemaFile): string {
  return rootId(file) ?? pathToFileURL(file.path).href;
}

function rootId(file: SchemaFile): string | undefined {
  if (!isSchemaObject(file.schema)) return undefined;
  const id = file.schema.$id ?? file.schema.id;
  if (typeof id !== "string") return undefined;
  try {
    const url = new URL(id);
    url.hash = "";
    return url.href;
  } catch {
    return undefined; // a relative $id: the file location stays the base
  }
}

/**
 * Makes a schema self-contained: every `$ref` to another file is rewritten to a local pointer and that
 * file is embedded under `$defs`. Downstream stages (types, validators, strict schema, runtime hints)
 * then only ever see local references. Reference cycles between files are embedded once.
 */
export async function bundleSchema(
  root: SchemaFile,
  registry: SchemaRegistry,
  /**
   * Told where each embedded file went: `locate` maps a JSON Pointer within that file to its place in the
   * bundled schema (undefined for the container of a definitions-only file, unless it was needed itself).
   */
  onEmbed?: (file: SchemaFile, locate: (fragment: string) => string | undefined) => void,
): Promise<SchemaObject | boolean> {
  if (!isSchemaObject(root.schema)) return root.schema;
  const embedded = new Map<string, Placement>(); // file URL -> where its content went
  const bundledDefs: SchemaObject = {};
  const defsKeyword = definitionsKeyword(root.schema);
  const rootDefs = root.schema[defsKeyword];
  const existing = new Set(Object.keys(isSchemaObject(rootDefs) ? rootDefs : {}));
  const rootBase = baseOf(root);
  const at = (key: string) => appendPointer(`/${defsKeyword}`, key);

  /**
   * Where a pointer into an embedded file goes. A file that only holds definitions is not embedded as one
   * object: each definition becomes a definition of the bundle, so that no typeless container sits among
   * them (strict mode would have to describe it). Its container is embedded only if a $ref names it.
   */
  const place = async (other: SchemaFile): Promise<Placement> => {
    const url = baseOf(other);
    const known = embedded.get(url);
    if (known) return known;
    const stem = basename(other.path, extname(other.path));
    const keyword = definitionsOnly(other.schema);
    let placement: Placement;
    if (keyword === undefined) {
      const key = uniqueKey(stem, existing);
      defineOwn(bundledDefs, key, {}); // placeholder first: a cycle back to this file finds the key
      placement = { locate: (fragment) => `${at(key)}${fragment}`, container: () => at(key) };
      embedded.set(url, placement);
      onEmbed?.(other, placement.locate);
      defineOwn(bundledDefs, key, await rewrite(other, placement));
      return placement;
    }
    const keys = new Map<string, string>();
    for (const name of Object.keys((other.schema as SchemaObject)[keyword] as SchemaObject)) {
      const key = uniqueKey(`${stem}-${name}`, existing);
      keys.set(name, key);
      defineOwn(bundledDefs, key, {});
    }
    let containerKey: string | undefined;
    let content: SchemaObject | undefined;
    placement = {
      locate: (fragment) => {
        const [container, name] = pointerTokens(fragment);
        const key = container === keyword && name !== undefined ? keys.get(name) : undefined;
        return key === undefined ? undefined : `${at(key)}${pointerAfter(fragment, 2)}`;
      },
      container: () => {
        if (containerKey === undefined) {
          containerKey = uniqueKey(stem, existing);
          defineOwn(bundledDefs, containerKey, content ?? {});
        }
        return at(containerKey);
      },
    };
    embedded.set(url, placement);
    onEmbed?.(other, placement.locate);
    content = (await rewrite(other, placement)) as SchemaObject;
    for (const [name, key] of keys) defineOwn(bundledDefs, key, (content[keyword] as SchemaObject)[name]);
    if (containerKey !== undefined) defineOwn(bundledDefs, containerKey, content);
    return placement;
  };
  const localIn = (placement: Placement, fragment: string) =>
    placement.locate(fragment) ?? `${placement.container()}${fragment}`;

  const rewrite = async (file: SchemaFile, placement: Placement | undefined): Promise<unknown> => {
    const base = baseOf(file);
    const embeddedFile = file !== root;
    const copy = mapSchema(file.schema, (s, pointer) => {
      if (embeddedFile && pointer === "") delete s.$schema;
      return s;
    });
    // Resources a document declares itself ($id, $anchor, draft-07 "#name" ids): references to them stay
    // as written, and so do their $ids, for Ajv to resolve.
    const resources = new Set<string>();
    const pending: { target: SchemaObject; ref: string; pointer: string; base: string }[] = [];
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
          here = id.href;
          resources.add(here);
        }
      }
      if (typeof s.$anchor === "string") resources.add(`${here}#${s.$anchor}`);
      if (typeof s.$dynamicAnchor === "string") resources.add(`${here}#${s.$dynamicAnchor}`);
      if (typeof s.$ref === "string") pending.push({ target: s, ref: s.$ref, pointer: `${pointer}/$ref`, base: here });
      return here;
    });
    for (const { target, ref, pointer, base: refBase } of pending) {
      const url = safeUrl(ref, refBase);
      if (!url)
        throw new GenerateError(file.displayPath, pointer, `$ref "${ref}" is not a valid URI reference`, "$ref");
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
      // A meta-schema, or a resource this document declares ($id, $anchor): Ajv resolves it as written.
      if (META_SCHEMAS.has(url.href) || resources.has(whole) || (url.href !== base && resources.has(url.href)))
        continue;
      let local: string;
      if (url.href === base) {
        checkFragment(copy, fragment, file, pointer, ref);
        await checkRefLoop(registry, file, pointer, ref, file, fragment);
        if (!embeddedFile) continue; // the root's own references are left as written
        local = placement && (fragment === "" || fragment.startsWith("/")) ? localIn(placement, fragment) : fragment;
      } else if (url.protocol !== "file:" && registry.remoteRefs === "unknown" && !registry.has(url)) {
        registry.unresolved.push({ file: file.displayPath, pointer, ref });
        delete target.$ref;
        target["x-partialgen-unresolved-ref"] = ref;
        continue;
      } else {
        const other = await registry.find(url, file, pointer, ref);
        checkFragment(other.schema, fragment, file, pointer, ref, other);
        await checkRefLoop(registry, file, pointer, ref, other, fragment);
        if (baseOf(other) === rootBase) local = fragment;
        else local = localIn(await place(other), fragment);
      }
      target.$ref = localRef(local);
    }
    // An embedded file's $ids would make Ajv resolve its rewritten pointers against the wrong base.
    if (embeddedFile) {
      walkSchemas(copy, null, (s) => {
        delete s.$id;
        return null;
      });
    }
    return copy;
  };

  const bundled = (await rewrite(root, undefined)) as SchemaObject;
  if (Object.keys(bundledDefs).length > 0) {
    const own = bundled[defsKeyword];
    bundled[defsKeyword] = { ...(isSchemaObject(own) ? own : {}), ...bundledDefs };
  }
  return bundled;
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

/** The dialects' meta-schemas: Ajv has them built in, so a reference to one is resolved, never fetched. */
const META_SCHEMAS = new Set([
  "http://json-schema.org/draft-07/schema",
  "https://json-schema.org/draft/2019-09/schema",
  "https://json-schema.org/draft/2020-12/schema",
]);

function safeUrl(ref: string, base: string): URL | undefined {
  try {
    return new URL(ref, base);
  } catch {
    return undefined;
  }
}

function uniqueKey(stem: string, taken: Set<string>): string {
  const base = stem.replace(/[^A-Za-z0-9_-]/g, "_") || "schema";
  let key = base;
  for (let i = 2; taken.has(key); i++) key = `${base}_${i}`;
  taken.add(key);
  return key;
}

/**
 * A chain of `$ref`s that comes back to where it started with nothing but annotations on the way
 * (`{"$ref": "#"}` as a root, or a.json → b.json → a.json) describes no value: Ajv would recurse for ever and
 * the type generator fails with a message naming neither file nor pointer. Refused here with the chain, which
 * may cross files. A link the chain cannot follow (an anchor, a remote or unreadable file) ends the check:
 * that $ref's own checks report it.
 */
async function checkRefLoop(
  registry: SchemaRegistry,
  file: SchemaFile,
  pointer: string,
  ref: string,
  target: SchemaFile,
  fragment: string,
): Promise<void> {
  const start = pointer.endsWith("/$ref") ? pointer.slice(0, -"/$ref".length) : pointer;
  const chain: [SchemaFile, string][] = [[file, start]];
  const seen = new Set([`${baseOf(file)}#${start}`]);
  let here = target;
  let at = fragment;
  while (at === "" || at.startsWith("/")) {
    const base = baseOf(here);
    const key = `${base}#${at}`;
    chain.push([here, at]);
    if (seen.has(key)) {
      // Within one file its pointers say enough; across files each step names its file.
      const crosses = chain.some(([where]) => where !== file);
      const steps = chain.map(([where, p]) => (crosses ? `${where.displayPath}#${p}` : `#${p}`));
      throw new GenerateError(
        file.displayPath,
        pointer,
        `$ref "${ref}" leads into a loop of $refs with no schema in it (${steps.join(" → ")}): it describes no value; replace one of them with the schema it stands for`,
        "$ref",
      );
    }
    seen.add(key);
    const node = resolvePointer(here.schema, at);
    if (!isSchemaObject(node) || typeof node.$ref !== "string") return;
    const { $defs: _defs, definitions: _definitions, $schema: _schema, ...rest } = node;
    if (!onlyAnnotates(rest)) return;
    const url = safeUrl(node.$ref, base);
    if (!url) return;
    const refPointer = `${at}/$ref`;
    const next = decodeFragment(url.hash.slice(1));
    if (next === undefined) return;
    at = next;
    url.hash = "";
    if (url.href === base) continue;
    if (META_SCHEMAS.has(url.href) || (url.protocol !== "file:" && !registry.has(url))) return;
    try {
      here = await registry.find(url, here, refPointer, node.$ref);
    } catch {
      return;
    }
  }
}

/**
 * A $ref's fragment must name something in the document it points into: a JSON Pointer to an existing
 * value (anchors and $ids are resolved before this is called). Checked here, where the file and pointer of
 * the $ref are known, rather than left to a later tool's message that names neither.
 */
function checkFragment(
  document: unknown,
  fragment: string,
  file: SchemaFile,
  pointer: string,
  ref: string,
  target?: SchemaFile,
): void {
  if (fragment === "") return;
  const where = target ? target.displayPath : "this file";
  if (!fragment.startsWith("/")) {
    if (target)
      throw new GenerateError(
        file.displayPath,
        pointer,
        `$ref "${ref}" names the anchor "${fragment}" in ${target.displayPath}; references into other files are resolved by JSON Pointer only: write the pointer (#/...) to the definition instead`,
        "$ref",
      );
    throw new GenerateError(
      file.displayPath,
      pointer,
      `$ref "${ref}" names the anchor "${fragment}", which ${where} does not declare ($anchor or $id "#${fragment}")`,
      "$ref",
    );
  }
  const depth = resolvedDepth(document, fragment);
  if (depth === pointerTokens(fragment).length) return;
  const walked = fragment.slice(0, fragment.length - pointerAfter(fragment, depth).length);
  const missing = fragment.slice(0, fragment.length - pointerAfter(fragment, depth + 1).length);
  throw new GenerateError(
    file.displayPath,
    pointer,
    `$ref "${ref}" points to ${fragment}, but ${where} has nothing at ${missing}${walked === "" ? "" : ` (${walked} exists)`}: fix the pointer or add the definition`,
    "$ref",
  );
}
