// Type tests, checked by `npm run typecheck` (tsc), not run: each `@ts-expect-error` fails the build when the line
// below it compiles, and each accepted call fails it when it does not.

import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import type { ChatChunkLike, ObjectStream } from "@partialgen/runtime";
import OpenAI, { AzureOpenAI } from "openai";
import OpenAIv5, { AzureOpenAI as AzureOpenAIv5 } from "openai-v5";
import { expectTypeOf } from "vitest";
import {
  type MeetingInfo,
  type PartialMeetingInfo,
  streamMeetingInfo,
} from "../../examples/meeting/generated/index.js";

declare const signal: AbortSignal;
const messages = [{ role: "user" as const, content: "notes" }];
const model = "gpt-4o-mini";

export function clientsOfEitherMajorAreAccepted(): void {
  streamMeetingInfo({ client: new OpenAI({ apiKey: "k" }), model, messages });
  streamMeetingInfo({ client: new AzureOpenAI({ apiKey: "k", apiVersion: "2024-10-21" }), model, messages });
  streamMeetingInfo({ client: new OpenAIv5({ apiKey: "k" }), model, messages });
  streamMeetingInfo({ client: new AzureOpenAIv5({ apiKey: "k", apiVersion: "2024-10-21" }), model, messages });
  streamMeetingInfo({ client: new OpenAIv5({ apiKey: "k" }), model, messages, mode: "responses" });
  streamMeetingInfo({ client: new OpenAI({ apiKey: "k" }), model, messages, mode: "tools" });
}

export function theResultIsTypedBySchema(): void {
  const stream = streamMeetingInfo({ client: new OpenAI({ apiKey: "k" }), model, messages, signal });
  expectTypeOf(stream).toEqualTypeOf<ObjectStream<PartialMeetingInfo, MeetingInfo>>();
  expectTypeOf(stream.final()).resolves.toEqualTypeOf<MeetingInfo>();
}

export function requestParametersAreTypedByTheInstalledOpenAI(): void {
  const client = new OpenAI({ apiKey: "k" });
  streamMeetingInfo({ client, model, messages, request: { temperature: 0, seed: 1, max_completion_tokens: 500 } });
  streamMeetingInfo({ client, model, messages, request: { stream_options: null } });
  streamMeetingInfo({ client, model, messages, mode: "responses", request: { temperature: 0, max_output_tokens: 9 } });
}

export function misspeltOptionsDoNotCompile(): void {
  const client = new OpenAI({ apiKey: "k" });
  // @ts-expect-error `singal` is not an option (the abort would silently do nothing)
  streamMeetingInfo({ client, model, messages, singal: signal });
  // @ts-expect-error `maxRetry` is not an option
  streamMeetingInfo({ client, model, messages, maxRetry: 3 });
  // @ts-expect-error request parameters go in `request`
  streamMeetingInfo({ client, model, messages, temperature: 0 });
  // @ts-expect-error `temprature` is not a chat-completion parameter
  streamMeetingInfo({ client, model, messages, request: { temprature: 0 } });
  // @ts-expect-error `seed` is not a Responses API parameter
  streamMeetingInfo({ client, model, messages, mode: "responses", request: { seed: 1 } });
  // @ts-expect-error partialgen sets `response_format` itself
  streamMeetingInfo({ client, model, messages, request: { response_format: { type: "text" } } });
  // @ts-expect-error `mode` is one of the five
  streamMeetingInfo({ client, model, messages, mode: "json_object" });
  // @ts-expect-error a string is no client
  streamMeetingInfo({ client: "sk-...", model, messages });
}

export function aClientIsCheckedForWhatTheModeCalls(): void {
  const chatOnly = {
    chat: {
      completions: { create: async (_body: unknown) => (async function* (): AsyncGenerator<ChatChunkLike> {})() },
    },
  };
  streamMeetingInfo({ client: chatOnly, model, messages });
  // @ts-expect-error mode "responses" calls client.responses.create, which this client lacks
  streamMeetingInfo({ client: chatOnly, model, messages, mode: "responses" });
}

export function anAnthropicClientTakesItsOwnParameters(): void {
  const client = new Anthropic({ apiKey: "k" });
  streamMeetingInfo({ client, model, messages, mode: "tools" });
  streamMeetingInfo({
    client,
    model,
    messages,
    request: { max_tokens: 500, stop_sequences: ["END"], output_config: { effort: "low" } },
  });
  streamMeetingInfo({ client, model, messages, request: { thinking: { type: "enabled", budget_tokens: 2048 } } });
  // @ts-expect-error `max_token` is not a Messages API parameter
  streamMeetingInfo({ client, model, messages, request: { max_token: 500 } });
  // @ts-expect-error partialgen sets `tool_choice` itself
  streamMeetingInfo({ client, model, messages, request: { tool_choice: { type: "auto" } } });
  // @ts-expect-error mode "responses" is OpenAI's
  streamMeetingInfo({ client, model, messages, mode: "responses" });
}

export function aGoogleGenAIClientTakesItsGenerationConfig(): void {
  const client = new GoogleGenAI({ apiKey: "k" });
  streamMeetingInfo({ client, model, messages, request: { temperature: 0, maxOutputTokens: 500 } });
  streamMeetingInfo({ client, model, messages, mode: "md_json", request: { thinkingConfig: { thinkingBudget: 0 } } });
  // @ts-expect-error `maxOutputToken` is not a generation config field
  streamMeetingInfo({ client, model, messages, request: { maxOutputToken: 500 } });
  // @ts-expect-error partialgen sets `responseJsonSchema` itself
  streamMeetingInfo({ client, model, messages, request: { responseJsonSchema: {} } });
}

export function theClientSelectsItsRequestType(): void {
  const openai = new OpenAI({ apiKey: "k" });
  const anthropic = new Anthropic({ apiKey: "k" });
  const gemini = new GoogleGenAI({ apiKey: "k" });
  streamMeetingInfo({ client: openai, model, messages, request: { seed: 1, max_completion_tokens: 9 } });
  streamMeetingInfo({ client: anthropic, model, messages, request: { max_tokens: 9, stop_sequences: ["x"] } });
  streamMeetingInfo({ client: gemini, model, messages, request: { maxOutputTokens: 9, topK: 5 } });
  streamMeetingInfo({ client: openai, model, messages, mode: "responses", request: { max_output_tokens: 9 } });
  const either: OpenAI | Anthropic = Math.random() < 0.5 ? openai : anthropic;
  // A client typed as several SDKs' (picked at run time) takes any of their parameters.
  streamMeetingInfo({ client: either, model, messages, request: { max_tokens: 9 } });
  // @ts-expect-error `seed` is OpenAI's, not a Messages API parameter
  streamMeetingInfo({ client: anthropic, model, messages, request: { seed: 1 } });
  // @ts-expect-error `max_completion_tokens` is OpenAI's
  streamMeetingInfo({ client: anthropic, model, messages, request: { max_completion_tokens: 9 } });
  // @ts-expect-error `thinking` is Anthropic's, not a chat-completion parameter
  streamMeetingInfo({ client: openai, model, messages, request: { thinking: { type: "adaptive" } } });
  // @ts-expect-error `maxOutputTokens` is Gemini's
  streamMeetingInfo({ client: openai, model, messages, request: { maxOutputTokens: 9 } });
  // @ts-expect-error `max_tokens` is not a generation config field
  streamMeetingInfo({ client: gemini, model, messages, request: { max_tokens: 9 } });
  // @ts-expect-error `stop_sequences` is Anthropic's (Gemini's is `stopSequences`)
  streamMeetingInfo({ client: gemini, model, messages, request: { stop_sequences: ["x"] } });
  // @ts-expect-error `stopSequences` is Gemini's
  streamMeetingInfo({ client: anthropic, model, messages, request: { stopSequences: ["x"] } });
  // @ts-expect-error a GoogleGenAI client has no tools mode
  streamMeetingInfo({ client: gemini, model, messages, mode: "tools" });
}
