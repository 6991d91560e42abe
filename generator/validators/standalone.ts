import standaloneModule from "ajv/dist/standalone/index.js";
import { renderStandaloneValidators, type StandaloneValidator } from "../../templates/validators-module.js";
import { generatedCode, identifier } from "../code/literals.js";
import type { Code, Identifier } from "../code/safe.js";
import { createAjv, type Dialect, dialectOf } from "../schema/ajv.js";
import { GenerateError, type GenerateWarning } from "../schema/errors.js";
import { mapSchema } from "../schema/walk.js";

export { ajvOptions, createAjv, type Dialect, dialectOf } from "../schema/ajv.js";

/**
 * Ajv standalone code for the full and the partial schema: plain JavaScript, compiled now so that no
 * schema compilation happens at run time. Its runtime helpers (`require("ajv/dist/runtime/...")`) are
 * served by @partialgen/runtime's `ajvRequire`, so generated code depends on @partialgen/runtime alone.
 */
export function emitValidators(
  full: unknown,
  partial: unknown,
  names: { full: Identifier; partial: Identifier },
  file: string,
  warnings: GenerateWarning[],
): Code {
  const ajvWarnings: string[] = [];
  const dialect = dialectOf(full);
  try {
    // One Ajv instance each: both schemas may declare the same $ids, which one instance would reject.
    const validators = [
      standalone(names.full, full, dialect, ajvWarnings),
      standalone(names.partial, partial, dialect, ajvWarnings),
    ];
    for (const message of new Set(ajvWarnings)) warnings.push(ajvWarning(file, message));
    return renderStandaloneValidators(validators);
  } catch (error) {
    throw new GenerateError(file, ajvErrorPointer(error), `Ajv cannot compile the schema: ${(error as Error).message}`);
  }
}

/**
 * Ajv's standalone module for one schema, its `export const name = validateN;` taken out: the template
 * scopes it (templates/validators-module.ts), so that two share a file.
 */
function standalone(name: Identifier, schema: unknown, dialect: Dialect, warnings: string[]): StandaloneValidator {
  const ajv = createAjv(dialect, warnings);
  ajv.addSchema(asAjvSchema(withoutCommentTerminators(schema)), "schema");
  const code = standaloneModule.default(ajv, { [name]: "schema" });
  const exported = /export const ([\w$]+) = (\w+);/.exec(code);
  if (exported?.[1] !== name) throw new Error("internal error: unexpected Ajv standalone output");
  return {
    name,
    body: generatedCode(protoSafe(code.replace(exported[0], ""))),
    validate: identifier(exported[2] as string),
  };
}

/** Keywords whose strings are URIs that Ajv may copy into a code comment. */
const URI_KEYWORDS = [
  "$id",
  "$ref",
  "$anchor",
  "$dynamicRef",
  "$dynamicAnchor",
  "$recursiveRef",
  "$recursiveAnchor",
  "$schema",
];

/**
 * Ajv writes a schema's $id into its code as `/*# sourceURL=... *\/`: an $id containing "*\/" would end that
 * comment and turn the rest of the $id into code. "*" becomes "%2A" wherever "*\/" occurs in a URI keyword,
 * on $ids and $refs alike, so references still match.
 */
function withoutCommentTerminators(schema: unknown): unknown {
  return mapSchema(schema, (s) => {
    for (const keyword of URI_KEYWORDS) {
      const value = s[keyword];
      if (typeof value === "string" && value.includes("*/")) s[keyword] = value.replace(/\*\//g, "%2A/");
    }
    return s;
  });
}

/**
 * Ajv embeds schemas as JSON object literals, where a `"__proto__":` key would set the prototype instead
 * of defining the property. In JSON text an unescaped quote after "{" or "," always starts a key, so
 * this rewrite can only touch keys: they become computed keys, which define own properties.
 */
function protoSafe(code: string): string {
  return code.replace(/([{,])"__proto__":/g, '$1["__proto__"]:');
}

function asAjvSchema(schema: unknown): object {
  if (schema === true) return {};
  if (schema === false) return { not: {} };
  return schema as object;
}

/**
 * Ajv's warnings, with the JSON Pointer they name where there is one. An unknown format (Pydantic writes
 * "ipvanyaddress", "name-email", "file-path"...) is the common one: say what it means for the user.
 */
function ajvWarning(file: string, message: string): GenerateWarning {
  const unknownFormat = /^unknown format "(.*)" ignored in schema at path "#(.*)"$/.exec(message);
  if (unknownFormat) {
    return {
      file,
      pointer: `${unknownFormat[2]}/format`,
      message: `format "${unknownFormat[1]}" is not one the validators know: not checked (any string passes)`,
    };
  }
  return { file, pointer: "", message: `Ajv: ${message}` };
}

function ajvErrorPointer(error: unknown): string {
  const match = /schema path "?#?([^"\s]*)/.exec((error as Error).message);
  return match?.[1] ?? "";
}
