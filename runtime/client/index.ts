/**
 * @partialgen/runtime/client — the browser's side: reads what stream.toResponse() sends with the same
 * incremental parser the server runs. No Node built-ins, no openai, no Ajv (unless you pass a validator).
 * Imports the parser modules directly, never ../index.ts (which pulls in the OpenAI and Ajv glue).
 */
export { type ElementAt, elements, type HasEvents } from "../elements.js";
export { PartialJSONError } from "../errors.js";
export { PartialJSONParser, type PartialJSONParserOptions } from "../parser.js";
export type { JSONSchema } from "../schema-hints.js";
export {
  ConnectionError,
  RefusalError,
  StreamAbortedError,
  StreamError,
  TruncationError,
  ValidationFailedError,
} from "../stream-errors.js";
export type { StreamEvent, Usage } from "../stream-object.js";
export type { SchemaValidator, ValidationError } from "../validation.js";
export { type ObjectStreamReader, type ReadObjectStreamOptions, readObjectStream } from "./read-object-stream.js";
