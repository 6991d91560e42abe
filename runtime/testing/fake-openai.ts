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

export type FakeOpenAIOptions = FakeServerOptions;
/** `baseURL` is "http://127.0.0.1:PORT/v1", for `new OpenAI({ baseURL })`. */
export type FakeOpenAI = FakeServer;

/**
 * A local OpenAI-compatible server for tests and UI development: POST /v1/chat/completions answers with
 * SSE `chat.completion.chunk` events and `data: [DONE]` (content deltas, or tool-call argument deltas when
 * the request forces a tool; a usage chunk when `stream_options.include_usage`), POST /v1/responses with
 * Responses API events. Runs on 127.0.0.1 only.
 */
export function startFakeOpenAI(options: FakeOpenAIOptions): Promise<FakeOpenAI> {
  return startScriptedServer(options, {
    name: "OpenAI",
    routes: {
      "/v1/chat/completions": streamChat,
      "/v1/responses": streamResponses,
    },
    whole: { "/v1/chat/completions": sendChatCompletion },
    errorBody: (status, message) => ({
      error: { message, type: status === 429 ? "rate_limit_exceeded" : "server_error", code: null, param: null },
    }),
    basePath: "/v1",
  });
}

async function streamChat(
  res: ServerResponse,
  request: Record<string, unknown>,
  scripted: ScriptedResponse,
): Promise<boolean> {
  if (!openEventStream(res, scripted)) return false;
  const id = `chatcmpl-fake-${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const model = String(request.model ?? "fake-model");
  const toolChoice = request.tool_choice as { function?: { name?: string } } | undefined;
  const tool = toolChoice?.function?.name;
  const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices, ...extra })}\n\n`,
    );
  const delta = (d: Record<string, unknown>, finish: string | null = null) =>
    send([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);

  const refusing = scripted.refusal !== undefined;
  const text = refusing ? (scripted.refusal as string) : (scripted.text ?? "");
  const chunkCount = splitChunks(text, scripted.chunkSize).length;

  delta(
    tool
      ? {
          role: "assistant",
          content: null,
          tool_calls: [{ index: 0, id: "call_fake", type: "function", function: { name: tool, arguments: "" } }],
        }
      : { role: "assistant", content: "" },
  );
  const piece = (chunk: string) =>
    refusing
      ? { refusal: chunk }
      : tool
        ? { tool_calls: [{ index: 0, function: { arguments: chunk } }] }
        : { content: chunk };
  if (!(await sendChunks(res, scripted, text, (chunk) => delta(piece(chunk))))) return false;
  delta({}, scripted.finishReason ?? "stop");
  const streamOptions = request.stream_options as { include_usage?: boolean } | undefined;
  if (streamOptions?.include_usage) {
    const prompt = estimateTokens(request.messages);
    send([], {
      usage: { prompt_tokens: prompt, completion_tokens: chunkCount, total_tokens: prompt + chunkCount },
    });
  }
  res.end("data: [DONE]\n\n");
  return true;
}

function sendChatCompletion(res: ServerResponse, request: Record<string, unknown>, scripted: ScriptedResponse): void {
  const prompt = estimateTokens(request.messages);
  const completion = estimateTokens(scripted.text);
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: "chatcmpl-fake",
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: String(request.model ?? "fake-model"),
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: scripted.refusal ? null : (scripted.text ?? ""),
            refusal: scripted.refusal ?? null,
          },
          finish_reason: scripted.finishReason ?? "stop",
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    }),
  );
}

async function streamResponses(
  res: ServerResponse,
  request: Record<string, unknown>,
  scripted: ScriptedResponse,
): Promise<boolean> {
  if (!openEventStream(res, scripted)) return false;
  let sequence = 0;
  const id = `resp_fake_${Date.now().toString(36)}`;
  const itemId = "msg_fake";
  const model = String(request.model ?? "fake-model");
  const send = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
  const response = (status: string, extra: Record<string, unknown> = {}) => ({
    id,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    model,
    output: [],
    ...extra,
  });

  const refusing = scripted.refusal !== undefined;
  const text = refusing ? (scripted.refusal as string) : (scripted.text ?? "");
  const chunkCount = splitChunks(text, scripted.chunkSize).length;
  send("response.created", { response: response("in_progress") });
  send("response.output_item.added", {
    output_index: 0,
    item: { id: itemId, type: "message", role: "assistant", status: "in_progress", content: [] },
  });
  send("response.content_part.added", {
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    part: refusing ? { type: "refusal", refusal: "" } : { type: "output_text", text: "", annotations: [] },
  });
  const deltaType = refusing ? "response.refusal.delta" : "response.output_text.delta";
  const sendDelta = (chunk: string) =>
    send(deltaType, { item_id: itemId, output_index: 0, content_index: 0, delta: chunk });
  if (!(await sendChunks(res, scripted, text, sendDelta))) return false;
  const input = estimateTokens(request.input);
  const usage = { input_tokens: input, output_tokens: chunkCount, total_tokens: input + chunkCount };
  if (scripted.finishReason === "length" || scripted.finishReason === "content_filter") {
    const reason = scripted.finishReason === "length" ? "max_output_tokens" : "content_filter";
    send("response.incomplete", { response: response("incomplete", { incomplete_details: { reason }, usage }) });
  } else {
    send(refusing ? "response.refusal.done" : "response.output_text.done", {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      [refusing ? "refusal" : "text"]: text,
    });
    send("response.completed", { response: response("completed", { usage }) });
  }
  res.end();
  return true;
}
