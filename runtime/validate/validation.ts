import type { ErrorObject } from "ajv";
import * as ucs2length from "ajv/dist/runtime/ucs2length.js";
import * as uri from "ajv/dist/runtime/uri.js";
import * as validationError from "ajv/dist/runtime/validation_error.js";
import { fastFormats, fullFormats } from "ajv-formats/dist/formats.js";
import { jsonEqual } from "../util/json-equal.js";
import { linearRegExp } from "../util/linear-regexp.js";

export type ValidationError = ErrorObject;

/** A generated validator: narrows the type and keeps the errors of its last call. */
export interface SchemaValidator<T> {
  (value: unknown): value is T;
  /** Ajv's errors from the last call, or null when it passed. */
  readonly errors: readonly ValidationError[] | null;
}

/** An Ajv standalone function, as generated code hands it over. */
export interface StandaloneValidate {
  (value: unknown): boolean;
  errors?: ValidationError[] | null;
}

export function validatorOf<T>(validate: StandaloneValidate): SchemaValidator<T> {
  let errors: readonly ValidationError[] | null = null;
  const check = (value: unknown): value is T => {
    const ok = validate(value);
    errors = ok ? null : (validate.errors ?? []);
    return ok;
  };
  Object.defineProperty(check, "errors", { get: () => errors, enumerable: true });
  return check as SchemaValidator<T>;
}

/**
 * CommonJS interop differs between Node (namespace.default is module.exports) and bundlers
 * (namespace.default is exports.default): accept both, so validators work in servers and browsers.
 */
function commonJs(namespace: { default?: unknown }): { default: unknown } {
  const outer = namespace.default as { default?: unknown; __esModule?: boolean } | undefined;
  return { default: outer && typeof outer === "object" && "default" in outer ? outer.default : outer };
}

/** The module id generated validators ask for the linear-time RegExp engine by (no file: ajvRequire serves it). */
export const LINEAR_REGEXP_MODULE = "@partialgen/runtime/linear-regexp";

const AJV_RUNTIME: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ["ajv/dist/runtime/equal", { default: jsonEqual }], // not fast-deep-equal: see json-equal.ts
  ["ajv/dist/runtime/ucs2length", commonJs(ucs2length)],
  ["ajv/dist/runtime/uri", commonJs(uri)],
  ["ajv/dist/runtime/validation_error", commonJs(validationError)],
  ["ajv-formats/dist/formats", { fullFormats, fastFormats }],
  // Schema patterns run on model-written strings and keys: the generator builds validators with this engine.
  [LINEAR_REGEXP_MODULE, { linearRegExp }],
]);

/** What Ajv's standalone code gets for `require(id)`: the helpers it may ask for, nothing else. */
export function ajvRequire(id: string): unknown {
  const module = AJV_RUNTIME.get(id);
  if (module === undefined) throw new Error(`partialgen: generated validator asked for an unknown module "${id}"`);
  return module;
}
