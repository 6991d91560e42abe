export type {
  AnthropicCallOptions,
  ChatCallOptions,
  ChatModesFor,
  ChatStreamMode,
  GeminiCallOptions,
  GeminiStreamMode,
  ProviderSchemas,
  RequestParamsFor,
  ResponsesCallOptions,
  SchemaArtefacts,
  StreamCallOptions,
  StreamClient,
  StreamMode,
  StreamObjectOptions,
} from "./call/options.js";
export { type ObjectStream, type StreamEvent, streamObject, type Usage } from "./call/stream-object.js";
export { compileStreamHints } from "./hints/compile.js";
export type { JSONSchema, StreamHintTable } from "./hints/schema-hints.js";
export { type Wholeness, wholeness } from "./hints/whole.js";
export { PartialJSONParser, type PartialJSONParserOptions } from "./parse/lenient-parser.js";
export { PartialJSONError } from "./parse/parse-error.js";
export { partialSnapshots } from "./parse/snapshots.js";
export type {
  AnthropicEventLike,
  AnthropicMessagesClient,
  AnthropicRequestParams,
} from "./provider/anthropic-shape.js";
export type { GeminiChunkLike, GeminiModelsClient, GeminiRequestParams } from "./provider/gemini-shape.js";
export type {
  ChatChunkLike,
  ChatCompletionsClient,
  ChatMessage,
  ChatRequestParams,
  ClientRequestOptions,
  ResponseEventLike,
  ResponsesClient,
  ResponsesRequestParams,
} from "./provider/openai-shape.js";
export { type ElementAt, elements, type HasEvents, type PatternOf } from "./stream/elements.js";
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
} from "./stream/errors.js";
export { appendPointer, escapePointerToken, unescapePointerToken } from "./util/json-pointer.js";
export { type LinearRegExp, linearRegExp, UnsupportedPatternError } from "./util/linear-regexp.js";
export {
  ajvRequire,
  type SchemaValidator,
  type StandaloneValidate,
  type ValidationError,
  validatorOf,
} from "./validate/validation.js";
export { type StreamResponse, type ToResponseOptions, toResponse } from "./wire/to-response.js";
