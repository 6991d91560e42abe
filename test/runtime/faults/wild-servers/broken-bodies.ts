import { gzipSync } from "node:zlib";
import { expect } from "vitest";
import { answer, answerText, prefix } from "../fixtures.js";
import { answerWith, contentChunk, sendData, sleep, sseHeaders, writeContent } from "../raw-server.js";
import type { Topic } from "./cases.js";
import { finish } from "./servers.js";

export const brokenBodies: Topic = {
  name: "the body breaks or stalls before the answer ends",
  cases: [
    {
      name: "headers sent, then the socket destroyed before any byte: reset, one request",
      servers: [
        (res) => {
          sseHeaders(res);
          res.flushHeaders();
          setTimeout(() => res.destroy(), 20);
        },
        answerWith(answerText),
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("reset");
        expect(error.text).toBe("");
        expect(error.partial).toBeUndefined();
      },
    },
    {
      name: "a body cut off in the middle of a UTF-8 sequence, inside an event: closed, with the text before it",
      servers: [
        (res) => {
          sseHeaders(res);
          writeContent(res, prefix);
          const event = Buffer.from(`data: ${JSON.stringify(contentChunk("é東京"))}\n\n`);
          res.end(event.subarray(0, event.indexOf(Buffer.from("東")) + 1));
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("closed");
        expect(error.text).toBe(prefix);
      },
    },
    {
      name: "a stall in the middle of an event: idle, the request cancelled",
      servers: [
        (res) => {
          sseHeaders(res);
          writeContent(res, prefix);
          res.write('data: {"id":"c","choices":[{"index":0,"delta":{"content":"xy');
        },
      ],
      options: { idleTimeoutMs: 150 },
      want: "transport fault",
      check: async ({ error, server }) => {
        expect(error.code).toBe("idle");
        expect(error.text).toBe(prefix);
        await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
      },
    },
    {
      name: "a 200 JSON body whose connection breaks mid-body: reset, not not-sse, one request",
      servers: [
        (res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.write('{"id": "x", "choices": [');
          res.write("", () => res.destroy());
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("reset");
      },
    },
    {
      name: "a 200 JSON body that stalls after its headers: idle, not a hang",
      servers: [
        (res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.write('{"id": "x", "choices": [');
        },
      ],
      options: { idleTimeoutMs: 150 },
      want: "transport fault",
      check: async ({ error, server }) => {
        expect(error.code).toBe("idle");
        await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
      },
    },
    {
      name: "an SSE body labelled application/json cut off mid-answer: closed with the text",
      servers: [
        (res) => {
          res.writeHead(200, { "content-type": "application/json" });
          writeContent(res, prefix);
          res.end();
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("closed");
        expect(error.text).toBe(prefix);
      },
    },
    {
      name: "content-length longer than the body (the server closed early): reset, one request",
      servers: [
        (res) => {
          res.writeHead(200, { "content-type": "text/event-stream", "content-length": "100000" });
          writeContent(res, prefix);
          res.write("", () => res.destroy());
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("reset");
        expect(error.text).toBe(prefix);
      },
    },
    {
      name: "a corrupt gzip body: reset, not a hang, one request",
      servers: [
        (res) => {
          res.writeHead(200, { "content-type": "text/event-stream", "content-encoding": "gzip" });
          const zipped = gzipSync(`data: ${JSON.stringify(contentChunk(prefix))}\n\n`.repeat(50));
          res.end(Buffer.concat([zipped.subarray(0, 40), Buffer.from("garbage-garbage-garbage")]));
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("reset");
      },
    },
    {
      name: "the caller's abort while a whole JSON body is still arriving: StreamAbortedError at once, request cancelled",
      servers: [
        (res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.write('{"choices": [');
        },
      ],
      options: { abortAfterMs: 50 },
      want: "other",
      check: async ({ error, server }) => {
        expect(error?.name).toBe("StreamAbortedError");
        await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
      },
    },
    {
      name: "keep-alives before the end still keep a slow answer alive (4× the timeout of pings mid-answer)",
      servers: [
        async (res) => {
          sseHeaders(res);
          writeContent(res, prefix);
          for (let i = 0; i < 30; i++) {
            res.write(": ping\n\n");
            await sleep(20);
          }
          writeContent(res, answerText.slice(prefix.length));
          sendData(res, finish());
          res.end("data: [DONE]\n\n");
        },
      ],
      options: { idleTimeoutMs: 150 },
      want: "other",
      check: ({ value }) => {
        expect(value).toEqual(answer);
      },
    },
  ],
};
