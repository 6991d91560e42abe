import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readObjectStream, StreamAbortedError } from "@partialgen/runtime/client";
import { describe, expect, it } from "vitest";
import { RECORDED_ANSWER } from "../../examples/meeting/replay.js";
import { collectEvents, serverStream } from "./helpers.js";

// toResponse() where users put it: a web-standard route handler (Next.js, Hono, Bun, Deno, Workers), a
// node:http handler as docs/browser.md shows, and what happens when the page goes away mid-answer.

const slowAnswer = [{ text: RECORDED_ANSWER, chunkSize: 3, delayMs: 3 }];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await sleep(5);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const http = createServer(handler);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

describe("toResponse() in a route handler", () => {
  it("web Request → Response (Next.js style): the page reads the answer; the request's abort cancels the model", async () => {
    // The handler as docs/browser.md writes it, with the model behind a scripted server.
    const runs: Awaited<ReturnType<typeof serverStream>>[] = [];
    // biome-ignore lint/correctness/noComponentHookFactories: a route handler, named as Next.js wants it
    async function POST(request: Request): Promise<Response> {
      const run = await serverStream(slowAnswer, { signal: request.signal });
      runs.push(run);
      return run.stream.toResponse();
    }
    try {
      const ok = await POST(new Request("http://app/api/extract", { method: "POST", body: "{}" }));
      expect(await readObjectStream(ok).final()).toEqual(JSON.parse(RECORDED_ANSWER));

      // The framework aborts request.signal when the client disconnects; it may or may not cancel the body.
      const controller = new AbortController();
      const response = await POST(
        new Request("http://app/api/extract", { method: "POST", body: "{}", signal: controller.signal }),
      );
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      const run = runs[1]!;
      await until(() => run.stream.error !== undefined, "the stream's end");
      expect(run.stream.error).toBeInstanceOf(StreamAbortedError);
      await until(() => run.server.received[0]?.closedByClient === true, "the model's request closed");
      // What the body still delivers is a well-formed ending: the page learns it was aborted.
      const rest: Uint8Array[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        rest.push(value);
      }
      expect(new TextDecoder().decode(Buffer.concat(rest))).toMatch(/"type":"error","name":"StreamAbortedError"/);
    } finally {
      await Promise.all(runs.map((r) => r.close()));
    }
  });

  it("a second toResponse() of one stream (a reconnecting page) gets the whole answer too", async () => {
    const run = await serverStream(slowAnswer);
    try {
      const first = readObjectStream(run.stream.toResponse());
      const firstDone = first.final();
      await sleep(30);
      const second = readObjectStream(run.stream.toResponse());
      expect(await second.final()).toEqual(JSON.parse(RECORDED_ANSWER));
      expect(await firstDone).toEqual(JSON.parse(RECORDED_ANSWER));
      // After the end as well.
      expect(await readObjectStream(run.stream.toResponse()).final()).toEqual(JSON.parse(RECORDED_ANSWER));
    } finally {
      await run.close();
    }
  });

  it("a toResponse() made after a retry: the page's count of attempts is the server's", async () => {
    const run = await serverStream(
      [
        { text: '{"a": "wrong"}', chunkSize: 2 },
        { text: '{"a": "right"}', chunkSize: 2, delayMs: 5 },
      ],
      { accept: (v) => (v as { a?: string }).a === "right" },
    );
    try {
      const serverFinal = run.stream.final(); // keeps the stream going when the loop below leaves
      for await (const e of run.stream.events()) if (e.type === "retry") break;
      const page = readObjectStream(run.stream.toResponse());
      const events = await collectEvents(page.events());
      expect(await page.final()).toEqual({ a: "right" });
      expect(events.at(-1)).toMatchObject({ type: "done", attempts: 2 });
      expect(page.attempts).toBe(2);
      expect(await serverFinal).toEqual({ a: "right" });
      expect(run.stream.attempts).toBe(2);
    } finally {
      await run.close();
    }
  });
});

describe("toResponse() piped to a node:http ServerResponse", () => {
  it("the docs' snippet, as written: streams to the page, and a page that leaves cancels the model", async () => {
    const runs: Awaited<ReturnType<typeof serverStream>>[] = [];
    const server = await listen(async (_req, res) => {
      const controller = new AbortController();
      const run = await serverStream(slowAnswer, { signal: controller.signal });
      runs.push(run);
      const stream = run.stream;
      // --- as in docs/browser.md ---
      const response = stream.toResponse();
      res.writeHead(response.status, Object.fromEntries(response.headers));
      // (Under the DOM lib, whose ReadableStream type lacks async iteration, node's fromWeb() wants its own.)
      Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
      res.on("close", () => controller.abort()); // the controller whose signal streamMeetingInfo got
    });
    try {
      const response = await fetch(server.url);
      expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(response.headers.get("x-accel-buffering")).toBe("no");
      expect(await readObjectStream(response).final()).toEqual(JSON.parse(RECORDED_ANSWER));
      expect(runs[0]!.stream.error).toBeUndefined();

      // The page goes away mid-answer.
      const controller = new AbortController();
      const stream = readObjectStream(await fetch(server.url, { signal: controller.signal }), {
        signal: controller.signal,
      });
      for await (const _ of stream) break;
      await until(() => runs[1]?.server.received[0]?.closedByClient === true, "the model's request closed");
      expect(runs[1]!.stream.error).toBeInstanceOf(StreamAbortedError);
    } finally {
      await server.close();
      await Promise.all(runs.map((r) => r.close()));
    }
  });

  it("with pipeline() instead of pipe(), the page leaving cancels the model even without an abort controller", async () => {
    const runs: Awaited<ReturnType<typeof serverStream>>[] = [];
    const server = await listen(async (_req, res) => {
      const run = await serverStream(slowAnswer);
      runs.push(run);
      const response = run.stream.toResponse();
      res.writeHead(response.status, Object.fromEntries(response.headers));
      await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), res).catch(() => {});
    });
    try {
      const stream = readObjectStream(await fetch(server.url));
      for await (const _ of stream) break;
      await until(() => runs[0]?.server.received[0]?.closedByClient === true, "the model's request closed");
      expect(runs[0]!.stream.error).toBeInstanceOf(StreamAbortedError);
    } finally {
      await server.close();
      await Promise.all(runs.map((r) => r.close()));
    }
  });
});
