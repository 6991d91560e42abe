import { readObjectStream, type StreamEvent } from "@partialgen/runtime/client";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { meetingInfoJsonSchema, meetingInfoStreamHints } from "../../examples/meeting/generated/meeting-info.js";
import { RECORDED_ANSWER, tokenLikeChunkSizes } from "../../examples/meeting/replay.js";
import { bodyBytes, collectEvents, comparable, serverStream } from "./helpers.js";

// Proxies, CDNs and the browser's own network stack re-chunk a streamed body at will: splits anywhere (inside
// a multi-byte UTF-8 character, inside a control record), several server writes joined into one chunk, the
// whole body at once. None of that may change what the page shows.

type Events = StreamEvent<unknown, unknown>[];

/** A body handing out `bytes` cut at `cuts`, every piece enqueued at once (as a buffered network delivers it). */
function cutBody(bytes: Uint8Array, cuts: readonly number[]): ReadableStream<Uint8Array> {
  const at = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), bytes.length)))].sort((a, b) => a - b);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let from = 0;
      for (const to of [...at, bytes.length]) {
        if (to > from) controller.enqueue(bytes.slice(from, to));
        from = to;
      }
      controller.close();
    },
  });
}

/** The same, one piece per pull, each a macrotask later: a live stream that a proxy re-cut. */
function trickledBody(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let from = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (from >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(from, from + size));
      from += size;
    },
  });
}

/** What the server's own readers saw, and the toResponse() body, for one scripted answer. */
async function serverSide(
  responses: Parameters<typeof serverStream>[0],
  options: Parameters<typeof serverStream>[1] = {},
): Promise<{ events: Events; snapshots: unknown[]; bytes: Uint8Array; final: unknown }> {
  const run = await serverStream(responses, options);
  try {
    const response = run.stream.toResponse({ usage: true });
    const snapshots: unknown[] = [];
    const [events, bytes, final] = await Promise.all([
      collectEvents(run.stream.events()),
      bodyBytes(response),
      run.stream.final().catch((e: unknown) => e),
      (async () => {
        for await (const s of run.stream) snapshots.push(s);
      })().catch(() => {}),
    ]);
    return { events: comparable(events), snapshots, bytes, final };
  } finally {
    await run.close();
  }
}

/** The page's events, its `for await` snapshots and final(), read from `body()` (called once per reader). */
async function pageSide(body: () => ReadableStream<Uint8Array>, hints?: typeof meetingInfoStreamHints) {
  const events = comparable(await collectEvents(readObjectStream(body(), { hints }).events()));
  const snapshots: unknown[] = [];
  const stream = readObjectStream(body(), { hints });
  const [final] = await Promise.all([
    stream.final().catch((e: unknown) => e),
    (async () => {
      for await (const s of stream) snapshots.push(s);
    })().catch(() => {}),
  ]);
  return { events, snapshots, final };
}

const cutsOf = (length: number) =>
  fc.oneof(
    fc.array(fc.integer({ min: 0, max: length }), { maxLength: 40 }),
    fc.integer({ min: 1, max: 9 }).map((size) => Array.from({ length: Math.ceil(length / size) }, (_, i) => i * size)),
    fc.constant([] as number[]), // the whole body in one chunk
  );

describe("re-chunked wire: the page's snapshots equal the server's, one for one", () => {
  it("the meeting answer: split at every byte, in one chunk, in pieces of 2..64 bytes", async () => {
    const server = await serverSide([{ text: RECORDED_ANSWER, chunkSize: tokenLikeChunkSizes(RECORDED_ANSWER) }], {
      schema: meetingInfoJsonSchema,
    });
    expect(server.snapshots.length).toBeGreaterThan(50);
    const everyByte = Array.from({ length: server.bytes.length }, (_, i) => i);
    for (const cuts of [everyByte, [], [1], [server.bytes.length - 1]]) {
      const page = await pageSide(() => cutBody(server.bytes, cuts), meetingInfoStreamHints);
      expect(page.events).toEqual(server.events);
      expect(page.snapshots).toEqual(server.snapshots);
      expect(page.final).toEqual(server.final);
    }
    for (const size of [2, 3, 5, 17, 64]) {
      const page = await pageSide(() => trickledBody(server.bytes, size), meetingInfoStreamHints);
      expect(page.events).toEqual(server.events);
      expect(page.snapshots).toEqual(server.snapshots);
    }
  });

  it("any answer (multi-byte text, separators, lone surrogates), any cuts, retries (property)", async () => {
    const text = fc.string({ unit: "binary", maxLength: 8 });
    const answer = fc.dictionary(
      fc.oneof(text, fc.constantFrom("__proto__", "constructor", "prototype")),
      fc.oneof(fc.jsonValue({ maxDepth: 3 }), text, fc.array(text, { maxLength: 3 })),
      { maxKeys: 5 },
    );
    await fc.assert(
      fc.asyncProperty(
        answer,
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.boolean(),
        async (value, chunkSize, retried, pretty) => {
          const json = JSON.stringify(value, null, pretty ? 1 : undefined);
          // A rejected first attempt (the validator wants `ok`) makes a retry record on the wire.
          const first = retried ? [{ text: JSON.stringify({ ...value, wrong: [1, "é"] }), chunkSize }] : [];
          const server = await serverSide([...first, { text: json, chunkSize }], {
            accept: (v) => !Object.hasOwn(v as object, "wrong"),
          });
          expect(server.final).toEqual(JSON.parse(json));
          await fc.assert(
            fc.asyncProperty(cutsOf(server.bytes.length), async (cuts) => {
              const page = await pageSide(() => cutBody(server.bytes, cuts));
              expect(page.events).toEqual(server.events);
              expect(page.snapshots).toEqual(server.snapshots);
              expect(page.final).toEqual(server.final);
            }),
            { numRuns: 5 },
          );
        },
      ),
      { numRuns: 30 },
    );
  });

  it("through a compression proxy (gzip on the way, decompressed by the browser)", async () => {
    const server = await serverSide([{ text: RECORDED_ANSWER, chunkSize: 3 }]);
    const gzipped = new Uint8Array(
      await new Response(
        new Blob([server.bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer(),
    );
    const page = await pageSide(() =>
      cutBody(gzipped, [1, 10, 11, 50]).pipeThrough(new DecompressionStream("gzip") as never),
    );
    expect(page.events).toEqual(server.events);
    expect(page.final).toEqual(JSON.parse(RECORDED_ANSWER));
  });

  it("a reader slower than the wire, or one that stopped pulling, holds nothing up for long", async () => {
    const server = await serverSide([{ text: RECORDED_ANSWER, chunkSize: 2 }]);
    expect(server.snapshots.length).toBeGreaterThan(100);
    // One that took a first snapshot and never asked again: final() still comes, and the wait for it is at
    // most one macrotask per network chunk (here: one chunk), not one per snapshot.
    const timers = vi.spyOn(globalThis, "setTimeout");
    try {
      const stream = readObjectStream(cutBody(server.bytes, []));
      const stuck = stream[Symbol.asyncIterator]();
      await stuck.next();
      expect(await stream.final()).toEqual(JSON.parse(RECORDED_ANSWER));
      expect(timers.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      timers.mockRestore();
    }
    // One that awaits a timer per snapshot gets them merged (latest value last), as on the server.
    const stream = readObjectStream(cutBody(server.bytes, []));
    const seen: unknown[] = [];
    for await (const s of stream) {
      seen.push(s);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(seen.length).toBeLessThan(server.snapshots.length);
    expect(seen.at(-1)).toEqual(server.snapshots.at(-1));
  });
});
