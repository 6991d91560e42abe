import { basename, extname } from "node:path";
import { renderIndexModule } from "../templates/index-module.js";
import { renderClientModule, renderReactModule } from "../templates/react-module.js";
import { renderSchemaModule } from "../templates/schema-module.js";
import { renderValidatorsModule } from "../templates/validators-module.js";
import { bundleSchema, SchemaRegistry } from "./bundle.js";
import { normalize } from "./derive/normalize.js";
import { partialSchema } from "./derive/partial-schema.js";
import { strictSchema } from "./derive/strict-schema.js";
import { indentBlocks } from "./emit/indent.js";
import { jsonLiteral, stringLiteral } from "./emit/literals.js";
import { emitTypes } from "./emit/types.js";
import { emitValidators } from "./emit/validators.js";
import { GenerateError, type GenerateWarning } from "./errors.js";
import { findSchemaFiles, loadSchemaFile, type SchemaFile } from "./load.js";
import { fileStem, typeName, valueName } from "./naming.js";
import { isSchemaObject, mapSchema } from "./schema-walk.js";

export interface GenerateOptions {
  /**
   * Require an OpenAI strict variant of every schema (default true). With false, a schema that cannot be
   * made strict is a warning and its streamX() offers only the modes that do not need strict mode.
   */
  strict?: boolean;
  /**
   * What a remote (http/https) $ref outside the inputs does: "error" (default), or "unknown" — typed
   * `unknown`, not validated, with a warning. partialgen never fetches schemas.
   */
  remoteRefs?: "error" | "unknown";
  /**
   * Also emit the browser modules (default false): `<stem>.client.ts` (readXStream(), no React) and
   * `<stem>.react.ts` (useXStream()), so that only projects that ask get a React import.
   */
  react?: boolean;
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
 * The pipeline: load → bundle references → normalise → derive partial and strict schemas → emit types and
 * validators → render templates → format. Pure: returns the files, writes nothing (see output.ts).
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
  const registry = new SchemaRegistry(files, options.remoteRefs);
  const names = new Map<string, SchemaFile>();
  const result: GenerateResult = { files: [], warnings: [] };
  const index: Parameters<typeof renderIndexModule>[0][number][] = [];
  // Sorted here, not only when found on disk: callers may pass files in any order.
  const ordered = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of ordered) {
    const name = schemaName(file);
    const clash = names.get(name);
    if (clash) {
      throw new GenerateError(
        file.displayPath,
        "",
        `its type name "${name}" is also the name of ${clash.displayPath}: give one of them a different title`,
        "title",
      );
    }
    names.set(name, file);
    const module = await generateSchemaModule(file, registry, name, options);
    result.files.push(...module.files);
    result.warnings.push(...module.warnings);
    index.push({
      module: fileStem(name),
      typeName: name,
      partialTypeName: `Partial${name}`,
      valueName: valueName(name),
    });
  }
  result.files.push({ path: "index.ts", content: renderIndexModule(index) });
  result.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

/** The type name of a schema: its title, else its file name, in PascalCase. */
export function schemaName(file: SchemaFile): string {
  const title = isSchemaObject(file.schema) && typeof file.schema.title === "string" ? file.schema.title : "";
  return typeName(title.trim() !== "" ? title : basename(file.path, extname(file.path)));
}

export async function generateSchemaModule(
  file: SchemaFile,
  registry: SchemaRegistry,
  name: string,
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const warnings: GenerateWarning[] = [];
  const unresolvedBefore = registry.unresolved.length;
  const full = normalize(await bundleSchema(file, registry));
  for (const u of registry.unresolved.slice(unresolvedBefore)) {
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
    if (derived.warnings.length > 0) {
      const where = derived.warnings.map((w) => w.pointer).join(", ");
      warnings.push({
        file: file.displayPath,
        pointer: "",
        message: `the strict schema leaves out ${derived.warnings.length} keyword(s) OpenAI strict mode does not support (${where}); the final validator still enforces them`,
      });
    }
  } catch (error) {
    if (options.strict !== false || !(error instanceof GenerateError)) throw error;
    warnings.push({
      file: file.displayPath,
      pointer: error.pointer,
      message: `${error.problem} — generated without a strict schema`,
    });
  }
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
  const partialName = `Partial${name}`;
  const types = await emitTypes(full, partial, name, file.displayPath);
  const stem = fileStem(name);
  const validators = emitValidators(full, partial, { full: name, partial: partialName }, file.displayPath, warnings);
  const source = file.displayPath.split("\\").join("/");
  const module = renderSchemaModule({
    source,
    typeName: name,
    partialTypeName: partialName,
    valueName: valueName(name),
    validatorsModule: `${stem}.validators`,
    fullTypes: indentBlocks(types.full),
    partialTypes: indentBlocks(types.partial),
    jsonSchema: jsonLiteral(full),
    strictSchema: strict === null ? null : jsonLiteral(strict),
    openAIName: stringLiteral(name.slice(0, 64)),
  });
  const files: GeneratedFile[] = [
    { path: `${stem}.ts`, content: module },
    { path: `${stem}.validators.ts`, content: renderValidatorsModule({ source, code: typeExports(validators) }) },
  ];
  if (options.react) {
    const view = {
      source,
      typeName: name,
      partialTypeName: partialName,
      valueName: valueName(name),
      schemaModule: stem,
      jsonSchema: jsonLiteral(full),
    };
    files.push({ path: `${stem}.client.ts`, content: renderClientModule(view) });
    files.push({ path: `${stem}.react.ts`, content: renderReactModule(view) });
  }
  return { files, warnings };
}

/** Ajv exports `export const X = validate10;`: give each export the StandaloneValidate type. */
function typeExports(code: string): string {
  return code.replace(/export const ([A-Za-z_$][\w$]*) = /g, "export const $1: StandaloneValidate = ");
}
