import { basename, extname } from "node:path";
import { appendPointer, compileStreamHints, type JSONSchema, linearRegExp } from "@partialgen/runtime";
import { renderDefinitionsModule } from "../templates/definitions-module.js";
import { FRAMEWORKS, type Framework, renderFrameworkModule } from "../templates/framework-modules.js";
import { renderHintsModule } from "../templates/hints-module.js";
import type { ImportExtension } from "../templates/imports.js";
import { indexExports, renderIndexModule } from "../templates/index-module.js";
import { renderClientModule } from "../templates/react-module.js";
import { FULL_VALIDATOR, PARTIAL_VALIDATOR, renderSchemaModule } from "../templates/schema-module.js";
import { renderValidatorsModule } from "../templates/validators-module.js";
import { bundleSchema } from "./bundle/bundler.js";
import { SchemaRegistry } from "./bundle/registry.js";
import { commentText, jsonLiteral, stringLiteral } from "./code/literals.js";
import { companionStem, fileStem, firstTypeName, openAIName, partialName, valueName } from "./code/naming.js";
import type { Identifier } from "./code/safe.js";
import { normalize } from "./derive/normalize.js";
import { partialSchema } from "./derive/partial-schema.js";
import { providerSchema, SCHEMA_PROVIDERS } from "./derive/provider-schema.js";
import { isStrictLoss, strictSchema } from "./derive/strict-schema.js";
import { assertImportExtension } from "./import-extension.js";
import { findSchemaFiles, loadSchemaFile, type SchemaFile } from "./load/schema-files.js";
import { GenerateError, type GenerateWarning } from "./schema/errors.js";
import { definitionsOnly, onlyAnnotates } from "./schema/keywords.js";
import { localPointer, resolvePointer } from "./schema/pointer.js";
import { isSchemaObject, mapSchema, type SchemaObject } from "./schema/walk.js";
import { xStreamWarnings } from "./schema/x-stream-warnings.js";
import { declareTypes } from "./types/declare.js";
import {
  definitionNames,
  definitionsTypesInput,
  reachedTargets,
  type SharedTarget,
  type SharedTypes,
  shareableDefinitions,
  sharedLinks,
  sharedTargets,
} from "./types/shared.js";
import { emitValidators } from "./validators/standalone.js";

export interface GenerateOptions {
  /**
   * A schema that cannot be made strict for OpenAI's structured outputs: by default (false) a warning naming
   * the keyword and JSON Pointer, and its streamX() sends the original schema with `strict: false` (OpenAI
   * and compatible servers still use it for guidance). With true it is a GenerateError, for CI that targets
   * strict mode; so is a loss (a strict schema that admits values validateX rejects: a removed `minLength`,
   * a `oneOf` whose branches may overlap), which is otherwise a warning.
   */
  strict?: boolean;
  /**
   * What a remote (http/https) $ref outside the inputs does: "error" (default), or "unknown" — typed
   * `unknown`, not validated, with a warning. partialgen never fetches schemas.
   */
  remoteRefs?: "error" | "unknown";
  /** The same as `frameworks: ["react"]` (with any others listed there). */
  react?: boolean;
  /**
   * Also emit the browser modules (default none): `<stem>.client.ts` (readXStream(), no framework) and, per
   * framework, `<stem>.<framework>.ts` (useXStream for React and Vue, createXStream for Svelte and Solid,
   * injectXStream for Angular), so that only projects that ask get a framework import.
   */
  frameworks?: readonly Framework[];
  /**
   * The project root (default: the working directory). A `$ref` may name a file that is not an input only
   * when it is a regular .json/.yaml/.yml file under the root (symbolic links resolved).
   */
  root?: string;
  /**
   * The extension of the relative imports between generated modules: "js" (default; Node's ESM and
   * moduleResolution node16/nodenext), "none" (bundlers: Next.js, Vite, webpack, moduleResolution bundler) or
   * "ts" (allowImportingTsExtensions: Deno, Bun, Node's type stripping). The CLI infers it from the
   * tsconfig.json that governs the output folder (generator/import-extension.ts).
   */
  importExtension?: ImportExtension;
}

export interface GeneratedFile {
  /** Path relative to the output directory. */
  path: string;
  content: string;
}

export interface GenerateResult {
  files: GeneratedFile[];
  warnings: GenerateWarning[];
}

/**
 * The pipeline, one stage folder each (docs/architecture.md): load → bundle references → derive
 * (normalise, partial and strict schemas) → declare types and compile validators → render templates. Pure:
 * returns the files, writes nothing (see output.ts).
 */
export async function generate(inputs: readonly string[], options: GenerateOptions = {}): Promise<GenerateResult> {
  const paths = await findSchemaFiles(inputs);
  const files: SchemaFile[] = [];
  for (const path of paths) files.push(await loadSchemaFile(path));
  return generateFromFiles(files, options);
}

export async function generateFromFiles(
  files: readonly SchemaFile[],
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  if (options.importExtension !== undefined) assertImportExtension(options.importExtension);
  const registry = new SchemaRegistry(files, options.remoteRefs, options.root);
  const result: GenerateResult = { files: [], warnings: [] };
  // Sorted here, not only when found on disk: callers may pass files in any order.
  const ordered = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const modules = planModules(ordered);
  const bundles: Bundled[] = [];
  for (const { file } of modules) bundles.push(await bundleModule(file, registry));
  const shared = sharedTypes(modules, bundles);
  for (const [i, { file, entry, definitions }] of modules.entries()) {
    const bundled = bundles[i] as Bundled;
    const module = definitions
      ? await generateDefinitionsModule(file, bundled, entry, definitions, shared, options)
      : await generateSchemaModule(file, registry, entry.typeName, options, shared, bundled);
    result.files.push(...module.files);
    result.warnings.push(...module.warnings);
  }
  result.files.push({
    path: "index.ts",
    content: renderIndexModule(
      modules.map((m) => m.entry),
      importExtensionOf(options),
    ),
  });
  result.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

/** A file's bundled, normalised schema, where the other files in it went, and its unresolved remote $refs. */
export interface Bundled {
  schema: unknown;
  embeddings: { file: SchemaFile; locate: (fragment: string) => string | undefined }[];
  unresolved: SchemaRegistry["unresolved"];
}

async function bundleModule(file: SchemaFile, registry: SchemaRegistry): Promise<Bundled> {
  const before = registry.unresolved.length;
  const embeddings: Bundled["embeddings"] = [];
  const schema = normalize(await bundleSchema(file, registry, (f, locate) => embeddings.push({ file: f, locate })));
  return { schema, embeddings, unresolved: registry.unresolved.slice(before) };
}

/**
 * Which module declares each input file's types, so that other modules import them (types/shared.ts): its
 * root, every definition of a definitions-only file, and the definitions of another file that some other
 * module's types reach (found by following $refs through every bundle first).
 */
function sharedTypes(modules: ReturnType<typeof planModules>, bundles: readonly Bundled[]): SharedTypes {
  const candidates = new Map(
    modules.map(({ file, definitions }) => [
      file.path,
      { root: !definitions, definitions: definitions ? [...definitions.keys()] : shareableDefinitions(file.schema) },
    ]),
  );
  const reached = new Map<string, Set<string>>();
  for (const [i, { definitions }] of modules.entries()) {
    const { schema, embeddings } = bundles[i] as Bundled;
    const targets = sharedTargets(embeddings, candidates);
    for (const pointer of reachedTargets(schema, definitions ? [...definitions.keys()] : [""], targets)) {
      const { file, within } = targets.get(pointer) as SharedTarget;
      if (within === "") continue;
      const set = reached.get(file) ?? new Set<string>();
      set.add(within);
      reached.set(file, set);
    }
  }
  // A shared definition that only names another definition of its file is declared as an alias of it.
  for (const [path, own] of reached) {
    const file = modules.find((m) => m.file.path === path)?.file as SchemaFile;
    const shareable = new Set(shareableDefinitions(file.schema));
    for (const pointer of own) {
      const def = resolvePointer(file.schema, pointer);
      const target = isSchemaObject(def) && onlyAnnotates(def) ? localPointer(def.$ref) : undefined;
      if (target !== undefined && shareable.has(target)) own.add(target); // a Set visits what is added
    }
  }
  return new Map(
    modules.map(({ file, entry, definitions }) => {
      const own = reached.get(file.path);
      const pinned = () => {
        const taken = new Set([entry.typeName, entry.partialTypeName]);
        const names = new Map<string, Identifier>();
        for (const keyword of ["$defs", "definitions"])
          for (const [p, n] of definitionNames(file.schema as SchemaObject, keyword, taken, own)) names.set(p, n);
        return names;
      };
      return [
        file.path,
        {
          module: entry.module,
          ...(definitions ? {} : { root: entry.typeName }),
          definitions: definitions ?? (own ? pinned() : new Map<string, Identifier>()),
        },
      ];
    }),
  );
}

type IndexEntry = Parameters<typeof renderIndexModule>[0][number];

/**
 * Names every module and checks, before anything is generated, that no two schemas claim one name: a
 * type, a value exported from index.ts, or a module file (compared without case: macOS and Windows file
 * systems treat "ab-test.ts" and "AB-Test.ts" as one file).
 */
function planModules(
  files: readonly SchemaFile[],
): { file: SchemaFile; entry: IndexEntry; definitions?: Map<string, Identifier> }[] {
  const claims = new Map<string, { file: SchemaFile; name: string }>();
  const claim = (key: string, what: string, file: SchemaFile, name: string) => {
    const other = claims.get(key);
    if (other) {
      throw new GenerateError(
        file.displayPath,
        "",
        `its type "${name}" needs ${what}, which ${other.file.displayPath} (type "${other.name}") needs too: give one of them a different title`,
        "title",
      );
    }
    claims.set(key, { file, name });
  };
  return files.map((file) => {
    const name = schemaName(file);
    const keyword = definitionsOnly(file.schema);
    const definitions =
      keyword === undefined
        ? undefined
        : definitionNames(file.schema as SchemaObject, keyword, new Set([name, partialName(name)]));
    const entry: IndexEntry = {
      module: fileStem(name),
      typeName: name,
      partialTypeName: partialName(name),
      valueName: valueName(name),
      ...(definitions ? { definitionTypes: [...definitions.values()] } : {}),
    };
    const { types, values } = indexExports(entry);
    for (const exported of [...types, ...values])
      claim(`export:${exported}`, `the index.ts export "${exported}"`, file, name);
    claim(
      `file:${entry.module.toLowerCase()}`,
      `the module file "${entry.module}.ts" (file names compared without case, as macOS and Windows do)`,
      file,
      name,
    );
    return { file, entry, ...(definitions ? { definitions } : {}) };
  });
}

/**
 * The type name of a schema: json-schema-to-typescript's name for its title, else for its file name (for
 * a title such as "123" of which no identifier character survives), else "Schema".
 */
export function schemaName(file: SchemaFile): Identifier {
  const title = isSchemaObject(file.schema) && typeof file.schema.title === "string" ? file.schema.title : "";
  return firstTypeName([title, basename(file.path, extname(file.path))], "Schema");
}

/**
 * The schema each provider with rules of its own is sent (generator/derive/provider-schema.ts), its warnings
 * added to `warnings`. Only where the strict schema exists: both start from it.
 */
function providerSchemas(full: unknown, file: string, warnings: GenerateWarning[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const provider of SCHEMA_PROVIDERS) {
    const derived = providerSchema(provider, full, file);
    out[provider] = derived.schema;
    warnings.push(...derived.warnings);
  }
  return out;
}

export async function generateSchemaModule(
  file: SchemaFile,
  registry: SchemaRegistry,
  name: Identifier,
  options: GenerateOptions = {},
  shared: SharedTypes = new Map(),
  bundled?: Bundled,
): Promise<GenerateResult> {
  const warnings: GenerateWarning[] = [];
  const { schema: full, embeddings, unresolved } = bundled ?? (await bundleModule(file, registry));
  for (const u of unresolved) {
    warnings.push({
      file: u.file,
      pointer: u.pointer,
      message: `remote $ref "${u.ref}" not fetched: typed unknown and not validated (--remote-refs unknown)`,
    });
  }
  const partial = partialSchema(full);
  let strict: unknown = null;
  try {
    const derived = strictSchema(full, file.displayPath);
    strict = derived.schema;
    for (const w of derived.warnings) warnings.push({ ...w, provider: "openai" });
    const loss = options.strict === true ? derived.warnings.find(isStrictLoss) : undefined;
    if (loss) {
      throw new GenerateError(
        loss.file,
        loss.pointer,
        `${loss.message} (--strict: answers valid in strict mode could fail validation)`,
        loss.strictLoss,
      );
    }
  } catch (error) {
    if (options.strict === true || !(error instanceof GenerateError)) throw error;
    warnings.push({
      file: file.displayPath,
      pointer: error.pointer,
      message: `${withoutNoStrictAdvice(error.problem)} — generated without a strict schema: streamX() sends this schema with strict: false (--strict makes this an error)`,
      provider: "openai",
    });
  }
  const providers = strict === null ? null : providerSchemas(full, file.displayPath, warnings);
  mapSchema(full, (s, pointer) => {
    if (isSchemaObject(s.properties) && Object.hasOwn(s.properties, "__proto__")) {
      warnings.push({
        file: file.displayPath,
        pointer: `${pointer}/properties/__proto__`,
        message:
          'Ajv ignores properties named "__proto__" (a safety rule of its own): the validators neither check nor accept it',
      });
    }
    return s;
  });
  warnings.push(...xStreamWarnings(full, file.displayPath));
  // The runtime's own derivation, run now over the schema the partial type and strict schema come from.
  const streamHints = compileStreamHints(full as JSONSchema);
  checkPatterns(full, file.displayPath);
  const owned = shared.get(file.path)?.definitions ?? new Map<string, Identifier>();
  const types = await declareTypes({
    full,
    partial,
    name,
    file: file.displayPath,
    links: sharedLinks(embeddings, shared),
    owned,
    declares: [name, ...owned.values()],
  });
  warnings.push(...types.warnings);
  const stem = fileStem(name);
  // The validators module exports fixed names: one taken from a schema ("Array", "Object") would shadow the
  // global that Ajv's code in the same module calls.
  const validators = emitValidators(
    full,
    partial,
    { full: FULL_VALIDATOR, partial: PARTIAL_VALIDATOR },
    file.displayPath,
    warnings,
  );
  const source = sourceComment(file);
  const hintsModule = companionStem(stem, "hints");
  const jsonSchema = jsonLiteral(full);
  const module = renderSchemaModule({
    source,
    typeName: name,
    partialTypeName: partialName(name),
    valueName: valueName(name),
    validatorsModule: companionStem(stem, "validators"),
    hintsModule,
    typeImports: types.imports,
    fullTypes: types.full,
    partialTypes: types.partial,
    jsonSchema,
    strictSchema: strict === null ? null : jsonLiteral(strict),
    providerSchemas: providers === null ? null : jsonLiteral(providers),
    openAIName: stringLiteral(openAIName(name)),
    importExtension: importExtensionOf(options),
  });
  const hints = renderHintsModule({
    source,
    typeName: name,
    valueName: valueName(name),
    jsonSchema,
    streamHints: streamHints === undefined ? null : jsonLiteral(streamHints),
  });
  const files: GeneratedFile[] = [
    { path: `${stem}.ts`, content: module },
    { path: `${hintsModule}.ts`, content: hints },
    { path: `${stem}.validators.ts`, content: renderValidatorsModule({ source, code: validators }) },
  ];
  const frameworks = FRAMEWORKS.filter((f) => options.frameworks?.includes(f) || (f === "react" && options.react));
  if (frameworks.length > 0) {
    const view = {
      source,
      typeName: name,
      partialTypeName: partialName(name),
      valueName: valueName(name),
      schemaModule: stem,
      hintsModule,
      importExtension: importExtensionOf(options),
    };
    files.push({ path: `${stem}.client.ts`, content: renderClientModule(view) });
    for (const f of frameworks) files.push({ path: `${stem}.${f}.ts`, content: renderFrameworkModule(f, view) });
  }
  return { files, warnings };
}

/**
 * The module of a file that only holds definitions: the type of each definition (and the union of them
 * all, under the file's name), nothing to stream or validate on its own.
 */
async function generateDefinitionsModule(
  file: SchemaFile,
  { schema: bundled, embeddings }: Bundled,
  entry: IndexEntry,
  definitions: Map<string, Identifier>,
  shared: SharedTypes,
  options: GenerateOptions,
): Promise<GenerateResult> {
  const warnings: GenerateWarning[] = [];
  checkPatterns(bundled, file.displayPath);
  const full = definitionsTypesInput(bundled as SchemaObject, definitions);
  const types = await declareTypes({
    full,
    partial: partialSchema(full),
    name: entry.typeName,
    file: file.displayPath,
    links: sharedLinks(embeddings, shared),
    declares: [entry.typeName, ...definitions.values()],
  });
  warnings.push(...types.warnings);
  const content = renderDefinitionsModule({
    source: sourceComment(file),
    typeName: entry.typeName,
    typeImports: types.imports,
    fullTypes: types.full,
    partialTypes: types.partial,
    importExtension: importExtensionOf(options),
  });
  return { files: [{ path: `${entry.module}.ts`, content }], warnings };
}

function importExtensionOf(options: GenerateOptions): ImportExtension {
  return options.importExtension ?? "js";
}

/** The input file named in a generated file's header: with "/" on every platform. */
function sourceComment(file: SchemaFile) {
  return commentText(file.displayPath.split("\\").join("/"));
}

/** A strict-mode error turned into a warning (by --no-strict) must not advise passing --no-strict. */
function withoutNoStrictAdvice(problem: string): string {
  return problem
    .split(/;\s*/)
    .filter((part) => !part.includes("--no-strict"))
    .join("; ");
}

/**
 * Every regular expression must compile the way the validators compile it: with the "u" flag (which rejects
 * escapes such as "\\-" outside a class), on the runtime's linear-time engine (which refuses backreferences and
 * automata past its size bound, as patterns run on model-written text). Checked here so the error names the
 * pattern's JSON Pointer.
 */
function checkPatterns(schema: unknown, file: string): void {
  const check = (pattern: string, pointer: string, keyword: string) => {
    try {
      new RegExp(pattern, "u");
    } catch (error) {
      throw new GenerateError(
        file,
        pointer,
        `${keyword} ${JSON.stringify(pattern)} is not a valid regular expression with the "u" (Unicode) flag the validators use: ${(error as Error).message.replace(/^Invalid regular expression: /, "")}; rewrite it (in Unicode mode only syntax characters may be escaped, e.g. write "-" not "\\-" outside a character class)`,
        keyword,
      );
    }
    try {
      linearRegExp(pattern, "u");
    } catch (error) {
      throw new GenerateError(
        file,
        pointer,
        `${keyword} ${JSON.stringify(pattern)} cannot run on the linear-time engine the validators use on model-written text: ${(error as Error).message}; rewrite it without backreferences and with smaller repetition counts`,
        keyword,
      );
    }
  };
  mapSchema(schema, (s, pointer) => {
    if (typeof s.pattern === "string") check(s.pattern, appendPointer(pointer, "pattern"), "pattern");
    if (isSchemaObject(s.patternProperties))
      for (const key of Object.keys(s.patternProperties))
        check(key, appendPointer(appendPointer(pointer, "patternProperties"), key), "patternProperties");
    return s;
  });
}
