import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { readObjectStream } from "@partialgen/runtime/client";
import { describe, expect, it } from "vitest";
import { RECORDED_ANSWER, tokenLikeChunkSizes } from "../../examples/meeting/replay.js";
import { FLUSH, RECORD_START } from "../../runtime/wire/format.js";
import { bodyBytes, serverStream } from "./helpers.js";

describe("stream.toResponse()", () => {
  it("is a streaming web Response that proxies must not buffer or transform", async () => {
    const run = await serverStream([{ text: '{"a": 1}' }]);
    try {
      const response = run.stream.toResponse({ headers: { "access-control-allow-origin": "*" }, status: 201 });
      expect(response.status).toBe(201);
      expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
      expect(response.headers.get("x-accel-buffering")).toBe("no");
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      const body = new TextDecoder().decode(await bodyBytes(response));
      expect(body.startsWith(`${RECORD_START}{"partialgen":1,"nulls":"drop"}\n`)).toBe(true);
      expect(body.endsWith(`${RECORD_START}{"type":"done"}\n`)).toBe(true);
    } finally {
      await run.close();
    }
  });

  it("forwards what the model wrote, verbatim, with one flush byte per snapshot", async () => {
    const sizes = tokenLikeChunkSizes(RECORDED_ANSWER);
    const run = await serverStream([{ text: RECORDED_ANSWER, chunkSize: sizes }]);
    try {
      const response = run.stream.toResponse();
      let snapshots = 0;
      const [, bytes] = await Promise.all([
        (async () => {
          for await (const _ of run.stream) snapshots++;
        })(),
        bodyBytes(response),
      ]);
      const body = new TextDecoder().decode(bytes);
      const records = body.split("\n").filter((l) => l.includes(RECORD_START));
      expect(records).toHaveLength(2); // start and done
      const text = body.replace(new RegExp(`${RECORD_START}[^\n]*\n`, "g"), "");
      expect(text.split(FLUSH).join("")).toBe(RECORDED_ANSWER);
      expect(text.split(FLUSH).length - 1).toBe(snapshots);
    } finally {
      await run.close();
    }
  });

  it("error messages can be replaced for the page; the class name is always sent", async () => {
    const run = await serverStream([{ text: '{"a": "hello"}', disconnectAfter: 5, chunkSize: 1 }]);
    try {
      const response = run.stream.toResponse({ errorMessage: () => "the extraction failed" });
      const error = await readObjectStream(response)
        .final()
        .catch((e: unknown) => e as Error);
      if (!(error instanceof Error)) throw new Error("expected an error");
      expect(error.name).toBe("ConnectionError");
      expect(error.message).toBe("the extraction failed");
    } finally {
      await run.close();
    }
  });

  it("lenient mode: a body read after the stream ended, or made after a retry, gets exactly the value's text", async () => {
    const answer = 'Sure! Here it is:\n```json\n{"a": [1, 2], "b": "x"}\n```\nAnything else?';
    const run = await serverStream(
      [
        { text: "Let me think. {oops", chunkSize: 3 },
        { text: answer, chunkSize: 3 },
      ],
      {
        mode: "json",
        maxRetries: 1,
      },
    );
    try {
      const early = run.stream.toResponse();
      await run.stream.final(); // the model is done before either body is read
      const late = run.stream.toResponse();
      for (const response of [early, late]) {
        const body = new TextDecoder().decode(await bodyBytes(response));
        expect(body).not.toContain("Sure!");
        expect(body).not.toContain("Anything else");
        expect(await readObjectStream(new Response(body)).final()).toEqual({ a: [1, 2], b: "x" });
      }
    } finally {
      await run.close();
    }
  });

  it("usage goes to the page only when asked", async () => {
    const run = await serverStream([{ text: '{"a": 1}' }]);
    try {
      const [without, withUsage] = [run.stream.toResponse(), run.stream.toResponse({ usage: true })];
      const a = readObjectStream(without);
      const b = readObjectStream(withUsage);
      await Promise.all([a.final(), b.final()]);
      expect(a.usage).toBeUndefined();
      expect(b.usage?.totalTokens).toBeGreaterThan(0);
      expect(b.usage).toEqual(run.stream.usage);
    } finally {
      await run.close();
    }
  });

  it("pipes to a node:http response (Readable.fromWeb), and fetch() reads it in the browser's way", async () => {
    const run = await serverStream([{ text: RECORDED_ANSWER, chunkSize: 5, delayMs: 1 }]);
    const http = createServer((_req, res) => {
      const response = run.stream.toResponse();
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      res.writeHead(response.status, headers);
      Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = http.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`);
      const value = await readObjectStream(response).final();
      expect(value).toEqual(JSON.parse(RECORDED_ANSWER));
    } finally {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await run.close();
    }
  });

  it("cancelling the body (the page went away) cancels the model's request when no one else reads", async () => {
    const run = await serverStream([{ text: RECORDED_ANSWER, chunkSize: 3, delayMs: 2 }]);
    try {
      const reader = (run.stream.toResponse().body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      await reader.cancel();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(run.stream.error?.name).toBe("StreamAbortedError");
      expect(run.server.received[0]?.closedByClient).toBe(true);
    } finally {
      await run.close();
    }
  });

  it("... and goes on when the server awaits final() too", async () => {
    const run = await serverStream([{ text: RECORDED_ANSWER, chunkSize: 3, delayMs: 2 }]);
    try {
      const final = run.stream.final();
      const reader = (run.stream.toResponse().body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      await reader.cancel();
      await expect(final).resolves.toEqual(JSON.parse(RECORDED_ANSWER));
    } finally {
      await run.close();
    }
  });
});
