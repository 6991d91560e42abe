import standaloneModule from "ajv/dist/standalone/index.js";
import { renderStandaloneValidators, type StandaloneValidator } from "../../templates/validators-module.js";
import { generatedCode, identifier } from "../code/literals.js";
import type { Code, Identifier } from "../code/safe.js";
import { createAjv, type Dialect, dialectOf } from "../schema/ajv.js";
import { GenerateError, type GenerateWarning } from "../schema/errors.js";
import { mapSchema, walkSchemas } from "../schema/walk.js";

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
      standalone(names.full, full, dialect, ajvWarnings, file),
      standalone(names.partial, partial, dialect, ajvWarnings, file),
    ];
    for (const message of new Set(ajvWarnings)) warnings.push(ajvWarning(file, message));
    return renderStandaloneValidators(validators);
  } catch (error) {
    if (error instanceof GenerateError) throw error;
    throw new GenerateError(file, ajvErrorPointer(error), `Ajv cannot compile the schema: ${(error as Error).message}`);
  }
}

/**
 * Ajv's standalone module for one schema, its `export const name = validateN;` taken out: the template
 * scopes it (templates/validators-module.ts), so that two share a file.
 */
function standalone(
  name: Identifier,
  schema: unknown,
  dialect: Dialect,
  warnings: string[],
  file: string,
): StandaloneValidator {
  const ajv = createAjv(dialect, warnings);
  const ajvSchema = withoutCommentTerminators(schema);
  ajv.addSchema(asAjvSchema(ajvSchema), "schema");
  const code = standaloneModule.default(ajv, { [name]: "schema" });
  probeTermination(ajv.getSchema("schema"), ajvSchema, file);
  const exported = /export const ([\w$]+) = (\w+);/.exec(code);
  if (exported?.[1] !== name) throw new Error("internal error: unexpected Ajv standalone output");
  return {
    name,
    body: generatedCode(protoSafe(code.replace(exported[0], ""))),
    validate: identifier(exported[2] as string),
  };
}

/** Values every validator must return for: data this small gives a reference cycle nothing to descend into. */
const PROBES: readonly unknown[] = [null, true, 0, "", [], {}];

/**
 * Refuses a schema whose compiled validator never returns. JSON is finite, so a validator descends into the value
 * on every cycle of references and ends; Ajv compiles some schemas to references that cycle without descending
 * (its `$dynamicRef` support is partial: JSON-Schema-Test-Suite's "$dynamicRef avoids the root of each schema"
 * recurses on every value). Left in, every call of `validateX` would end in a RangeError, on the model's answer.
 */
function probeTermination(validate: ((data: unknown) => unknown) | undefined, schema: unknown, file: string): void {
  if (validate === undefined) return;
  for (const value of PROBES) {
    try {
      validate(value);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const pointer = firstDynamicRef(schema);
      throw new GenerateError(
        file,
        pointer ?? "",
        `the validator Ajv compiles for this schema never returns (not even for ${JSON.stringify(value)}): its references cycle without reading deeper into the value${pointer === undefined ? "" : "; Ajv supports $dynamicRef only in part"}. Replace the cycle with a plain $ref`,
      );
    }
  }
}

/** The JSON Pointer of the schema's first `$dynamicRef` or `$recursiveRef`, if it has one. */
function firstDynamicRef(schema: unknown): string | undefined {
  let found: string | undefined;
  walkSchemas(schema, undefined, (s, pointer) => {
    if (found === undefined && (s.$dynamicRef !== undefined || s.$recursiveRef !== undefined)) found = pointer;
    return undefined;
  });
  return found;
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
