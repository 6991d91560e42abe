import { renderHeader } from "./header.js";

/**
 * The browser modules generated for one schema with --react. They import the schema module's types only
 * (erased at build time), never its values: those bring the Ajv validators into the page. So the hints are
 * a copy of the JSON Schema, in the client module.
 */
export interface ReactModuleView {
  source: string;
  typeName: string;
  partialTypeName: string;
  valueName: string;
  /** The schema module's file stem ("meeting-info"). */
  schemaModule: string;
  /** The JSON Schema literal (the same text as the schema module's `xJsonSchema`). */
  jsonSchema: string;
}

/** `<stem>.client.ts`: the typed browser reader, and the hints. No React import. */
export function renderClientModule(v: ReactModuleView): string {
  return `${renderHeader(v.source)}
import {
  type JSONSchema,
  type ObjectStreamReader,
  type ReadObjectStreamOptions,
  readObjectStream,
} from "@partialgen/runtime/client";
import type { ${v.typeName}, ${v.partialTypeName} } from "./${v.schemaModule}.js";

/** The JSON Schema of ${v.typeName} as the browser's parser reads it (enum, const and x-stream hints). */
export const ${v.valueName}Hints: JSONSchema = ${v.jsonSchema};

/** Reads a \`stream${v.typeName}(...).toResponse()\` body in the browser: typed ${v.partialTypeName} snapshots, the same as the server's, then a ${v.typeName} from \`final()\`. */
export function read${v.typeName}Stream(
  response: Response | ReadableStream<Uint8Array>,
  options: Omit<ReadObjectStreamOptions<${v.typeName}>, "hints"> = {},
): ObjectStreamReader<${v.partialTypeName}, ${v.typeName}> {
  return readObjectStream<${v.partialTypeName}, ${v.typeName}>(response, { ...options, hints: ${v.valueName}Hints });
}
`;
}

/** `<stem>.react.ts`: the typed hook. */
export function renderReactModule(v: ReactModuleView): string {
  return `${renderHeader(v.source)}
import { type ObjectStreamState, type UseObjectStreamOptions, useObjectStream } from "@partialgen/runtime/react";
import { ${v.valueName}Hints } from "./${v.schemaModule}.client.js";
import type { ${v.typeName}, ${v.partialTypeName} } from "./${v.schemaModule}.js";

/** Streams ${v.typeName} into a component from an endpoint answering \`stream${v.typeName}(...).toResponse()\`: \`submit(input)\`, then typed ${v.partialTypeName} snapshots as \`value\`. */
export function use${v.typeName}Stream<I = void>(
  options: Omit<UseObjectStreamOptions<${v.typeName}, I>, "hints">,
): ObjectStreamState<${v.partialTypeName}, ${v.typeName}, I> {
  return useObjectStream<${v.partialTypeName}, ${v.typeName}, I>({ ...options, hints: ${v.valueName}Hints });
}
`;
}
