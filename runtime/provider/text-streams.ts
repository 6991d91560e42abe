import type { JSONSchema } from "../hints/schema-hints.js";
import type { Usage } from "../stream/usage.js";
import { TextBuilder } from "../util/text-builder.js";
import { MODES, type StreamMode } from "./mode.js";
import type {
  ChatChoiceLike,
  ChatChunkLike,
  ChatCompletionsClient,
  ChatMessage,
  ChatRequestParams,
  ResponseEventLike,
  ResponsesClient,
  ResponsesRequestParams,
  StreamingBody,
} from "./openai-shape.js";

/** What the wire said about how the answer ended, gathered while reading it. */
export interface WireEnd {
  /** Stream events received (chunks or Responses events, of any kind). */
  events: number;
  /**
   * Chat: choice 0's `finish_reason`. Responses: "stop" (`response.completed`), "length" (incomplete:
   * max_output_tokens), "content_filter" (incomplete: content_filter) or "incomplete" (any other reason).
   */
  finishReason: string | undefined;
  /** The reason a Responses answer gave for being incomplete. */
  incompleteReason: string | undefined;
  refusal: string | undefined;
  usage: Usage | undefined;
  /** Mode "tools": text the model wrote as content instead of calling the tool. */
  content: TextBuilder | undefined;
  /** The server reported a failure inside the stream (`response.failed`, an `error` event). */
  failure: string | undefined;
  /** How this wire names its end, for messages about it. */
  wording: EndWording;
}

/** How a provider's wire says the answer ended, in that provider's own terms. */
export interface EndWording {
  /** The field holding the reason the answer ended (`finish_reason`, `stop_reason`, `finishReason`). */
  reasonField: string;
  /** What was missing when the stream closed before the end (`no finish_reason`). */
  missingEnd: string;
}

export const CHAT_WORDING: EndWording = { reasonField: "finish_reason", missingEnd: "no finish_reason" };
const RESPONSES_WORDING: EndWording = { reasonField: "incomplete_details.reason", missingEnd: "no response.completed" };

/** Reads one attempt's stream: each chunk or event in, the answer text it adds out. */
export interface WireReader {
  /** The answer text this chunk adds ("" for none). */
  read(chunk: unknown): string;
  /**
   * The events (for read()) that a whole, non-streamed answer amounts to (a server that ignored `stream: true`
   * sent a `chat.completion` or a Responses `response` object), or undefined when `body` is not one.
   */
  whole(body: unknown): unknown[] | undefined;
  readonly end: WireEnd;
}

/** One attempt's request, not yet sent. */
export interface WireRequest {
  /** Sends the request through the caller's client. */
  send(signal: AbortSignal): PromiseLike<AsyncIterable<unknown>>;
  reader: WireReader;
  /**
   * The client's streams follow the openai SDK's rules (its `Stream`): when the SDK hands back the response, the
   * attempt reads the body itself (openai-events.ts) instead of iterating that stream.
   */
  openaiEvents?: boolean;
}

interface TextStreamRequestBase {
  model: string;
  messages: ChatMessage[];
  schema: JSONSchema;
  name: string;
  /** false: `schema` is not a strict-mode schema, so json_schema, tools and responses send `strict: false`. */
  strict: boolean;
}

export type TextStreamRequest =
  | (TextStreamRequestBase & {
      mode: Exclude<StreamMode, "responses">;
      client: ChatCompletionsClient;
      request: ChatRequestParams | undefined;
    })
  | (TextStreamRequestBase & {
      mode: "responses";
      client: ResponsesClient;
      request: ResponsesRequestParams | undefined;
    });

type ChatTextStreamRequest = Extract<TextStreamRequest, { client: ChatCompletionsClient }>;
type ResponsesTextStreamRequest = Extract<TextStreamRequest, { mode: "responses" }>;

/** The request each mode sends, and where in the answer the JSON text arrives. */
export function prepareRequest(request: TextStreamRequest): WireRequest {
  return request.mode === "responses" ? responsesRequest(request) : chatRequest(request);
}

export function newEnd(wording: EndWording = CHAT_WORDING): WireEnd {
  return {
    wording,
    events: 0,
    finishReason: undefined,
    incompleteReason: undefined,
    refusal: undefined,
    usage: undefined,
    content: undefined,
    failure: undefined,
  };
}

/** The system instructions `mode` adds (MODES: the schema as plain JSON, in a fence, or none). */
export function modeInstructions(mode: StreamMode, schema: JSONSchema): string[] {
  const kind = MODES[mode].instructions;
  if (kind === "none") return [];
  const fence = kind === "fenced" ? ", in a ```json fenced code block" : "";
  return [`Answer with a JSON object that matches this JSON Schema${fence}:\n${JSON.stringify(schema)}`];
}

function systemMessages(r: ChatTextStreamRequest): ChatMessage[] {
  return modeInstructions(r.mode, r.schema).map((content) => ({ role: "system", content }));
}

function chatBody(r: ChatTextStreamRequest): Record<string, unknown> {
  const { stream_options, ...extra } = r.request ?? {};
  const base: Record<string, unknown> = { ...extra, model: r.model, messages: r.messages, stream: true };
  // Usage comes in a last chunk only when asked for; `stream_options: null` is for servers that reject the field.
  if (stream_options !== null) base.stream_options = stream_options ?? { include_usage: true };
  switch (r.mode) {
    case "json_schema":
      return {
        ...base,
        response_format: { type: "json_schema", json_schema: { name: r.name, schema: r.schema, strict: r.strict } },
      };
    case "tools":
      return {
        ...base,
        tools: [{ type: "function", function: { name: r.name, parameters: r.schema, strict: r.strict } }],
        tool_choice: { type: "function", function: { name: r.name } },
        parallel_tool_calls: false,
      };
    case "json":
      return {
        ...base,
        messages: [...systemMessages(r), ...r.messages],
        response_format: { type: "json_object" },
      };
    default:
      return { ...base, messages: [...systemMessages(r), ...r.messages] };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/**
 * Chat completions: only choice `index` 0 and tool call `index` 0 count (a missing index reads as 0, as some
 * compatible servers omit it); chunks without choices (usage chunks, keep-alives, `data: null`) add no text.
 */
function chatRequest(r: ChatTextStreamRequest): WireRequest {
  const end = newEnd();
  const tools = MODES[r.mode].answerIn === "tool-call";
  const body = chatBody(r) as unknown as StreamingBody;
  let firstCallId: string | undefined;
  let inFirstCall = true;
  return {
    send: (signal) => r.client.chat.completions.create(body, { signal }),
    openaiEvents: true,
    reader: {
      end,
      read(raw) {
        end.events++;
        if (!isObject(raw)) return "";
        const chunk = raw as ChatChunkLike;
        const usage = chunk.usage ?? chunk.x_groq?.usage; // Groq's own place for it, before stream_options
        // Cumulative where a server sends it on every chunk (vLLM's continuous_usage_stats): the last one counts.
        if (isObject(usage)) end.usage = tokenUsage(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens);
        const choices = chunk.choices;
        if (!Array.isArray(choices) || raw.error !== undefined) {
          const failure = errorChunkMessage(raw);
          if (failure !== undefined) {
            end.failure ??= `the server reported an error mid-stream: ${failure}`;
            return "";
          }
          if (!Array.isArray(choices)) return "";
        }
        let text = "";
        for (const choice of choices as readonly (ChatChoiceLike | null)[]) {
          if (!choice || typeof choice !== "object" || (choice.index ?? 0) !== 0) continue;
          // "" (some servers' "not yet") is no finish, or a cut-off stream would pass for a finished one.
          if (typeof choice.finish_reason === "string" && choice.finish_reason !== "") {
            end.finishReason = choice.finish_reason;
          }
          const delta = choice.delta;
          if (!delta) continue;
          if (typeof delta.refusal === "string" && delta.refusal) end.refusal = (end.refusal ?? "") + delta.refusal;
          const content = contentText(delta.content);
          if (tools) {
            if (content) {
              end.content ??= new TextBuilder();
              end.content.append(content);
            }
            for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
              if (!call || typeof call !== "object" || (call.index ?? 0) !== 0) continue;
              // A call with another id at index 0 is another call (servers that number every call 0).
              if (typeof call.id === "string" && call.id !== "") {
                firstCallId ??= call.id;
                inFirstCall = call.id === firstCallId;
              }
              if (!inFirstCall) continue;
              const args: unknown = call.function?.arguments;
              if (typeof args === "string") text += args;
              else if (isObject(args)) text += JSON.stringify(args); // sent as an object by some servers (Ollama)
            }
            // The legacy `function_call` delta, still sent by some older servers and proxies for one call.
            const legacy = delta.function_call?.arguments;
            if (typeof legacy === "string") text += legacy;
          } else {
            text += content;
          }
        }
        return text;
      },
      whole: wholeChatCompletion,
    },
  };
}

/** A `chat.completion` as the one chunk it amounts to: each choice's message as its delta. */
function wholeChatCompletion(body: unknown): unknown[] | undefined {
  if (!isObject(body) || !Array.isArray(body.choices)) return undefined;
  const choices = (body.choices as unknown[]).map((choice) => {
    if (!isObject(choice) || !isObject(choice.message)) return choice;
    const message = choice.message;
    const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as unknown[]) : undefined;
    return {
      index: choice.index,
      finish_reason: choice.finish_reason,
      delta: {
        ...message,
        // A whole message's calls carry no index: their position is it.
        tool_calls: calls?.map((call, i) => (isObject(call) ? { ...call, index: call.index ?? i } : call)),
      },
    };
  });
  return [{ choices, usage: body.usage }];
}

/** Token counts as a server sent them: a missing or null count is 0; a missing total is the sum. */
export function tokenUsage(prompt: unknown, completion: unknown, total: unknown): Usage {
  const promptTokens = Number(prompt) || 0;
  const completionTokens = Number(completion) || 0;
  const totalTokens = typeof total === "number" && Number.isFinite(total) ? total : promptTokens + completionTokens;
  return { promptTokens, completionTokens, totalTokens };
}

/**
 * The message of a chunk that is an error rather than an answer:
 * `{"object": "error", "message"}` (older vLLM), `{"type": "error", "message"}`, or a bare `{"message"}` (an
 * `event: error`, whose event name the SDK does not pass on). Undefined for anything else.
 */
function errorChunkMessage(chunk: Record<string, unknown>): string | undefined {
  // `{"error": ...}` itself only reaches here from a body read without the SDK (which throws for it).
  const error = chunk.error;
  if (typeof error === "string" && error) return error;
  if (isObject(error)) {
    return typeof error.message === "string" && error.message ? error.message : JSON.stringify(error);
  }
  const tagged = chunk.object === "error" || chunk.type === "error";
  if (!tagged && (chunk.object !== undefined || "choices" in chunk)) return undefined;
  const message = chunk.message;
  if (typeof message === "string" && message) return message;
  return tagged ? JSON.stringify(chunk).slice(0, 300) : undefined;
}

/**
 * A delta's content as text. Some OpenAI-compatible servers send it as an array of parts (Mistral's thinking
 * models: `thinking` parts, then `text` parts): the `text` parts are the answer, the rest is left out.
 */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content as readonly unknown[]) {
    if (!isObject(part) || typeof part.text !== "string") continue;
    if (part.type === undefined || part.type === "text") text += part.text;
  }
  return text;
}

/**
 * The Responses API: the text of the first `output_text` part only (a reasoning item may come before it; other
 * message parts after it do not belong to the answer).
 */
function responsesRequest(r: ResponsesTextStreamRequest): WireRequest {
  const end = newEnd(RESPONSES_WORDING);
  const body = {
    ...r.request,
    model: r.model,
    input: r.messages,
    stream: true,
    text: { format: { type: "json_schema", name: r.name, schema: r.schema, strict: r.strict } },
  } as unknown as StreamingBody;
  let part: string | undefined;
  const readUsage = (event: ResponseEventLike) => {
    const usage = event.response?.usage;
    if (isObject(usage)) end.usage = tokenUsage(usage.input_tokens, usage.output_tokens, usage.total_tokens);
  };
  return {
    send: (signal) => r.client.responses.create(body, { signal }),
    openaiEvents: true,
    reader: {
      end,
      read(raw) {
        end.events++;
        if (!isObject(raw)) return "";
        const event = raw as unknown as ResponseEventLike & { item_id?: unknown; content_index?: unknown };
        switch (event.type) {
          case "response.output_text.delta": {
            if (typeof event.delta !== "string") return "";
            const key = `${String(event.item_id)}/${String(event.content_index)}`;
            part ??= key;
            return key === part ? event.delta : "";
          }
          // Servers that send no deltas, only each part's end (or only the final response): its text, once.
          case "response.output_text.done": {
            if (part !== undefined || typeof event.text !== "string") return "";
            part = `${String(event.item_id)}/${String(event.content_index)}`;
            return event.text;
          }
          case "response.refusal.delta":
            if (typeof event.delta === "string") end.refusal = (end.refusal ?? "") + event.delta;
            return "";
          case "response.completed":
          case "response.incomplete": {
            readUsage(event);
            let text = "";
            if (part === undefined) {
              part = "final";
              const final = finalOutput(event.response?.output);
              text = final.text;
              if (final.refusal !== undefined && end.refusal === undefined) end.refusal = final.refusal;
            }
            if (event.type === "response.completed") {
              end.finishReason = "stop";
            } else {
              const reason = event.response?.incomplete_details?.reason ?? "unknown";
              end.incompleteReason = reason;
              end.finishReason =
                reason === "max_output_tokens"
                  ? "length"
                  : reason === "content_filter"
                    ? "content_filter"
                    : "incomplete";
            }
            return text;
          }
          case "response.failed":
            readUsage(event); // a failed response may still have been billed
            end.failure = `the response failed: ${event.response?.error?.message ?? "unknown error"}`;
            return "";
          case "error":
            end.failure = `the server reported an error: ${typeof event.message === "string" ? event.message : "unknown error"}`;
            return "";
          default:
            return "";
        }
      },
      whole: wholeResponse,
    },
  };
}

/** The first message output's text (its first `output_text` part) and refusal, from a final response object. */
function finalOutput(output: unknown): { text: string; refusal: string | undefined } {
  let text: string | undefined;
  let refusal: string | undefined;
  for (const item of Array.isArray(output) ? (output as unknown[]) : []) {
    if (!isObject(item) || item.type !== "message" || !Array.isArray(item.content)) continue;
    for (const part of item.content as unknown[]) {
      if (!isObject(part)) continue;
      if (part.type === "output_text" && typeof part.text === "string") text ??= part.text;
      if (part.type === "refusal" && typeof part.refusal === "string") refusal ??= part.refusal;
    }
  }
  return { text: text ?? "", refusal };
}

/**
 * A Responses API `response` object as the events it amounts to: the end event of its status, whose own output
 * is then the text (no delta came before it), as for servers that stream no deltas. A status that is not an end
 * gives no event: the stream reads as empty.
 */
function wholeResponse(body: unknown): unknown[] | undefined {
  if (!isObject(body) || !Array.isArray(body.output) || (body.object !== undefined && body.object !== "response")) {
    return undefined;
  }
  const status = body.status ?? "completed";
  const ends = status === "completed" || status === "incomplete" || status === "failed";
  return ends ? [{ type: `response.${status}`, response: body }] : [];
}
