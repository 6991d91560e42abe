import { type Code, code, type Identifier } from "../generator/code/safe.js";

/**
 * The declarations the types stage writes beside json-schema-to-typescript's (generator/types/emit.ts).
 */

/** A stream snapshot type identical to its full type: an alias, under the full declaration's doc comment. */
export function renderPartialAlias(docs: Code, partial: Identifier, full: Identifier): Code {
  return code`${docs}export type ${partial} = ${full};`;
}

/** A root json-schema-to-typescript types inline and declares nothing for (`anyOf: [true, {}]`). */
export function renderUnknownType(name: Identifier): Code {
  return code`export type ${name} = unknown;`;
}
