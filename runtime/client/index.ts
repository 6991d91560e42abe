/**
 * @partialgen/runtime/client — the browser's side: reads what stream.toResponse() sends with the same
 * incremental parser the server runs. No Node built-ins, no openai, no Ajv (unless you pass a validator).
 * Imports the parser modules directly, never ../index.ts (which pulls in the OpenAI and Ajv glue). The parser
 * is SnapshotParser, plain JSON with hint tables: lenient mode stays on the server (which sends the value's
 * text), and hints from a raw schema come from ./schema-hints.ts, a separate entry.
 */

export type { HintNode, StreamHintTable } from "../hints/hint-table.js";
export type { JSONSchema } from "../hints/schema-hints.js";
export { PartialJSONError } from "../parse/parse-error.js";
export { SnapshotParser, type SnapshotParserOptions } from "../parse/snapshot-parser.js";
export { type ElementAt, elements, type HasEvents, type PatternOf } from "../stream/elements.js";
export {
  ConnectionError,
  type ConnectionErrorCode,
  ContentFilterError,
  MalformedJSONError,
  RefusalError,
  StreamAbortedError,
  StreamError,
  type StreamErrorDetails,
  ToolNotCalledError,
  TruncationError,
  ValidationFailedError,
} from "../stream/errors.js";
export type { StreamEvent } from "../stream/event-log.js";
export type { Usage } from "../stream/usage.js";
export type { SchemaValidator, ValidationError } from "../validate/validation.js";
export type {
  ObjectStreamOptions,
  ObjectStreamSnapshot,
  ObjectStreamStatus,
  SubmitArgs,
} from "./object-stream-controller.js";
export {
  type ObjectStreamReader,
  type ReadObjectStreamOptions,
  readObjectStream,
  type StreamHints,
} from "./read-object-stream.js";
