import type {
  ChatCompletionsClient,
  ChatMessage,
  ChatRequestParams,
  ResponsesClient,
  ResponsesRequestParams,
} from "./openai-shape.js";
import type { JSONSchema } from "./schema-hints.js";
import type { SchemaValidator } from "./validation.js";

/** How the request asks for JSON and where the text comes back. */
export type StreamMode = "json_schema" | "tools" | "json" | "md_json" | "responses";

/** The chat-completions modes. */
export type ChatStreamMode = Exclude<StreamMode, "responses">;

/** Options every mode takes. */
interface CallOptionsBase {
  model: string;
  messages: ChatMessage[];
  /** Re-asks after an answer fails validation, feeding the errors back (default 1). */
  maxRetries?: number;
  /** Cancels the request on the wire. */
  signal?: AbortSignal;
  /**
   * A snapshot failing validatePartial: "continue" (default) streams on and leaves the verdict to the final
   * validation; "abort" stops the attempt at once and retries. Only "abort" validates snapshots, since that
   * costs the snapshot's size on every change.
   */
  onInvalidPartial?: "abort" | "continue";
}

/** A chat-completions call: any OpenAI-compatible client, extra parameters in `request`. */
export interface ChatCallOptions<M extends ChatStreamMode = ChatStreamMode> extends CallOptionsBase {
  client: ChatCompletionsClient;
  mode?: M;
  /** Extra request parameters (`temperature`, `max_completion_tokens`, ...), typed by your `openai`. */
  request?: ChatRequestParams;
}

/** A Responses API call (`mode: "responses"`). */
export interface ResponsesCallOptions extends CallOptionsBase {
  client: ResponsesClient;
  mode: "responses";
  /** Extra request parameters (`temperature`, `max_output_tokens`, `reasoning`, ...), typed by your `openai`. */
  request?: ResponsesRequestParams;
}

/**
 * What a caller of a generated streamX() passes, for the modes `M` the schema allows. Closed: a misspelt option
 * is a compile error, and request parameters beyond partialgen's own go in `request`.
 */
export type StreamCallOptions<M extends StreamMode = StreamMode> =
  | ChatCallOptions<Extract<M, ChatStreamMode>>
  | ("responses" extends M ? ResponsesCallOptions : never);

/** The schema artefacts generated code adds to the call options. */
export interface SchemaArtefacts<P, T> {
  schema: JSONSchema;
  name: string;
  validate: SchemaValidator<T>;
  validatePartial?: SchemaValidator<P>;
  /** The original schema, for x-stream hints and enum handling while parsing (defaults to `schema`). */
  hints?: JSONSchema;
}

/** What generated code passes to streamObject(): the call options plus the schema's artefacts. */
export type StreamObjectOptions<P, T> = StreamCallOptions & SchemaArtefacts<P, T>;
