// A bare node:http server for fault tests: each test writes exactly the bytes it means, independent of
// partialgen/testing (so the fake server's own behaviour cannot hide a fault).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

export interface RawRequest {
  path: string;
  body: Record<string, unknown>;
  /** The client went away before the handler finished the response. */
  closedByClient: boolean;
}

export interface RawServer {
  readonly baseURL: string;
  readonly requests: RawRequest[];
  /** An openai client for this server (the SDK's own retries off unless given). */
  client(options?: { maxRetries?: number }): OpenAI;
  /** From now on every request is answered by `handler`. */
  setHandler(handler: Handler): void;
  /** An Anthropic client for this server (the SDK's own retries off unless given). */
  anthropic(options?: { maxRetries?: number }): Anthropic;
  /** A GoogleGenAI client for this server (the SDK's own retries off). */
  gemini(): GoogleGenAI;
  close(): Promise<void>;
}

export type Handler = (res: ServerResponse, request: RawRequest, index: number, req: IncomingMessage) => unknown;

const servers = new Set<RawServer>();

/** Starts a server whose n-th request is answered by `handlers[n]` (the last handler answers the rest). */
export async function rawServer(...initial: Handler[]): Promise<RawServer> {
  let handlers = initial;
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const text = Buffer.concat(parts).toString("utf8");
      const request: RawRequest = {
        path: req.url ?? "",
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        closedByClient: false,
      };
      res.on("close", () => {
        if (!res.writableFinished) request.closedByClient = true;
      });
      const index = requests.push(request) - 1;
      const handler = handlers[Math.min(index, handlers.length - 1)];
      if (handler === undefined) {
        res.writeHead(500).end("no handler");
        return;
      }
      Promise.resolve(handler(res, request, index, req)).catch(() => res.destroy());
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseURL = `http://127.0.0.1:${port}/v1`;
  const raw: RawServer = {
    baseURL,
    requests,
    setHandler: (handler) => {
      handlers = [handler];
    },
    client: (options) => new OpenAI({ apiKey: "test", baseURL, maxRetries: options?.maxRetries ?? 0 }),
    gemini: () =>
      new GoogleGenAI({
        apiKey: "test",
        httpOptions: { baseUrl: `http://127.0.0.1:${port}`, retryOptions: { attempts: 1 } },
      }),
    anthropic: (options) =>
      new Anthropic({ apiKey: "test", baseURL: `http://127.0.0.1:${port}`, maxRetries: options?.maxRetries ?? 0 }),
    close: () =>
      new Promise<void>((resolve) => {
        servers.delete(raw);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  servers.add(raw);
  return raw;
}

export function sseHeaders(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
}

export function sendData(res: ServerResponse, data: unknown): void {
  res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

/** A chat.completion.chunk with these choices (and any extra top-level fields). */
export function chunk(choices: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: "c", object: "chat.completion.chunk", created: 0, model: "m", choices, ...extra };
}

export function contentChunk(content: string, finish: string | null = null, index = 0): Record<string, unknown> {
  return chunk([{ index, delta: { content }, finish_reason: finish }]);
}

export function usageChunk(prompt: number, completion: number): Record<string, unknown> {
  return chunk([], {
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  });
}

/** Streams `text` as content chunks of `size`, then finish_reason `finish` (none when null). */
export function writeContent(res: ServerResponse, text: string, size = 7): void {
  for (let i = 0; i < text.length; i += size) sendData(res, contentChunk(text.slice(i, i + size)));
}

/** A complete, well-behaved chat answer. */
export function answerWith(text: string, usage?: [number, number]): Handler {
  return (res) => {
    sseHeaders(res);
    writeContent(res, text);
    sendData(res, contentChunk("", "stop"));
    if (usage) sendData(res, usageChunk(...usage));
    res.end("data: [DONE]\n\n");
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the stream to fail");
}

/**
 * For every fault test file: no unhandled rejection while it runs (besides vitest's own report, the config runs
 * workers with --unhandled-rejections=strict), every server closed after each test, and no socket left open after
 * the file.
 */
export function guardProcess(): void {
  const rejections: unknown[] = [];
  const record = (reason: unknown) => rejections.push(reason);
  let before: Map<string, number>;
  beforeAll(() => {
    process.on("unhandledRejection", record);
    before = countResources();
  });
  afterEach(async () => {
    for (const server of [...servers]) await server.close();
  });
  afterAll(async () => {
    process.off("unhandledRejection", record);
    expect(rejections).toEqual([]);
    // Sockets close asynchronously after the servers destroy them.
    let open = leftOpen(before);
    for (let waited = 0; open.length > 0 && waited < 5000; waited += 50) {
      await sleep(50);
      open = leftOpen(before);
    }
    expect(open, "handles left open after the tests").toEqual([]);
  });
}

function countResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/**
 * Sockets and servers open now beyond those open before the file. (Timers are not compared: the runner's own come
 * and go, so their count says nothing; partialgen's idle timer is cleared in the attempt's `finally`.)
 */
function leftOpen(before: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [name, count] of countResources()) {
    if (!/TCP/.test(name)) continue;
    const extra = count - (before.get(name) ?? 0);
    if (extra > 0) out.push(`${name} ×${extra}`);
  }
  return out;
}

/** An Anthropic SSE event (`event:` line and its JSON, whose `type` is the event's name). */
export function anthropicEvent(res: ServerResponse, type: string, data: Record<string, unknown> = {}): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

/** message_start and the opening of block 0: a text block, or a tool_use block of the tool named. */
export function anthropicStart(res: ServerResponse, tool?: string, inputTokens = 10): void {
  sseHeaders(res);
  anthropicEvent(res, "message_start", {
    message: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "m",
      content: [],
      stop_reason: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  });
  anthropicEvent(res, "content_block_start", {
    index: 0,
    content_block: tool ? { type: "tool_use", id: "toolu_1", name: tool, input: {} } : { type: "text", text: "" },
  });
}

/** Block 0's text (or tool input) in deltas of `size`. */
export function anthropicDeltas(res: ServerResponse, text: string, tool = false, size = 7): void {
  for (let i = 0; i < text.length; i += size) {
    const piece = text.slice(i, i + size);
    anthropicEvent(res, "content_block_delta", {
      index: 0,
      delta: tool ? { type: "input_json_delta", partial_json: piece } : { type: "text_delta", text: piece },
    });
  }
}

/** content_block_stop, message_delta with `stopReason` and the output tokens, message_stop. */
export function anthropicEnd(res: ServerResponse, stopReason: string, outputTokens = 20, extra: object = {}): void {
  anthropicEvent(res, "content_block_stop", { index: 0 });
  anthropicEvent(res, "message_delta", {
    delta: { stop_reason: stopReason, stop_sequence: null, ...extra },
    usage: { output_tokens: outputTokens },
  });
  anthropicEvent(res, "message_stop");
  res.end();
}

/** A Gemini stream chunk: candidate 0 with these text parts, and optionally its finishReason and usage. */
export function geminiChunk(
  text: string,
  finishReason?: string,
  usage?: [number, number],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    candidates: [
      {
        index: 0,
        content: { role: "model", parts: text ? [{ text }] : [] },
        ...(finishReason ? { finishReason } : {}),
      },
    ],
    ...(usage
      ? {
          usageMetadata: {
            promptTokenCount: usage[0],
            candidatesTokenCount: usage[1],
            totalTokenCount: usage[0] + usage[1],
          },
        }
      : {}),
    ...extra,
  };
}
