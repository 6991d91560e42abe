// One table of behaviours every provider must share: each case runs through each provider's real SDK against a
// bare node:http server that writes that provider's wire format byte by byte (raw-server.ts).

import type { ServerResponse } from "node:http";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import {
  ConnectionError,
  ContentFilterError,
  RefusalError,
  StreamAbortedError,
  type StreamError,
  type StreamEvent,
  ToolNotCalledError,
  TruncationError,
  ValidationFailedError,
} from "@partialgen/runtime";
import fc from "fast-check";
import type OpenAI from "openai";
import { describe, expect, it } from "vitest";
import {
  type MeetingInfo,
  meetingInfoProviderSchemas,
  meetingInfoStrictSchema,
  type PartialMeetingInfo,
  streamMeetingInfo,
  validatePartialMeetingInfo,
} from "../../../examples/meeting/generated/index.js";
import { answer, answerText, messages, prefix } from "./fixtures.js";
import {
  anthropicDeltas,
  anthropicEnd,
  anthropicEvent,
  anthropicStart,
  chunk,
  contentChunk,
  failure,
  geminiChunk,
  guardProcess,
  type Handler,
  type RawServer,
  rawServer,
  sendData,
  sleep,
  sseHeaders,
  usageChunk,
} from "./raw-server.js";

guardProcess();

/** How one provider's wire says each thing the cases need. */
interface ProviderWire {
  name: string;
  client(server: RawServer): OpenAI | Anthropic | GoogleGenAI;
  /** The provider has a tools mode. */
  tools: boolean;
  /** The request path the SDK posts to. */
  path: string;
  /** A whole answer of `text` in chunks of `size` (tool input when `tool`), ending normally, with this usage. */
  answer(text: string, options?: { usage?: [number, number]; tool?: string; size?: number }): Handler;
  /** `text` and then the provider's end for an exhausted token limit. */
  truncated(text: string): Handler;
  /** The reason TruncationError reports. */
  truncationReason: string;
  /** The model's refusal (providers that have one). */
  refusal?: (explanation: string) => Handler;
  /** `text`, then the provider's content filter (providers that have one). */
  filtered?: (text: string) => Handler;
  /** `text`, then an error event carrying `message`. */
  errorEvent(text: string, message: string): Handler;
  /** The response head and `text` only, no end: the caller then closes, resets or stalls. */
  begin(res: ServerResponse, text: string, size?: number): void;
  /** The provider's error body for an HTTP error. */
  errorBody(message: string): unknown;
  /** Where the request asked for the schema (mode json_schema) and forced the tool (mode tools). */
  asksForSchema(body: Record<string, unknown>): unknown;
  /** Words of the closed-early message naming this provider's missing end. */
  closedSays: string;
  /** The schema the generated streamX() sends this provider (derived for its own schema rules). */
  schema: unknown;
  forcesTool(body: Record<string, unknown>): unknown;
}

const openai: ProviderWire = {
  name: "OpenAI",
  client: (server) => server.client(),
  tools: true,
  path: "/v1/chat/completions",
  answer:
    (text, options = {}) =>
    (res) => {
      sseHeaders(res);
      const size = options.size ?? 7;
      for (let i = 0; i < text.length; i += size) {
        const piece = text.slice(i, i + size);
        sendData(
          res,
          options.tool
            ? chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] } }])
            : contentChunk(piece),
        );
      }
      sendData(res, contentChunk("", options.tool ? "tool_calls" : "stop"));
      if (options.usage) sendData(res, usageChunk(...options.usage));
      res.end("data: [DONE]\n\n");
    },
  truncated: (text) => (res) => {
    openai.begin(res, text);
    sendData(res, contentChunk("", "length"));
    res.end("data: [DONE]\n\n");
  },
  truncationReason: "length",
  filtered: (text) => (res) => {
    openai.begin(res, text);
    sendData(res, contentChunk("", "content_filter"));
    res.end("data: [DONE]\n\n");
  },
  refusal: (explanation) => (res) => {
    sseHeaders(res);
    sendData(res, chunk([{ index: 0, delta: { refusal: explanation }, finish_reason: "stop" }]));
    res.end("data: [DONE]\n\n");
  },
  errorEvent: (text, message) => (res) => {
    openai.begin(res, text);
    sendData(res, { error: { message, type: "server_error" } });
    res.end();
  },
  begin: (res, text) => {
    sseHeaders(res);
    for (let i = 0; i < text.length; i += 7) sendData(res, contentChunk(text.slice(i, i + 7)));
  },
  errorBody: (message) => ({ error: { message, type: "server_error", code: null } }),
  asksForSchema: (body) => (body.response_format as { json_schema?: { schema?: unknown } }).json_schema?.schema,
  schema: meetingInfoStrictSchema,
  closedSays: "(no finish_reason)",
  forcesTool: (body) => body.tool_choice,
};

const anthropic: ProviderWire = {
  name: "Anthropic",
  client: (server) => server.anthropic(),
  tools: true,
  path: "/v1/messages",
  answer:
    (text, options = {}) =>
    (res) => {
      const [input, output] = options.usage ?? [10, 20];
      anthropicStart(res, options.tool, input);
      anthropicDeltas(res, text, options.tool !== undefined, options.size);
      anthropicEnd(res, options.tool ? "tool_use" : "end_turn", output);
    },
  truncated: (text) => (res) => {
    anthropic.begin(res, text);
    anthropicEnd(res, "max_tokens");
  },
  truncationReason: "max_tokens",
  refusal: (explanation) => (res) => {
    anthropicStart(res);
    anthropicEnd(res, "refusal", 3, { stop_details: { type: "refusal", category: null, explanation } });
  },
  errorEvent: (text, message) => (res) => {
    anthropic.begin(res, text);
    anthropicEvent(res, "error", { error: { type: "overloaded_error", message } });
    res.end();
  },
  begin: (res, text) => {
    anthropicStart(res);
    anthropicDeltas(res, text);
  },
  errorBody: (message) => ({ type: "error", error: { type: "api_error", message } }),
  asksForSchema: (body) => (body.output_config as { format?: { type?: string; schema?: unknown } }).format?.schema,
  schema: meetingInfoProviderSchemas.anthropic,
  closedSays: "(no message_delta with a stop_reason, no message_stop)",
  forcesTool: (body) => body.tool_choice,
};

const gemini: ProviderWire = {
  name: "Gemini",
  client: (server) => server.gemini(),
  tools: false,
  path: "/v1beta/models/m:streamGenerateContent?alt=sse",
  answer:
    (text, options = {}) =>
    (res) => {
      gemini.begin(res, text, options.size);
      sendData(res, geminiChunk("", "STOP", options.usage ?? [10, 20]));
      res.end();
    },
  truncated: (text) => (res) => {
    gemini.begin(res, text);
    sendData(res, geminiChunk("", "MAX_TOKENS", [10, 20]));
    res.end();
  },
  truncationReason: "MAX_TOKENS",
  filtered: (text) => (res) => {
    gemini.begin(res, text);
    sendData(res, geminiChunk("", "SAFETY", [10, 20]));
    res.end();
  },
  errorEvent: (text, message) => (res) => {
    gemini.begin(res, text);
    sendData(res, { error: { code: 503, message, status: "UNAVAILABLE" } });
    res.end();
  },
  begin: (res, text, size = 7) => {
    sseHeaders(res);
    for (let i = 0; i < text.length; i += size) sendData(res, geminiChunk(text.slice(i, i + size)));
  },
  errorBody: (message) => ({ error: { code: 529, message, status: "UNAVAILABLE" } }),
  asksForSchema: (body) => (body.generationConfig as { responseJsonSchema?: unknown }).responseJsonSchema,
  schema: meetingInfoProviderSchemas.gemini,
  closedSays: "(no candidate with a finishReason)",
  forcesTool: () => undefined,
};

const providers = [openai, anthropic, gemini];

describe.each(providers)("$name", (wire) => {
  const call = (server: RawServer, extra: Record<string, unknown> = {}) =>
    streamMeetingInfo({ client: wire.client(server) as OpenAI, model: "m", messages, ...extra });

  it("streams snapshots to the validated answer; usage as sent; the provider's own schema is in the request", async () => {
    const server = await rawServer(wire.answer(answerText, { usage: [12, 34] }));
    const stream = call(server);
    const names: (string | undefined)[] = [];
    for await (const snapshot of stream) names.push(snapshot.users?.[0]?.name);
    expect(names).toContain("John Doe");
    expect(await stream.final()).toEqual(answer);
    expect(stream.usage).toEqual({ promptTokens: 12, completionTokens: 34, totalTokens: 46 });
    expect(server.requests[0]?.path).toBe(wire.path);
    expect(wire.schema).toMatchObject({ title: "MeetingInfo" });
    expect(wire.asksForSchema(server.requests[0]?.body ?? {})).toEqual(wire.schema);
  });

  it("the token limit ends the answer: TruncationError with the partial, not re-asked", async () => {
    const server = await rawServer(wire.truncated(prefix));
    const error = (await failure(call(server, { maxRetries: 2 }).final())) as TruncationError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(TruncationError);
    expect(error.reason).toBe(wire.truncationReason);
    expect(error.text).toBe(prefix);
    expect(error.partial?.users?.[0]?.name).toBe("John Doe");
    expect(server.requests).toHaveLength(1);
  });

  it("an error event mid-stream is ConnectionError server-error with the message; connectionRetries repeats it", async () => {
    const server = await rawServer(wire.errorEvent(prefix, "Overloaded"), wire.answer(answerText));
    const failed = (await failure(call(server).final())) as ConnectionError<PartialMeetingInfo>;
    expect(failed).toBeInstanceOf(ConnectionError);
    expect(failed.code).toBe("server-error");
    expect(failed.message).toContain("Overloaded");
    expect(failed.text).toBe(prefix);
    expect(await call(server, { connectionRetries: 1 }).final()).toEqual(answer);
  });

  it.each([
    ["closed", (res: ServerResponse) => res.end()],
    ["reset", (res: ServerResponse) => res.write("", () => res.destroy())],
  ] as const)("the connection %s mid-answer: ConnectionError with that code and the partial", async (code, cut) => {
    const server = await rawServer((res) => {
      wire.begin(res, prefix);
      cut(res);
    });
    const error = (await failure(call(server).final())) as ConnectionError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe(code);
    if (code === "closed") expect(error.message).toContain(wire.closedSays);
    expect(error.text).toBe(prefix);
    expect(error.partial?.users?.[0]?.name).toBe("John Doe");
  });

  it("a server that stalls: ConnectionError idle, and the request is cancelled", async () => {
    const server = await rawServer((res) => wire.begin(res, prefix));
    const error = (await failure(call(server, { idleTimeoutMs: 150 }).final())) as ConnectionError;
    expect(error.code).toBe("idle");
    expect(error.text).toBe(prefix);
    await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
  });

  it("HTTP errors: ConnectionError http with the status and the API's message", async () => {
    const server = await rawServer((res) => {
      res.writeHead(529, { "content-type": "application/json" });
      res.end(JSON.stringify(wire.errorBody("Overloaded, try later.")));
    });
    const error = (await failure(call(server).final())) as ConnectionError;
    expect(error.code).toBe("http");
    expect(error.status).toBe(529);
    expect(error.message).toBe("the request failed with HTTP 529: Overloaded, try later.");
  });

  it("aborting ends the stream at once and closes the connection", async () => {
    const server = await rawServer((res) => wire.begin(res, prefix));
    const controller = new AbortController();
    const stream = call(server, { signal: controller.signal });
    for await (const event of stream.events()) {
      if (event.type === "snapshot" && event.value.users?.[0]?.name === "John Doe") controller.abort();
    }
    expect(await failure(stream.final())).toBeInstanceOf(StreamAbortedError);
    await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
  });

  it("an invalid answer is re-asked with the problem; usage is summed over both attempts", async () => {
    const invalid = JSON.stringify({ ...answer, budget: "lots" });
    const server = await rawServer(
      wire.answer(invalid, { usage: [10, 20] }),
      wire.answer(answerText, { usage: [40, 25] }),
    );
    const stream = call(server);
    const events: StreamEvent<PartialMeetingInfo, MeetingInfo>[] = [];
    for await (const event of stream.events()) events.push(event);
    expect(await stream.final()).toEqual(answer);
    expect(events.some((e) => e.type === "retry")).toBe(true);
    expect(stream.usage).toEqual({ promptTokens: 50, completionTokens: 45, totalTokens: 95 });
    const sent = JSON.stringify(server.requests[1]?.body);
    expect(sent).toContain(JSON.stringify(invalid).slice(1, -1)); // the rejected answer, then why
    expect(sent.indexOf("rejected")).toBeGreaterThan(sent.indexOf(JSON.stringify(invalid).slice(1, -1)));
  });

  it("every answer fails validation: ValidationFailedError keeps every text", async () => {
    const invalid = JSON.stringify({ ...answer, budget: "lots" });
    const server = await rawServer(wire.answer(invalid));
    const error = (await failure(call(server, { maxRetries: 1 }).final())) as ValidationFailedError;
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect(error.texts).toEqual([invalid, invalid]);
  });

  it("soundness: every snapshot passes validatePartial, however the answer is chunked", async () => {
    const server = await rawServer();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.boolean(), async (size, tryTools) => {
        const tools = tryTools && wire.tools;
        const before = server.requests.length;
        server.setHandler(wire.answer(answerText, { size, tool: tools ? "MeetingInfo" : undefined }));
        const stream = call(server, { mode: tools ? "tools" : "json_schema" });
        for await (const snapshot of stream) expect(validatePartialMeetingInfo(snapshot)).toBe(true);
        expect(await stream.final()).toEqual(answer);
        expect(server.requests.length).toBe(before + 1);
      }),
      { numRuns: 25 },
    );
  });
});

describe.each(providers.filter((p) => p.tools))("$name, mode tools", (wire) => {
  const call = (server: RawServer, extra: Record<string, unknown> = {}) =>
    streamMeetingInfo({ client: wire.client(server) as OpenAI, model: "m", messages, ...extra });

  it("mode tools: the forced tool's input is the answer", async () => {
    const server = await rawServer(wire.answer(answerText, { tool: "MeetingInfo" }));
    expect(await call(server, { mode: "tools" }).final()).toEqual(answer);
    expect(JSON.stringify(wire.forcesTool(server.requests[0]?.body ?? {}))).toContain('"MeetingInfo"');
  });
  it("mode tools: text instead of the tool call is ToolNotCalledError with the text", async () => {
    const server = await rawServer(wire.answer("Sure! The meeting is on March 15."));
    const error = (await failure(call(server, { mode: "tools" }).final())) as ToolNotCalledError;
    expect(error).toBeInstanceOf(ToolNotCalledError);
    expect(error.text).toBe("Sure! The meeting is on March 15.");
    expect(server.requests).toHaveLength(1);
  });
});

describe.each(providers.filter((p) => p.refusal))("$name refusals", (wire) => {
  const call = (server: RawServer, extra: Record<string, unknown> = {}) =>
    streamMeetingInfo({ client: wire.client(server) as OpenAI, model: "m", messages, ...extra });

  it("a refusal is RefusalError with the model's words, not re-asked", async () => {
    const server = await rawServer(wire.refusal?.("I can't help with that.") as Handler);
    const error = (await failure(call(server, { maxRetries: 2 }).final())) as RefusalError;
    expect(error).toBeInstanceOf(RefusalError);
    expect(error.refusal).toBe("I can't help with that.");
    expect(server.requests).toHaveLength(1);
  });
});

describe.each(providers.filter((p) => p.filtered))("$name content filter", (wire) => {
  it("a filtered answer is ContentFilterError with the partial, not re-asked", async () => {
    const server = await rawServer(wire.filtered?.(prefix) as Handler);
    const stream = streamMeetingInfo({ client: wire.client(server) as OpenAI, model: "m", messages, maxRetries: 2 });
    const error = (await failure(stream.final())) as ContentFilterError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error.text).toBe(prefix);
    expect(error.partial?.users?.[0]?.name).toBe("John Doe");
    expect(server.requests).toHaveLength(1);
  });
});

describe("Anthropic requests", () => {
  it("system messages become system, max_tokens defaults to 4096 and request parameters pass through", async () => {
    const server = await rawServer(anthropic.answer(answerText), anthropic.answer(answerText));
    const client = server.anthropic();
    const system = [{ role: "system" as const, content: "Be precise." }, ...messages];
    await streamMeetingInfo({ client, model: "m", messages: system, request: { stop_sequences: ["END"] } }).final();
    await streamMeetingInfo({ client, model: "m", messages: system, request: { max_tokens: 100 } }).final();
    expect(server.requests[0]?.body).toMatchObject({
      system: "Be precise.",
      max_tokens: 4096,
      stop_sequences: ["END"],
      messages: [{ role: "user", content: messages[0]?.content }],
      output_config: { format: { type: "json_schema" } },
    });
    expect(server.requests[1]?.body.max_tokens).toBe(100);
  });

  it("thinking blocks before the answer are not the answer; cache tokens count as prompt tokens", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      anthropicEvent(res, "message_start", {
        message: { usage: { input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 7 } },
      });
      anthropicEvent(res, "content_block_start", { index: 0, content_block: { type: "thinking", thinking: "" } });
      anthropicEvent(res, "content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: '{"a":' } });
      anthropicEvent(res, "content_block_stop", { index: 0 });
      anthropicEvent(res, "content_block_start", { index: 1, content_block: { type: "text", text: "" } });
      anthropicEvent(res, "content_block_delta", { index: 1, delta: { type: "text_delta", text: answerText } });
      anthropicEvent(res, "ping");
      anthropicEvent(res, "content_block_stop", { index: 1 });
      anthropicEvent(res, "message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 9 } });
      anthropicEvent(res, "message_stop");
      res.end();
    });
    const stream = streamMeetingInfo({ client: server.anthropic(), model: "m", messages });
    expect(await stream.final()).toEqual(answer);
    expect(stream.usage).toEqual({ promptTokens: 112, completionTokens: 9, totalTokens: 121 });
  });

  it("refuses what the Messages API cannot take, at call time", () => {
    const client = new Anthropic({ apiKey: "test", baseURL: "http://127.0.0.1:9" });
    // @ts-expect-error mode "responses" takes an OpenAI client
    expect(() => streamMeetingInfo({ client, model: "m", messages, mode: "responses" })).toThrow(RangeError);
    const tool = [{ role: "tool" as const, content: "x", tool_call_id: "t" }];
    expect(() => streamMeetingInfo({ client, model: "m", messages: tool })).toThrow(/not "tool" messages/);
    expect(() => streamMeetingInfo({ client: {} as OpenAI, model: "m", messages })).toThrow(TypeError);
  });

  it("an error event on every repeat: the last error keeps the earlier one", async () => {
    const server = await rawServer(anthropic.errorEvent(prefix, "Overloaded"));
    const stream = streamMeetingInfo({ client: server.anthropic(), model: "m", messages, connectionRetries: 1 });
    const error = (await failure(stream.final())) as StreamError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.previousErrors).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });
});

describe("Gemini requests", () => {
  it("system messages become systemInstruction, assistant turns role model; the schema and config go in generationConfig", async () => {
    const server = await rawServer(gemini.answer(answerText));
    const history = [
      { role: "system" as const, content: "Be precise." },
      ...messages,
      { role: "assistant" as const, content: "Which meeting?" },
      { role: "user" as const, content: "The one in the notes." },
    ];
    const client = server.gemini();
    await streamMeetingInfo({ client, model: "m", messages: history, request: { temperature: 0 } }).final();
    const body = server.requests[0]?.body ?? {};
    expect(body.systemInstruction).toMatchObject({ parts: [{ text: "Be precise." }] });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: messages[0]?.content }] },
      { role: "model", parts: [{ text: "Which meeting?" }] },
      { role: "user", parts: [{ text: "The one in the notes." }] },
    ]);
    expect(body.generationConfig).toMatchObject({ temperature: 0, responseMimeType: "application/json" });
  });

  it("thought parts are not the answer; thinking tokens count as completion tokens", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      sendData(res, { candidates: [{ index: 0, content: { parts: [{ text: '{"a": 1}', thought: true }] } }] });
      sendData(res, geminiChunk(answerText));
      sendData(res, {
        candidates: [{ index: 0, content: { parts: [] }, finishReason: "STOP" }],
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 20, thoughtsTokenCount: 5, totalTokenCount: 35 },
      });
      res.end();
    });
    const stream = streamMeetingInfo({ client: server.gemini(), model: "m", messages });
    expect(await stream.final()).toEqual(answer);
    expect(stream.usage).toEqual({ promptTokens: 10, completionTokens: 25, totalTokens: 35 });
  });

  it.each(["BLOCKLIST", "SPII", "PROHIBITED_CONTENT", "RECITATION"])(
    "finishReason %s is ContentFilterError",
    async (reason) => {
      const server = await rawServer((res) => {
        gemini.begin(res, prefix);
        sendData(res, geminiChunk("", reason));
        res.end();
      });
      const error = await failure(streamMeetingInfo({ client: server.gemini(), model: "m", messages }).final());
      expect(error).toBeInstanceOf(ContentFilterError);
    },
  );

  it("a blocked prompt (promptFeedback.blockReason, no candidates) is ContentFilterError", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      sendData(res, { promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 8 } });
      res.end();
    });
    const stream = streamMeetingInfo({ client: server.gemini(), model: "m", messages });
    expect(await failure(stream.final())).toBeInstanceOf(ContentFilterError);
    expect(stream.usage?.promptTokens).toBe(8);
  });

  it("modes tools and responses are refused at call time (and at compile time)", () => {
    const server = { gemini: () => new GoogleGenAI({ apiKey: "test" }) };
    const client = server.gemini();
    // @ts-expect-error a GoogleGenAI client has no tools mode
    expect(() => streamMeetingInfo({ client, model: "m", messages, mode: "tools" })).toThrow(RangeError);
    // @ts-expect-error mode "responses" takes an OpenAI client
    expect(() => streamMeetingInfo({ client, model: "m", messages, mode: "responses" })).toThrow(RangeError);
  });
});

describe("Anthropic's stream bytes are seen by the idle timer", () => {
  it("SSE comments for 4× the idle timeout, then the answer, are not idle", async () => {
    const server = await rawServer(async (res) => {
      anthropicStart(res);
      for (let i = 0; i < 8; i++) {
        await sleep(50);
        res.write(": keep-alive\n\n");
      }
      anthropicDeltas(res, answerText);
      anthropicEnd(res, "end_turn");
    });
    const stream = streamMeetingInfo({ client: server.anthropic(), model: "m", messages, idleTimeoutMs: 100 });
    expect(await stream.final()).toEqual(answer);
  });
});
