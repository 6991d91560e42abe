import type { JSONSchema } from "../hints/schema-hints.js";
import type { GeminiChunkLike, GeminiModelsClient, GeminiRequestParams } from "./gemini-shape.js";
import type { GeminiStreamMode } from "./mode.js";
import type { ChatMessage } from "./openai-shape.js";
import { modeInstructions, newEnd, tokenUsage, type WireRequest } from "./text-streams.js";

export interface GeminiStreamRequest {
  mode: GeminiStreamMode;
  client: GeminiModelsClient;
  request: GeminiRequestParams | undefined;
  model: string;
  messages: ChatMessage[];
  schema: JSONSchema;
}

interface GeminiContent {
  role: "user" | "model";
  parts: { text: string }[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

function textOf(content: unknown, role: string): string[] {
  if (typeof content === "string") return [content];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw new TypeError(`partialgen: a ${role} message's content is not text`);
  return content.map((part: unknown) => {
    if (isObject(part) && part.type === "text" && typeof part.text === "string") return part.text;
    const type = isObject(part) ? String(part.type) : typeof part;
    throw new TypeError(`partialgen: Gemini calls take text message parts only, not "${type}" (in a ${role} message)`);
  });
}

/**
 * The chat messages as Gemini takes them: system (and developer) messages become `systemInstruction`, user
 * messages role "user", assistant messages role "model". Tool and function messages are refused (TypeError).
 */
export function geminiContents(messages: readonly ChatMessage[]): { system: string[]; contents: GeminiContent[] } {
  const system: string[] = [];
  const contents: GeminiContent[] = [];
  for (const message of messages) {
    const role = (message as { role?: unknown }).role;
    const content = (message as { content?: unknown }).content;
    if (role === "system" || role === "developer") {
      system.push(...textOf(content, role));
    } else if (role === "user" || role === "assistant") {
      const parts = textOf(content, role);
      if (parts.length > 0)
        contents.push({ role: role === "user" ? "user" : "model", parts: parts.map((text) => ({ text })) });
    } else {
      throw new TypeError(
        `partialgen: Gemini calls take system, user and assistant messages, not "${String(role)}" messages`,
      );
    }
  }
  return { system, contents };
}

/** Finish reasons of Gemini's that mean a blocked answer, beyond those finishKind() already reads as filtered. */
const BLOCKED = new Set(["BLOCKLIST", "SPII", "PROHIBITED_CONTENT", "SAFETY", "RECITATION", "IMAGE_SAFETY"]);

/**
 * Gemini's `generateContentStream`: the answer is candidate 0's text parts (thought parts left out); its
 * `finishReason` is the finish reason (MAX_TOKENS truncates, SAFETY and the other blocks filter), and a blocked
 * prompt (`promptFeedback.blockReason`) is a filtered answer.
 */
export function geminiRequest(r: GeminiStreamRequest): WireRequest {
  const end = newEnd({ reasonField: "finishReason", missingEnd: "no candidate with a finishReason" });
  const converted = geminiContents(r.messages);
  const instructions = modeInstructions(r.mode, r.schema);
  const system = [...instructions, ...converted.system].join("\n\n");
  const config: Record<string, unknown> = { ...r.request };
  if (system !== "") config.systemInstruction = system;
  if (r.mode !== "md_json") config.responseMimeType = "application/json";
  if (r.mode === "json_schema") config.responseJsonSchema = r.schema;
  return {
    send: (signal) =>
      r.client.models.generateContentStream({
        model: r.model,
        contents: converted.contents,
        config: { ...config, abortSignal: signal },
      }),
    reader: {
      end,
      read(raw) {
        end.events++;
        if (!isObject(raw)) return "";
        const chunk = raw as GeminiChunkLike;
        const usage = chunk.usageMetadata;
        if (isObject(usage)) {
          // Thinking tokens are billed as output; cached tokens are already inside promptTokenCount.
          const output = (Number(usage.candidatesTokenCount) || 0) + (Number(usage.thoughtsTokenCount) || 0);
          end.usage = tokenUsage(usage.promptTokenCount, output, usage.totalTokenCount);
        }
        const blocked = chunk.promptFeedback?.blockReason;
        if (typeof blocked === "string" && blocked !== "") end.finishReason = "content_filter";
        let text = "";
        for (const candidate of Array.isArray(chunk.candidates) ? chunk.candidates : []) {
          if (typeof candidate !== "object" || candidate === null || (candidate.index ?? 0) !== 0) continue;
          const parts = candidate.content?.parts;
          for (const part of Array.isArray(parts) ? (parts as readonly unknown[]) : []) {
            if (isObject(part) && typeof part.text === "string" && part.thought !== true) text += part.text;
          }
          const reason = candidate.finishReason;
          if (typeof reason === "string" && reason !== "" && reason !== "FINISH_REASON_UNSPECIFIED") {
            end.finishReason = BLOCKED.has(reason) ? "content_filter" : reason;
          }
        }
        return text;
      },
      whole: (body) => (isObject(body) && Array.isArray(body.candidates) ? [body] : undefined),
    },
  };
}
