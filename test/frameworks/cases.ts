// One table of behavioural cases that every framework binding runs (test/frameworks/<framework>.test.ts*, one
// adapter each), so the bindings cannot drift apart: what a page sees through the framework's own reactive
// values, against a real toResponse() app server in front of a scripted model.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ScriptedResponse } from "@partialgen/runtime/testing";
import { describe, expect, it } from "vitest";
import type { MeetingInfo } from "../../examples/meeting/generated/index.js";
import { meetingInfoJsonSchema, meetingInfoStreamHints } from "../../examples/meeting/generated/meeting-info.js";
import { RECORDED_ANSWER, tokenLikeChunkSizes } from "../../examples/meeting/replay.js";
import type { ObjectStreamOptions, ObjectStreamStatus } from "../../runtime/client/index.js";
import { encodeRecord, encodeStart } from "../../runtime/wire/to-response.js";
import { serverStream } from "../client/helpers.js";

/** What a component shows: the binding's five reactive values, read through the framework. */
export interface Shown {
  value: unknown;
  status: ObjectStreamStatus;
  error: Error | undefined;
  completedPaths: ReadonlySet<string>;
  attempt: number;
}

/** One binding instance in its framework's owner (component, effect scope, root, injector). */
export interface Mounted {
  read(): Shown;
  isComplete(pointer: string): boolean;
  /** The binding's reactive elements(pattern), created once; the function reads its current value. */
  elements(pattern: string): () => readonly unknown[];
  submit(input: string): void;
  stop(): void;
  /** Ends the owner: unmount, scope dispose, last unsubscribe, root cleanup, injector destroy. */
  unmount(): void | Promise<void>;
}

export interface Binding {
  name: string;
  mount(options: ObjectStreamOptions<unknown, string>): Promise<Mounted>;
  /** Lets time pass and the framework apply what changed (React's act). */
  wait(ms: number): Promise<void>;
}

const FINAL = JSON.parse(RECORDED_ANSWER) as MeetingInfo;
const START = encodeStart({ optionalNulls: "keep", strict: true });
const DONE = encodeRecord({ type: "done" });

/** An app server over HTTP: each POST runs a real streamObject() against a scripted model, answering toResponse(). */
async function appServer(script: ScriptedResponse) {
  const requests: { input: unknown; modelClosed: () => boolean; clientClosed: boolean }[] = [];
  const closers: (() => Promise<void>)[] = [];
  const http: Server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const run = await serverStream(structuredClone([script]), { schema: meetingInfoJsonSchema });
    closers.push(run.close);
    const request = {
      input: JSON.parse(body),
      modelClosed: () => run.server.received[0]?.closedByClient === true,
      clientClosed: false,
    };
    requests.push(request);
    const response = run.stream.toResponse();
    res.writeHead(response.status, Object.fromEntries(response.headers));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    // The browser went away: cancel the body, as a framework adapter (Next.js, Hono on Node) does.
    res.on("close", () => {
      if (!res.writableFinished) {
        request.clientClosed = true;
        void reader.cancel().catch(() => {});
      }
    });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
    } catch {}
    res.end();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/extract`;
  return {
    url,
    requests,
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await Promise.all(closers.map((c) => c()));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A hand-written body writing `parts` `gapMs` apart (see test/react/hook-lifecycle.test.tsx). */
function scriptedBody(parts: readonly string[], gapMs: number, log = { cancelled: false }) {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await sleep(gapMs);
      if (i < parts.length) controller.enqueue(new TextEncoder().encode(parts[i++]));
      else controller.close();
    },
    cancel() {
      log.cancelled = true;
    },
  });
}

export function runCases(binding: Binding): void {
  /** Every distinct state shown while waiting for `check`, read every few milliseconds. */
  async function watch(m: Mounted, check: (s: Shown) => boolean, what: string, seen: Shown[] = []): Promise<Shown[]> {
    for (let i = 0; i < 2000; i++) {
      const s = m.read();
      const last = seen.at(-1);
      if (!last || (Object.keys(s) as (keyof Shown)[]).some((k) => s[k] !== last[k])) seen.push(s);
      if (check(s)) return seen;
      await binding.wait(2);
    }
    throw new Error(`${binding.name}: timed out waiting for ${what} (${m.read().status}: ${m.read().error?.message})`);
  }
  const callbacks = () => {
    const calls = { finish: [] as unknown[], error: [] as Error[] };
    return { calls, onFinish: (v: unknown) => calls.finish.push(v), onError: (e: Error) => calls.error.push(e) };
  };
  const meeting = (delayMs = 1): ScriptedResponse => ({
    text: RECORDED_ANSWER,
    chunkSize: tokenLikeChunkSizes(RECORDED_ANSWER),
    delayMs,
  });

  describe(`${binding.name}: the shared behavioural cases`, () => {
    it("streams intermediate snapshots to the final value; finished subtrees keep their identity", async () => {
      const app = await appServer(meeting());
      const { calls, ...cbs } = callbacks();
      const m = await binding.mount({ api: app.url, hints: meetingInfoStreamHints, ...cbs });
      try {
        const first = m.read();
        expect([first.value, first.status, first.attempt, first.completedPaths.size]).toEqual([
          undefined,
          "idle",
          0,
          0,
        ]);
        expect(m.isComplete("")).toBe(false);
        m.submit("notes");
        const seen = await watch(m, (s) => s.status === "done", "done", [first]);
        expect(app.requests.map((r) => r.input)).toEqual(["notes"]);
        const last = seen.at(-1) as Shown;
        expect(last.value).toEqual(FINAL);
        expect([last.attempt, last.error]).toEqual([1, undefined]);
        // Snapshots on the way, not just the end.
        const partials = seen.filter((s) => s.status === "streaming" && s.value !== undefined);
        expect(partials.length).toBeGreaterThan(3);
        expect([...new Set(seen.map((s) => s.status))]).toEqual(["idle", "streaming", "done"]);
        // A user, once complete, is the same object in every later state.
        for (let i = 0; i < FINAL.users.length; i++) {
          const from = seen.findIndex((s) => s.completedPaths.has(`/users/${i}`));
          expect(from).toBeGreaterThanOrEqual(0);
          const user = (seen[from]!.value as MeetingInfo).users[i];
          expect(user).toEqual(FINAL.users[i]);
          for (const s of seen.slice(from)) expect((s.value as MeetingInfo).users[i]).toBe(user);
        }
        expect(m.isComplete("/users/2")).toBe(true);
        expect(m.isComplete("/users/3")).toBe(false);
        expect(calls.finish).toEqual([FINAL]);
        expect(calls.error).toEqual([]);
      } finally {
        await m.unmount();
        await app.close();
      }
    });

    it("elements(pattern) holds complete elements only, in order, the same array until one more completes", async () => {
      const app = await appServer(meeting());
      const m = await binding.mount({ api: app.url, hints: meetingInfoStreamHints });
      try {
        const users = m.elements("/users/*");
        const arrays: (readonly unknown[])[] = [users()];
        m.submit("notes");
        for (let i = 0; i < 2000 && m.read().status !== "done"; i++) {
          await binding.wait(1);
          const now = users();
          const previous = arrays.at(-1) as readonly unknown[];
          if (now === previous) continue;
          // A new array only with one more complete element; the ones before it kept.
          expect(now.length).toBeGreaterThan(previous.length);
          expect(now.slice(0, previous.length)).toEqual(previous);
          for (const [k, u] of previous.entries()) expect(now[k]).toBe(u);
          expect(now).toEqual(FINAL.users.slice(0, now.length));
          arrays.push(now);
        }
        expect(m.read().status).toBe("done");
        expect(users()).toEqual(FINAL.users);
        expect(arrays.length).toBeGreaterThan(2);
      } finally {
        await m.unmount();
        await app.close();
      }
    });

    it("submit twice: the first request is aborted and nothing it sends later is shown", async () => {
      const logs = { first: { cancelled: false }, second: { cancelled: false } };
      const signals: AbortSignal[] = [];
      const m = await binding.mount({
        api: (input, init) => {
          signals.push(init.signal);
          if (input === "first") {
            const parts = [START, '{"a": "first', ' one"\u001f', ', "n": [1, 2, 3]}\u001f', DONE];
            return new Response(scriptedBody(parts, 15, logs.first));
          }
          return new Response(scriptedBody([START, '{"a": "second"}\u001f', DONE], 1, logs.second));
        },
      });
      try {
        m.submit("first");
        await watch(m, (s) => s.value !== undefined, "a first snapshot");
        m.submit("second");
        const seen = await watch(m, (s) => s.status === "done", "done");
        await binding.wait(120); // the first body's late writes, had they been read
        expect(signals.map((s) => s.aborted)).toEqual([true, false]);
        expect(logs.first.cancelled).toBe(true);
        expect(m.read().value).toEqual({ a: "second" });
        const afterSecond = seen.slice(seen.findLastIndex((s) => s.value === undefined) + 1);
        expect(afterSecond.every((s) => (s.value as { a?: string }).a === "second")).toBe(true);
      } finally {
        await m.unmount();
      }
    });

    it("stop(): the app server and the model see the request closed; the value is kept, status idle", async () => {
      const app = await appServer(meeting(10));
      const { calls, ...cbs } = callbacks();
      const m = await binding.mount({ api: app.url, hints: meetingInfoStreamHints, ...cbs });
      try {
        m.submit("notes");
        const seen = await watch(m, (s) => ((s.value as MeetingInfo | undefined)?.users?.length ?? 0) > 0, "a user");
        const shown = (seen.at(-1) as Shown).value;
        m.stop();
        await watch(m, () => app.requests[0]?.clientClosed === true && app.requests[0].modelClosed(), "the close");
        await binding.wait(100);
        expect([m.read().status, m.read().value, m.read().error]).toEqual(["idle", shown, undefined]);
        expect(calls).toEqual({ finish: [], error: [] });
      } finally {
        await m.unmount();
        await app.close();
      }
    });

    it("unmounting (dispose, last unsubscribe, cleanup, destroy) closes the request upstream", async () => {
      const app = await appServer(meeting(10));
      const { calls, ...cbs } = callbacks();
      const m = await binding.mount({ api: app.url, hints: meetingInfoStreamHints, ...cbs });
      try {
        m.submit("notes");
        await watch(m, (s) => s.value !== undefined, "a snapshot");
        await m.unmount();
        await watch(m, () => app.requests[0]?.clientClosed === true && app.requests[0].modelClosed(), "the close");
        expect(calls).toEqual({ finish: [], error: [] });
      } finally {
        await app.close();
      }
    });

    it("a server dying mid-stream: an error, the last snapshot kept, onError once, no new request", async () => {
      const app = await appServer({ ...meeting(), disconnectAfter: 120 });
      const { calls, ...cbs } = callbacks();
      const m = await binding.mount({ api: app.url, hints: meetingInfoStreamHints, ...cbs });
      try {
        m.submit("notes");
        const seen = await watch(m, (s) => s.status === "error", "the error");
        const last = seen.at(-1) as Shown;
        expect(last.error?.name).toBe("ConnectionError");
        expect((last.value as MeetingInfo).users[0]?.name).toBe("John Doe");
        expect(last.value).toBe(seen.at(-2)?.value); // the snapshot before the error, kept as it was
        await binding.wait(100);
        expect(app.requests).toHaveLength(1);
        expect(calls.error).toEqual([last.error]);
        expect(calls.finish).toEqual([]);
      } finally {
        await m.unmount();
        await app.close();
      }
    });

    it("a retry restarts the value, completedPaths and elements with attempt 2", async () => {
      const retry = encodeRecord({
        type: "retry",
        attempt: 2,
        error: { name: "ValidationFailedError", message: "rejected", errors: [] },
        errors: [],
      });
      const parts = [START, '{"n": [1,\u001f 2],\u001f', retry, '{"a": "b"}\u001f', DONE];
      const m = await binding.mount({ api: () => new Response(scriptedBody(parts, 10)) });
      try {
        const n = m.elements("/n/*");
        m.submit("x");
        await watch(m, () => m.isComplete("/n/1"), "the first attempt's /n/1");
        expect(n()).toEqual([1, 2]);
        await watch(m, (s) => s.status === "done", "done");
        expect(m.read().attempt).toBe(2);
        expect(m.isComplete("/n/1")).toBe(false);
        expect([...m.read().completedPaths]).toEqual(["/a", ""]);
        expect(m.read().value).toEqual({ a: "b" });
        expect(n()).toEqual([]);
      } finally {
        await m.unmount();
      }
    });
  });
}
