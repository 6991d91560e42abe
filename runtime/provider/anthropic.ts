import type { JSONSchema } from "../hints/schema-hints.js";
import { TextBuilder } from "../util/text-builder.js";
import type { AnthropicEventLike, AnthropicMessagesClient, AnthropicRequestParams } from "./anthropic-shape.js";
import type { ChatStreamMode } from "./mode.js";
import { MODES } from "./mode.js";
import type { ChatMessage, StreamingBody } from "./openai-shape.js";
import { modeInstructions, newEnd, tokenUsage, type WireRequest } from "./text-streams.js";

export interface AnthropicStreamRequest {
  mode: ChatStreamMode;
  client: AnthropicMessagesClient;
  request: AnthropicRequestParams | undefined;
  model: string;
  messages: ChatMessage[];
  schema: JSONSchema;
  name: string;
  strict: boolean;
}

/** Anthropic's default for the required `max_tokens`, when the caller gives none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

interface AnthropicMessage {
  role: "user" | "assistant";
  content: string | { type: "text"; text: string }[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** A message's text parts; any other part (an image, audio, a file) is refused rather than silently dropped. */
function textParts(content: unknown, role: string): string[] {
  if (typeof content === "string") return [content];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw new TypeError(`partialgen: a ${role} message's content is not text`);
  return content.map((part: unknown) => {
    if (isObject(part) && part.type === "text" && typeof part.text === "string") return part.text;
    const type = isObject(part) ? String(part.type) : typeof part;
    throw new TypeError(
      `partialgen: Anthropic calls take text message parts only, not "${type}" (in a ${role} message)`,
    );
  });
}

/**
 * The chat messages as the Messages API takes them: system (and developer) messages become the `system` text,
 * the others keep their order. Tool and function messages have no counterpart here: refused with a TypeError.
 */
export function anthropicMessages(messages: readonly ChatMessage[]): {
  system: string[];
  messages: AnthropicMessage[];
} {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  for (const message of messages) {
    const role = (message as { role?: unknown }).role;
    const content = (message as { content?: unknown }).content;
    if (role === "system" || role === "developer") {
      system.push(...textParts(content, role));
    } else if (role === "user" || role === "assistant") {
      const parts = textParts(content, role);
      if (parts.length === 0) continue;
      out.push({
        role,
        content: typeof content === "string" ? content : parts.map((text) => ({ type: "text" as const, text })),
      });
    } else {
      throw new TypeError(
        `partialgen: Anthropic calls take system, user and assistant messages, not "${String(role)}" messages`,
      );
    }
  }
  return { system, messages: out };
}

function anthropicBody(r: AnthropicStreamRequest): Record<string, unknown> {
  const { system: extraSystem, max_tokens, ...extra } = r.request ?? {};
  const converted = anthropicMessages(r.messages);
  const instructions = modeInstructions(r.mode, r.schema);
  const chatSystem = [...instructions, ...converted.system].join("\n\n");
  let system: unknown = chatSystem === "" ? undefined : chatSystem;
  if (typeof extraSystem === "string") system = [chatSystem, extraSystem].filter((s) => s !== "").join("\n\n");
  else if (Array.isArray(extraSystem))
    system = [...(chatSystem ? [{ type: "text", text: chatSystem }] : []), ...extraSystem];
  const body: Record<string, unknown> = {
    ...extra,
    model: r.model,
    max_tokens: max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages: converted.messages,
    stream: true,
  };
  if (system !== undefined) body.system = system;
  if (r.mode === "json_schema") {
    body.output_config = {
      ...(isObject(extra.output_config) ? extra.output_config : {}),
      format: { type: "json_schema", schema: r.schema },
    };
  } else if (r.mode === "tools") {
    body.tools = [{ name: r.name, input_schema: r.schema, strict: r.strict }];
    body.tool_choice = { type: "tool", name: r.name, disable_parallel_tool_use: true };
  }
  return body;
}

/**
 * The Messages API: the answer is the first text block (modes json_schema, json, md_json) or the input of the
 * first tool_use block (mode tools, its `input_json_delta`s). Thinking blocks before it are not the answer.
 * `message_delta`'s stop_reason is the finish reason ("max_tokens" truncates; "refusal" is a refusal).
 */
export function anthropicRequest(r: AnthropicStreamRequest): WireRequest {
  const end = newEnd({
    reasonField: "stop_reason",
    missingEnd: "no message_delta with a stop_reason, no message_stop",
  });
  const tools = MODES[r.mode].answerIn === "tool-call";
  const body = anthropicBody(r) as unknown as StreamingBody;
  let answerBlock: number | undefined;
  const textBlocks = new Set<number>();
  let input = { tokens: 0, cacheCreation: 0, cacheRead: 0 };
  let output = 0;
  const readUsage = (usage: AnthropicEventLike["usage"]) => {
    if (!isObject(usage)) return;
    // message_delta's counts are cumulative, and its input counts may be null (then message_start's stand).
    if (typeof usage.input_tokens === "number") input = { ...input, tokens: usage.input_tokens };
    if (typeof usage.cache_creation_input_tokens === "number") {
      input = { ...input, cacheCreation: usage.cache_creation_input_tokens };
    }
    if (typeof usage.cache_read_input_tokens === "number")
      input = { ...input, cacheRead: usage.cache_read_input_tokens };
    if (typeof usage.output_tokens === "number") output = usage.output_tokens;
    // Cache reads and writes are prompt tokens too (Anthropic counts them apart from input_tokens).
    end.usage = tokenUsage(input.tokens + input.cacheCreation + input.cacheRead, output, undefined);
  };
  return {
    send: (signal) => r.client.messages.create(body, { signal }),
    reader: {
      end,
      read(raw) {
        end.events++;
        if (!isObject(raw)) return "";
        const event = raw as unknown as AnthropicEventLike;
        const index = typeof event.index === "number" ? event.index : 0;
        switch (event.type) {
          case "message_start":
            readUsage(event.message?.usage);
            return "";
          case "content_block_start": {
            const type = event.content_block?.type;
            if (type === "text") textBlocks.add(index);
            if (answerBlock === undefined && type === (tools ? "tool_use" : "text")) answerBlock = index;
            // A block's start may carry text already (a whole answer read back as events does).
            const text = event.content_block?.text;
            if (typeof text !== "string" || text === "") return "";
            return deliver(index, text);
          }
          case "content_block_delta": {
            const delta = event.delta;
            if (delta?.type === "text_delta" && typeof delta.text === "string") return deliver(index, delta.text);
            if (delta?.type === "input_json_delta" && typeof delta.partial_json === "string") {
              return tools && index === answerBlock ? delta.partial_json : "";
            }
            return "";
          }
          case "message_delta": {
            readUsage(event.usage);
            const reason = event.delta?.stop_reason;
            if (typeof reason === "string" && reason !== "") {
              end.finishReason = reason;
              if (reason === "refusal") {
                end.refusal = event.delta?.stop_details?.explanation ?? "the model refused (stop_reason: refusal)";
              }
            }
            return "";
          }
          case "error":
            // Only from a client that passes error events on (the SDK throws for them).
            end.failure = `the server reported an error mid-stream: ${event.error?.message ?? event.error?.type ?? "unknown error"}`;
            return "";
          default:
            return "";
        }
      },
      whole: wholeMessage,
    },
  };

  /** Text of a text block: the answer's (not in mode tools), or, in mode tools, the content written instead. */
  function deliver(index: number, text: string): string {
    if (!textBlocks.has(index)) return "";
    if (!tools) return index === answerBlock ? text : "";
    end.content ??= new TextBuilder();
    end.content.append(text);
    return "";
  }
}

/** A whole `message` (a server that ignored `stream: true`) as the stream events it amounts to. */
function wholeMessage(body: unknown): unknown[] | undefined {
  if (!isObject(body) || body.type !== "message" || !Array.isArray(body.content)) return undefined;
  const events: unknown[] = [{ type: "message_start", message: { usage: body.usage } }];
  (body.content as unknown[]).forEach((block, index) => {
    if (!isObject(block)) return;
    if (block.type === "tool_use") {
      events.push({ type: "content_block_start", index, content_block: { type: "tool_use", name: block.name } });
      events.push({
        type: "content_block_delta",
        index,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input ?? {}) },
      });
    } else {
      events.push({ type: "content_block_start", index, content_block: block });
    }
  });
  events.push({
    type: "message_delta",
    delta: { stop_reason: body.stop_reason, stop_details: body.stop_details },
    usage: body.usage,
  });
  events.push({ type: "message_stop" });
  return events;
}
