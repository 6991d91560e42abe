/**
 * @partialgen/runtime/client/schema-hints — stream hints read from a JSON Schema in the browser, for the
 * schemas whose hints the generator could not compile into a table (they depend on property names:
 * patternProperties). A separate entry so that pages reading tables carry none of the schema derivation.
 */
import type { HintNode } from "../hints/hint-table.js";
import { type JSONSchema, RefResolver } from "../hints/schema-hints.js";

export type { JSONSchema } from "../hints/schema-hints.js";

/** The hints of `schema` for readObjectStream({ hints }): the rules the server's parser applies to it. */
export function schemaHints(schema: JSONSchema): HintNode | undefined {
  return new RefResolver(schema).rootNode();
}
