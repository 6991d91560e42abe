import type OpenAI from "openai";
import type { ChatCompletionChunk, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
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

export interface TextStreamRequest {
  client: OpenAI;
  mode: StreamMode;
  model: string;
  messages: ChatCompletionMessageParam[];
  schema: JSONSchema;
  name: string;
  passThrough: Record<string, unknown>;
  signal: AbortSignal;
}

/** The request each mode sends, and where in the answer the JSON text arrives. */
export function openTextStream(request: TextStreamRequest): TextStream {
  return request.mode === "responses" ? responsesStream(request) : chatStream(request);
}

function schemaInstructions(schema: JSONSchema, fenced: boolean): string {
  return `Answer with a JSON object that matches this JSON Schema${fenced ? ", in a ```json fenced code block" : ""}:\n${JSON.stringify(schema)}`;
}

function chatBody(r: TextStreamRequest): Record<string, unknown> {
  const base: Record<string, unknown> = {
    ...r.passThrough,
    model: r.model,
    messages: r.messages,
    stream: true,
    stream_options: { include_usage: true },
  };
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

function chatStream(r: TextStreamRequest): TextStream {
  const result: TextStreamEnd = { finishReason: undefined };
  let refusal: string | undefined;
  async function* deltas(): AsyncGenerator<string> {
    const body = chatBody(r) as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming;
    const stream = await r.client.chat.completions.create(body, { signal: r.signal });
    for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
      if (chunk.usage) {
        result.usage = {
          promptTokens: chunk.usage.prompt_tokens,
          completionTokens: chunk.usage.completion_tokens,
          totalTokens: chunk.usage.total_tokens,
        };
      }
      const choice = chunk.choices[0];
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

function responsesStream(r: TextStreamRequest): TextStream {
  const result: TextStreamEnd = { finishReason: undefined };
  let refusal: string | undefined;
  async function* deltas(): AsyncGenerator<string> {
    const body = {
      ...r.passThrough,
      model: r.model,
      input: r.messages,
      stream: true,
      text: { format: { type: "json_schema", name: r.name, schema: r.schema, strict: true } },
    } as unknown as OpenAI.Responses.ResponseCreateParamsStreaming;
    const stream = await r.client.responses.create(body, { signal: r.signal });
    for await (const event of stream as AsyncIterable<ResponseStreamEvent>) {
      switch (event.type) {
        case "response.output_text.delta":
          if (event.delta) yield event.delta;
          break;
        case "response.refusal.delta":
          refusal = (refusal ?? "") + event.delta;
          break;
        case "response.completed":
        case "response.incomplete": {
          const usage = event.response.usage;
          if (usage)
            result.usage = {
              promptTokens: usage.input_tokens,
              completionTokens: usage.output_tokens,
              totalTokens: usage.total_tokens,
            };
          result.finishReason =
            event.type === "response.completed"
              ? "stop"
              : event.response.incomplete_details?.reason === "max_output_tokens"
                ? "length"
                : "incomplete";
          break;
        }
        case "response.failed":
          throw new Error(`the response failed: ${event.response.error?.message ?? "unknown error"}`);
        case "error":
          throw new Error(`the response failed: ${event.message}`);
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
