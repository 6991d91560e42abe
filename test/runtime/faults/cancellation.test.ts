// Leaving the loop cancels the request when nobody else reads; abort is immediate even during the SDK's retry
// sleep; late and slow readers get what the EventLog contract promises.

import type { ServerResponse } from "node:http";
import { ConnectionError, StreamAbortedError, type StreamEvent } from "@partialgen/runtime";
import { describe, expect, it } from "vitest";
import {
  type MeetingInfo,
  type PartialMeetingInfo,
  streamMeetingInfo,
} from "../../../examples/meeting/generated/index.js";
import { answer, answerText, messages, prefix } from "./fixtures.js";
import {
  answerWith,
  contentChunk,
  failure,
  guardProcess,
  rawServer,
  sendData,
  sleep,
  sseHeaders,
  writeContent,
} from "./raw-server.js";

guardProcess();

type Event = StreamEvent<PartialMeetingInfo, MeetingInfo>;

/** Sends the answer slowly, then stalls before finishing (so only a cancel ends the request early). */
async function slowAnswer(res: ServerResponse): Promise<void> {
  sseHeaders(res);
  for (let i = 0; i < answerText.length && !res.destroyed; i += 4) {
    sendData(res, contentChunk(answerText.slice(i, i + 4)));
    await sleep(5);
  }
}

describe("leaving for await", () => {
  it("cancels the request when no other reader is reading", async () => {
    const server = await rawServer(slowAnswer);
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages });
    let seen = 0;
    for await (const _ of stream) if (++seen === 3) break;
    await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
    const error = (await failure(stream.final())) as StreamAbortedError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(StreamAbortedError);
    expect(error.message).toContain("every reader stopped reading");
    expect(error.text.length).toBeGreaterThan(0);
    expect(answerText.startsWith(error.text)).toBe(true);
    expect(stream.error).toBe(error);
    expect(server.requests).toHaveLength(1);
  });

  it("does not cancel while final() is awaited", async () => {
    const server = await rawServer(answerWith(answerText));
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages });
    const result = stream.final();
    for await (const _ of stream) break;
    expect(await result).toEqual(answer);
  });

  it("does not cancel while another reader is reading, which sees everything", async () => {
    const server = await rawServer(answerWith(answerText));
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages });
    const other = (async () => {
      const events: Event[] = [];
      for await (const event of stream.events()) events.push(event);
      return events;
    })();
    for await (const _ of stream) break;
    const events = await other;
    expect(events.at(-1)).toMatchObject({ type: "done", value: answer });
    expect(await stream.final()).toEqual(answer);
  });
});

describe("abort", () => {
  it("ends the stream at once during the SDK's Retry-After sleep, and no request follows", async () => {
    const server = await rawServer((res) => {
      res.writeHead(429, { "content-type": "application/json", "retry-after-ms": "1200" });
      res.end(JSON.stringify({ error: { message: "slow down" } }));
    }, answerWith(answerText));
    const controller = new AbortController();
    const stream = streamMeetingInfo({
      client: server.client({ maxRetries: 1 }),
      model: "m",
      messages,
      signal: controller.signal,
    });
    const result = failure(stream.final());
    await expect.poll(() => server.requests.length).toBe(1);
    await sleep(50); // the SDK is now sleeping before its retry
    const aborted = Date.now();
    controller.abort(new Error("user left"));
    const error = await result;
    // the abort ends the wait itself (no timer involved); the bound leaves room for a loaded machine, far below
    // the 1200 ms the SDK sleeps
    expect(Date.now() - aborted).toBeLessThan(600);
    expect(error).toBeInstanceOf(StreamAbortedError);
    expect(error.message).toContain("user left");
    await sleep(1400); // the SDK wakes, sees the aborted signal and sends nothing
    expect(server.requests).toHaveLength(1);
  });

  it("ends a stalled stream with what arrived and closes the connection", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      writeContent(res, prefix);
    });
    const controller = new AbortController();
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, signal: controller.signal });
    for await (const snapshot of stream.events()) {
      if (snapshot.type === "snapshot" && snapshot.value.users?.[0]?.name === "John Doe") controller.abort();
    }
    const error = (await failure(stream.final())) as StreamAbortedError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(StreamAbortedError);
    expect(error.partial?.users?.[0]?.name).toBe("John Doe");
    expect(prefix.startsWith(error.text)).toBe(true);
    await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
  });
});

describe("late and slow readers", () => {
  it("a reader that starts after the end gets the last attempt's text, its final snapshot with every completed path, then done", async () => {
    const server = await rawServer(answerWith(answerText));
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages });
    const live: Event[] = [];
    for await (const event of stream.events()) live.push(event);
    const late: Event[] = [];
    for await (const event of stream.events()) late.push(event);
    expect(late.map((e) => e.type)).toEqual(["delta", "snapshot", "done"]);
    expect(late[0]).toEqual({ type: "delta", text: answerText, attempt: 1 });
    expect(late[1]).toMatchObject({ type: "snapshot", value: answer, attempt: 1 });
    const livePaths = live.flatMap((e) => (e.type === "snapshot" ? e.completedPaths : []));
    expect(late[1]?.type === "snapshot" && late[1].completedPaths).toEqual(livePaths);
    expect(late[2]).toEqual(live.at(-1));
  });

  it("a reader that starts mid-stream gets the text so far as one delta, then live events", async () => {
    const server = await rawServer(async (res) => {
      await slowAnswer(res);
      sendData(res, contentChunk("", "stop"));
      res.end("data: [DONE]\n\n");
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages });
    const first: Event[] = [];
    const reader = (async () => {
      for await (const event of stream.events()) first.push(event);
    })();
    await expect.poll(() => first.filter((e) => e.type === "snapshot").length).toBeGreaterThan(5);
    const late: Event[] = [];
    for await (const event of stream.events()) late.push(event);
    await reader;
    expect(late[0]?.type).toBe("delta");
    const text = (events: Event[]) => events.map((e) => (e.type === "delta" ? e.text : "")).join("");
    expect(text(late)).toBe(answerText);
    expect(text(first)).toBe(answerText);
    expect(late.at(-1)).toMatchObject({ type: "done", value: answer });
  });

  it("a slow reader gets coalesced events: all the text, the latest snapshot, the end", async () => {
    const server = await rawServer(answerWith(answerText));
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages });
    const fast: Event[] = [];
    const slow: Event[] = [];
    await Promise.all([
      (async () => {
        for await (const event of stream.events()) fast.push(event);
      })(),
      (async () => {
        for await (const event of stream.events()) {
          slow.push(event);
          await sleep(20);
        }
      })(),
    ]);
    const text = (events: Event[]) => events.map((e) => (e.type === "delta" ? e.text : "")).join("");
    const paths = (events: Event[]) => events.flatMap((e) => (e.type === "snapshot" ? e.completedPaths : []));
    expect(text(slow)).toBe(answerText);
    expect(paths(slow)).toEqual(paths(fast));
    expect(slow.length).toBeLessThan(fast.length);
    expect(slow.filter((e) => e.type === "snapshot").at(-1)).toMatchObject({ value: answer });
    expect(slow.at(-1)).toMatchObject({ type: "done", value: answer });
  });
});

describe("a client that ignores the abort signal (an OpenAI-compatible test double)", () => {
  /** Sends the first chunk, then never settles its next read, whatever the signal says. */
  const stuckClient = () => ({
    chat: {
      completions: {
        create: async () => ({
          [Symbol.asyncIterator]: () => {
            let sent = false;
            return {
              next: () => {
                if (sent) return new Promise<never>(() => {});
                sent = true;
                return Promise.resolve({ done: false, value: contentChunk(prefix) });
              },
            };
          },
        }),
      },
    },
  });

  it("abort still ends the stream at once", async () => {
    const controller = new AbortController();
    const stream = streamMeetingInfo({ client: stuckClient(), model: "m", messages, signal: controller.signal });
    for await (const snapshot of stream.events()) if (snapshot.type === "snapshot") controller.abort();
    const error = (await failure(stream.final())) as StreamAbortedError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(StreamAbortedError);
    expect(error.text).toBe(prefix);
  });

  it("the idle timeout still ends it", async () => {
    const stream = streamMeetingInfo({ client: stuckClient(), model: "m", messages, idleTimeoutMs: 50 });
    const error = (await failure(stream.final())) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe("idle");
    expect(error.text).toBe(prefix);
  });
});
