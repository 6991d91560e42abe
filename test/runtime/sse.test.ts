import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import OpenAI from "openai";
import { Stream } from "openai/streaming";
import { describe, expect, it } from "vitest";
import { ConnectionError, PartialJSONParser, streamObject, validatorOf } from "../../runtime/index.js";
import { readOpenAIEvents } from "../../runtime/provider/openai-events.js";
import { EventStreamDecoder, EventStreamError, MAX_EVENT_CHARS } from "../../runtime/provider/sse.js";

type Event = [event: string | null, data: string];

const encoder = new TextEncoder();

/** The events of `chunks` fed one by one. */
function decode(chunks: readonly Uint8Array[], windowBytes?: number): Event[] {
  const events: Event[] = [];
  const decoder = new EventStreamDecoder(windowBytes);
  for (const chunk of chunks) {
    decoder.push(chunk);
    while (decoder.next()) events.push([decoder.event, decoder.data]);
  }
  return events;
}

/** `bytes` cut at the given offsets (any byte, inside a character or between a CR and its LF too). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...at, bytes.length]) {
    chunks.push(bytes.slice(start, cut));
    start = cut;
  }
  return chunks;
}

const newline = fc.constantFrom("\n", "\r\n", "\r");
const value = fc.string({ unit: fc.constantFrom("a", "é", "😀", " ", ":", "{", "}", '"', "x") });
const field = fc.oneof(
  fc.tuple(fc.constantFrom("data", "event", "id", "retry", "other", ""), value).map(([f, v]) => `${f}:${v}`),
  fc.constant("data"),
  value.map((v) => `: ${v}`),
);
/** An event stream: blocks of field lines, each ending at a blank line, any line end anywhere. */
const eventStream = fc
  .array(fc.tuple(fc.array(fc.tuple(field, newline), { maxLength: 5 }), newline), { maxLength: 8 })
  .map((blocks) => blocks.map(([lines, end]) => lines.map(([l, nl]) => l + nl).join("") + end).join(""));

/** The events of `text` by the rules, read whole: the oracle for the incremental decoder. */
function reference(text: string): Event[] {
  const events: Event[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  lines.pop(); // the text after the last line end is no line
  let event: string | null = null;
  let data: string[] = [];
  for (const line of lines) {
    if (line === "") {
      if (event || data.length > 0) events.push([event, data.join("\n")]);
      event = null;
      data = [];
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const name = colon < 0 ? line : line.slice(0, colon);
    const rest = colon < 0 ? "" : line.slice(colon + 1);
    const v = rest.startsWith(" ") ? rest.slice(1) : rest;
    if (name === "event") event = v;
    if (name === "data") data.push(v);
  }
  return events;
}

describe("EventStreamDecoder", () => {
  it("any split of an event stream gives the events of the whole text, as the rules read it", () => {
    fc.assert(
      fc.property(
        eventStream,
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 1, max: 64 }),
        (text, bom, cuts, windowBytes) => {
          const full = (bom ? "\uFEFF" : "") + text;
          const bytes = encoder.encode(full);
          // Any chunking, and chunks decoded in windows of any size (lines longer than the window too).
          expect(decode(split(bytes, cuts), windowBytes)).toEqual(reference(full));
          expect(decode([bytes], windowBytes)).toEqual(reference(full));
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each<[string, string, Event[]]>([
    ["LF", "data: a\n\n", [[null, "a"]]],
    ["CRLF", "event: x\r\ndata: a\r\n\r\n", [["x", "a"]]],
    [
      "CR",
      "data: a\r\rdata: b\r\r",
      [
        [null, "a"],
        [null, "b"],
      ],
    ],
    ["multi-line data joined with LF", "data: a\ndata:b\ndata:  c\n\n", [[null, "a\nb\n c"]]],
    ["comments and unknown fields ignored", ": keep-alive\nid: 7\nretry: 10\ndata: a\n\n: ping\n\n", [[null, "a"]]],
    ["a leading BOM dropped", "\uFEFFdata: a\n\n", [[null, "a"]]],
    ["`data` without a colon is an empty line of data", "data\ndata\n\n", [[null, "\n"]]],
    ["an event name without data, as the SDK", "event: ping\n\n", [["ping", ""]]],
    ["an unterminated last event is dropped", "data: a\n\ndata: b\n", [[null, "a"]]],
  ])("%s", (_name, text, events) => {
    expect(decode([encoder.encode(text)])).toEqual(events);
    expect(decode([...encoder.encode(text)].map((b) => Uint8Array.of(b)))).toEqual(events);
  });

  it("refuses a line or an event longer than MAX_EVENT_CHARS, in any chunking, with bounded memory", () => {
    const piece = encoder.encode("x".repeat(1024 * 1024));
    const read = (decoder: EventStreamDecoder, chunk: Uint8Array) => {
      decoder.push(chunk);
      while (decoder.next());
    };
    const line = new EventStreamDecoder();
    read(line, encoder.encode("data: "));
    expect(() => {
      for (let i = 0; i <= MAX_EVENT_CHARS / piece.length; i++) read(line, piece);
    }).toThrow(EventStreamError);
    const manyLines = new EventStreamDecoder();
    const dataLine = encoder.encode(`data: ${"y".repeat(1024 * 1024)}\n`);
    expect(() => {
      for (let i = 0; i <= MAX_EVENT_CHARS / dataLine.length; i++) read(manyLines, dataLine);
    }).toThrow(EventStreamError);
  });
});

/** What the openai SDK's Stream yields for a body, or the error it throws (name and message). */
async function sdkOutcome(chunks: readonly Uint8Array[]): Promise<{ values: unknown[]; error?: string }> {
  const values: unknown[] = [];
  const response = new Response(body(chunks), { headers: { "content-type": "text/event-stream" } });
  const silent = { error() {}, warn() {}, info() {}, debug() {} };
  try {
    const client = { logger: silent, logLevel: "off" } as never;
    for await (const value of Stream.fromSSEResponse(response, new AbortController(), client)) values.push(value);
    return { values };
  } catch (error) {
    return { values, error: errorText(error) };
  }
}

async function ourOutcome(chunks: readonly Uint8Array[]): Promise<{ values: unknown[]; error?: string }> {
  const values: unknown[] = [];
  const sink = {
    take: (value: unknown) => values.push(value) > 0,
    bytes: () => {},
    caughtUp: () => undefined,
    chunkRead: () => {},
  };
  try {
    await readOpenAIEvents(body(chunks), new AbortController().signal, sink);
    return { values };
  } catch (error) {
    return { values, error: errorText(error) };
  }
}

/** An error as streamFailure tells them apart: a SyntaxError's message, or the `error` field and message. */
function errorText(error: unknown): string {
  if (error instanceof SyntaxError) return `SyntaxError: ${error.message}`;
  const e = error as { error?: unknown; message?: unknown };
  return `error ${JSON.stringify(e.error)}: ${String(e.message)}`;
}

function body(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

const payload = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    "[DONE]",
    "[DONE] trailing",
    "not json",
    "",
    '{"error": {"message": "overloaded"}}',
    '{"error": "TGI failed"}',
    '{"error": {"code": 502}}',
    '{"error": 1}',
    '{"error": ""}',
    '{"message": "no error field"}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}}]}',
  ),
);
const openaiStream = fc
  .array(
    fc.record({
      event: fc.option(fc.constantFrom("error", "thread.run", "response.output_text.delta", ""), { nil: undefined }),
      data: payload,
      comment: fc.boolean(),
    }),
    { maxLength: 6 },
  )
  .map((events) =>
    events
      .map(
        (e) =>
          `${e.comment ? ": keep-alive\n" : ""}${e.event === undefined ? "" : `event: ${e.event}\n`}data: ${e.data}\n\n`,
      )
      .join(""),
  );

describe("readOpenAIEvents", () => {
  it("yields and throws what the openai SDK's Stream yields and throws, for any body and any chunking", async () => {
    await fc.assert(
      fc.asyncProperty(openaiStream, fc.array(fc.nat(), { maxLength: 6 }), async (text, cuts) => {
        const chunks = split(encoder.encode(text), cuts);
        expect(await ourOutcome(chunks)).toEqual(await sdkOutcome(chunks));
      }),
      { numRuns: 300 },
    );
  });

  it("cancels the body when the signal aborts, and when the sink refuses a value", async () => {
    let cancelled = 0;
    const never = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode("data: 1\n\ndata: 2\n\n"));
        },
        cancel() {
          cancelled++;
        },
      });
    const controller = new AbortController();
    const seen: unknown[] = [];
    const reading = readOpenAIEvents(never(), controller.signal, {
      take: (v) => seen.push(v) > 0,
      bytes: () => {},
      caughtUp: () => undefined,
      chunkRead: () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await expect(reading).resolves.toBe(true);
    expect(seen).toEqual([1, 2]);
    const refused = readOpenAIEvents(never(), new AbortController().signal, {
      take: () => false,
      bytes: () => {},
      caughtUp: () => undefined,
      chunkRead: () => {},
    });
    await expect(refused).resolves.toBe(false);
    expect(cancelled).toBe(2);
  });
});

describe("snapshots of a body that arrives in one piece", () => {
  /** A chat-completions server that writes its whole event stream at once: one network chunk of many events. */
  async function oneWriteServer(deltas: readonly string[]): Promise<{ baseURL: string; close(): void }> {
    const event = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const text = `${deltas.map((d) => event({ content: d })).join("")}${event({}, "stop")}data: [DONE]\n\n`;
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "text/event-stream" }).end(text));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { baseURL: `http://127.0.0.1:${port}/v1`, close: () => server.close() };
  }

  const deltas = ['{"items": [', "1, ", "2, ", "3, ", "4", '], "note": "a', "b", 'c"}'];

  /** The snapshots a parser makes from `deltas` written one by one: what a reader keeping pace sees. */
  function expected(): unknown[] {
    const parser = new PartialJSONParser();
    const snapshots: unknown[] = [];
    for (const delta of deltas) if (parser.write(delta)) snapshots.push(structuredClone(parser.value));
    return snapshots;
  }

  const stream = (baseURL: string) =>
    streamObject<unknown, unknown>({
      client: new OpenAI({ apiKey: "test", baseURL, maxRetries: 0 }),
      model: "m",
      messages: [{ role: "user", content: "?" }],
      name: "Answer",
      schema: { type: "object" },
      validate: validatorOf(() => true),
    });

  it("a reader that keeps pace sees every snapshot, as when the events come one by one", async () => {
    const server = await oneWriteServer(deltas);
    try {
      const seen: unknown[] = [];
      for await (const snapshot of stream(server.baseURL)) seen.push(structuredClone(snapshot));
      expect(seen).toEqual(expected());
    } finally {
      server.close();
    }
  });

  it("a reader busy elsewhere does not hold the stream up: it gets the later snapshots merged", async () => {
    const server = await oneWriteServer(deltas);
    try {
      const s = stream(server.baseURL);
      const seen: unknown[] = [];
      for await (const snapshot of s) {
        seen.push(structuredClone(snapshot));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const all = expected();
      expect(seen.length).toBeLessThan(all.length);
      expect(seen.at(-1)).toEqual(all.at(-1));
      expect(await s.final()).toEqual(all.at(-1));
    } finally {
      server.close();
    }
  });

  it("an endless line is a ConnectionError (protocol) naming the limit, not the model's fault, memory bounded", async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(`data: ${"x".repeat(MAX_EVENT_CHARS + 1024)}`); // no line end, and the connection stays open
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const error = await stream(`http://127.0.0.1:${port}/v1`)
        .final()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: "protocol" });
      expect((error as Error).message).toContain(`longer than ${MAX_EVENT_CHARS} characters`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
