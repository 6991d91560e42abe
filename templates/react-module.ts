import {
  type Code,
  type CodeLiteral,
  type CommentText,
  code,
  type FileStem,
  type Identifier,
} from "../generator/code/safe.js";
import { renderHeader } from "./header.js";
import { type ImportExtension, siblingModule } from "./imports.js";

/**
 * The browser modules generated for one schema with --framework (or --react). They import the schema module's types only
 * (erased at build time), never its values: those bring the Ajv validators into the page. So the hints are
 * a copy of the schema module's stream hints, in the client module.
 */
export interface ReactModuleView {
  source: CommentText;
  typeName: Identifier;
  partialTypeName: Identifier;
  valueName: Identifier;
  /** The schema module's file stem ("meeting-info"). */
  schemaModule: FileStem;
  /** The JSON Schema literal (the same text as the schema module's `xJsonSchema`). */
  jsonSchema: CodeLiteral;
  /** The precomputed stream hints literal (the schema module's `xStreamHints`), or null when there are none. */
  streamHints: CodeLiteral | null;
  importExtension: ImportExtension;
}

/** The hints constant: the table, or (hints that depend on property names) the schema, read in the page. */
function renderHints(v: ReactModuleView): Code {
  if (v.streamHints !== null) {
    return code`/** The stream hints of ${v.typeName} (enum, const and x-stream), precomputed: what the browser's parser reads. */
export const ${v.valueName}Hints: partialgen.StreamHintTable = ${v.streamHints};`;
  }
  return code`/** The stream hints of ${v.typeName} depend on property names (patternProperties): its JSON Schema, whose hints the reader derives in the page. */
export const ${v.valueName}Hints: partialgen.JSONSchema = ${v.jsonSchema};`;
}

/**
 * `<stem>.client.ts`: the typed browser reader, and the hints. No React import. The runtime is imported as a
 * namespace: a schema titled "Object" makes `readObjectStream`/`useObjectStream`, which must not clash.
 */
export function renderClientModule(v: ReactModuleView): Code {
  return code`${renderHeader(v.source)}
import * as partialgen from "@partialgen/runtime/client";
import type { ${v.typeName}, ${v.partialTypeName} } from ${siblingModule(v.schemaModule, v.importExtension)};

${renderHints(v)}

/** Reads a \`stream${v.typeName}(...).toResponse()\` body in the browser: typed ${v.partialTypeName} snapshots, the same as the server's, then a ${v.typeName} from \`final()\`. */
export function read${v.typeName}Stream(
  response: Response | ReadableStream<Uint8Array>,
  options: Omit<partialgen.ReadObjectStreamOptions<${v.typeName}>, "hints"> = {},
): partialgen.ObjectStreamReader<${v.partialTypeName}, ${v.typeName}> {
  return partialgen.readObjectStream<${v.partialTypeName}, ${v.typeName}>(response, { ...options, hints: ${v.valueName}Hints });
}
`;
}
