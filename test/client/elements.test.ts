import { readObjectStream } from "@partialgen/runtime/client";
import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { MeetingInfo, PartialMeetingInfo } from "../../examples/meeting/generated/index.js";
import { RECORDED_ANSWER, tokenLikeChunkSizes } from "../../examples/meeting/replay.js";
import { type ElementAt, elements, StreamError, type StreamEvent } from "../../runtime/index.js";
import { pointerPattern } from "../../runtime/stream/elements.js";
import { serverStream } from "./helpers.js";

/** A stream of scripted events, for driving elements() precisely. */
function eventsOf<P, T>(events: StreamEvent<P, T>[]) {
  return {
    async *events() {
      for (const e of events) yield e;
    },
  };
}

/** Every element a pattern names in a complete value, in document order. */
function expected(value: unknown, tokens: string[]): unknown[] {
  if (tokens.length === 0) return [value];
  if (value === null || typeof value !== "object") return [];
  const [head, ...rest] = tokens as [string, ...string[]];
  const keys = head === "*" ? Object.keys(value) : Object.hasOwn(value, head) ? [head] : [];
  return keys.flatMap((k) => expected((value as Record<string, unknown>)[k], rest));
}

describe("elements(stream, pattern)", () => {
  it("types the elements by the pattern", () => {
    expectTypeOf<ElementAt<MeetingInfo, "/users/*">>().toEqualTypeOf<MeetingInfo["users"][number]>();
    expectTypeOf<ElementAt<MeetingInfo, "/users/*/name">>().toEqualTypeOf<string>();
    type Doc = { sections: { title: string; users: { id: number }[] }[] };
    expectTypeOf<ElementAt<Doc, "/sections/*/users/*">>().toEqualTypeOf<{ id: number }>();
    expectTypeOf<ElementAt<Doc, "/nope/*">>().toEqualTypeOf<never>();
  });

  it("yields each user of the meeting answer once it is complete, in order, exactly once", async () => {
    const run = await serverStream<PartialMeetingInfo, MeetingInfo>([
      { text: RECORDED_ANSWER, chunkSize: tokenLikeChunkSizes(RECORDED_ANSWER) },
    ]);
    try {
      const seen: { user: unknown; snapshotsSoFar: number }[] = [];
      let snapshots = 0;
      const counting = (async () => {
        for await (const _ of run.stream) snapshots++;
      })();
      for await (const user of elements(run.stream, "/users/*")) {
        expectTypeOf(user).toEqualTypeOf<MeetingInfo["users"][number]>();
        seen.push({ user, snapshotsSoFar: snapshots });
      }
      await counting;
      const final = JSON.parse(RECORDED_ANSWER) as MeetingInfo;
      expect(seen.map((s) => s.user)).toEqual(final.users);
      // Streamed, not collected at the end: the first user arrives while the answer is still being written.
      expect(seen[0]!.snapshotsSoFar).toBeLessThan(snapshots / 2);
    } finally {
      await run.close();
    }
  });

  it("nested patterns over any value and chunking, on the server and in the browser (property)", async () => {
    const doc = fc.record({
      sections: fc.array(
        fc.record({
          title: fc.string(),
          users: fc.array(fc.record({ id: fc.integer(), tags: fc.array(fc.string()) })),
        }),
        { maxLength: 4 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        doc,
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom("/sections/*", "/sections/*/users/*", "/sections/*/users/*/tags/*", "/sections/*/title"),
        async (value, chunkSize, pattern) => {
          const run = await serverStream([{ text: JSON.stringify(value), chunkSize }]);
          try {
            const response = run.stream.toResponse();
            const browser = readObjectStream(response);
            const fromServer: unknown[] = [];
            const fromBrowser: unknown[] = [];
            await Promise.all([
              (async () => {
                for await (const e of elements(run.stream, pattern)) fromServer.push(e);
              })(),
              (async () => {
                for await (const e of elements(browser, pattern)) fromBrowser.push(e);
              })(),
            ]);
            const want = expected(value, pattern.slice(1).split("/"));
            expect(fromServer).toEqual(want);
            expect(fromBrowser).toEqual(want);
          } finally {
            await run.close();
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("after a retry, positions already yielded are not yielded again", async () => {
    const run = await serverStream(
      [
        { text: '{"users": [{"n": 1}, {"n": 2}], "ok": false}', chunkSize: 3 },
        { text: '{"users": [{"n": 1}, {"n": 2}, {"n": 3}], "ok": true}', chunkSize: 3 },
      ],
      { accept: (v) => (v as { ok: boolean }).ok },
    );
    try {
      const seen: unknown[] = [];
      for await (const u of elements(run.stream, "/users/*")) seen.push(u);
      expect(seen).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    } finally {
      await run.close();
    }
  });

  it("completions that arrive with done (closing brackets after the last snapshot) are yielded", async () => {
    const stream = eventsOf<unknown, { a: number[] }>([
      { type: "snapshot", value: { a: [1] }, completedPaths: ["/a/0"], attempt: 1 },
      { type: "done", value: { a: [1, 2] }, completedPaths: ["/a/1", "/a", ""], attempts: 1, usage: undefined },
    ]);
    const seen: number[] = [];
    for await (const n of elements(stream, "/a/*")) seen.push(n);
    expect(seen).toEqual([1, 2]);
  });

  it("the stream's error is thrown after the elements that completed", async () => {
    const failure = new StreamError("boom", { partial: undefined, text: "", attempts: 1 });
    const stream = eventsOf<unknown, { a: number[] }>([
      { type: "snapshot", value: { a: [1] }, completedPaths: ["/a/0"], attempt: 1 },
      { type: "error", error: failure },
    ]);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const n of elements(stream, "/a/*")) seen.push(n);
      })(),
    ).rejects.toBe(failure);
    expect(seen).toEqual([1]);
  });

  it("patterns: escaped tokens, the root, and a clear error for a non-pointer", () => {
    expect(pointerPattern("/a~1b/*")("/a~1b/0")).toBe(true);
    expect(pointerPattern("/a/*")("/a/0/b")).toBe(false);
    expect(pointerPattern("/a/*")("/a")).toBe(false);
    expect(pointerPattern("/a/*")("/ab/0")).toBe(false);
    expect(pointerPattern("")("")).toBe(true);
    expect(() => pointerPattern("users/*")).toThrow(/must be a JSON Pointer/);
  });
});
