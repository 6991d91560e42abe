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

export type FakeAnthropicOptions = FakeServerOptions;
/** `baseURL` is "http://127.0.0.1:PORT", for `new Anthropic({ baseURL })`. */
export type FakeAnthropic = FakeServer;

/**
 * A local Anthropic Messages API server for tests and UI development: POST /v1/messages answers with the
 * Messages API's SSE events (`message_start`, a text block, or a tool_use block when the request forces a tool,
 * its `text_delta`s or `input_json_delta`s, `message_delta` with the stop reason and usage, `message_stop`), or
 * one `message` body for a request without `stream: true`. Runs on 127.0.0.1 only.
 */
export function startFakeAnthropic(options: FakeAnthropicOptions): Promise<FakeAnthropic> {
  return startScriptedServer(options, {
    name: "Anthropic",
    routes: { "/v1/messages": streamMessage },
    whole: { "/v1/messages": sendMessage },
    errorBody: (status, message) => ({
      type: "error",
      error: { type: status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : "api_error", message },
    }),
    basePath: "",
  });
}

/** The tool the request forces, if any. */
function forcedTool(request: Record<string, unknown>): string | undefined {
  const choice = request.tool_choice as { type?: string; name?: string } | undefined;
  return choice?.type === "tool" ? choice.name : undefined;
}

function stopReason(scripted: ScriptedResponse, tool: string | undefined): string {
  if (scripted.refusal !== undefined || scripted.finishReason === "content_filter") return "refusal";
  if (scripted.finishReason === "length") return "max_tokens";
  return tool ? "tool_use" : "end_turn";
}

function stopDetails(scripted: ScriptedResponse): unknown {
  return scripted.refusal === undefined ? null : { type: "refusal", category: null, explanation: scripted.refusal };
}

async function streamMessage(
  res: ServerResponse,
  request: Record<string, unknown>,
  scripted: ScriptedResponse,
): Promise<boolean> {
  if (!openEventStream(res, scripted)) return false;
  const send = (type: string, data: Record<string, unknown> = {}) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const tool = forcedTool(request);
  const input = estimateTokens(request.messages);
  const text = scripted.refusal !== undefined ? "" : (scripted.text ?? "");
  send("message_start", {
    message: {
      id: `msg_fake_${Date.now().toString(36)}`,
      type: "message",
      role: "assistant",
      model: String(request.model ?? "fake-model"),
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: input, output_tokens: 1 },
    },
  });
  send("content_block_start", {
    index: 0,
    content_block: tool ? { type: "tool_use", id: "toolu_fake", name: tool, input: {} } : { type: "text", text: "" },
  });
  send("ping");
  const delta = (chunk: string) =>
    send("content_block_delta", {
      index: 0,
      delta: tool ? { type: "input_json_delta", partial_json: chunk } : { type: "text_delta", text: chunk },
    });
  if (!(await sendChunks(res, scripted, text, delta))) return false;
  send("content_block_stop", { index: 0 });
  send("message_delta", {
    delta: { stop_reason: stopReason(scripted, tool), stop_sequence: null, stop_details: stopDetails(scripted) },
    usage: { output_tokens: Math.max(1, splitChunks(text, scripted.chunkSize).length) },
  });
  send("message_stop");
  res.end();
  return true;
}

function sendMessage(res: ServerResponse, request: Record<string, unknown>, scripted: ScriptedResponse): void {
  const tool = forcedTool(request);
  const text = scripted.refusal !== undefined ? "" : (scripted.text ?? "");
  let input: unknown = {};
  if (tool) {
    try {
      input = JSON.parse(text);
    } catch {
      input = {};
    }
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: "msg_fake",
      type: "message",
      role: "assistant",
      model: String(request.model ?? "fake-model"),
      content: tool ? [{ type: "tool_use", id: "toolu_fake", name: tool, input }] : [{ type: "text", text }],
      stop_reason: stopReason(scripted, tool),
      stop_sequence: null,
      stop_details: stopDetails(scripted),
      usage: { input_tokens: estimateTokens(request.messages), output_tokens: estimateTokens(text) },
    }),
  );
}
