import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One scripted answer. Answers are served in order, one per request. */
export interface ScriptedResponse {
  /** The JSON text the model "writes" (content, tool-call arguments or output_text, as the request asks). */
  text?: string;
  /** Characters per chunk: a number, or a list used in turn and repeated (default 4). */
  chunkSize?: number | readonly number[];
  /**
   * finish_reason of the last chunk (default "stop"). In the Responses API, "length" and "content_filter" end
   * the answer with `response.incomplete` (reason max_output_tokens / content_filter).
   */
  finishReason?: "stop" | "length" | "content_filter" | "tool_calls";
  /** The model refuses with this text (sent as refusal deltas instead of `text`). */
  refusal?: string;
  /** Answer with this HTTP error status instead of a stream. */
  status?: number;
  /** With `status`: seconds in a Retry-After header (also sent as retry-after-ms). */
  retryAfter?: number;
  /** Destroy the socket (a reset) after this many characters of `text` were sent. */
  disconnectAfter?: number;
  /**
   * End the response cleanly after this many characters of `text`: no finish_reason and no `[DONE]` (no
   * `response.completed`), as a server or proxy that gives up politely does. 0 sends an empty 200 stream.
   */
  closeAfter?: number;
  /** Send nothing more after this many characters of `text`, keeping the connection open (a stalled server). */
  stallAfter?: number;
  /**
   * Answer with this body instead of an event stream, e.g. `{ contentType: "text/html", body: "<h1>Bad
   * gateway</h1>" }` for a proxy's page, or a JSON body with status 200 (default status 200).
   */
  rawBody?: { status?: number; contentType: string; body: string };
  /** Milliseconds to wait before each chunk (default 0). */
  delayMs?: number;
}

export interface FakeOpenAIOptions {
  responses: readonly ScriptedResponse[];
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
}

/** One request as the server saw it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  body: unknown;
  /** The client closed the connection before the answer was complete (an abort, say). */
  closedByClient: boolean;
  /** The whole answer was sent. */
  completed: boolean;
}

export interface FakeOpenAI {
  /** "http://127.0.0.1:PORT/v1", for `new OpenAI({ baseURL })`. */
  readonly baseURL: string;
  /** Request bodies received, in order. */
  readonly requests: readonly unknown[];
  /** Every request with what happened to its connection. */
  readonly received: readonly ReceivedRequest[];
  /** Adds answers to the end of the script. */
  push(...responses: ScriptedResponse[]): void;
  close(): Promise<void>;
}

/**
 * A local OpenAI-compatible server for tests and UI development: POST /v1/chat/completions answers with
 * SSE `chat.completion.chunk` events and `data: [DONE]` (content deltas, or tool-call argument deltas when
 * the request forces a tool; a usage chunk when `stream_options.include_usage`), POST /v1/responses with
 * Responses API events. Runs on 127.0.0.1 only.
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions): Promise<FakeOpenAI> {
  const script = [...options.responses];
  const requests: unknown[] = [];
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let served = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `fake server error: ${(error as Error).message}`);
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw === "" ? undefined : JSON.parse(raw);
    } catch {
      sendError(res, 400, "request body is not JSON");
      return;
    }
    const path = (req.url ?? "").split("?")[0] ?? "";
    const record: ReceivedRequest = { method: req.method ?? "", path, body, closedByClient: false, completed: false };
    requests.push(body);
    received.push(record);
    res.on("close", () => {
      if (!record.completed) record.closedByClient = !res.writableFinished;
    });
    if (req.method !== "POST" || (path !== "/v1/chat/completions" && path !== "/v1/responses")) {
      sendError(
        res,
        404,
        `the fake server answers POST /v1/chat/completions and POST /v1/responses, not ${req.method} ${path}`,
      );
      return;
    }
    const scripted = script.shift();
    served++;
    if (!scripted) {
      sendError(
        res,
        500,
        `partialgen fake server: request #${served} (${path}) has no scripted response left (${served - 1} were scripted)`,
      );
      return;
    }
    if (scripted.status !== undefined) {
      const headers: Record<string, string> = {};
      if (scripted.retryAfter !== undefined) {
        headers["retry-after"] = String(Math.ceil(scripted.retryAfter));
        headers["retry-after-ms"] = String(Math.round(scripted.retryAfter * 1000));
      }
      sendError(res, scripted.status, `scripted HTTP ${scripted.status}`, headers);
      record.completed = true;
      return;
    }
    if (scripted.rawBody !== undefined) {
      res.writeHead(scripted.rawBody.status ?? 200, { "content-type": scripted.rawBody.contentType });
      res.end(scripted.rawBody.body);
      record.completed = true;
      return;
    }
    const request = (body ?? {}) as Record<string, unknown>;
    let whole = true;
    if (path === "/v1/responses") whole = await streamResponses(res, request, scripted);
    else if (request.stream === true) whole = await streamChat(res, request, scripted);
    else sendChatCompletion(res, request, scripted);
    record.completed = whole && !res.destroyed;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    received,
    push: (...more) => script.push(...more),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(
    JSON.stringify({
      error: { message, type: status === 429 ? "rate_limit_exceeded" : "server_error", code: null, param: null },
    }),
  );
}

/** Splits text by the scripted chunk sizes (never inside a surrogate pair, as a real tokenizer would not). */
export function splitChunks(text: string, chunkSize: number | readonly number[] = 4): string[] {
  const sizes = typeof chunkSize === "number" ? [chunkSize] : chunkSize.length > 0 ? chunkSize : [4];
  const chunks: string[] = [];
  for (let i = 0, k = 0; i < text.length; k++) {
    let end = i + Math.max(1, sizes[k % sizes.length] as number);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    chunks.push(text.slice(i, end));
    i = end;
  }
  return chunks;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function estimateTokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value ?? "").length / 4));
}

/** Where the scripted answer stops early, and how. */
function cutOf(scripted: ScriptedResponse): { after: number; how: "reset" | "close" | "stall" } | undefined {
  const cuts = [
    { after: scripted.disconnectAfter, how: "reset" as const },
    { after: scripted.closeAfter, how: "close" as const },
    { after: scripted.stallAfter, how: "stall" as const },
  ].filter((c): c is { after: number; how: "reset" | "close" | "stall" } => c.after !== undefined);
  return cuts.sort((a, b) => a.after - b.after)[0];
}

/**
 * Sends the scripted text chunk by chunk through `sendChunk` (one wire format's event), waiting `delayMs`
 * before each. With a cut (`disconnectAfter`, `closeAfter`, `stallAfter`), sends exactly that many characters,
 * flushes, and then destroys the socket, ends the response, or waits for the client to leave. Returns false
 * when the answer was cut off (or the client went away), true when all was sent.
 */
async function sendChunks(
  res: ServerResponse,
  scripted: ScriptedResponse,
  text: string,
  sendChunk: (chunk: string) => void,
): Promise<boolean> {
  const cut = cutOf(scripted);
  const cutNow = async (): Promise<false> => {
    await new Promise<void>((resolve) => res.write("", () => resolve()));
    if (cut?.how === "reset") res.destroy();
    else if (cut?.how === "close") res.end();
    else await new Promise<void>((resolve) => res.once("close", () => resolve()));
    return false;
  };
  let budget = cut?.after ?? Number.POSITIVE_INFINITY;
  for (const chunk of splitChunks(text, scripted.chunkSize)) {
    if (res.destroyed) return false;
    if (scripted.delayMs) await sleep(scripted.delayMs);
    if (chunk.length > budget) {
      if (budget > 0) sendChunk(chunk.slice(0, budget));
      return cutNow();
    }
    budget -= chunk.length;
    sendChunk(chunk);
  }
  // A cut at or past the end of the text comes before the finish.
  if (cut) return cutNow();
  return !res.destroyed;
}

/** The SSE response head; false when the script asks for an empty stream (closed at once, cleanly). */
function openEventStream(res: ServerResponse, scripted: ScriptedResponse): boolean {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  if (scripted.closeAfter !== 0) return true;
  res.end();
  return false;
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
