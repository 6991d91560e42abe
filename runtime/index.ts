export { type ElementAt, elements, type HasEvents, type PatternOf } from "./elements.js";
export { PartialJSONError } from "./errors.js";
export { appendPointer, escapePointerToken, unescapePointerToken } from "./json-pointer.js";
export { type LinearRegExp, linearRegExp, UnsupportedPatternError } from "./linear-regexp.js";
export type {
  ChatChunkLike,
  ChatCompletionsClient,
  ChatMessage,
  ChatRequestParams,
  ClientRequestOptions,
  ResponseEventLike,
  ResponsesClient,
  ResponsesRequestParams,
} from "./openai-shape.js";
export { PartialJSONParser, type PartialJSONParserOptions } from "./parser.js";
export type { JSONSchema, StreamHintTable } from "./schema-hints.js";
export { partialSnapshots } from "./snapshots.js";
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
} from "./stream-errors.js";
export { compileStreamHints } from "./stream-hints-compile.js";
export { type ObjectStream, type StreamEvent, streamObject, type Usage } from "./stream-object.js";
export type {
  ChatCallOptions,
  ChatStreamMode,
  ResponsesCallOptions,
  SchemaArtefacts,
  StreamCallOptions,
  StreamMode,
  StreamObjectOptions,
} from "./stream-types.js";
export { type StreamResponse, type ToResponseOptions, toResponse } from "./to-response.js";
export {
  ajvRequire,
  type SchemaValidator,
  type StandaloneValidate,
  type ValidationError,
  validatorOf,
} from "./validation.js";
