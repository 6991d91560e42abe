// The part of an Anthropic client partialgen calls, as structural types (see openai-shape.ts for why no SDK class
// is named). `@anthropic-ai/sdk` is the user's own, an optional peer dependency: request parameters are typed by
// the installed SDK, what we read back by the few fields we use.
import type { MessageCreateParamsStreaming } from "@anthropic-ai/sdk/resources/messages";
import type { ClientRequestOptions, StreamingBody } from "./openai-shape.js";

/** A Messages API stream event: only the fields partialgen reads. */
export interface AnthropicEventLike {
  type: string;
  index?: number;
  message?: { usage?: AnthropicUsageLike | null; content?: unknown; stop_reason?: string | null } | null;
  content_block?: { type?: string; name?: string; text?: unknown; input?: unknown } | null;
  delta?: {
    type?: string;
    text?: unknown;
    partial_json?: unknown;
    stop_reason?: string | null;
    stop_details?: { explanation?: string | null; category?: string | null } | null;
  } | null;
  usage?: AnthropicUsageLike | null;
  error?: { type?: string; message?: string } | null;
}

/** Token counts of `message_start` (whole) and `message_delta` (cumulative; input counts may be null). */
export interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** What every Anthropic mode calls: `client.messages.create({ ..., stream: true })`. */
export interface AnthropicMessagesClient {
  messages: {
    create(body: StreamingBody, options?: ClientRequestOptions): PromiseLike<AsyncIterable<AnthropicEventLike>>;
  };
}

/** Request fields partialgen sets itself; everything else may go in `request`. */
type AnthropicOwnFields = "model" | "messages" | "stream" | "tools" | "tool_choice" | "system" | "max_tokens";

/**
 * Extra Messages API parameters (`thinking`, `stop_sequences`, `output_config.effort`, ...), typed by the installed
 * `@anthropic-ai/sdk`. `max_tokens` defaults to 4096; `system` is added after the chat's system messages.
 */
export type AnthropicRequestParams = [MessageCreateParamsStreaming] extends [{ __sdkNotInstalled: true }]
  ? never // the SDK is not installed (its types read as `any`): no Anthropic parameters, and OpenAI's stay checked
  : Omit<MessageCreateParamsStreaming, AnthropicOwnFields> & {
      max_tokens?: number;
      system?: MessageCreateParamsStreaming["system"];
    };
