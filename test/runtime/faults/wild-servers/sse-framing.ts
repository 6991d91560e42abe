import type { ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { expect } from "vitest";
import { answer, answerText } from "../fixtures.js";
import { contentChunk, type Handler, sendData, sleep, sseHeaders, usageChunk, writeContent } from "../raw-server.js";
import type { Topic, WildCase } from "./cases.js";
import { answerWithChunks, chunksOf, finish, framed } from "./servers.js";

const frames: [string, (json: string) => string][] = [
  ["event: lines before every data line", (j) => `event: message\ndata: ${j}\n\n`],
  ["id: and retry: fields", (j) => `id: 17\nretry: 3000\ndata: ${j}\n\n`],
  ["data: without the space", (j) => `data:${j}\n\n`],
  ["CRLF line endings", (j) => `data: ${j}\r\n\r\n`],
  ["CR-only line endings", (j) => `data: ${j}\r\r`],
  ["a comment before every event", (j) => `: ping ${"x".repeat(40)}\n\ndata: ${j}\n\n`],
  ["a comment line inside every event", (j) => `: keep-alive\ndata: ${j}\n\n`],
  ["each event's JSON split over several data: lines", (j) => `data: ${j.replace(/,"/g, ',\ndata: "')}\n\n`],
  ["unknown fields", (j) => `foo: bar\nx-request: 1\ndata: ${j}\n\n`],
];

/** The whole answer as an event stream under this content type (none when undefined). */
const streamBody =
  (contentType: string | undefined): Handler =>
  (res) => {
    res.writeHead(200, contentType === undefined ? {} : { "content-type": contentType });
    writeContent(res, answerText);
    sendData(res, finish());
    sendData(res, usageChunk(3, 3));
    res.end("data: [DONE]\n\n");
  };

export const sseFraming: Topic = {
  name: "SSE framing the spec allows, encodings and content types: the answer is read",
  cases: [
    ...frames.map(
      ([name, frame]): WildCase => ({
        name: `${name}: the answer, one request`,
        servers: [framed(frame)],
        want: "answer",
        check: ({ stream }) => {
          expect(stream.usage).toEqual({ promptTokens: 3, completionTokens: 4, totalTokens: 7 });
        },
      }),
    ),
    {
      name: "a UTF-8 byte order mark before the first event",
      servers: [
        (res) => {
          sseHeaders(res);
          res.write(Buffer.from([0xef, 0xbb, 0xbf]));
          writeContent(res, answerText);
          sendData(res, finish());
          res.end("data: [DONE]\n\n");
        },
      ],
      want: "answer",
    },
    {
      name: "every byte its own write, multi-byte characters split between writes",
      servers: [
        async (res) => {
          const text = JSON.stringify({ ...answer, location: "Café Zürich — 東京 🎉" });
          sseHeaders(res);
          const bytes = Buffer.from(
            [...text.matchAll(/.{1,5}/gsu)].map((m) => `data: ${JSON.stringify(contentChunk(m[0]))}\n\n`).join("") +
              `data: ${JSON.stringify(finish())}\n\ndata: [DONE]\n\n`,
          );
          for (let i = 0; i < bytes.length; i += 1) {
            res.write(bytes.subarray(i, i + 1));
            if (i % 500 === 0) await sleep(1);
          }
          res.end();
        },
      ],
      want: "other",
      check: ({ value }) => {
        expect(value?.location).toBe("Café Zürich — 東京 🎉");
      },
    },
    {
      name: "a very long single line (the whole answer, 300 KB, in one event)",
      servers: [
        answerWithChunks([contentChunk(JSON.stringify({ ...answer, location: "L".repeat(300_000) })), finish()]),
      ],
      want: "other",
      check: ({ value }) => {
        expect(value?.location).toHaveLength(300_000);
      },
    },
    {
      name: "chunks after [DONE], and a second [DONE], are ignored",
      servers: [
        (res) => {
          sseHeaders(res);
          writeContent(res, answerText);
          sendData(res, finish());
          res.write("data: [DONE]\n\n");
          sendData(res, contentChunk("garbage after done"));
          res.end("data: [DONE]\n\n");
        },
      ],
      want: "answer",
    },
    {
      name: "a gzip-encoded event stream (a proxy compressing it)",
      servers: [
        (res) => {
          const body: string[] = [];
          const fake = { write: (s: string) => body.push(s) } as unknown as ServerResponse;
          writeContent(fake, answerText);
          sendData(fake, finish());
          sendData(fake, usageChunk(2, 2));
          body.push("data: [DONE]\n\n");
          res.writeHead(200, { "content-type": "text/event-stream", "content-encoding": "gzip" });
          res.end(gzipSync(body.join("")));
        },
      ],
      want: "answer",
      check: ({ stream }) => {
        expect(stream.usage?.totalTokens).toBe(4);
      },
    },
    ...["text/plain; charset=utf-8", "application/octet-stream", undefined].map(
      (contentType): WildCase => ({
        name: `an SSE body labelled ${contentType}: the answer`,
        servers: [streamBody(contentType)],
        want: "answer",
      }),
    ),
    {
      name: "an SSE body labelled application/json (read whole): the answer and its usage",
      servers: [streamBody("application/json")],
      want: "answer",
      check: ({ stream }) => {
        expect(stream.usage?.totalTokens).toBe(6);
      },
    },
    {
      name: "JSON lines of chunks labelled application/x-ndjson: the answer",
      servers: [
        (res) => {
          res.writeHead(200, { "content-type": "application/x-ndjson" });
          for (const c of [...chunksOf(answerText), finish()]) res.write(`${JSON.stringify(c)}\n`);
          res.end();
        },
      ],
      want: "answer",
    },
  ],
};
