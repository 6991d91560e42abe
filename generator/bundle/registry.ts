import { realpathSync } from "node:fs";
import { lstat, realpath, stat } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  displayPathOf,
  isWithin,
  kindOf,
  loadSchemaFile,
  SCHEMA_EXTENSIONS,
  type SchemaFile,
} from "../load/schema-files.js";
import { GenerateError } from "../schema/errors.js";
import { isSchemaObject } from "../schema/walk.js";

/** Where a schema file can be found by `$ref`: its file URL and the URI its root `$id` gives it, if any. */
export class SchemaRegistry {
  private readonly byLocation = new Map<string, SchemaFile>();
  /** By the URI of a root `$id`; a file's own location wins over another file's `$id` naming it. */
  private readonly byId = new Map<string, SchemaFile>();
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
    const location = pathToFileURL(file.path).href;
    this.byLocation.set(location, file);
    const base = baseOf(file);
    if (base !== location) this.byId.set(base, file);
  }

  has(url: URL): boolean {
    return this.get(url.href) !== undefined;
  }

  private get(href: string): SchemaFile | undefined {
    return this.byLocation.get(href) ?? this.byId.get(href);
  }

  /**
   * The file a URL (without fragment) names. A file that is not an input is read only when it is a regular
   * schema file under the project root, checked before it is opened; nothing is ever fetched.
   */
  async find(url: URL, from: SchemaFile, pointer: string, ref: string): Promise<SchemaFile> {
    const known = this.get(url.href);
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
    const sameFile = this.byLocation.get(pathToFileURL(real).href);
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

/**
 * The base URI of a file's document, which its `$ref`s resolve against: its root `$id` (draft-04: `id`)
 * without fragment, resolved against the file's location as RFC 3986 says ("s.json" in /p/s.json is
 * file:///p/s.json), else the location itself.
 */
export function baseOf(file: SchemaFile): string {
  const location = pathToFileURL(file.path).href;
  if (!isSchemaObject(file.schema)) return location;
  const id = file.schema.$id ?? file.schema.id;
  const url = typeof id === "string" ? safeUrl(id, location) : undefined;
  if (url === undefined) return location;
  url.hash = "";
  return url.href;
}

/** The dialects' meta-schemas: Ajv has them built in, so a reference to one is resolved, never fetched. */
export const META_SCHEMAS = new Set([
  "http://json-schema.org/draft-07/schema",
  "https://json-schema.org/draft/2019-09/schema",
  "https://json-schema.org/draft/2020-12/schema",
]);

export function safeUrl(ref: string, base: string): URL | undefined {
  try {
    return new URL(ref, base);
  } catch {
    return undefined;
  }
}
