import type { ChatCallOptions } from "@partialgen/runtime";
import { startFakeOpenAI } from "@partialgen/runtime/testing";
import OpenAI from "openai";
import { recordedResponse } from "./replay.js";

export interface MeetingClient {
  /** An OpenAI client, or an Anthropic or GoogleGenAI one (with ANTHROPIC_API_KEY, GEMINI_API_KEY). */
  client: ChatCallOptions["client"];
  /** Where the requests go. */
  baseURL: string;
  model: string;
  /** True when answering from the built-in replay (no OPENAI_API_KEY). */
  replay: boolean;
  close(): Promise<void>;
}

/**
 * With OPENAI_API_KEY: the real endpoint (OPENAI_BASE_URL for any OpenAI-compatible server, OPENAI_MODEL
 * to choose the model). Else with ANTHROPIC_API_KEY: Anthropic's (ANTHROPIC_BASE_URL, ANTHROPIC_MODEL), else with
 * GEMINI_API_KEY: Gemini's (GEMINI_BASE_URL, GEMINI_MODEL); each SDK is loaded only then, so the example needs it
 * only then. Without any: a @partialgen/runtime/testing server on 127.0.0.1 replaying a recorded answer with
 * realistic chunks and timing, so the example runs anywhere.
 */
export async function meetingClient(
  env: NodeJS.ProcessEnv = process.env,
  replayDelayMs?: number,
): Promise<MeetingClient> {
  if (env.OPENAI_API_KEY) {
    const client = new OpenAI({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL || undefined });
    const model = env.OPENAI_MODEL || "gpt-4o-mini";
    return { client, baseURL: client.baseURL, model, replay: false, close: async () => {} };
  }
  if (env.ANTHROPIC_API_KEY) {
    const { default: Anthropic } = await import("@anthropic-ai/sdk");
    const client = new Anthropic({ apiKey: env.ANTHROPIC_API_KEY, baseURL: env.ANTHROPIC_BASE_URL || undefined });
    const model = env.ANTHROPIC_MODEL || "claude-haiku-4-5";
    return { client, baseURL: client.baseURL, model, replay: false, close: async () => {} };
  }
  if (env.GEMINI_API_KEY) {
    const { GoogleGenAI } = await import("@google/genai");
    const baseUrl = env.GEMINI_BASE_URL || undefined;
    const client = new GoogleGenAI({ apiKey: env.GEMINI_API_KEY, ...(baseUrl ? { httpOptions: { baseUrl } } : {}) });
    const model = env.GEMINI_MODEL || "gemini-2.5-flash";
    const where = baseUrl ?? "https://generativelanguage.googleapis.com";
    return { client, baseURL: where, model, replay: false, close: async () => {} };
  }
  // Enough answers for a long-running web demo: each extraction takes one.
  const delay = replayDelayMs ?? (env.PARTIALGEN_REPLAY_DELAY_MS ? Number(env.PARTIALGEN_REPLAY_DELAY_MS) : undefined);
  const server = await startFakeOpenAI({ responses: Array.from({ length: 1000 }, () => recordedResponse(delay)) });
  const client = new OpenAI({ apiKey: "replay", baseURL: server.baseURL });
  return { client, baseURL: server.baseURL, model: "replay", replay: true, close: () => server.close() };
}
