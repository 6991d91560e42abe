/**
 * The validators' dialect and Ajv configuration: the strict derivation (which keywords the validator enforces) and
 * the validators stage (standalone code) both build Ajv from here, so they agree on what a schema means.
 */
import { linearRegExp } from "@partialgen/runtime";
import { Ajv, type Options } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import formatsModule from "ajv-formats";
import { isSchemaObject } from "./walk.js";

export type Dialect = "draft-07" | "2019-09" | "2020-12";

/** The dialect a schema declares with `$schema` (draft-04/06 are read as draft-07 after normalization). */
export function dialectOf(schema: unknown): Dialect {
  const declared = isSchemaObject(schema) && typeof schema.$schema === "string" ? schema.$schema : "";
  if (declared.includes("2020-12")) return "2020-12";
  if (declared.includes("2019-09")) return "2019-09";
  return "draft-07";
}

/**
 * Schema patterns (`pattern`, `patternProperties`, `propertyNames`) run on what the model wrote, so they run on
 * the runtime's linear-time engine rather than JavaScript's backtracking `RegExp` (`^(a+)+$` on 30 characters
 * takes seconds there). Standalone code gets it through `require`, which `ajvRequire` serves by this id.
 */
const LINEAR_REGEXP: NonNullable<NonNullable<Options["code"]>["regExp"]> = Object.assign(
  (pattern: string, flags: string) => linearRegExp(pattern, flags),
  {
    code: 'require("@partialgen/runtime/linear-regexp").linearRegExp',
  },
);

/** The options our validators are built with (the conformance tests build Ajv with the same). */
export function ajvOptions(): Options {
  return {
    code: { source: true, esm: true, lines: true, regExp: LINEAR_REGEXP },
    allErrors: true,
    strict: false,
    allowUnionTypes: true,
    // Property names such as "constructor" or "toString" must not be read through Object.prototype.
    ownProperties: true,
    // Schemas are checked by compiling them; a meta-schema check would reject draft-04 leftovers we normalise.
    validateSchema: false,
  };
}

export function createAjv(dialect: Dialect, warnings?: string[]): Ajv {
  const options: Options = {
    ...ajvOptions(),
    logger: { log() {}, warn: (...args: unknown[]) => warnings?.push(args.map(String).join(" ")), error() {} },
  };
  const ajv =
    dialect === "2020-12" ? new Ajv2020(options) : dialect === "2019-09" ? new Ajv2019(options) : new Ajv(options);
  formatsModule.default(ajv);
  return ajv;
}
