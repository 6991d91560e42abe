import type { Ajv } from "ajv";
import { createAjv, type Dialect } from "../schema/ajv.js";
import type { GenerateWarning } from "../schema/errors.js";

/**
 * The one rule for strict-schema warnings: a derivation step that makes the strict schema admit a value the
 * full validator rejects is a loss, reported with its JSON Pointer and keyword (`--strict` makes it an
 * error); a step that only narrows what the model may send is not. Only where a loss is reported can an
 * answer valid under strict mode fail `validateX`.
 */
export function lossWarning(file: string, pointer: string, keyword: string, message: string): GenerateWarning {
  return { file, pointer, message, strictLoss: keyword };
}

/** Whether a warning says the strict schema admits values the full validator rejects. */
export function isStrictLoss(warning: GenerateWarning): boolean {
  return warning.strictLoss !== undefined;
}

const validators = new Map<Dialect, Ajv>();
function validatorOf(dialect: Dialect): Ajv {
  let ajv = validators.get(dialect);
  if (!ajv) {
    ajv = createAjv(dialect);
    validators.set(dialect, ajv);
  }
  return ajv;
}

/**
 * Whether the full validator enforces a keyword, so that removing it loses something. Ajv ignores
 * keywords it does not know (json-schema-to-typescript's `tsType`, OpenAPI's `example`, draft-03's
 * `extends`) and formats it does not know (Pydantic's `ipvanyaddress`): removing those loses nothing.
 */
export function enforced(dialect: Dialect, keyword: string, value: unknown): boolean {
  const ajv = validatorOf(dialect);
  if (keyword === "format") return typeof value === "string" && Object.hasOwn(ajv.formats, value);
  const rule = Object.hasOwn(ajv.RULES.all, keyword) ? ajv.RULES.all[keyword] : undefined;
  // Annotations (title, default, examples...) are registered as `true`: no validation code.
  return typeof rule === "object";
}
