import type { JSONSchema, StreamHintTable } from "../hints/schema-hints.js";
import type { AnthropicMessagesClient, AnthropicRequestParams } from "../provider/anthropic-shape.js";
import type { GeminiModelsClient, GeminiRequestParams } from "../provider/gemini-shape.js";
import type { ChatStreamMode, GeminiStreamMode, StreamMode } from "../provider/mode.js";
import type {
  ChatCompletionsClient,
  ChatMessage,
  ChatRequestParams,
  ResponsesClient,
  ResponsesRequestParams,
} from "../provider/openai-shape.js";
import type { SchemaValidator } from "../validate/validation.js";

export type { ChatStreamMode, GeminiStreamMode, StreamMode } from "../provider/mode.js";
export type { Usage } from "../stream/usage.js";

/** Options every mode takes. */
interface CallOptionsBase {
  model: string;
  messages: ChatMessage[];
  /**
   * Re-asks after the model's answer is rejected (fails validation, or is not valid JSON), feeding the problem
   * back (default 1). Transport faults are never re-asked: see `connectionRetries`.
   */
  maxRetries?: number;
  /**
   * Starts the attempt over (same messages, a new request) after the connection broke, closed early, stalled or
   * sent no answer (ConnectionError codes reset, closed, empty, idle, server-error); default 0. Each repeat may
   * be billed. HTTP errors and connection failures before the response are the SDK's to retry (its `maxRetries`).
   */
  connectionRetries?: number;
  /** Cancels the request on the wire; the stream ends with StreamAbortedError at once (even during a retry wait). */
  signal?: AbortSignal;
  /**
   * Milliseconds without a byte after the response headers before the stream ends with a ConnectionError
   * (code "idle"); SSE comments a server or proxy sends to keep the connection open count as bytes. Default
   * 120000 (2 minutes: long enough for a reasoning model's silence); 0 turns it off. The wait for the headers
   * is the SDK's `timeout`. Bytes are seen on the body of the openai SDK's streams (`OpenAI`, `AzureOpenAI`
   * and their subclasses) and of `Anthropic`'s; with any other client (`GoogleGenAI` too) the timer counts stream
   * events.
   */
  idleTimeoutMs?: number;
  /**
   * Parse in the parser's lenient mode: the value is found in the model's text (prose, Markdown fences and think
   * blocks around it skipped). The default is true in modes "json" and "md_json" and false (plain JSON,
   * whitespace only) in "json_schema", "tools" and "responses", where the API guarantees JSON; set it for
   * compatible servers that ignore `response_format`.
   */
  lenient?: boolean;
  /**
   * The model's text starts inside a think block whose opening tag it never writes, as with models whose chat
   * template puts `<think>` into the prompt (DeepSeek-R1 and its distills on a server without a reasoning
   * parser): everything up to the first `</think>` is reasoning, skipped, and a JSON draft in it is never taken
   * for the answer. Parses leniently (`lenient: false` beside it is refused). Default false.
   */
  startsInThinkBlock?: boolean;
  /**
   * A snapshot failing validatePartial: "continue" (default) streams on and leaves the verdict to the final
   * validation; "abort" stops the attempt at once and retries. Only "abort" validates snapshots, since that
   * costs the snapshot's size on every change.
   */
  onInvalidPartial?: "abort" | "continue";
}

/** The clients partialgen speaks to, by the shape it calls (see providerOf()). */
export type StreamClient = ChatCompletionsClient | AnthropicMessagesClient | GeminiModelsClient;

/**
 * The `request` parameters of a client's SDK, chosen by the client's type as providerOf() chooses by its shape
 * (OpenAI's first). A client typed as several of them (an app that picks one at run time) takes any of theirs.
 */
export type RequestParamsFor<C> = [C] extends [ChatCompletionsClient]
  ? ChatRequestParams
  : [C] extends [AnthropicMessagesClient]
    ? AnthropicRequestParams
    : [C] extends [GeminiModelsClient]
      ? GeminiRequestParams
      : ChatRequestParams | AnthropicRequestParams | GeminiRequestParams;

/** The modes of `M` a client of type `C` takes: a GoogleGenAI client has no tools mode. */
export type ChatModesFor<C, M extends ChatStreamMode> = [C] extends [ChatCompletionsClient]
  ? M
  : [C] extends [GeminiModelsClient]
    ? Extract<M, GeminiStreamMode>
    : M;

/**
 * A chat-completions call through any OpenAI-compatible client, a Messages API call through an Anthropic client
 * (`@anthropic-ai/sdk`), or a `generateContentStream` call through a GoogleGenAI client (`@google/genai`; modes
 * json_schema, json, md_json), told apart by the client's shape. Anthropic: system messages become `system`;
 * "json_schema" (the default) asks for structured output (`output_config.format`, text deltas), "tools" forces
 * one strict tool and streams its input, "json" and "md_json" put the schema in the system prompt.
 * Generic on the client rather than a union of one member per SDK: a union's members would share `mode`, and a
 * caller's options whose `mode` is itself a union would then have to fit every one of them.
 */
export interface ChatCallOptions<M extends ChatStreamMode = ChatStreamMode, C extends StreamClient = StreamClient>
  extends CallOptionsBase {
  client: C;
  mode?: ChatModesFor<C, M>;
  /**
   * Extra request parameters, typed by the client's SDK: OpenAI's (`temperature`, `max_completion_tokens`, ...),
   * Anthropic's (`max_tokens` (default 4096), `thinking`, `stop_sequences`, ...) or Gemini's generation config
   * (`temperature`, `maxOutputTokens`, `thinkingConfig`, ...); one SDK's parameter beside another's client is a
   * compile error.
   */
  request?: RequestParamsFor<C>;
}

/** ChatCallOptions with an Anthropic client. */
export type AnthropicCallOptions<M extends ChatStreamMode = ChatStreamMode> = ChatCallOptions<
  M,
  AnthropicMessagesClient
>;

/** A Responses API call (`mode: "responses"`). */
export interface ResponsesCallOptions extends CallOptionsBase {
  client: ResponsesClient;
  mode: "responses";
  /** Extra request parameters (`temperature`, `max_output_tokens`, `reasoning`, ...), typed by your `openai`. */
  request?: ResponsesRequestParams;
}

/** ChatCallOptions with a GoogleGenAI client. */
export type GeminiCallOptions<M extends GeminiStreamMode = GeminiStreamMode> = ChatCallOptions<M, GeminiModelsClient>;

/**
 * What a caller of a generated streamX() passes, for the modes `M` the schema allows, with a client of type `C`
 * (inferred from the call). Closed: a misspelt option is a compile error, and request parameters beyond
 * partialgen's own go in `request`, typed by the client's SDK.
 */
export type StreamCallOptions<M extends StreamMode = StreamMode, C extends StreamClient = StreamClient> =
  | ChatCallOptions<Extract<M, ChatStreamMode>, C>
  | ("responses" extends M ? ResponsesCallOptions : never);

/** The schema artefacts generated code adds to the call options. */
export interface SchemaArtefacts<P, T> {
  schema: JSONSchema;
  name: string;
  validate: SchemaValidator<T>;
  validatePartial?: SchemaValidator<P>;
  /**
   * How values stream (enum strings only whole, x-stream, nulls that mean absent): the precomputed table
   * generated code exports as `xStreamHints`, or a raw schema (defaults to `schema`).
   */
  hints?: JSONSchema | StreamHintTable;
  /**
   * false: `schema` is not a strict-mode schema (it uses what OpenAI strict mode cannot express); the
   * json_schema, tools and responses modes must send it with `strict: false` (default true).
   */
  strict?: boolean;
  /**
   * The schema Anthropic and Gemini are sent, each derived for that provider's own schema rules (generated code
   * exports them as `xProviderSchemas`); a provider without one gets `schema`.
   */
  providerSchemas?: ProviderSchemas;
}

/** A schema per provider that has rules of its own (OpenAI's is `schema`, the strict schema). */
export interface ProviderSchemas {
  anthropic?: JSONSchema;
  gemini?: JSONSchema;
}

/** What generated code passes to streamObject(): the call options plus the schema's artefacts. */
export type StreamObjectOptions<P, T, C extends StreamClient = StreamClient> = StreamCallOptions<StreamMode, C> &
  SchemaArtefacts<P, T>;
