import { readObjectStream, type StreamHints } from "@partialgen/runtime/client";
import { schemaHints } from "@partialgen/runtime/client/schema-hints";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { meetingInfoJsonSchema } from "../../examples/meeting/generated/index.js";
import { RECORDED_ANSWER, tokenLikeChunkSizes } from "../../examples/meeting/replay.js";
import {
  ConnectionError,
  compileStreamHints,
  type JSONSchema,
  type StreamError,
  type StreamEvent,
  ValidationFailedError,
} from "../../runtime/index.js";
import { FLUSH, RECORD_START } from "../../runtime/wire/format.js";
import { encodeRecord, encodeStart } from "../../runtime/wire/to-response.js";
import { bodyBytes, collectEvents, comparable, pacedBody, serverStream, validatorWhere } from "./helpers.js";

type Events = StreamEvent<unknown, unknown>[];

/** Every pair of snapshots: which JSON Pointers kept their object identity from one to the next. */
function identities(events: Events): string[][] {
  const snapshots = events.filter((e) => e.type === "snapshot").map((e) => e.value);
  const out: string[][] = [];
  for (let i = 1; i < snapshots.length; i++) {
    const kept: string[] = [];
    const walk = (a: unknown, b: unknown, pointer: string) => {
      if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return;
      if (a === b) {
        kept.push(pointer);
        return;
      }
      for (const key of Object.keys(b)) walk((a as never)[key], (b as never)[key], `${pointer}/${key}`);
    };
    walk(snapshots[i - 1], snapshots[i], "");
    out.push(kept);
  }
  return out;
}

/** Server events, and the browser's events read from the server's toResponse() body. */
async function bothSides(
  responses: Parameters<typeof serverStream>[0],
  options: Parameters<typeof serverStream>[1] & { hints?: StreamHints } = {},
): Promise<{ server: Events; client: Events; bytes: Uint8Array<ArrayBuffer> }> {
  const run = await serverStream(responses, options);
  try {
    // exposeErrors: the page is to see the server's events exactly (error-exposure.test.ts: the default).
    const response = run.stream.toResponse({ usage: true, exposeErrors: true });
    const [server, bytes] = await Promise.all([collectEvents(run.stream.events()), bodyBytes(response)]);
    const client = await collectEvents(
      readObjectStream(pacedBody(bytes), {
        hints: options.hints ?? (options.schema === undefined ? undefined : schemaHints(options.schema)),
      }).events(),
    );
    return { server: comparable(server), client: comparable(client), bytes };
  } finally {
    await run.close();
  }
}

/** Events with each error's `text` (and its previous errors') left out. */
function withoutErrorTexts(events: Events): unknown[] {
  const strip = (error: StreamError): unknown => ({
    ...error,
    name: error.name,
    message: error.message,
    text: undefined,
    previousErrors: error.previousErrors.map(strip),
  });
  return events.map((e) => (e.type === "error" || e.type === "retry" ? { ...e, error: strip(e.error) } : e));
}

/** Errors compare by class, message and what was received; snapshots by value; identities separately. */
function normalise(events: Events): unknown[] {
  return events.map((e) =>
    e.type === "error"
      ? { type: "error", name: e.error.name, message: e.error.message, partial: (e.error as StreamError).partial }
      : e,
  );
}

describe("readObjectStream: the browser's snapshots equal the server's, one for one", () => {
  it("the meeting answer in token-like chunks, with the schema's hints", async () => {
    const { server, client } = await bothSides(
      [{ text: RECORDED_ANSWER, chunkSize: tokenLikeChunkSizes(RECORDED_ANSWER) }],
      { schema: meetingInfoJsonSchema },
    );
    expect(server.filter((e) => e.type === "snapshot").length).toBeGreaterThan(50);
    expect(client).toEqual(server);
    expect(identities(client)).toEqual(identities(server));
  });

  it("a body that arrives in one piece: a reader that keeps pace still sees every snapshot, a busy one is not waited for", async () => {
    const { server, bytes } = await bothSides([{ text: RECORDED_ANSWER, chunkSize: 7 }], {
      schema: meetingInfoJsonSchema,
    });
    const oneChunk = () => new Response(bytes);
    const hints = schemaHints(meetingInfoJsonSchema);
    const keepingPace = comparable(await collectEvents(readObjectStream(oneChunk(), { hints }).events()));
    expect(keepingPace).toEqual(server);
    // A reader that awaits a timer per snapshot holds the body up for one macrotask, then gets the rest merged.
    const busy: unknown[] = [];
    for await (const snapshot of readObjectStream(oneChunk(), { hints })) {
      busy.push(snapshot);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const serverSnapshots = server.filter((e) => e.type === "snapshot");
    expect(busy.length).toBeLessThan(serverSnapshots.length / 2);
    expect(busy.at(-1)).toEqual(serverSnapshots.at(-1)?.value);
  });

  it("any JSON, any chunking, both null modes (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom("json_schema" as const, "json" as const),
        fc.boolean(),
        async (value, chunkSize, mode, pretty) => {
          const text = JSON.stringify(value, null, pretty ? 2 : undefined);
          const { server, client } = await bothSides([{ text, chunkSize }], { mode });
          expect(client).toEqual(server);
          expect(identities(client)).toEqual(identities(server));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("lenient mode: prose, fences and think blocks stay on the server, the page gets the value's text (property)", async () => {
    const before = fc.constantFrom(
      "",
      "Sure! Here is the JSON:\n",
      '<think>maybe {"a": 1} or [2]</think>',
      "See [1] and {name} first.\n\n",
      "```json\n",
      "Answer: 42 then\n```\n",
    );
    const after = fc.constantFrom("", "\n```", "\n```\nHope this helps {x}.", " Done.", "\n[3]");
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
          fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
          fc.jsonValue({ maxDepth: 0 }),
        ),
        before,
        after,
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }),
        async (value, prefix, suffix, pretty, chunkSize) => {
          const text = prefix + JSON.stringify(value, null, pretty ? 2 : undefined) + suffix;
          const { server, client, bytes } = await bothSides(
            [
              { text, chunkSize },
              { text, chunkSize },
            ],
            {
              mode: "json",
            },
          );
          // The page's errors hold the text it received: the value's part of the server's.
          const texts = (events: Events) =>
            events.flatMap((e) => (e.type === "error" || e.type === "retry" ? [e.error.text] : []));
          for (const [i, received] of texts(client).entries()) expect(texts(server)[i]).toContain(received);
          expect(withoutErrorTexts(client)).toEqual(withoutErrorTexts(server));
          expect(identities(client)).toEqual(identities(server));
          // What went on the wire is at most the model's text (plus framing), never more.
          const sent = new TextDecoder()
            .decode(bytes)
            .split(FLUSH)
            .join("")
            .split(RECORD_START)
            .map((part, i) => (i === 0 ? part : part.slice(part.indexOf("\n") + 1)))
            .join("");
          expect(text.includes(sent) || server.some((e) => e.type === "retry" || e.type === "error")).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("lenient mode: raw line breaks and tabs in strings, as models write them, read in the page as on the server (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[a-z \n\r\t]{0,8}$/), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }),
        async (lines, chunkSize) => {
          const text = `Here it is:\n{"notes": ["${lines.join('", "')}"]}`;
          const { server, client } = await bothSides([{ text, chunkSize }], { mode: "json" });
          expect(server.at(-1)).toMatchObject({ type: "done", value: { notes: lines } });
          expect(client).toEqual(server);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("the JSON Schema as hints gives the same snapshots as the generated table (its hints derived in the page)", async () => {
    const schema = {
      type: "object",
      properties: {
        status: { enum: ["draft", "final"] },
        address: { type: "object", "x-stream": "done", properties: { city: { type: "string" } } },
        note: { type: "string" },
      },
    };
    const text = JSON.stringify({ status: "final", address: { city: "Paris" }, note: "ok" });
    const run = await serverStream([{ text, chunkSize: 13 }], { schema });
    try {
      const bytes = await bodyBytes(run.stream.toResponse());
      const read = async (hints?: StreamHints | JSONSchema) =>
        comparable(await collectEvents(readObjectStream(pacedBody(bytes), { hints }).events()));
      const fromTable = await read(compileStreamHints(schema));
      expect(await read(schema)).toEqual(fromTable);
      expect(await read()).not.toEqual(fromTable); // the hints matter here: without them a chunk ending in the address shows it open
    } finally {
      await run.close();
    }
  });

  it("text that cannot go verbatim: separators in prose, surrogate pairs split between deltas", async () => {
    const text = 'Sure\u001e\u001f here: {"a":"😀 ok \ud83d\ude00","b":[1,2]} bye\u001e';
    // Chunks of 1..3 code units split the pairs at every possible place.
    for (const chunkSize of [1, 2, 3, [1, 2], [2, 1, 3]]) {
      const { server, client } = await bothSides([{ text, chunkSize }], { mode: "json" });
      expect(client).toEqual(server);
      expect((client.at(-1) as { value: unknown }).value).toEqual({ a: "😀 ok 😀", b: [1, 2] });
    }
  });

  it("startsInThinkBlock: the reasoning and its JSON draft stay on the server; the page gets the answer's snapshots", async () => {
    const text =
      'Let me draft it:\n{"a": "draft", "b": [0]}\nBetter:</think>\n```json\n{"a": "final", "b": [1, 2]}\n```';
    for (const chunkSize of [1, 4, [3, 1, 7]]) {
      const { server, client, bytes } = await bothSides([{ text, chunkSize }], {
        mode: "json",
        startsInThinkBlock: true,
      });
      expect(client).toEqual(server);
      expect((client.at(-1) as { value: unknown }).value).toEqual({ a: "final", b: [1, 2] });
      expect(new TextDecoder().decode(bytes)).not.toContain("draft");
    }
  });

  it("a retry restarts the browser's snapshots from empty, like the server's", async () => {
    const { server, client } = await bothSides(
      [
        { text: '{"a": [1, 2, 3], "b": "wrong"}', chunkSize: 3 },
        { text: '{"a": [1, 2], "b": "right"}', chunkSize: 3 },
      ],
      { accept: (v) => (v as { b?: string }).b === "right" },
    );
    expect(client.some((e) => e.type === "retry")).toBe(true);
    expect(client).toEqual(server);
    const done = client.at(-1);
    expect(done?.type === "done" && done.attempts).toBe(2);
  });

  it("malformed JSON retried, then valid", async () => {
    const { server, client } = await bothSides(
      [
        { text: '{"a": [1, 2,, 3]}', chunkSize: 2 },
        { text: '{"a": [4]}', chunkSize: 2 },
      ],
      {},
    );
    expect(client).toEqual(server);
    expect(client.filter((e) => e.type === "retry")).toHaveLength(1);
  });

  it("an error the server ends with reaches the page with its class, message and the last snapshot", async () => {
    const { server, client } = await bothSides([
      { text: '{"a": "hello world", "b": 1}', chunkSize: 2, disconnectAfter: 14 },
    ]);
    const serverError = server.at(-1);
    const clientError = client.at(-1);
    expect(serverError?.type).toBe("error");
    expect(clientError?.type === "error" && clientError.error).toBeInstanceOf(ConnectionError);
    expect(normalise(client)).toEqual(normalise(server));
    expect(clientError?.type === "error" && (clientError.error as StreamError).partial).toEqual({ a: "hello w" });
  });

  it("validation failure after every retry: ValidationFailedError with the server's Ajv errors", async () => {
    const { client } = await bothSides([{ text: '{"a": 1}' }, { text: '{"a": 2}' }], { accept: () => false });
    const last = client.at(-1);
    expect(last?.type === "error" && last.error).toBeInstanceOf(ValidationFailedError);
    expect(last?.type === "error" && (last.error as ValidationFailedError).errors[0]?.message).toBe("rejected");
  });
});

describe("readObjectStream: what the page sees when the server or the network misbehaves", () => {
  const body = (...parts: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
        controller.close();
      },
    });
  const start = encodeStart({ optionalNulls: "keep", strict: true });

  it("the server dies mid-stream (no verdict): ConnectionError, the last snapshot kept", async () => {
    const stream = readObjectStream(body(start, '{"a": "hel', "\u001f"));
    const events = await collectEvents(stream.events());
    const last = events.at(-1);
    expect(last?.type === "error" && last.error).toBeInstanceOf(ConnectionError);
    expect(last?.type === "error" && last.error.message).toContain("closed the stream before the answer was complete");
    expect(last?.type === "error" && (last.error as StreamError).partial).toEqual({ a: "hel" });
    await expect(stream.final()).rejects.toBeInstanceOf(ConnectionError);
  });

  it("a network error while reading is a ConnectionError, never blamed on the model", async () => {
    let n = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (n++ === 0) controller.enqueue(new TextEncoder().encode(`${start}{"a": 1`));
        else controller.error(new TypeError("network error"));
      },
    });
    await expect(readObjectStream(failing).final()).rejects.toThrow(/connection to the server failed mid-stream/);
  });

  it("a body that is not a partialgen stream says so", async () => {
    const html = new Response("<!doctype html><h1>Bad gateway</h1>", { status: 200 });
    await expect(readObjectStream(html).final()).rejects.toThrow(/not a partialgen stream.*<!doctype html>/);
    const empty = new Response("", { status: 200 });
    await expect(readObjectStream(empty).final()).rejects.toThrow(/empty body/);
  });

  it("an HTTP error status is a ConnectionError with the status and the server's text", async () => {
    const error = await readObjectStream(new Response("quota exceeded", { status: 429, statusText: "Too Many" }))
      .final()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toBe("the server answered HTTP 429 Too Many: quota exceeded");
  });

  it("records split across network chunks at every byte", async () => {
    const wire = `${start}{"a": [1, 2]}\u001f${encodeRecord({ type: "done" })}`;
    const bytes = new TextEncoder().encode(wire);
    for (let size = 1; size <= 5; size++) {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) parts.push(bytes.slice(i, i + size));
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          for (const p of parts) c.enqueue(p);
          c.close();
        },
      });
      expect(await readObjectStream(stream).final()).toEqual({ a: [1, 2] });
    }
  });

  it("a validator passed in checks the final value in the browser too", async () => {
    const wire = `${start}{"a": 1}\u001f${encodeRecord({ type: "done" })}`;
    const validate = validatorWhere((v) => (v as { a: number }).a === 2);
    await expect(readObjectStream(new Response(wire), { validate }).final()).rejects.toBeInstanceOf(
      ValidationFailedError,
    );
  });

  it("an oversized control record is refused (bounded memory)", async () => {
    const huge = `${start}\u001e${"x".repeat(1024 * 1024 + 10)}`;
    await expect(readObjectStream(new Response(huge)).final()).rejects.toThrow(/control record is longer/);
  });

  it("abort: cancels the body and ends with StreamAbortedError keeping the last snapshot", async () => {
    let cancelled = false;
    const slow = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(`${start}{"a": "x"\u001f`));
      },
      cancel() {
        cancelled = true;
      },
    });
    const controller = new AbortController();
    const stream = readObjectStream(slow, { signal: controller.signal });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const s of stream) {
        seen.push(s);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect((error as Error).name).toBe("StreamAbortedError");
    expect((error as StreamError).partial).toEqual({ a: "x" });
    expect(cancelled).toBe(true);
  });
});
