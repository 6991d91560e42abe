// The part of an OpenAI client partialgen calls, as structural types. The `openai` package is the user's own (a
// peer dependency, majors 5 and 6): naming its classes here would tie our types to one copy of the SDK, and an
// instance from another copy would not be assignable (classes with private fields compare nominally). Request
// parameter types come from whichever `openai` the user installed; what we read back is typed by the few fields we
// use, so any OpenAI-compatible client (or test double) with this shape works.
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { ResponseCreateParamsStreaming } from "openai/resources/responses/responses";

/** The per-request options partialgen passes to the SDK. */
export interface ClientRequestOptions {
  signal?: AbortSignal;
  /** The SDK's own retries of failed requests (429, 5xx, connection errors before the stream starts). */
  maxRetries?: number;
  /** The SDK's whole-request timeout, in milliseconds. */
  timeout?: number;
}

/** A chat-completions stream chunk: only the fields partialgen reads. */
export interface ChatChunkLike {
  choices?: readonly ChatChoiceLike[] | null;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  /** Groq sent usage here (`x_groq.usage`) before it supported `stream_options`. */
  x_groq?: { usage?: ChatChunkLike["usage"] } | null;
}

export interface ChatChoiceLike {
  index?: number;
  finish_reason?: string | null;
  delta?: {
    /** A string; some compatible servers send an array of parts instead (Mistral's thinking models). */
    content?: string | readonly ContentPartLike[] | null;
    refusal?: string | null;
    tool_calls?:
      | readonly {
          index?: number;
          id?: string | null;
          function?: { name?: string | null; arguments?: string | null } | null;
        }[]
      | null;
    /** The legacy single function call (before `tool_calls`). */
    function_call?: { name?: string | null; arguments?: string | null } | null;
  } | null;
}

/** One part of a delta's content when a server sends them as an array: `text` parts carry the answer. */
export interface ContentPartLike {
  type?: string;
  text?: unknown;
}

/** A Responses API stream event: only the fields partialgen reads. */
export interface ResponseEventLike {
  type: string;
  delta?: unknown;
  /** `response.output_text.done`: the part's whole text. */
  text?: unknown;
  message?: unknown;
  response?: {
    usage?: { input_tokens: number; output_tokens: number; total_tokens: number } | null;
    incomplete_details?: { reason?: string | null } | null;
    error?: { message?: string | null } | null;
    /** The output items, in a final response (read only when no delta carried the text). */
    output?: unknown;
  } | null;
}

/**
 * The request body, as far as the client's signature has to match: `stream: true` picks the SDK's streaming
 * overload. Kept minimal so that a client typed by another copy or major of `openai` still fits.
 */
export interface StreamingBody {
  model: string;
  stream: true;
}

/** What the chat modes call: `client.chat.completions.create({ ..., stream: true })`. */
export interface ChatCompletionsClient {
  chat: {
    completions: {
      create(body: StreamingBody, options?: ClientRequestOptions): PromiseLike<AsyncIterable<ChatChunkLike>>;
    };
  };
}

/** What `mode: "responses"` calls: `client.responses.create({ ..., stream: true })`. */
export interface ResponsesClient {
  responses: {
    create(body: StreamingBody, options?: ClientRequestOptions): PromiseLike<AsyncIterable<ResponseEventLike>>;
  };
}

export type ChatMessage = ChatCompletionMessageParam;

/** Request fields partialgen sets itself in the chat modes; everything else may go in `request`. */
type ChatOwnFields =
  | "model"
  | "messages"
  | "stream"
  | "response_format"
  | "tools"
  | "tool_choice"
  | "parallel_tool_calls"
  | "functions"
  | "function_call";

/**
 * Extra chat-completion parameters (`temperature`, `max_completion_tokens`, `seed`, ...), typed by the installed
 * `openai`. `stream_options` defaults to `{ include_usage: true }`; `null` leaves it out, for compatible servers
 * that reject it.
 */
export type ChatRequestParams = Omit<ChatCompletionCreateParamsStreaming, ChatOwnFields | "stream_options"> & {
  stream_options?: ChatCompletionCreateParamsStreaming["stream_options"];
};

/** Extra Responses API parameters (`temperature`, `max_output_tokens`, `reasoning`, ...), typed by the installed `openai`. */
export type ResponsesRequestParams = Omit<ResponseCreateParamsStreaming, "model" | "input" | "stream" | "text">;
