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
   * the answer with `response.incomplete` (reason max_output_tokens / content_filter). Anthropic's stop_reason:
   * "length" is "max_tokens", "content_filter" is "refusal", any other is "end_turn" ("tool_use" for a tool).
   */
  finishReason?: "stop" | "length" | "content_filter" | "tool_calls";
  /** The model refuses with this text (OpenAI: refusal deltas instead of `text`; Anthropic: the refusal's explanation). */
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

export interface FakeServerOptions {
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

export interface FakeServer {
  /** The base URL for the provider's client (see each start function). */
  readonly baseURL: string;
  /** Request bodies received, in order. */
  readonly requests: readonly unknown[];
  /** Every request with what happened to its connection. */
  readonly received: readonly ReceivedRequest[];
  /** Adds answers to the end of the script. */
  push(...responses: ScriptedResponse[]): void;
  close(): Promise<void>;
}

/** One provider's wire format, as the scripted server speaks it. */
export interface FakeProtocol {
  /** Who is speaking, for the server's own error messages. */
  name: string;
  /** The POST paths served, each with the streamed answer it sends (false when the answer was cut off). */
  routes: Record<
    string,
    (res: ServerResponse, request: Record<string, unknown>, scripted: ScriptedResponse) => Promise<boolean>
  >;
  /** The route a path is served by, for paths that carry a name (Gemini's model); default: the path itself. */
  match?: (path: string) => string | undefined;
  /** Per path, the answer as one JSON body for a request without `stream: true`, where the provider has one. */
  whole?: Record<string, (res: ServerResponse, request: Record<string, unknown>, scripted: ScriptedResponse) => void>;
  /** The provider's error body. */
  errorBody(status: number, message: string): unknown;
  /** What the base URL adds to the server's origin ("/v1" for OpenAI, whose clients expect it there). */
  basePath: string;
}

/** A local HTTP server on 127.0.0.1 answering one provider's requests with scripted answers, one per request. */
export async function startScriptedServer(options: FakeServerOptions, protocol: FakeProtocol): Promise<FakeServer> {
  const script = [...options.responses];
  const requests: unknown[] = [];
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let served = 0;
  const sendError = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(protocol.errorBody(status, message)));
  };

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
    const key = protocol.match?.(path) ?? path;
    const route = Object.hasOwn(protocol.routes, key) ? protocol.routes[key] : undefined;
    if (req.method !== "POST" || route === undefined) {
      const paths = Object.keys(protocol.routes).map((p) => `POST ${p}`);
      sendError(res, 404, `the fake ${protocol.name} server answers ${paths.join(" and ")}, not ${req.method} ${path}`);
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
    const answerWhole =
      protocol.whole !== undefined && Object.hasOwn(protocol.whole, path) ? protocol.whole[path] : undefined;
    if (request.stream === true || answerWhole === undefined) whole = await route(res, request, scripted);
    else answerWhole(res, request, scripted);
    record.completed = whole && !res.destroyed;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}${protocol.basePath}`,
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

export function estimateTokens(value: unknown): number {
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
export async function sendChunks(
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
export function openEventStream(res: ServerResponse, scripted: ScriptedResponse): boolean {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  if (scripted.closeAfter !== 0) return true;
  res.end();
  return false;
}
