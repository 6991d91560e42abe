import { type Code, type CommentText, code, type FileStem, type Identifier } from "../generator/code/safe.js";
import { renderHeader } from "./header.js";
import { type ImportExtension, siblingModule } from "./imports.js";

/**
 * The browser modules generated for one schema with --framework (or --react). They import the schema module's types
 * only (erased at build time), never its values: those bring the Ajv validators into the page. The hints come from
 * the hints module (templates/hints-module.ts), which the schema module re-exports.
 */
export interface ReactModuleView {
  source: CommentText;
  typeName: Identifier;
  partialTypeName: Identifier;
  valueName: Identifier;
  /** The schema module's file stem ("meeting-info"). */
  schemaModule: FileStem;
  /** The hints module's file stem ("meeting-info.hints"). */
  hintsModule: FileStem;
  importExtension: ImportExtension;
}

/**
 * `<stem>.client.ts`: the typed browser reader. No React import. The runtime is imported as a namespace: a schema
 * titled "Object" makes `readObjectStream`/`useObjectStream`, which must not clash.
 */
export function renderClientModule(v: ReactModuleView): Code {
  return code`${renderHeader(v.source)}
import * as partialgen from "@partialgen/runtime/client";
import { ${v.valueName}StreamHints } from ${siblingModule(v.hintsModule, v.importExtension)};
import type { ${v.typeName}, ${v.partialTypeName} } from ${siblingModule(v.schemaModule, v.importExtension)};

/** Reads a \`stream${v.typeName}(...).toResponse()\` body in the browser: typed ${v.partialTypeName} snapshots, the same as the server's, then a ${v.typeName} from \`final()\`. */
export function read${v.typeName}Stream(
  response: Response | ReadableStream<Uint8Array>,
  options: Omit<partialgen.ReadObjectStreamOptions<${v.typeName}>, "hints"> = {},
): partialgen.ObjectStreamReader<${v.partialTypeName}, ${v.typeName}> {
  return partialgen.readObjectStream<${v.partialTypeName}, ${v.typeName}>(response, { ...options, hints: ${v.valueName}StreamHints });
}
`;
}
