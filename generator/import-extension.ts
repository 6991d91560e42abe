import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ts } from "ts-morph";
import { IMPORT_EXTENSIONS, type ImportExtension } from "../templates/imports.js";

/** The extension chosen for the imports between generated modules, and why (printed by the CLI). */
export interface InferredImportExtension {
  extension: ImportExtension;
  /** The tsconfig.json the choice was read from; undefined when none governs the output folder. */
  tsconfig?: string;
  reason: string;
}

/**
 * The import extension the toolchain building `outDir` resolves, read from the tsconfig.json that governs it
 * (the nearest one up from `outDir`, `extends` followed, as tsc finds it), the way Prisma's
 * `importFileExtension` is chosen:
 * - moduleResolution bundler (Next.js, Vite, most apps; also implied by `module: preserve`) → no extension:
 *   bundlers do not map `./x.js` to `./x.ts`;
 * - node16/nodenext (also implied by `module: node16|node18|node20|nodenext`) → `.js` (`.ts` when
 *   allowImportingTsExtensions is set: Node's type stripping runs the sources as they are);
 * - allowImportingTsExtensions otherwise → `.ts`;
 * - node10/classic (CommonJS apps) → no extension;
 * - no tsconfig → `.js`, which Node's ESM needs.
 * A solution-style tsconfig.json (`files: []` with `references`, as Vite's templates write) defers to the
 * referenced project whose `include` covers the output folder.
 */
export function inferImportExtension(outDir: string): InferredImportExtension {
  const out = resolve(outDir);
  const found = nearestTsconfig(out);
  if (found === undefined) return { extension: "js", reason: "no tsconfig.json governs the output folder" };
  const governing = governingProject(found, out);
  const options = readCompilerOptions(governing);
  const { extension, reason } = extensionFor(options);
  return { extension, tsconfig: governing, reason };
}

/** Checks a value given for the option (the CLI's choices do this for the command line). */
export function assertImportExtension(value: unknown): asserts value is ImportExtension {
  if (!(IMPORT_EXTENSIONS as readonly unknown[]).includes(value)) {
    throw new TypeError(
      `importExtension must be one of ${IMPORT_EXTENSIONS.map((e) => JSON.stringify(e)).join(", ")}; got ${JSON.stringify(value)}`,
    );
  }
}

function nearestTsconfig(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "tsconfig.json");
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function readConfig(path: string): { raw: Record<string, unknown>; parsed: ts.ParsedCommandLine } {
  const read = ts.readConfigFile(path, ts.sys.readFile);
  if (read.error !== undefined) {
    const text = ts.flattenDiagnosticMessageText(read.error.messageText, "\n");
    throw new Error(
      `cannot read ${path} to choose the import extension: ${text}; fix it, or pass --import-extension js|ts|none`,
    );
  }
  const raw = read.config as Record<string, unknown>;
  // Errors about the project's files (such as "no inputs were found") do not change its compiler options.
  return { raw, parsed: ts.parseJsonConfigFileContent(raw, ts.sys, dirname(path), undefined, path) };
}

function governingProject(tsconfig: string, out: string): string {
  const { raw, parsed } = readConfig(tsconfig);
  const solution = Array.isArray(raw.files) && raw.files.length === 0 && raw.include === undefined;
  if (!solution || parsed.projectReferences === undefined) return tsconfig;
  for (const reference of parsed.projectReferences) {
    const path = reference.path.endsWith(".json") ? reference.path : join(reference.path, "tsconfig.json");
    if (!existsSync(path)) continue;
    const { raw: referenced } = readConfig(path);
    if (includes(referenced.include, dirname(path), out)) return path;
  }
  return tsconfig;
}

/** Whether an `include` list covers `out`: each pattern's directory part before its first wildcard. */
function includes(include: unknown, base: string, out: string): boolean {
  if (!Array.isArray(include)) return false;
  return include.some((pattern) => {
    if (typeof pattern !== "string") return false;
    const literal = pattern.split(/[/\\]/).filter((part) => part !== "" && part !== ".");
    const cut = literal.findIndex((part) => /[*?]/.test(part));
    const dir = resolve(base, ...(cut === -1 ? literal : literal.slice(0, cut)));
    const rel = relative(dir, out);
    return rel === "" || (rel.split(sep)[0] !== ".." && !isAbsolute(rel));
  });
}

function readCompilerOptions(tsconfig: string): ts.CompilerOptions {
  return readConfig(tsconfig).parsed.options;
}

function extensionFor(options: ts.CompilerOptions): { extension: ImportExtension; reason: string } {
  const tsExtensions = options.allowImportingTsExtensions === true;
  const resolution = moduleResolutionOf(options);
  if (resolution === "bundler") return { extension: "none", reason: "moduleResolution is bundler" };
  if (resolution === "node16" || resolution === "nodenext") {
    return tsExtensions
      ? { extension: "ts", reason: `moduleResolution is ${resolution} with allowImportingTsExtensions` }
      : { extension: "js", reason: `moduleResolution is ${resolution}` };
  }
  if (tsExtensions) return { extension: "ts", reason: "allowImportingTsExtensions is set" };
  return { extension: "none", reason: `moduleResolution is ${resolution}` };
}

/** The module resolution tsc applies, with the defaults that `module` implies when it is not set. */
function moduleResolutionOf(options: ts.CompilerOptions): "bundler" | "node16" | "nodenext" | "node10" | "classic" {
  const K = ts.ModuleResolutionKind;
  switch (options.moduleResolution) {
    case K.Bundler:
      return "bundler";
    case K.Node16:
      return "node16";
    case K.NodeNext:
      return "nodenext";
    case K.Node10:
      return "node10";
    case K.Classic:
      return "classic";
  }
  const M = ts.ModuleKind;
  switch (options.module) {
    case M.Preserve:
      return "bundler";
    case M.Node16:
    case M.Node18:
    case M.Node20:
      return "node16";
    case M.NodeNext:
      return "nodenext";
    case M.CommonJS:
    case undefined:
      return "node10";
    default:
      // TypeScript 5 resolves other `module` values classically, TypeScript 6 as a bundler: neither needs an extension.
      return "classic";
  }
}
