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
import type { JSONSchema } from "./schema-hints.js";
import type { StreamMode, Usage } from "./stream-types.js";
import { TextBuilder } from "./text-builder.js";

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
}

/** Reads one attempt's stream: each chunk or event in, the answer text it adds out. */
export interface WireReader {
  /** The answer text this chunk adds ("" for none). */
  read(chunk: unknown): string;
  readonly end: WireEnd;
}

/** One attempt's request, not yet sent. */
export interface WireRequest {
  /** Sends the request through the caller's client. */
  send(signal: AbortSignal): PromiseLike<AsyncIterable<unknown>>;
  reader: WireReader;
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

function newEnd(): WireEnd {
  return {
    events: 0,
    finishReason: undefined,
    incompleteReason: undefined,
    refusal: undefined,
    usage: undefined,
    content: undefined,
    failure: undefined,
  };
}

function schemaInstructions(schema: JSONSchema, fenced: boolean): string {
  return `Answer with a JSON object that matches this JSON Schema${fenced ? ", in a ```json fenced code block" : ""}:\n${JSON.stringify(schema)}`;
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
        messages: [{ role: "system", content: schemaInstructions(r.schema, false) }, ...r.messages],
        response_format: { type: "json_object" },
      };
    default:
      return { ...base, messages: [{ role: "system", content: schemaInstructions(r.schema, true) }, ...r.messages] };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/**
 * Chat completions: only choice `index` 0 and tool call `index` 0 count (a missing index reads as 0, as some
 * compatible servers omit it); chunks without choices (usage chunks, keep-alives, `data: null`) add no text.
 */
function chatRequest(r: ChatTextStreamRequest): WireRequest {
  const end = newEnd();
  const tools = r.mode === "tools";
  const body = chatBody(r) as unknown as StreamingBody;
  return {
    send: (signal) => r.client.chat.completions.create(body, { signal }),
    reader: {
      end,
      read(raw) {
        end.events++;
        if (!isObject(raw)) return "";
        const chunk = raw as ChatChunkLike;
        const usage = chunk.usage;
        if (isObject(usage)) {
          end.usage = {
            promptTokens: Number(usage.prompt_tokens) || 0,
            completionTokens: Number(usage.completion_tokens) || 0,
            totalTokens: Number(usage.total_tokens) || 0,
          };
        }
        const choices = chunk.choices;
        if (!Array.isArray(choices)) return "";
        let text = "";
        for (const choice of choices as readonly (ChatChoiceLike | null)[]) {
          if (!choice || typeof choice !== "object" || (choice.index ?? 0) !== 0) continue;
          if (typeof choice.finish_reason === "string") end.finishReason = choice.finish_reason;
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
              const args = call.function?.arguments;
              if (typeof args === "string") text += args;
            }
          } else {
            text += content;
          }
        }
        return text;
      },
    },
  };
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
  const end = newEnd();
  const body = {
    ...r.request,
    model: r.model,
    input: r.messages,
    stream: true,
    text: { format: { type: "json_schema", name: r.name, schema: r.schema, strict: r.strict } },
  } as unknown as StreamingBody;
  let part: string | undefined;
  return {
    send: (signal) => r.client.responses.create(body, { signal }),
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
          case "response.refusal.delta":
            if (typeof event.delta === "string") end.refusal = (end.refusal ?? "") + event.delta;
            return "";
          case "response.completed":
          case "response.incomplete": {
            const usage = event.response?.usage;
            if (isObject(usage)) {
              end.usage = {
                promptTokens: Number(usage.input_tokens) || 0,
                completionTokens: Number(usage.output_tokens) || 0,
                totalTokens: Number(usage.total_tokens) || 0,
              };
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
            return "";
          }
          case "response.failed":
            end.failure = `the response failed: ${event.response?.error?.message ?? "unknown error"}`;
            return "";
          case "error":
            end.failure = `the server reported an error: ${typeof event.message === "string" ? event.message : "unknown error"}`;
            return "";
          default:
            return "";
        }
      },
    },
  };
}
