import type {
  ChatCompletionsClient,
  ChatMessage,
  ChatRequestParams,
  ResponsesClient,
  ResponsesRequestParams,
  StreamingBody,
} from "./openai-shape.js";
import type { JSONSchema } from "./schema-hints.js";
import type { Usage } from "./stream-object.js";
import type { StreamMode } from "./stream-types.js";

export interface TextStreamEnd {
  finishReason: string | undefined;
  refusal?: string;
  usage?: Usage;
}

export interface TextStream {
  /** The JSON text as the model writes it. */
  deltas: AsyncIterable<string>;
  /** How the answer ended; call after `deltas` is exhausted. */
  end(): Promise<TextStreamEnd>;
}

interface TextStreamRequestBase {
  model: string;
  messages: ChatMessage[];
  schema: JSONSchema;
  name: string;
  signal: AbortSignal;
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
export function openTextStream(request: TextStreamRequest): TextStream {
  return request.mode === "responses" ? responsesStream(request) : chatStream(request);
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
        response_format: { type: "json_schema", json_schema: { name: r.name, schema: r.schema, strict: true } },
      };
    case "tools":
      return {
        ...base,
        tools: [{ type: "function", function: { name: r.name, parameters: r.schema, strict: true } }],
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

function chatStream(r: ChatTextStreamRequest): TextStream {
  const result: TextStreamEnd = { finishReason: undefined };
  let refusal: string | undefined;
  async function* deltas(): AsyncGenerator<string> {
    const body = chatBody(r) as unknown as StreamingBody;
    const stream = await r.client.chat.completions.create(body, { signal: r.signal });
    for await (const chunk of stream) {
      if (chunk.usage) {
        result.usage = {
          promptTokens: chunk.usage.prompt_tokens,
          completionTokens: chunk.usage.completion_tokens,
          totalTokens: chunk.usage.total_tokens,
        };
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      if (choice.finish_reason) result.finishReason = choice.finish_reason;
      const delta = choice.delta;
      if (delta?.refusal) refusal = (refusal ?? "") + delta.refusal;
      const text = r.mode === "tools" ? delta?.tool_calls?.[0]?.function?.arguments : delta?.content;
      if (text) yield text;
    }
  }
  return {
    deltas: deltas(),
    async end() {
      return refusal === undefined ? result : { ...result, refusal };
    },
  };
}

function responsesStream(r: ResponsesTextStreamRequest): TextStream {
  const result: TextStreamEnd = { finishReason: undefined };
  let refusal: string | undefined;
  async function* deltas(): AsyncGenerator<string> {
    const body = {
      ...r.request,
      model: r.model,
      input: r.messages,
      stream: true,
      text: { format: { type: "json_schema", name: r.name, schema: r.schema, strict: true } },
    } as unknown as StreamingBody;
    const stream = await r.client.responses.create(body, { signal: r.signal });
    for await (const event of stream) {
      switch (event.type) {
        case "response.output_text.delta":
          if (typeof event.delta === "string" && event.delta) yield event.delta;
          break;
        case "response.refusal.delta":
          if (typeof event.delta === "string") refusal = (refusal ?? "") + event.delta;
          break;
        case "response.completed":
        case "response.incomplete": {
          const usage = event.response?.usage;
          if (usage)
            result.usage = {
              promptTokens: usage.input_tokens,
              completionTokens: usage.output_tokens,
              totalTokens: usage.total_tokens,
            };
          result.finishReason =
            event.type === "response.completed"
              ? "stop"
              : event.response?.incomplete_details?.reason === "max_output_tokens"
                ? "length"
                : "incomplete";
          break;
        }
        case "response.failed":
          throw new Error(`the response failed: ${event.response?.error?.message ?? "unknown error"}`);
        case "error":
          throw new Error(
            `the response failed: ${typeof event.message === "string" ? event.message : "unknown error"}`,
          );
      }
    }
  }
  return {
    deltas: deltas(),
    async end() {
      return refusal === undefined ? result : { ...result, refusal };
    },
  };
}
