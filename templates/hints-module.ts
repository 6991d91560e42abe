import { type Code, type CodeLiteral, type CommentText, code, type Identifier } from "../generator/code/safe.js";
import { renderHeader } from "./header.js";

/**
 * `<stem>.hints.ts`: the schema's stream hints, emitted once. The schema module re-exports them and the browser
 * modules import them from here, so the page gets the table without the schema module's validators. It imports
 * runtime types only, from the browser's entry.
 */
export interface HintsModuleView {
  source: CommentText;
  typeName: Identifier;
  valueName: Identifier;
  /** The JSON Schema literal (the same text as the schema module's `xJsonSchema`). */
  jsonSchema: CodeLiteral;
  /** The precomputed table (runtime/hints/compile.ts), or null when the hints depend on property names. */
  streamHints: CodeLiteral | null;
}

export function renderHintsModule(v: HintsModuleView): Code {
  return code`${renderHeader(v.source)}
import type * as partialgen from "@partialgen/runtime/client";

${
  v.streamHints !== null
    ? code`/** How each position of ${v.typeName} streams (enum strings only whole, x-stream, nulls that mean absent), precomputed from its JSON Schema. */
export const ${v.valueName}StreamHints: partialgen.StreamHintTable = ${v.streamHints};`
    : code`/** The stream hints of ${v.typeName} depend on property names (patternProperties): its JSON Schema, whose hints the parser derives. */
export const ${v.valueName}StreamHints: partialgen.JSONSchema = ${v.jsonSchema};`
}
`;
}
