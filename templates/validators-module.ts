import { type Code, type CommentText, code } from "../generator/code/safe.js";
import { renderHeader } from "./header.js";

export interface ValidatorsModuleView {
  source: CommentText;
  /** Ajv's standalone ESM code, exports typed StandaloneValidate (see generator/validators/standalone.ts). */
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
