// Servers that misbehave the way real ones do (vLLM, llama.cpp, TGI, Ollama, LM Studio, LiteLLM/OpenRouter
// proxies, Azure, nginx in front): each writes its bytes on a bare node:http socket. What users rely on: the
// answer when there is one; otherwise the right error class with the server's own words, the partial and the
// text; never a re-ask (a second bill) for a fault that is not the model's; usage counted once per attempt.
import type { ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import {
  ConnectionError,
  ContentFilterError,
  MalformedJSONError,
  RefusalError,
  StreamError,
  TruncationError,
} from "@partialgen/runtime";
import OpenAI from "openai";
import OpenAIv5 from "openai-v5";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type MeetingInfo,
  type PartialMeetingInfo,
  streamMeetingInfo,
} from "../../../examples/meeting/generated/index.js";
import { answer, answerText, messages, prefix } from "./fixtures.js";
import {
  answerWith,
  chunk,
  contentChunk,
  guardProcess,
  type Handler,
  type RawServer,
  rawServer,
  sendData,
  sleep,
  sseHeaders,
  usageChunk,
  writeContent,
} from "./raw-server.js";

guardProcess();

/** Every server below is read through both majors of the SDK the runtime supports (their SSE readers differ). */
const SDKS = [
  ["openai 6", OpenAI],
  ["openai 5", OpenAIv5],
] as const;
let SDK: (typeof SDKS)[number][1] = OpenAI;

function clientOf(server: RawServer, maxRetries = 0) {
  return new SDK({ apiKey: "test", baseURL: server.baseURL, maxRetries });
}

type Mode = "json_schema" | "tools" | "responses";

/** One call against one server; `maxRetries: 2` so that any re-ask would show as a second request. */
async function call(handlers: Handler[], options: { mode?: Mode; sdkRetries?: number; idleTimeoutMs?: number } = {}) {
  const server = await rawServer(...handlers);
  const stream = streamMeetingInfo({
    client: clientOf(server, options.sdkRetries ?? 0),
    model: "m",
    messages,
    maxRetries: 2,
    ...(options.mode ? { mode: options.mode } : {}),
    ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
  });
  let value: MeetingInfo | undefined;
  let error: StreamError<PartialMeetingInfo> | undefined;
  try {
    value = await stream.final();
  } catch (e) {
    error = e as StreamError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(StreamError);
    expect(stream.error).toBe(error);
  }
  return { server, stream, value, error };
}

/** The call fails with a ConnectionError after exactly one request, never re-asked nor blamed on the model. */
async function transportFault(handlers: Handler[], options: Parameters<typeof call>[1] = {}) {
  const result = await call(handlers, options);
  expect(result.error).toBeInstanceOf(ConnectionError);
  expect(result.error?.message).not.toMatch(/model's answer|malformed/i);
  expect(result.server.requests).toHaveLength(1);
  expect(result.stream.attempts).toBe(1);
  return { ...result, error: result.error as ConnectionError<PartialMeetingInfo> };
}

async function succeeds(handlers: Handler[], options: Parameters<typeof call>[1] = {}) {
  const result = await call(handlers, options);
  expect(result.error).toBeUndefined();
  expect(result.value).toEqual(answer);
  expect(result.server.requests).toHaveLength(1);
  return result;
}

const finish = (reason = "stop") => chunk([{ index: 0, delta: {}, finish_reason: reason }]);

/** Writes the answer as content chunks through `write`, then a finish and usage, through `frame` (the SSE framing). */
function framed(frame: (json: string) => string, text = answerText): Handler {
  return (res) => {
    sseHeaders(res);
    for (let i = 0; i < text.length; i += 11) res.write(frame(JSON.stringify(contentChunk(text.slice(i, i + 11)))));
    res.write(frame(JSON.stringify(finish())));
    res.write(frame(JSON.stringify(usageChunk(3, 4))));
    res.end(frame("[DONE]"));
  };
}

describe.each(SDKS)("%s", (_name, sdk) => {
  beforeAll(() => {
    SDK = sdk;
  });

  describe("SSE framing variants the spec allows", () => {
    it.each<[string, (json: string) => string]>([
      ["event: lines before every data line", (j) => `event: message\ndata: ${j}\n\n`],
      ["id: and retry: fields", (j) => `id: 17\nretry: 3000\ndata: ${j}\n\n`],
      ["data: without the space", (j) => `data:${j}\n\n`],
      ["CRLF line endings", (j) => `data: ${j}\r\n\r\n`],
      ["CR-only line endings", (j) => `data: ${j}\r\r`],
      ["a comment before every event", (j) => `: ping ${"x".repeat(40)}\n\ndata: ${j}\n\n`],
      ["a comment line inside every event", (j) => `: keep-alive\ndata: ${j}\n\n`],
      ["each event's JSON split over several data: lines", (j) => `data: ${j.replace(/,"/g, ',\ndata: "')}\n\n`],
      ["unknown fields", (j) => `foo: bar\nx-request: 1\ndata: ${j}\n\n`],
    ])("%s: the answer, one request", async (_name, frame) => {
      const { stream } = await succeeds([framed(frame)]);
      expect(stream.usage).toEqual({ promptTokens: 3, completionTokens: 4, totalTokens: 7 });
    });

    it("a UTF-8 byte order mark before the first event", async () => {
      await succeeds([
        (res) => {
          sseHeaders(res);
          res.write(Buffer.from([0xef, 0xbb, 0xbf]));
          writeContent(res, answerText);
          sendData(res, finish());
          res.end("data: [DONE]\n\n");
        },
      ]);
    });

    it("every byte its own write, multi-byte characters split between writes", async () => {
      const text = JSON.stringify({ ...answer, location: "Café Zürich — 東京 🎉" });
      const result = await call([
        async (res) => {
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
      ]);
      expect(result.value?.location).toBe("Café Zürich — 東京 🎉");
    });

    it("a very long single line (the whole answer, 300 KB, in one event)", async () => {
      const long = JSON.stringify({ ...answer, location: "L".repeat(300_000) });
      const result = await call([answerWithChunks([contentChunk(long), finish()])]);
      expect(result.value?.location).toHaveLength(300_000);
    });

    it("chunks after [DONE], and a second [DONE], are ignored", async () => {
      await succeeds([
        (res) => {
          sseHeaders(res);
          writeContent(res, answerText);
          sendData(res, finish());
          res.write("data: [DONE]\n\n");
          sendData(res, contentChunk("garbage after done"));
          res.end("data: [DONE]\n\n");
        },
      ]);
    });
  });

  function answerWithChunks(chunks: unknown[]): Handler {
    return (res) => {
      sseHeaders(res);
      for (const c of chunks) sendData(res, c);
      res.end("data: [DONE]\n\n");
    };
  }

  describe("errors inside a 200 stream are the server's: ConnectionError naming its message, never malformed, never re-asked", () => {
    const mid =
      (...tail: string[]): Handler =>
      (res) => {
        sseHeaders(res);
        writeContent(res, prefix);
        for (const t of tail) res.write(t);
        res.end();
      };

    it.each<[string, string, string]>([
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
    ])("%s", async (_name, tail, text) => {
      const { error } = await transportFault([mid(tail), answerWith(answerText)]);
      expect(error.code).toBe("server-error");
      expect(error.message).toContain(text);
      expect(error.text).toBe(prefix);
      expect(error.partial?.users?.[0]?.name).toBe("John Doe");
    });

    it("an error chunk that also carries usage: the usage still counts", async () => {
      const { error, stream } = await transportFault([
        mid(
          `data: ${JSON.stringify({ object: "error", message: "worker died" })}\n\n`,
          `data: ${JSON.stringify(usageChunk(5, 6))}\n\n`,
          "data: [DONE]\n\n",
        ),
      ]);
      expect(error.message).toContain("worker died");
      expect(stream.usage).toEqual({ promptTokens: 5, completionTokens: 6, totalTokens: 11 });
    });
  });

  describe("finish_reason values beyond stop and length", () => {
    const ending = (text: string, reason: string | null, extra: unknown[] = []): Handler =>
      answerWithChunks([
        ...chunksOf(text),
        chunk([{ index: 0, delta: {}, finish_reason: reason }]),
        ...extra,
        usageChunk(2, 3),
      ]);

    it.each(["eos", "eos_token", "stop_sequence", "end_turn", "tool_calls", "function_call", "STOP"])(
      "a complete answer ending with %s is the answer",
      async (reason) => {
        const { stream } = await succeeds([ending(answerText, reason)]);
        expect(stream.usage?.totalTokens).toBe(5);
      },
    );

    it.each(["abort", "error", "cancelled"])(
      "vLLM/OpenRouter %s mid-answer: ConnectionError server-error naming it, not malformed, not re-asked",
      async (reason) => {
        const { error, stream } = await transportFault([ending(prefix, reason), answerWith(answerText)]);
        expect(error.code).toBe("server-error");
        expect(error.message).toContain(reason);
        expect(error.text).toBe(prefix);
        expect(error.partial?.users?.[0]?.name).toBe("John Doe");
        expect(stream.usage?.totalTokens).toBe(5);
      },
    );

    it("max_tokens (Anthropic-style proxies) is a truncation", async () => {
      const result = await call([ending(prefix, "max_tokens")]);
      expect(result.error).toBeInstanceOf(TruncationError);
      expect(result.server.requests).toHaveLength(1);
    });

    it("finish_reason arriving twice (stop, then stop again on an empty chunk)", async () => {
      await succeeds([ending(answerText, "stop", [finish()])]);
    });

    it('finish_reason "" on every content chunk is not a finish: a clean close stays "closed"', async () => {
      const { error } = await transportFault([
        answerWithChunks(chunksOf(prefix).map((c) => ({ ...c, choices: [{ ...firstChoice(c), finish_reason: "" }] }))),
      ]);
      expect(error.code).toBe("closed");
      expect(error.text).toBe(prefix);
    });

    it("content_filter mid-answer is ContentFilterError, once", async () => {
      const result = await call([ending(prefix, "content_filter")]);
      expect(result.error).toBeInstanceOf(ContentFilterError);
      expect(result.error?.text).toBe(prefix);
      expect(result.server.requests).toHaveLength(1);
    });
  });

  function chunksOf(text: string, size = 9): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < text.length; i += size) out.push(contentChunk(text.slice(i, i + size)));
    return out;
  }

  function firstChoice(c: Record<string, unknown>): Record<string, unknown> {
    return (c.choices as Record<string, unknown>[])[0] as Record<string, unknown>;
  }

  describe("chunk shapes", () => {
    it("choices: [] on most chunks, delta: null, content: null, role-only chunks", async () => {
      const text: Record<string, unknown>[] = [];
      text.push(chunk([{ index: 0, delta: { role: "assistant" }, finish_reason: null }]));
      text.push(chunk([{ index: 0, delta: { role: "assistant", content: null }, finish_reason: null }]));
      for (const c of chunksOf(answerText)) text.push(chunk([]), chunk([{ index: 0, delta: null }]), c);
      await succeeds([answerWithChunks([...text, finish()])]);
    });

    it("vLLM continuous_usage_stats: usage on every chunk (cumulative) is counted once", async () => {
      const chunks = chunksOf(answerText).map((c, i) => ({
        ...c,
        usage: { prompt_tokens: 10, completion_tokens: i + 1, total_tokens: 11 + i },
      }));
      const n = chunks.length;
      const { stream } = await succeeds([
        answerWithChunks([
          ...chunks,
          { ...finish(), usage: { prompt_tokens: 10, completion_tokens: n, total_tokens: 10 + n } },
        ]),
      ]);
      expect(stream.usage).toEqual({ promptTokens: 10, completionTokens: n, totalTokens: 10 + n });
    });

    it("usage with null fields, and usage without total_tokens", async () => {
      const a = await succeeds([
        answerWithChunks([
          ...chunksOf(answerText),
          finish(),
          chunk([], { usage: { prompt_tokens: 7, completion_tokens: null, total_tokens: null } }),
        ]),
      ]);
      expect(a.stream.usage).toEqual({ promptTokens: 7, completionTokens: 0, totalTokens: 7 });
      const b = await succeeds([
        answerWithChunks([
          ...chunksOf(answerText),
          finish(),
          chunk([], { usage: { prompt_tokens: 7, completion_tokens: 5 } }),
        ]),
      ]);
      expect(b.stream.usage).toEqual({ promptTokens: 7, completionTokens: 5, totalTokens: 12 });
    });

    it("usage: null on every chunk (LiteLLM) and a final usage chunk", async () => {
      const { stream } = await succeeds([
        answerWithChunks([...chunksOf(answerText).map((c) => ({ ...c, usage: null })), finish(), usageChunk(1, 2)]),
      ]);
      expect(stream.usage?.totalTokens).toBe(3);
    });

    it("usage summed over a re-ask: each attempt's cumulative usage counted once", async () => {
      const broken = '{"users": [{"name": "John",, ';
      const withUsage = (text: string, completion: number): Handler =>
        answerWithChunks([
          ...chunksOf(text).map((c, i) => ({
            ...c,
            usage: { prompt_tokens: 10, completion_tokens: i, total_tokens: 10 + i },
          })),
          { ...finish(), usage: { prompt_tokens: 10, completion_tokens: completion, total_tokens: 10 + completion } },
        ]);
      const result = await call([withUsage(broken, 4), withUsage(answerText, 20)]);
      expect(result.value).toEqual(answer);
      expect(result.server.requests).toHaveLength(2);
      expect(result.stream.usage).toEqual({ promptTokens: 20, completionTokens: 24, totalTokens: 44 });
    });
  });

  describe("tools mode", () => {
    const toolChunk = (call: Record<string, unknown>) =>
      chunk([{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }]);
    const toolAnswer = (calls: Record<string, unknown>[], reason = "tool_calls") =>
      answerWithChunks([
        chunk([{ index: 0, delta: { role: "assistant", content: null }, finish_reason: null }]),
        ...calls.map(toolChunk),
        chunk([{ index: 0, delta: {}, finish_reason: reason }]),
        usageChunk(1, 1),
      ]);
    const pieces = (text: string, size = 5) => {
      const out: string[] = [];
      for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
      return out;
    };

    it("arguments over many chunks, id/name/type only in the first", async () => {
      await succeeds(
        [
          toolAnswer([
            { index: 0, id: "call_1", type: "function", function: { name: "MeetingInfo", arguments: "" } },
            ...pieces(answerText).map((a) => ({ index: 0, function: { arguments: a } })),
          ]),
        ],
        { mode: "tools" },
      );
    });

    it("index missing on every tool call delta (some servers omit it), type absent", async () => {
      await succeeds(
        [
          toolAnswer([
            { id: "call_1", function: { name: "MeetingInfo" } },
            ...pieces(answerText).map((a) => ({ function: { arguments: a } })),
          ]),
        ],
        { mode: "tools" },
      );
    });

    it("arguments sent whole in one chunk after the name (Ollama, vLLM's non-streaming parsers)", async () => {
      await succeeds(
        [
          toolAnswer([
            { index: 0, id: "call_1", type: "function", function: { name: "MeetingInfo", arguments: null } },
            { index: 0, function: { arguments: answerText } },
          ]),
        ],
        { mode: "tools" },
      );
    });

    it("the whole call (name and arguments) in one chunk, finish_reason stop", async () => {
      await succeeds(
        [
          toolAnswer(
            [{ index: 0, id: "c", type: "function", function: { name: "MeetingInfo", arguments: answerText } }],
            "stop",
          ),
        ],
        { mode: "tools" },
      );
    });

    it("a second call at index 1 alongside index 0 in the same chunk is not part of the answer", async () => {
      const other = JSON.stringify({ ...answer, budget: 1 });
      const chunks = pieces(answerText).map((a, i) =>
        chunk([
          {
            index: 0,
            delta: {
              tool_calls: [
                { index: 1, function: { arguments: pieces(other)[i] ?? "" } },
                { index: 0, function: { arguments: a } },
              ],
            },
          },
        ]),
      );
      await succeeds([answerWithChunks([...chunks, finish("tool_calls")])], { mode: "tools" });
    });

    it("the legacy function_call delta (old servers and proxies) is read like a tool call", async () => {
      const chunks = [
        chunk([{ index: 0, delta: { role: "assistant", function_call: { name: "MeetingInfo", arguments: "" } } }]),
        ...pieces(answerText).map((a) => chunk([{ index: 0, delta: { function_call: { arguments: a } } }])),
        finish("function_call"),
      ];
      await succeeds([answerWithChunks(chunks)], { mode: "tools" });
    });
  });

  describe("HTTP before the stream", () => {
    const overloaded =
      (headers: Record<string, string>): Handler =>
      (res) => {
        res.writeHead(429, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify({ error: { message: "Rate limit reached", type: "requests" } }));
      };

    it("429 with Retry-After in seconds, then 200: the SDK's retry, one attempt", async () => {
      const { stream, server } = await call([overloaded({ "retry-after": "0" }), answerWith(answerText, [1, 2])], {
        sdkRetries: 1,
      });
      expect(server.requests).toHaveLength(2);
      expect(stream.attempts).toBe(1);
      expect(stream.usage?.totalTokens).toBe(3);
    });

    it("429 with Retry-After as an HTTP date, then 200", async () => {
      const { value, server } = await call(
        [overloaded({ "retry-after": new Date(Date.now() - 1000).toUTCString() }), answerWith(answerText)],
        { sdkRetries: 1 },
      );
      expect(value).toEqual(answer);
      expect(server.requests).toHaveLength(2);
    });

    it("429 without SDK retries: ConnectionError http 429 with the API's message, one request", async () => {
      const { error } = await transportFault([overloaded({ "retry-after": "20" })]);
      expect(error.code).toBe("http");
      expect(error.status).toBe(429);
      expect(error.message).toContain("Rate limit reached");
    });

    it("nginx's 502 HTML page: the message names the status and the page's words, not its markup", async () => {
      const { error } = await transportFault([
        (res) => {
          res.writeHead(502, { "content-type": "text/html" });
          res.end(
            `<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n${"<!-- padding -->\n".repeat(200)}`,
          );
        },
      ]);
      expect(error.code).toBe("http");
      expect(error.status).toBe(502);
      expect(error.message).toContain("502 Bad Gateway");
      expect(error.message).not.toContain("<");
      expect(error.message.length).toBeLessThan(400);
    });

    it("a 307 redirect to the real endpoint is followed (the POST body kept)", async () => {
      const server = await rawServer((res, request) => {
        if (request.path.startsWith("/v1/")) {
          res.writeHead(307, { location: "/moved/chat/completions" });
          res.end();
          return;
        }
        answerWith(answerText)(res, request, 0, undefined as never);
      });
      const stream = streamMeetingInfo({ client: clientOf(server), model: "m", messages });
      expect(await stream.final()).toEqual(answer);
      expect(server.requests.map((r) => r.path)).toEqual(["/v1/chat/completions", "/moved/chat/completions"]);
      expect(server.requests[1]?.body.model).toBe("m");
    });

    it("a gzip-encoded event stream (a proxy compressing it)", async () => {
      const body: string[] = [];
      const fake = { write: (s: string) => body.push(s) } as unknown as ServerResponse;
      writeContent(fake, answerText);
      sendData(fake, finish());
      sendData(fake, usageChunk(2, 2));
      body.push("data: [DONE]\n\n");
      const { stream } = await succeeds([
        (res) => {
          res.writeHead(200, { "content-type": "text/event-stream", "content-encoding": "gzip" });
          res.end(gzipSync(body.join("")));
        },
      ]);
      expect(stream.usage?.totalTokens).toBe(4);
    });
  });

  describe("a server that ignores stream: true and sends the whole chat.completion as JSON", () => {
    const completion = (message: Record<string, unknown>, finish_reason = "stop") => ({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 0,
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason }],
      usage: { prompt_tokens: 9, completion_tokens: 30, total_tokens: 39 },
    });
    const json =
      (body: unknown): Handler =>
      (res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };

    it("json_schema: the answer, with its usage, from one request", async () => {
      const { stream } = await succeeds([json(completion({ content: answerText }))]);
      expect(stream.usage).toEqual({ promptTokens: 9, completionTokens: 30, totalTokens: 39 });
    });

    it("tools: the tool call's arguments are the answer", async () => {
      await succeeds(
        [
          json(
            completion(
              {
                content: null,
                tool_calls: [{ id: "c", type: "function", function: { name: "MeetingInfo", arguments: answerText } }],
              },
              "tool_calls",
            ),
          ),
        ],
        { mode: "tools" },
      );
    });

    it("finish_reason length: TruncationError with the text, not re-asked", async () => {
      const result = await call([json(completion({ content: prefix }, "length"))]);
      expect(result.error).toBeInstanceOf(TruncationError);
      expect(result.error?.text).toBe(prefix);
      expect(result.error?.partial?.users?.[0]?.name).toBe("John Doe");
      expect(result.server.requests).toHaveLength(1);
    });

    it("a refusal", async () => {
      const result = await call([json(completion({ content: null, refusal: "I can't." }))]);
      expect(result.error).toBeInstanceOf(RefusalError);
      expect(result.server.requests).toHaveLength(1);
    });

    it("malformed content in a whole completion is still the model's: MalformedJSONError, re-asked", async () => {
      const result = await call([json(completion({ content: '{"users": [,' })), answerWith(answerText)]);
      expect(result.value).toEqual(answer);
      expect(result.server.requests).toHaveLength(2);
      expect(result.stream.error).toBeUndefined();
    });

    it("the Responses API's whole response object", async () => {
      await succeeds(
        [
          json({
            id: "resp_1",
            object: "response",
            status: "completed",
            output: [
              { type: "reasoning", id: "rs", summary: [] },
              {
                type: "message",
                id: "msg",
                role: "assistant",
                content: [{ type: "output_text", text: answerText, annotations: [] }],
              },
            ],
            usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
          }),
        ],
        { mode: "responses" },
      );
    });

    it("a whole Responses object that is incomplete (max_output_tokens): TruncationError with the text", async () => {
      const result = await call(
        [
          json({
            object: "response",
            status: "incomplete",
            incomplete_details: { reason: "max_output_tokens" },
            output: [{ type: "message", id: "m", content: [{ type: "output_text", text: prefix }] }],
            usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
          }),
        ],
        { mode: "responses" },
      );
      expect(result.error).toBeInstanceOf(TruncationError);
      expect(result.error?.text).toBe(prefix);
      expect(result.server.requests).toHaveLength(1);
      expect(result.stream.usage?.totalTokens).toBe(3);
    });

    it("a JSON body that is neither a completion nor an error stays not-sse, quoting it", async () => {
      const { error } = await transportFault([json({ hello: "world" })]);
      expect(error.code).toBe("not-sse");
      expect(error.message).toContain("world");
    });
  });

  describe("the body breaks or stalls", () => {
    it("headers sent, then the socket destroyed before any byte: reset, one request", async () => {
      const { error } = await transportFault([
        (res) => {
          sseHeaders(res);
          res.flushHeaders();
          setTimeout(() => res.destroy(), 20);
        },
        answerWith(answerText),
      ]);
      expect(error.code).toBe("reset");
      expect(error.text).toBe("");
      expect(error.partial).toBeUndefined();
    });

    it("a body cut off in the middle of a UTF-8 sequence, inside an event: closed, with the text before it", async () => {
      const { error } = await transportFault([
        (res) => {
          sseHeaders(res);
          writeContent(res, prefix);
          const event = Buffer.from(`data: ${JSON.stringify(contentChunk("é東京"))}\n\n`);
          res.end(event.subarray(0, event.indexOf(Buffer.from("東")) + 1));
        },
      ]);
      expect(error.code).toBe("closed");
      expect(error.text).toBe(prefix);
    });

    it("a stall in the middle of an event: idle, the request cancelled", async () => {
      const { error, server } = await transportFault(
        [
          (res) => {
            sseHeaders(res);
            writeContent(res, prefix);
            res.write('data: {"id":"c","choices":[{"index":0,"delta":{"content":"xy');
          },
        ],
        { idleTimeoutMs: 150 },
      );
      expect(error.code).toBe("idle");
      expect(error.text).toBe(prefix);
      await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
    });

    it("a 200 JSON body whose connection breaks mid-body: reset, not not-sse, one request", async () => {
      const { error } = await transportFault([
        (res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.write('{"id": "x", "choices": [');
          res.write("", () => res.destroy());
        },
      ]);
      expect(error.code).toBe("reset");
    });

    it("a 200 JSON body that stalls after its headers: idle, not a hang", async () => {
      const { error, server } = await transportFault(
        [
          (res) => {
            res.writeHead(200, { "content-type": "application/json" });
            res.write('{"id": "x", "choices": [');
          },
        ],
        { idleTimeoutMs: 150 },
      );
      expect(error.code).toBe("idle");
      await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
    });

    it("an event-stream content type whose body is a bare JSON error (no data: framing): the server's message", async () => {
      const { error } = await transportFault([
        (res) => {
          sseHeaders(res);
          res.end(JSON.stringify({ error: { message: "model 'm' not found, try pulling it first" } }));
        },
      ]);
      expect(error.message).toContain("model 'm' not found");
    });

    it("llama.cpp's error: field line (not data:) then the close: the server's message", async () => {
      const { error } = await transportFault([
        (res) => {
          sseHeaders(res);
          writeContent(res, prefix);
          res.end(
            `error: ${JSON.stringify({ code: 500, message: "the request exceeds the available context size", type: "server_error" })}\n\n`,
          );
        },
      ]);
      expect(error.message).toContain("exceeds the available context size");
      expect(error.text).toBe(prefix);
    });
  });

  describe("Responses API", () => {
    const event = (res: ServerResponse, type: string, data: Record<string, unknown> = {}) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    const usage = { input_tokens: 4, output_tokens: 6, total_tokens: 10 };
    const text = (res: ServerResponse, t: string, item = "msg", contentIndex = 0) => {
      for (let i = 0; i < t.length; i += 9) {
        event(res, "response.output_text.delta", {
          item_id: item,
          output_index: 0,
          content_index: contentIndex,
          delta: t.slice(i, i + 9),
        });
      }
    };
    const responses =
      (body: (res: ServerResponse) => void): Handler =>
      (res) => {
        sseHeaders(res);
        event(res, "response.created", { response: { id: "r", status: "in_progress" } });
        body(res);
        res.end();
      };

    it.each(["max_output_tokens", "content_filter", "turn_limit", null])(
      "response.incomplete with reason %s: its own error, usage, one request",
      async (reason) => {
        const result = await call(
          [
            responses((res) => {
              text(res, prefix);
              event(res, "response.incomplete", {
                response: { status: "incomplete", incomplete_details: reason === null ? null : { reason }, usage },
              });
            }),
          ],
          { mode: "responses" },
        );
        expect(result.error).toBeInstanceOf(reason === "content_filter" ? ContentFilterError : TruncationError);
        if (reason !== null && reason !== "content_filter") expect(result.error?.message).toContain(reason);
        expect(result.error?.text).toBe(prefix);
        expect(result.server.requests).toHaveLength(1);
        expect(result.stream.usage?.totalTokens).toBe(10);
      },
    );

    it("response.failed with usage: server-error naming the message, usage counted", async () => {
      const { error, stream } = await transportFault(
        [
          responses((res) => {
            text(res, prefix);
            event(res, "response.failed", {
              response: { status: "failed", error: { code: "server_error", message: "The model crashed." }, usage },
            });
          }),
        ],
        { mode: "responses" },
      );
      expect(error.code).toBe("server-error");
      expect(error.message).toContain("The model crashed.");
      expect(stream.usage?.totalTokens).toBe(10);
    });

    it("an error event ({type: error, code, message}), then the close", async () => {
      const { error } = await transportFault(
        [
          responses((res) => {
            text(res, prefix);
            event(res, "error", { code: "rate_limit_exceeded", message: "Slow down", param: null });
          }),
        ],
        { mode: "responses" },
      );
      expect(error.code).toBe("server-error");
      expect(error.message).toContain("Slow down");
      expect(error.text).toBe(prefix);
    });

    it("an error event with a nested error object", async () => {
      const { error } = await transportFault(
        [
          responses((res) => {
            text(res, prefix);
            event(res, "error", { error: { message: "Nested failure", type: "server_error" } });
          }),
        ],
        { mode: "responses" },
      );
      expect(error.code).toBe("server-error");
      expect(error.message).toContain("Nested failure");
    });

    it("refusal deltas: RefusalError with the whole refusal, one request", async () => {
      const result = await call(
        [
          responses((res) => {
            event(res, "response.refusal.delta", { item_id: "msg", content_index: 0, delta: "I can't " });
            event(res, "response.refusal.delta", { item_id: "msg", content_index: 0, delta: "help." });
            event(res, "response.completed", { response: { status: "completed", usage } });
          }),
        ],
        { mode: "responses" },
      );
      expect(result.error).toBeInstanceOf(RefusalError);
      expect((result.error as RefusalError).refusal).toBe("I can't help.");
      expect(result.server.requests).toHaveLength(1);
    });

    it("output_text deltas for a second output item interleaved with the first do not join the answer", async () => {
      await succeeds(
        [
          responses((res) => {
            for (let i = 0; i < answerText.length; i += 9) {
              event(res, "response.output_text.delta", {
                item_id: "a",
                content_index: 0,
                delta: answerText.slice(i, i + 9),
              });
              event(res, "response.output_text.delta", { item_id: "b", content_index: 0, delta: "junk" });
            }
            event(res, "response.completed", { response: { status: "completed", usage } });
          }),
        ],
        { mode: "responses" },
      );
    });

    it("missing response.completed after the whole answer: closed, not success, not re-asked", async () => {
      const { error } = await transportFault([responses((res) => text(res, answerText))], { mode: "responses" });
      expect(error.code).toBe("closed");
      expect(error.text).toBe(answerText);
    });

    it("events without the event: line (data only) work the same", async () => {
      await succeeds(
        [
          (res) => {
            sseHeaders(res);
            sendOutputTextDeltas(res);
            sendData(res, { type: "response.completed", response: { status: "completed", usage } });
            res.end("data: [DONE]\n\n");
          },
        ],
        { mode: "responses" },
      );
    });
  });

  describe("malformed output stays the model's", () => {
    it("a complete, finished but malformed answer is still MalformedJSONError and re-asked", async () => {
      const result = await call([answerWith('{"users": [}'), answerWith(answerText)]);
      expect(result.value).toEqual(answer);
      expect(result.server.requests).toHaveLength(2);
      expect(result.stream.attempts).toBe(2);
    });

    it("MalformedJSONError is what the re-ask budget ends with", async () => {
      const result = await call([answerWith('{"users": [}')]);
      expect(result.error).toBeInstanceOf(MalformedJSONError);
      expect(result.server.requests).toHaveLength(3);
    });
  });

  describe("the answer ended, then the connection misbehaved: the answer is whole", () => {
    it("socket destroyed after finish_reason, before the usage chunk and [DONE]: the answer", async () => {
      const { stream } = await succeeds([
        (res) => {
          sseHeaders(res);
          writeContent(res, answerText);
          sendData(res, finish());
          res.write("", () => res.destroy());
        },
        answerWith(answerText),
      ]);
      expect(stream.usage).toBeUndefined();
    });

    it("quiet after finish_reason and usage, the connection left open (no [DONE], no close): the answer", async () => {
      const { stream } = await succeeds(
        [
          (res) => {
            sseHeaders(res);
            writeContent(res, answerText);
            sendData(res, finish());
            sendData(res, usageChunk(2, 9));
          },
        ],
        { idleTimeoutMs: 150 },
      );
      expect(stream.usage?.totalTokens).toBe(11);
    });

    it("finish_reason length, then a reset: still TruncationError, not a reset", async () => {
      const result = await call([
        (res) => {
          sseHeaders(res);
          writeContent(res, prefix);
          sendData(res, finish("length"));
          res.write("", () => res.destroy());
        },
      ]);
      expect(result.error).toBeInstanceOf(TruncationError);
      expect(result.error?.text).toBe(prefix);
      expect(result.server.requests).toHaveLength(1);
    });

    it("Responses: response.completed, then the socket destroyed: the answer", async () => {
      await succeeds(
        [
          (res) => {
            sseHeaders(res);
            sendOutputTextDeltas(res);
            sendData(res, { type: "response.completed", response: { status: "completed" } });
            res.write("", () => res.destroy());
          },
        ],
        { mode: "responses" },
      );
    });

    it("a reset before any finish is still a reset (the rule is the finish, not a complete-looking text)", async () => {
      const { error } = await transportFault([
        (res) => {
          sseHeaders(res);
          writeContent(res, answerText);
          res.write("", () => res.destroy());
        },
      ]);
      expect(error.code).toBe("reset");
      expect(error.text).toBe(answerText);
    });
  });

  describe("an event stream under the wrong content type, or none", () => {
    const streamBody =
      (contentType: string | undefined): Handler =>
      (res) => {
        res.writeHead(200, contentType === undefined ? {} : { "content-type": contentType });
        writeContent(res, answerText);
        sendData(res, finish());
        sendData(res, usageChunk(3, 3));
        res.end("data: [DONE]\n\n");
      };

    it.each(["text/plain; charset=utf-8", "application/octet-stream", undefined])(
      "an SSE body labelled %s: the answer",
      async (contentType) => {
        await succeeds([streamBody(contentType)]);
      },
    );

    it("an SSE body labelled application/json (read whole): the answer and its usage", async () => {
      const { stream } = await succeeds([streamBody("application/json")]);
      expect(stream.usage?.totalTokens).toBe(6);
    });

    it("JSON lines of chunks labelled application/x-ndjson: the answer", async () => {
      await succeeds([
        (res) => {
          res.writeHead(200, { "content-type": "application/x-ndjson" });
          for (const c of [...chunksOf(answerText), finish()]) res.write(`${JSON.stringify(c)}\n`);
          res.end();
        },
      ]);
    });

    it("an SSE body labelled application/json that carries an error event: server-error with its message", async () => {
      const { error } = await transportFault([
        (res) => {
          res.writeHead(200, { "content-type": "application/json" });
          writeContent(res, prefix);
          sendData(res, { error: { message: "backend exploded" } });
          res.end();
        },
      ]);
      expect(error.code).toBe("server-error");
      expect(error.message).toContain("backend exploded");
      expect(error.text).toBe(prefix);
    });

    it("an SSE body labelled application/json cut off mid-answer: closed with the text", async () => {
      const { error } = await transportFault([
        (res) => {
          res.writeHead(200, { "content-type": "application/json" });
          writeContent(res, prefix);
          res.end();
        },
      ]);
      expect(error.code).toBe("closed");
      expect(error.text).toBe(prefix);
    });
  });

  describe("more body faults", () => {
    it("content-length longer than the body (the server closed early): reset, one request", async () => {
      const { error } = await transportFault([
        (res) => {
          res.writeHead(200, { "content-type": "text/event-stream", "content-length": "100000" });
          writeContent(res, prefix);
          res.write("", () => res.destroy());
        },
      ]);
      expect(error.code).toBe("reset");
      expect(error.text).toBe(prefix);
    });

    it("a corrupt gzip body: reset, not a hang, one request", async () => {
      const { error } = await transportFault([
        (res) => {
          res.writeHead(200, { "content-type": "text/event-stream", "content-encoding": "gzip" });
          const zipped = gzipSync(`data: ${JSON.stringify(contentChunk(prefix))}\n\n`.repeat(50));
          res.end(Buffer.concat([zipped.subarray(0, 40), Buffer.from("garbage-garbage-garbage")]));
        },
      ]);
      expect(error.code).toBe("reset");
    });

    it("only keep-alive comments, then the close: empty, and the message does not quote the comments", async () => {
      const { error } = await transportFault([
        (res) => {
          sseHeaders(res);
          res.end(": keep-alive\n\n: keep-alive\n\n");
        },
      ]);
      expect(error.code).toBe("empty");
      expect(error.message).not.toContain("keep-alive");
    });

    it("an event-stream body of plain text (a proxy's message): empty, quoting it", async () => {
      const { error } = await transportFault([
        (res) => {
          sseHeaders(res);
          res.end("upstream connect error or disconnect/reset before headers");
        },
      ]);
      expect(error.code).toBe("empty");
      expect(error.message).toContain("upstream connect error");
    });

    it("a FastAPI-style {detail} body under text/event-stream: the server's message", async () => {
      const { error } = await transportFault([
        (res) => {
          sseHeaders(res);
          res.end(JSON.stringify({ detail: "Model is still loading" }));
        },
      ]);
      expect(error.message).toContain("Model is still loading");
    });

    it("a redirect loop: a connect error, not a hang", async () => {
      const server = await rawServer((res) => {
        res.writeHead(307, { location: "/v1/chat/completions" });
        res.end();
      });
      const stream = streamMeetingInfo({ client: clientOf(server), model: "m", messages, maxRetries: 2 });
      const error = (await stream.final().catch((e: unknown) => e)) as ConnectionError;
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.code).toBe("connect");
      expect(stream.attempts).toBe(1);
    });
  });

  describe("more chunk shapes", () => {
    it("reasoning_content / reasoning deltas (vLLM, DeepSeek, OpenRouter) with a JSON draft are not the answer", async () => {
      const draft = JSON.stringify({ ...answer, location: "draft" });
      const result = await call([
        answerWithChunks([
          chunk([{ index: 0, delta: { role: "assistant", reasoning_content: draft } }]),
          chunk([{ index: 0, delta: { reasoning: draft, content: null } }]),
          ...chunksOf(answerText),
          finish(),
        ]),
      ]);
      expect(result.value).toEqual(answer);
    });

    it("Groq's x_groq.usage on the last chunk counts", async () => {
      const { stream } = await succeeds([
        answerWithChunks([
          ...chunksOf(answerText),
          { ...finish(), x_groq: { id: "req", usage: { prompt_tokens: 4, completion_tokens: 8, total_tokens: 12 } } },
        ]),
      ]);
      expect(stream.usage).toEqual({ promptTokens: 4, completionTokens: 8, totalTokens: 12 });
    });

    it("tools: arguments sent as a JSON object, not a string (Ollama): the answer", async () => {
      await succeeds(
        [
          answerWithChunks([
            chunk([
              {
                index: 0,
                delta: { tool_calls: [{ index: 0, id: "c", function: { name: "MeetingInfo", arguments: answer } }] },
              },
            ]),
            finish("tool_calls"),
          ]),
        ],
        { mode: "tools" },
      );
    });

    it("Responses: reasoning summary deltas with a JSON draft are not the answer", async () => {
      const draft = JSON.stringify({ ...answer, location: "draft" });
      const result = await call(
        [
          (res) => {
            sseHeaders(res);
            sendData(res, { type: "response.reasoning_summary_text.delta", item_id: "rs", delta: draft });
            sendData(res, { type: "response.reasoning_text.delta", item_id: "rs", delta: draft });
            sendData(res, { type: "response.output_text.delta", item_id: "m", content_index: 0, delta: answerText });
            sendData(res, { type: "response.completed", response: { status: "completed" } });
            res.end();
          },
        ],
        { mode: "responses" },
      );
      expect(result.value).toEqual(answer);
    });
  });

  describe("more endings, and what they cost", () => {
    it("chat finish_reason length: TruncationError (reason length) with partial, text and usage, not re-asked", async () => {
      const result = await call([answerWithChunks([...chunksOf(prefix), finish("length"), usageChunk(5, 16)])]);
      const error = result.error as TruncationError<PartialMeetingInfo>;
      expect(error).toBeInstanceOf(TruncationError);
      expect(error.reason).toBe("length");
      expect(error.message).toContain("finish_reason: length");
      expect(error.text).toBe(prefix);
      expect(error.partial?.users?.[0]?.name).toBe("John Doe");
      expect(result.server.requests).toHaveLength(1);
      expect(result.stream.usage?.totalTokens).toBe(21);
    });

    it("vLLM abort with connectionRetries: 1 repeats the same request; usage summed over both attempts", async () => {
      const server = await rawServer(
        answerWithChunks([...chunksOf(prefix), finish("abort"), usageChunk(10, 3)]),
        answerWith(answerText, [10, 40]),
      );
      const stream = streamMeetingInfo({ client: clientOf(server), model: "m", messages, connectionRetries: 1 });
      expect(await stream.final()).toEqual(answer);
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1]?.body.messages).toEqual(server.requests[0]?.body.messages);
      expect(stream.usage).toEqual({ promptTokens: 20, completionTokens: 43, totalTokens: 63 });
    });

    it("nginx's 500 HTML page after the SDK's own retries: ConnectionError http 500 with the page's words", async () => {
      const page = "<html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1></body></html>";
      const { error, server, stream } = await call(
        [
          (res) => {
            res.writeHead(500, { "content-type": "text/html", "retry-after-ms": "5" });
            res.end(page);
          },
        ],
        { sdkRetries: 2 },
      );
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).status).toBe(500);
      expect(error?.message).toContain("500 Internal Server Error");
      expect(error?.message).not.toContain("<");
      expect(server.requests).toHaveLength(3); // the SDK's two retries, no re-ask
      expect(stream.attempts).toBe(1);
    });

    it("the caller's abort while a whole JSON body is still arriving: StreamAbortedError at once, request cancelled", async () => {
      const server = await rawServer((res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"choices": [');
      });
      const controller = new AbortController();
      const stream = streamMeetingInfo({ client: clientOf(server), model: "m", messages, signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      const error = (await stream.final().catch((e: unknown) => e)) as StreamError;
      expect(error.name).toBe("StreamAbortedError");
      await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
    });

    it("an event whose data is not JSON (data: upstream timeout): protocol, quoting it, not malformed", async () => {
      const { error } = await transportFault([
        (res) => {
          sseHeaders(res);
          writeContent(res, prefix);
          res.end("event: error\ndata: upstream timeout\n\n");
        },
      ]);
      expect(error.code).toBe("protocol");
      expect(error.message).toContain("upstream timeout");
      expect(error.text).toBe(prefix);
    });

    it("HTTP 404 with a FastAPI body ({detail}): ConnectionError http 404 that points at baseURL and model", async () => {
      const { error } = await transportFault([
        (res) => {
          res.writeHead(404, { "content-type": "application/json" });
          res.end(JSON.stringify({ detail: "Not Found" }));
        },
      ]);
      expect(error.code).toBe("http");
      expect(error.status).toBe(404);
      expect(error.message).toMatch(/baseURL/);
      expect(error.message).not.toContain("no body"); // there was one, without an `error` field
    });
  });

  describe("Responses servers that send no deltas", () => {
    const message = (content: unknown[]) => [{ type: "message", id: "msg", role: "assistant", content }];
    const usage = { input_tokens: 2, output_tokens: 5, total_tokens: 7 };

    it("only response.output_text.done with the part's text: the answer", async () => {
      await succeeds(
        [
          answerWithChunks([
            { type: "response.output_text.done", item_id: "msg", content_index: 0, text: answerText },
            { type: "response.completed", response: { status: "completed", usage } },
          ]),
        ],
        { mode: "responses" },
      );
    });

    it("only response.completed, its output holding the text: the answer and its usage", async () => {
      const { stream } = await succeeds(
        [
          answerWithChunks([
            { type: "response.created", response: { status: "in_progress" } },
            {
              type: "response.completed",
              response: { status: "completed", usage, output: message([{ type: "output_text", text: answerText }]) },
            },
          ]),
        ],
        { mode: "responses" },
      );
      expect(stream.usage?.totalTokens).toBe(7);
    });

    it("only response.completed with a refusal part: RefusalError, one request", async () => {
      const result = await call(
        [
          answerWithChunks([
            {
              type: "response.completed",
              response: { status: "completed", output: message([{ type: "refusal", refusal: "No." }]) },
            },
          ]),
        ],
        { mode: "responses" },
      );
      expect(result.error).toBeInstanceOf(RefusalError);
      expect(result.server.requests).toHaveLength(1);
    });

    it("deltas, then the done event and the final output repeating them: the text once", async () => {
      await succeeds(
        [
          answerWithChunks([
            ...[...answerText.matchAll(/.{1,9}/gs)].map((m) => ({
              type: "response.output_text.delta",
              item_id: "msg",
              content_index: 0,
              delta: m[0],
            })),
            { type: "response.output_text.done", item_id: "msg", content_index: 0, text: answerText },
            {
              type: "response.completed",
              response: { status: "completed", usage, output: message([{ type: "output_text", text: answerText }]) },
            },
          ]),
        ],
        { mode: "responses" },
      );
    });
  });

  it("tools: a second call also numbered 0 (another id) does not join the first's arguments", async () => {
    const other = JSON.stringify({ ...answer, budget: 1 });
    await succeeds(
      [
        answerWithChunks([
          chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: "a", function: { name: "MeetingInfo" } }] } }]),
          ...chunksOf(answerText).map((c) =>
            chunk([
              {
                index: 0,
                delta: {
                  tool_calls: [
                    { index: 0, function: { arguments: (firstChoice(c).delta as { content: string }).content } },
                  ],
                },
              },
            ]),
          ),
          chunk([
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, id: "b", function: { name: "MeetingInfo", arguments: other } }] },
            },
          ]),
          finish("tool_calls"),
        ]),
      ],
      { mode: "tools" },
    );
  });

  describe("keep-alives after the end", () => {
    it("a proxy that keeps pinging after the last chunk, never closing: the answer, the request then cancelled", async () => {
      let cancelledWhilePinging = false;
      const server = await rawServer(async (res) => {
        sseHeaders(res);
        writeContent(res, answerText);
        sendData(res, finish());
        sendData(res, usageChunk(1, 2));
        // 10 s of pings (then quiet): the client must not wait for them to stop
        for (let i = 0; i < 500; i++) {
          if (res.destroyed) {
            cancelledWhilePinging = true;
            return;
          }
          res.write(": ping\n\n");
          await sleep(20);
        }
      });
      const stream = streamMeetingInfo({ client: clientOf(server), model: "m", messages, idleTimeoutMs: 150 });
      expect(await stream.final()).toEqual(answer);
      expect(stream.usage?.totalTokens).toBe(3);
      await expect.poll(() => cancelledWhilePinging).toBe(true);
    });

    it("keep-alives before the end still keep a slow answer alive (4× the timeout of pings mid-answer)", async () => {
      const server = await rawServer(async (res) => {
        sseHeaders(res);
        writeContent(res, prefix);
        for (let i = 0; i < 30; i++) {
          res.write(": ping\n\n");
          await sleep(20);
        }
        writeContent(res, answerText.slice(prefix.length));
        sendData(res, finish());
        res.end("data: [DONE]\n\n");
      });
      const stream = streamMeetingInfo({ client: clientOf(server), model: "m", messages, idleTimeoutMs: 150 });
      expect(await stream.final()).toEqual(answer);
    });
  });
});

/** The answer as Responses `output_text.delta` events of 9 characters, data lines only (no `event:` line). */
function sendOutputTextDeltas(res: ServerResponse): void {
  for (let i = 0; i < answerText.length; i += 9) {
    sendData(res, {
      type: "response.output_text.delta",
      item_id: "m",
      content_index: 0,
      delta: answerText.slice(i, i + 9),
    });
  }
}
