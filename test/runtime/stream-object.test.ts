import {
  ConnectionError,
  ContentFilterError,
  MalformedJSONError,
  PartialJSONError,
  RefusalError,
  StreamAbortedError,
  StreamError,
  type StreamEvent,
  type StreamMode,
  streamObject,
  TruncationError,
  ValidationFailedError,
  validatorOf,
} from "@partialgen/runtime";
import { type FakeOpenAI, type ScriptedResponse, startFakeOpenAI } from "@partialgen/runtime/testing";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import {
  type MeetingInfo,
  type PartialMeetingInfo,
  streamMeetingInfo,
} from "../../examples/meeting/generated/index.js";

const answer: MeetingInfo = {
  users: [
    { name: "John Doe", email: "johndoe@email.com", twitter: "@TechGuru44" },
    { name: "Jane Smith", email: "janesmith@email.com", twitter: "@DigitalDiva88" },
  ],
  date: "2024-03-15",
  location: "Grand Tech Arena, 4521 Innovation Drive",
  budget: 50000,
  deadline: "2024-02-20",
};
const answerText = JSON.stringify(answer);
const messages = [{ role: "user" as const, content: "Get the information about the meeting" }];

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(...responses: ScriptedResponse[]): Promise<OpenAI> {
  server = await startFakeOpenAI({ responses });
  return new OpenAI({ apiKey: "test", baseURL: server.baseURL, maxRetries: 2 });
}

async function drain<P>(stream: AsyncIterable<P>): Promise<P[]> {
  const out: P[] = [];
  for await (const p of stream) out.push(p);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the stream to fail");
}

describe("modes: the request each sends and where the text comes from", () => {
  const cases: [StreamMode, (body: Record<string, unknown>) => void][] = [
    [
      "json_schema",
      (body) => {
        expect(body.response_format).toMatchObject({
          type: "json_schema",
          json_schema: { name: "MeetingInfo", strict: true },
        });
        const schema = (body.response_format as { json_schema: { schema: Record<string, unknown> } }).json_schema
          .schema;
        expect(schema.additionalProperties).toBe(false);
      },
    ],
    [
      "tools",
      (body) => {
        expect(body.tools).toEqual([
          { type: "function", function: expect.objectContaining({ name: "MeetingInfo", strict: true }) },
        ]);
        expect(body.tool_choice).toEqual({ type: "function", function: { name: "MeetingInfo" } });
        expect(body.response_format).toBeUndefined();
      },
    ],
    [
      "json",
      (body) => {
        expect(body.response_format).toEqual({ type: "json_object" });
        const first = (body.messages as { role: string; content: string }[])[0];
        expect(first?.role).toBe("system");
        expect(first?.content).toContain('"budget"');
      },
    ],
    [
      "md_json",
      (body) => {
        expect(body.response_format).toBeUndefined();
        expect((body.messages as { content: string }[])[0]?.content).toContain("```json");
      },
    ],
    [
      "responses",
      (body) => {
        expect(body.text).toMatchObject({ format: { type: "json_schema", name: "MeetingInfo", strict: true } });
        expect(body.input).toEqual(messages);
      },
    ],
  ];

  it.each(cases)("%s", async (mode, checkRequest) => {
    const text = mode === "md_json" ? `Here you go:\n\`\`\`json\n${answerText}\n\`\`\`\nAnything else?` : answerText;
    const client = await serve({ text, chunkSize: 5 });
    const call = { client, model: "gpt-test", messages };
    const stream = streamMeetingInfo(
      mode === "responses"
        ? { ...call, mode, request: { temperature: 0.2, max_output_tokens: 900 } }
        : { ...call, mode, request: { temperature: 0.2, seed: 7 } },
    );
    const snapshots = await drain(stream);
    expect(await stream.final()).toEqual(answer);
    expect(snapshots.length).toBeGreaterThan(10);
    expect(snapshots.at(-1)).toEqual(answer);
    expect(stream.attempts).toBe(1);
    expect(stream.usage?.totalTokens).toBeGreaterThan(0);
    expect(server?.received[0]?.path).toBe(mode === "responses" ? "/v1/responses" : "/v1/chat/completions");
    const body = server?.requests[0] as Record<string, unknown>;
    expect(body).toMatchObject({ model: "gpt-test", stream: true, temperature: 0.2 });
    expect(body).toMatchObject(mode === "responses" ? { max_output_tokens: 900 } : { seed: 7 });
    if (mode !== "responses") expect(body.stream_options).toEqual({ include_usage: true });
    checkRequest(body);
  });
});

describe("schemas that cannot be made strict", () => {
  const freeForm = { type: "object", additionalProperties: { type: "string" } };
  const strictFlag: Record<string, (body: Record<string, unknown>) => unknown> = {
    json_schema: (b) => (b.response_format as { json_schema: { strict: boolean } }).json_schema.strict,
    tools: (b) => (b.tools as { function: { strict: boolean } }[])[0]?.function.strict,
    responses: (b) => (b.text as { format: { strict: boolean } }).format.strict,
  };
  it.each(["json_schema", "tools", "responses"] as const)("are sent with strict: false in %s mode", async (mode) => {
    const client = await serve({ text: '{"a":"b"}' });
    const stream = streamObject<Record<string, string>, Record<string, string>>({
      client,
      model: "m",
      messages,
      mode,
      schema: freeForm,
      name: "FreeForm",
      strict: false,
      validate: validatorOf(() => true),
    });
    expect(await stream.final()).toEqual({ a: "b" });
    expect(strictFlag[mode]!(server!.requests[0] as Record<string, unknown>)).toBe(false);
  });

  it("strict schemas are sent with strict: true", async () => {
    const client = await serve({ text: answerText });
    await streamMeetingInfo({ client, model: "m", messages }).final();
    expect(strictFlag.json_schema!(server!.requests[0] as Record<string, unknown>)).toBe(true);
  });
});

describe("request parameters go in `request`", () => {
  it("`stream_options: null` leaves the field out (for compatible servers that reject it); usage is then unknown", async () => {
    const client = await serve({ text: answerText });
    const stream = streamMeetingInfo({ client, model: "m", messages, request: { stream_options: null, top_p: 0.5 } });
    expect(await stream.final()).toEqual(answer);
    const body = server?.requests[0] as Record<string, unknown>;
    expect("stream_options" in body).toBe(false);
    expect(body.top_p).toBe(0.5);
    expect(stream.usage).toBeUndefined();
  });

  it("a `stream_options` of the caller's replaces partialgen's default", async () => {
    const client = await serve({ text: answerText });
    const stream = streamMeetingInfo({
      client,
      model: "m",
      messages,
      request: { stream_options: { include_usage: false } },
    });
    await stream.final();
    expect((server!.requests[0] as Record<string, unknown>).stream_options).toEqual({ include_usage: false });
  });

  it("what partialgen sets itself cannot be overridden through `request` at run time either", async () => {
    const client = await serve({ text: answerText });
    const request = { model: "other", stream: false } as unknown as { temperature: number };
    await streamMeetingInfo({ client, model: "m", messages, request }).final();
    expect(server?.requests[0]).toMatchObject({ model: "m", stream: true });
  });
});

describe("chunkings from one character to the whole text", () => {
  it.each([1, 2, 3, 7, 16, [1, 5, 2, 9], answerText.length])("chunkSize %j", async (chunkSize) => {
    const client = await serve({ text: answerText, chunkSize });
    const stream = streamMeetingInfo({ client, model: "m", messages });
    const snapshots: PartialMeetingInfo[] = await drain(stream);
    expect(await stream.final()).toEqual(answer);
    for (const s of snapshots) {
      // typed snapshots: names only ever grow toward the final ones
      for (const [i, u] of (s.users ?? []).entries()) expect(answer.users[i]?.name.startsWith(u.name ?? "")).toBe(true);
    }
  });
});

describe("failures end the stream with a typed error and keep what arrived", () => {
  it("refusal", async () => {
    const client = await serve({ refusal: "I can't help with that." });
    const stream = streamMeetingInfo({ client, model: "m", messages });
    const error = await failure(stream.final());
    expect(error).toBeInstanceOf(RefusalError);
    expect((error as RefusalError).refusal).toBe("I can't help with that.");
    await expect(drain(stream)).rejects.toBe(error);
  });

  it("truncation (finish_reason: length)", async () => {
    const client = await serve({ text: answerText.slice(0, 60), finishReason: "length" });
    const stream = streamMeetingInfo({ client, model: "m", messages });
    const error = (await failure(stream.final())) as TruncationError;
    expect(error).toBeInstanceOf(TruncationError);
    expect(error.text).toBe(answerText.slice(0, 60));
    expect((error.partial as PartialMeetingInfo).users?.[0]?.name).toBe("John Doe");
  });

  it("truncation in the Responses API (incomplete: max_output_tokens)", async () => {
    const client = await serve({ text: answerText.slice(0, 60), finishReason: "length" });
    const error = await failure(streamMeetingInfo({ client, model: "m", messages, mode: "responses" }).final());
    expect(error).toBeInstanceOf(TruncationError);
  });

  it("connection dropped mid-stream", async () => {
    const client = await serve({ text: answerText, chunkSize: 4, disconnectAfter: 50 });
    const stream = streamMeetingInfo({ client, model: "m", messages });
    const seen = await drain(stream).catch(() => undefined);
    expect(seen).toBeUndefined();
    const error = (await failure(stream.final())) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.text).toBe(answerText.slice(0, 50));
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.partial as PartialMeetingInfo).users?.[0]?.name).toBe("John Doe");
  });

  it("HTTP 429 then success: the SDK's own retry, honouring Retry-After", async () => {
    const client = await serve({ status: 429, retryAfter: 0.05 }, { text: answerText, chunkSize: 50 });
    const stream = streamMeetingInfo({ client, model: "m", messages });
    expect(await stream.final()).toEqual(answer);
    expect(server?.requests).toHaveLength(2);
    expect(stream.attempts).toBe(1);
  });

  it("HTTP error after the SDK's retries: ConnectionError wrapping the SDK's APIError", async () => {
    server = await startFakeOpenAI({ responses: [{ status: 503 }] });
    const client = new OpenAI({ apiKey: "test", baseURL: server.baseURL, maxRetries: 0 });
    const error = (await failure(streamMeetingInfo({ client, model: "m", messages }).final())) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.cause).toBeInstanceOf(OpenAI.APIError);
    expect((error.cause as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it("a request with nothing scripted gets an HTTP 500 that names the problem", async () => {
    server = await startFakeOpenAI({ responses: [] });
    const client = new OpenAI({ apiKey: "test", baseURL: server.baseURL, maxRetries: 0 });
    const error = await failure(streamMeetingInfo({ client, model: "m", messages }).final());
    expect(error).toBeInstanceOf(ConnectionError);
    expect(String((error.cause as Error).message)).toContain("no scripted response left");
  });

  it("abort mid-stream: ends promptly and the request is cancelled on the wire", async () => {
    const client = await serve({ text: answerText, chunkSize: 3, delayMs: 15 });
    const controller = new AbortController();
    const stream = streamMeetingInfo({ client, model: "m", messages, signal: controller.signal });
    let snapshots = 0;
    const started = Date.now();
    const error = await failure(
      (async () => {
        for await (const _ of stream) {
          if (++snapshots === 3) controller.abort();
        }
      })(),
    );
    expect(error).toBeInstanceOf(StreamAbortedError);
    expect(Date.now() - started).toBeLessThan(answerText.length * 5); // far less than streaming it all
    expect((error as StreamAbortedError).partial).toBeDefined();
    await expect.poll(() => server?.received[0]?.closedByClient).toBe(true);
    expect(server?.received[0]?.completed).toBe(false);
  });

  it("malformed JSON: MalformedJSONError (a StreamError) with the parser's error and position, after the retries", async () => {
    const client = await serve({ text: '{"users": [}' });
    const error = (await failure(
      streamMeetingInfo({ client, model: "m", messages, maxRetries: 0 }).final(),
    )) as MalformedJSONError;
    expect(error).toBeInstanceOf(MalformedJSONError);
    expect(error).toBeInstanceOf(StreamError);
    expect(error.cause).toBeInstanceOf(PartialJSONError);
    expect(error.offset).toBe(11);
    expect(error.pointer).toBe("/users");
    expect(error.text).toBe('{"users": [}');
  });
});

describe("validation and retries", () => {
  const invalid = JSON.stringify({ ...answer, budget: "fifty thousand" });

  it("a first attempt failing validation is re-asked with the errors, and the retry succeeds", async () => {
    const client = await serve({ text: invalid }, { text: answerText });
    const stream = streamMeetingInfo({ client, model: "m", messages });
    const events: StreamEvent<PartialMeetingInfo, MeetingInfo>[] = [];
    for await (const e of stream.events()) events.push(e);
    expect(await stream.final()).toEqual(answer);
    expect(stream.attempts).toBe(2);
    const retry = events.find((e) => e.type === "retry");
    expect(retry).toMatchObject({ type: "retry", attempt: 2 });
    const second = server?.requests[1] as { messages: { role: string; content: string }[] };
    expect(second.messages.at(-2)).toEqual({ role: "assistant", content: invalid });
    expect(second.messages.at(-1)?.content).toContain("/budget must be integer");
    // snapshots restart from empty after the retry event
    const afterRetry = events.slice(events.indexOf(retry as StreamEvent<PartialMeetingInfo, MeetingInfo>) + 1);
    const firstSnapshot = afterRetry.find((e) => e.type === "snapshot");
    expect(firstSnapshot).toMatchObject({ type: "snapshot", attempt: 2 });
    expect((firstSnapshot as { value: PartialMeetingInfo }).value.budget).toBeUndefined();
    // the raw text of each attempt arrives as delta events
    const text = (attempt: number) =>
      events.map((e) => (e.type === "delta" && e.attempt === attempt ? e.text : "")).join("");
    expect(text(1)).toBe(invalid);
    expect(text(2)).toBe(answerText);
  });

  it("validation failing after every retry: ValidationFailedError with Ajv's errors and every attempt's text", async () => {
    const client = await serve({ text: invalid }, { text: invalid });
    const stream = streamMeetingInfo({ client, model: "m", messages, maxRetries: 1 });
    const error = (await failure(stream.final())) as ValidationFailedError;
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect(error.errors[0]).toMatchObject({ instancePath: "/budget", keyword: "type" });
    expect(error.texts).toEqual([invalid, invalid]);
    expect(error.attempts).toBe(2);
  });

  it('onInvalidPartial: "abort" stops a doomed attempt early and retries', async () => {
    const client = await serve({ text: invalid, chunkSize: 2 }, { text: answerText });
    const stream = streamMeetingInfo({ client, model: "m", messages, onInvalidPartial: "abort" });
    expect(await stream.final()).toEqual(answer);
    expect(stream.attempts).toBe(2);
  });

  it("events carry the JSON Pointers completed in each step, then done", async () => {
    const client = await serve({ text: answerText, chunkSize: 1 });
    const stream = streamMeetingInfo({ client, model: "m", messages });
    const completed: string[] = [];
    let done: StreamEvent<PartialMeetingInfo, MeetingInfo> | undefined;
    for await (const e of stream.events()) {
      if (e.type === "snapshot") completed.push(...e.completedPaths);
      if (e.type === "done") {
        done = e;
        completed.push(...e.completedPaths);
      }
    }
    expect(completed).toEqual(
      expect.arrayContaining(["/users/0/name", "/users/0", "/users", "/budget", "/deadline", ""]),
    );
    expect(done).toMatchObject({ type: "done", value: answer, attempts: 1 });
  });
});

describe("concurrency", () => {
  it("200 simultaneous streams in one process are all correct", async () => {
    const texts = Array.from({ length: 200 }, (_, i) => JSON.stringify({ ...answer, budget: i }));
    const client = await serve(...texts.map((text) => ({ text, chunkSize: 3 })));
    const streams = texts.map(() => streamMeetingInfo({ client, model: "m", messages }));
    const finals = await Promise.all(
      streams.map(async (s) => {
        await drain(s);
        return s.final();
      }),
    );
    expect(finals.map((f) => f.budget).sort((a, b) => a - b)).toEqual(texts.map((_, i) => i));
    for (const f of finals) expect(f.users).toEqual(answer.users);
  });
});

describe("partialgen/testing scripts the faults users meet", () => {
  it("closeAfter: a clean close mid-answer → ConnectionError (closed), one request", async () => {
    const client = await serve({ text: answerText, closeAfter: 60 });
    const stream = streamMeetingInfo({ client, model: "m", messages });
    const error = (await failure(stream.final())) as ConnectionError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe("closed");
    expect(error.text).toBe(answerText.slice(0, 60));
    expect(error.partial?.users?.[0]?.name).toBe("John Doe");
    expect(server?.received).toHaveLength(1);
    expect(server?.received[0]?.completed).toBe(false);
  });

  it("closeAfter: 0 → an empty 200 stream", async () => {
    const client = await serve({ text: answerText, closeAfter: 0 });
    const error = (await failure(streamMeetingInfo({ client, model: "m", messages }).final())) as ConnectionError;
    expect(error.code).toBe("empty");
  });

  it.each(["json_schema", "responses"] as const)(
    "closeAfter past the text: everything but the finish (%s)",
    async (mode) => {
      const client = await serve({ text: answerText, closeAfter: answerText.length });
      const error = (await failure(
        streamMeetingInfo({ client, model: "m", messages, mode }).final(),
      )) as ConnectionError;
      expect(error.code).toBe("closed");
      expect(error.text).toBe(answerText);
    },
  );

  it("stallAfter: the server stops sending, and idleTimeoutMs ends the stream", async () => {
    const client = await serve({ text: answerText, stallAfter: 30 });
    const stream = streamMeetingInfo({ client, model: "m", messages, idleTimeoutMs: 100 });
    const error = (await failure(stream.final())) as ConnectionError;
    expect(error.code).toBe("idle");
    expect(error.text).toBe(answerText.slice(0, 30));
    await expect.poll(() => server?.received[0]?.closedByClient).toBe(true);
  });

  it("rawBody: a 200 that is not an event stream", async () => {
    const client = await serve({ rawBody: { contentType: "text/html", body: "<h1>Bad gateway</h1>" } });
    const error = (await failure(streamMeetingInfo({ client, model: "m", messages }).final())) as ConnectionError;
    expect(error.code).toBe("not-sse");
    expect(error.message).toContain("Bad gateway");
  });

  it.each(["json_schema", "responses"] as const)("finishReason content_filter (%s)", async (mode) => {
    const client = await serve({ text: answerText.slice(0, 40), finishReason: "content_filter" });
    const error = (await failure(streamMeetingInfo({ client, model: "m", messages, mode }).final())) as Error;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect((error as ContentFilterError).text).toBe(answerText.slice(0, 40));
  });
});
