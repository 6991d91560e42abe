import { indentCode } from "../generator/code/indent.js";
import { type Code, type CommentText, code, type Identifier, joinCode } from "../generator/code/safe.js";
import { renderHeader } from "./header.js";

export interface ValidatorsModuleView {
  source: CommentText;
  /** The validators, as renderStandaloneValidators() writes them. */
  code: Code;
}

export function renderValidatorsModule(v: ValidatorsModuleView): Code {
  return code`${renderHeader(v.source)}
// Ajv standalone validators: JavaScript that Ajv compiled from the schema, so no schema is compiled at
// run time. It is not type-checked (Ajv emits untyped JavaScript); its exports are typed below and the
// schema module wraps them in typed guards.
// @ts-nocheck
import { ajvRequire as require, type StandaloneValidate } from "@partialgen/runtime";

${v.code}
`;
}

/** Ajv's standalone module for one schema, its export taken out (generator/validators/standalone.ts). */
export interface StandaloneValidator {
  /** The name the validators module exports it under. */
  name: Identifier;
  /** Ajv's code: its helpers, schemas and functions. */
  body: Code;
  /** The function of `body` that validates the schema. */
  validate: Identifier;
}

/**
 * Each validator as `export const name: StandaloneValidate = (() => { ...; return validateN; })();`, so that
 * several share a module without their top-level names (schema0, validate0...) colliding, indented.
 */
export function renderStandaloneValidators(validators: readonly StandaloneValidator[]): Code {
  const scoped = validators.map(
    (v) => code`export const ${v.name}: StandaloneValidate = (() => {\n${v.body}\nreturn ${v.validate};\n})();`,
  );
  return indentCode(joinCode(scoped, code`\n\n`));
}
