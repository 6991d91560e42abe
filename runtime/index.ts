export { PartialJSONError } from "./errors.js";
export { appendPointer, escapePointerToken, unescapePointerToken } from "./json-pointer.js";
export { PartialJSONParser, type PartialJSONParserOptions } from "./parser.js";
export { compileStreamHints, type JSONSchema, type StreamHintTable } from "./schema-hints.js";
export { partialSnapshots } from "./snapshots.js";
export {
  ConnectionError,
  RefusalError,
  StreamAbortedError,
  StreamError,
  TruncationError,
  ValidationFailedError,
} from "./stream-errors.js";
export { type ObjectStream, type StreamEvent, streamObject, type Usage } from "./stream-object.js";
export type { StreamCallOptions, StreamMode, StreamObjectOptions } from "./stream-types.js";
export {
  ajvRequire,
  type SchemaValidator,
  type StandaloneValidate,
  type ValidationError,
  validatorOf,
} from "./validation.js";
