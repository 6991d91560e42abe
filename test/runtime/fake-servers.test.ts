// partialgen/testing's fake servers: one script, the same outcome through each provider's real SDK.
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import {
  ConnectionError,
  ContentFilterError,
  RefusalError,
  type StreamError,
  TruncationError,
} from "@partialgen/runtime";
import {
  type FakeServer,
  type ScriptedResponse,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAI,
} from "@partialgen/runtime/testing";
import fc from "fast-check";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { streamMeetingInfo, validatePartialMeetingInfo } from "../../examples/meeting/generated/index.js";
import { answer, answerText, messages, prefix } from "./faults/fixtures.js";

const fakes = [
  {
    name: "startFakeOpenAI",
    start: startFakeOpenAI,
    client: (baseURL: string) => new OpenAI({ apiKey: "test", baseURL, maxRetries: 0 }),
    path: "/v1/chat/completions",
    modes: ["json_schema", "tools", "json", "md_json"],
    refusal: RefusalError,
  },
  {
    name: "startFakeAnthropic",
    start: startFakeAnthropic,
    client: (baseURL: string) => new Anthropic({ apiKey: "test", baseURL, maxRetries: 0 }),
    path: "/v1/messages",
    modes: ["json_schema", "tools", "json", "md_json"],
    refusal: RefusalError,
  },
  {
    name: "startFakeGemini",
    start: startFakeGemini,
    client: (baseURL: string) =>
      new GoogleGenAI({ apiKey: "test", httpOptions: { baseUrl: baseURL, retryOptions: { attempts: 1 } } }),
    path: "/v1beta/models/m:streamGenerateContent",
    modes: ["json_schema", "json", "md_json"],
    refusal: ContentFilterError,
  },
];

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function outcome(error: Promise<unknown>): Promise<StreamError> {
  try {
    await error;
  } catch (e) {
    return e as StreamError;
  }
  throw new Error("expected a failure");
}

describe.each(fakes)("$name", (fake) => {
  const call = async (responses: ScriptedResponse[], extra: Record<string, unknown> = {}) => {
    server = await fake.start({ responses });
    const client = fake.client(server.baseURL) as OpenAI;
    return streamMeetingInfo({ client, model: "m", messages, ...extra });
  };

  it("serves the scripted text in every mode, however chunked; snapshots are sound", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...fake.modes),
        async (chunkSize, mode) => {
          const stream = await call([{ text: answerText, chunkSize }], { mode });
          for await (const snapshot of stream) expect(validatePartialMeetingInfo(snapshot)).toBe(true);
          expect(await stream.final()).toEqual(answer);
          expect(stream.usage?.totalTokens).toBeGreaterThan(0);
          expect(server?.received[0]?.path).toBe(fake.path);
          await server?.close();
          server = undefined;
        },
      ),
      { numRuns: 12 },
    );
  });

  it("finishReason length is TruncationError; a refusal is the provider's (Gemini has none: a SAFETY finish)", async () => {
    const truncated = await outcome((await call([{ text: prefix, finishReason: "length" }])).final());
    expect(truncated).toBeInstanceOf(TruncationError);
    expect(truncated.text).toBe(prefix);
    await server?.close();
    const refused = await outcome((await call([{ refusal: "No." }])).final());
    expect(refused).toBeInstanceOf(fake.refusal);
    if (refused instanceof RefusalError) expect(refused.refusal).toBe("No.");
  });

  it.each<[string, ScriptedResponse, Record<string, unknown>, string]>([
    ["an HTTP status", { status: 529 }, {}, "http"],
    ["a reset", { text: answerText, disconnectAfter: prefix.length }, {}, "reset"],
    ["a clean close", { text: answerText, closeAfter: prefix.length }, {}, "closed"],
    ["a stall", { text: answerText, stallAfter: prefix.length }, { idleTimeoutMs: 100 }, "idle"],
    ["an HTML page", { rawBody: { status: 502, contentType: "text/html", body: "<h1>Bad gateway</h1>" } }, {}, "http"],
  ])("%s is ConnectionError of its code", async (_, scripted, extra, code) => {
    const error = await outcome((await call([scripted], extra)).final());
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe(code);
    if (code !== "http") expect(error.text).toBe(prefix);
  });

  it("records requests, and says when a request has no scripted answer left", async () => {
    const stream = await call([{ text: answerText }]);
    expect(await stream.final()).toEqual(answer);
    expect(server?.requests).toHaveLength(1);
    expect(server?.received[0]).toMatchObject({ method: "POST", completed: true, closedByClient: false });
    const error = await outcome(
      streamMeetingInfo({ client: fake.client(server?.baseURL ?? "") as OpenAI, model: "m", messages }).final(),
    );
    expect(error.message).toContain("no scripted response left");
  });
});
