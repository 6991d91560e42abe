import { type AnthropicStreamRequest, anthropicRequest } from "./anthropic.js";
import { type GeminiStreamRequest, geminiRequest } from "./gemini.js";
import type { Provider } from "./mode.js";
import { prepareRequest, type TextStreamRequest, type WireRequest } from "./text-streams.js";

export type { Provider } from "./mode.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  (typeof value === "object" || typeof value === "function") && value !== null;

/**
 * The provider a client speaks, from its shape alone (no SDK class is imported): `chat.completions.create` or
 * `responses.create` is OpenAI's (and every OpenAI-compatible client's), `messages.create` Anthropic's,
 * `models.generateContentStream` Gemini's (`GoogleGenAI`). Undefined for anything else.
 */
export function providerOf(client: unknown): Provider | undefined {
  if (!isObject(client)) return undefined;
  const chat = isObject(client.chat) && isObject(client.chat.completions) ? client.chat.completions : undefined;
  const responses = isObject(client.responses) ? client.responses : undefined;
  if (typeof chat?.create === "function" || typeof responses?.create === "function") return "openai";
  if (isObject(client.messages) && typeof client.messages.create === "function") return "anthropic";
  if (isObject(client.models) && typeof client.models.generateContentStream === "function") return "gemini";
  return undefined;
}

/** One attempt's request, for whichever provider it goes to. */
export type ProviderRequest =
  | ({ provider: "openai" } & TextStreamRequest)
  | ({ provider: "anthropic" } & AnthropicStreamRequest)
  | ({ provider: "gemini" } & GeminiStreamRequest);

/** The request and wire reader of the request's provider. */
export function providerRequest(request: ProviderRequest): WireRequest {
  switch (request.provider) {
    case "anthropic":
      return anthropicRequest(request);
    case "gemini":
      return geminiRequest(request);
    default:
      return prepareRequest(request);
  }
}
