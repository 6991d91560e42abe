import type { ServerResponse } from "node:http";
import {
  estimateTokens,
  type FakeServer,
  type FakeServerOptions,
  openEventStream,
  type ScriptedResponse,
  sendChunks,
  splitChunks,
  startScriptedServer,
} from "./scripted-server.js";

export type FakeGeminiOptions = FakeServerOptions;
/** `baseURL` is "http://127.0.0.1:PORT", for `new GoogleGenAI({ apiKey, httpOptions: { baseUrl: baseURL } })`. */
export type FakeGemini = FakeServer;

const STREAM_ROUTE = "/v1beta/models/{model}:streamGenerateContent";

/**
 * A local Gemini API server for tests and UI development: POST /v1beta/models/{model}:streamGenerateContent
 * answers with SSE `data:` chunks of candidate 0's text, then a chunk with its finishReason and usageMetadata.
 * Gemini has no refusal: a scripted `refusal` is a `SAFETY` finish without text, as is `finishReason:
 * "content_filter"`; `"length"` is `MAX_TOKENS`. Runs on 127.0.0.1 only.
 */
export function startFakeGemini(options: FakeGeminiOptions): Promise<FakeGemini> {
  return startScriptedServer(options, {
    name: "Gemini",
    routes: { [STREAM_ROUTE]: streamContent },
    match: (path) => (/^\/v1beta\/models\/[^/]+:streamGenerateContent$/.test(path) ? STREAM_ROUTE : undefined),
    errorBody: (status, message) => ({
      error: { code: status, message, status: status === 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE" },
    }),
    basePath: "",
  });
}

function finishReason(scripted: ScriptedResponse): string {
  if (scripted.refusal !== undefined || scripted.finishReason === "content_filter") return "SAFETY";
  return scripted.finishReason === "length" ? "MAX_TOKENS" : "STOP";
}

async function streamContent(
  res: ServerResponse,
  request: Record<string, unknown>,
  scripted: ScriptedResponse,
): Promise<boolean> {
  if (!openEventStream(res, scripted)) return false;
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  const text = scripted.refusal !== undefined ? "" : (scripted.text ?? "");
  const candidate = (parts: unknown[], extra: Record<string, unknown> = {}) => ({
    candidates: [{ index: 0, content: { role: "model", parts }, ...extra }],
    modelVersion: "fake-model",
  });
  if (!(await sendChunks(res, scripted, text, (chunk) => send(candidate([{ text: chunk }]))))) return false;
  const prompt = estimateTokens(request.contents);
  const output = Math.max(1, splitChunks(text, scripted.chunkSize).length);
  send({
    ...candidate([], { finishReason: finishReason(scripted) }),
    usageMetadata: { promptTokenCount: prompt, candidatesTokenCount: output, totalTokenCount: prompt + output },
  });
  res.end();
  return true;
}
