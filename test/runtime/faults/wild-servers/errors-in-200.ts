import { expect } from "vitest";
import { answerText, prefix } from "../fixtures.js";
import { answerWith, chunk, type Handler, sendData, sseHeaders, usageChunk, writeContent } from "../raw-server.js";
import type { Topic, WildCase } from "./cases.js";

/** The answer's start, then `tail` written as it is, then the close. */
const mid =
  (...tail: string[]): Handler =>
  (res) => {
    sseHeaders(res);
    writeContent(res, prefix);
    for (const t of tail) res.write(t);
    res.end();
  };

/** [server, what it writes after the answer's start, the words the error must quote] */
const errorEvents: [string, string, string][] = [
  [
    "OpenRouter/LiteLLM: data: {error: {...}} on a chunk",
    `data: ${JSON.stringify({ ...chunk([{ index: 0, delta: { content: "" }, finish_reason: "error" }]), error: { code: 502, message: "Upstream provider went away" } })}\n\n`,
    "Upstream provider went away",
  ],
  [
    "event: error with data: {error: {...}}",
    `event: error\ndata: ${JSON.stringify({ error: { message: "Rate limit reached mid-stream", type: "rate_limit" } })}\n\n`,
    "Rate limit reached mid-stream",
  ],
  [
    "event: error with data: {message} (no error field)",
    `event: error\ndata: ${JSON.stringify({ message: "Internal error while decoding", code: 500 })}\n\n`,
    "Internal error while decoding",
  ],
  [
    "TGI: data: {error: string, error_type}",
    `data: ${JSON.stringify({ error: "Request failed during generation: CUDA out of memory", error_type: "generation" })}\n\n`,
    "CUDA out of memory",
  ],
  [
    "vLLM (older): data: {object: error, message, type, code}",
    `data: ${JSON.stringify({ object: "error", message: "The model ran out of KV cache", type: "BadRequestError", param: null, code: 400 })}\n\ndata: [DONE]\n\n`,
    "ran out of KV cache",
  ],
  [
    "data: {type: error, message}",
    `data: ${JSON.stringify({ type: "error", message: "overloaded_error: Overloaded" })}\n\ndata: [DONE]\n\n`,
    "Overloaded",
  ],
];

export const errorsIn200: Topic = {
  name: "errors inside a 200 stream are the server's: ConnectionError naming its message, never malformed, never re-asked",
  cases: [
    ...errorEvents.map(
      ([name, tail, words]): WildCase => ({
        name,
        servers: [mid(tail), answerWith(answerText)],
        want: "transport fault",
        check: ({ error }) => {
          expect(error.code).toBe("server-error");
          expect(error.message).toContain(words);
          expect(error.text).toBe(prefix);
          expect(error.partial?.users?.[0]?.name).toBe("John Doe");
        },
      }),
    ),
    {
      name: "an error chunk that also carries usage: the usage still counts",
      servers: [
        mid(
          `data: ${JSON.stringify({ object: "error", message: "worker died" })}\n\n`,
          `data: ${JSON.stringify(usageChunk(5, 6))}\n\n`,
          "data: [DONE]\n\n",
        ),
      ],
      want: "transport fault",
      check: ({ error, stream }) => {
        expect(error.message).toContain("worker died");
        expect(stream.usage).toEqual({ promptTokens: 5, completionTokens: 6, totalTokens: 11 });
      },
    },
    {
      name: "an event-stream content type whose body is a bare JSON error (no data: framing): the server's message",
      servers: [
        (res) => {
          sseHeaders(res);
          res.end(JSON.stringify({ error: { message: "model 'm' not found, try pulling it first" } }));
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.message).toContain("model 'm' not found");
      },
    },
    {
      name: "llama.cpp's error: field line (not data:) then the close: the server's message",
      servers: [
        (res) => {
          sseHeaders(res);
          writeContent(res, prefix);
          res.end(
            `error: ${JSON.stringify({ code: 500, message: "the request exceeds the available context size", type: "server_error" })}\n\n`,
          );
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.message).toContain("exceeds the available context size");
        expect(error.text).toBe(prefix);
      },
    },
    {
      name: "a FastAPI-style {detail} body under text/event-stream: the server's message",
      servers: [
        (res) => {
          sseHeaders(res);
          res.end(JSON.stringify({ detail: "Model is still loading" }));
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.message).toContain("Model is still loading");
      },
    },
    {
      name: "an SSE body labelled application/json that carries an error event: server-error with its message",
      servers: [
        (res) => {
          res.writeHead(200, { "content-type": "application/json" });
          writeContent(res, prefix);
          sendData(res, { error: { message: "backend exploded" } });
          res.end();
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("server-error");
        expect(error.message).toContain("backend exploded");
        expect(error.text).toBe(prefix);
      },
    },
    {
      name: "an event whose data is not JSON (data: upstream timeout): protocol, quoting it, not malformed",
      servers: [
        (res) => {
          sseHeaders(res);
          writeContent(res, prefix);
          res.end("event: error\ndata: upstream timeout\n\n");
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("protocol");
        expect(error.message).toContain("upstream timeout");
        expect(error.text).toBe(prefix);
      },
    },
    {
      name: "an event-stream body of plain text (a proxy's message): empty, quoting it",
      servers: [
        (res) => {
          sseHeaders(res);
          res.end("upstream connect error or disconnect/reset before headers");
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("empty");
        expect(error.message).toContain("upstream connect error");
      },
    },
    {
      name: "only keep-alive comments, then the close: empty, and the message does not quote the comments",
      servers: [
        (res) => {
          sseHeaders(res);
          res.end(": keep-alive\n\n: keep-alive\n\n");
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("empty");
        expect(error.message).not.toContain("keep-alive");
      },
    },
  ],
};
