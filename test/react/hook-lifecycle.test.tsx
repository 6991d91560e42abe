// biome-ignore-all lint/correctness/noComponentHookFactories: each test's component closes over its own backend
import { type ObjectStreamState, StreamAbortedError, useObjectStream } from "@partialgen/runtime/react";
import { Window } from "happy-dom";
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeRecord, encodeStart } from "../../runtime/wire/to-response.js";

// A DOM for react-dom (see use-object-stream.test.tsx); the backends here are hand-written wire bodies, so each
// test controls exactly when the server writes what.
const window = new Window();
for (const name of ["window", "document", "navigator", "HTMLElement", "HTMLIFrameElement", "Node", "Event"] as const) {
  if (!(name in globalThis) || name === "window" || name === "document") {
    Object.defineProperty(globalThis, name, { value: name === "window" ? window : window[name], configurable: true });
  }
}
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

type Answer = { a?: string; n?: number[] };
type State = ObjectStreamState<Answer, Answer, string>;

const START = encodeStart({ optionalNulls: "keep", strict: true });
const DONE = encodeRecord({ type: "done" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A server body writing `parts` `gapMs` apart; it goes on writing after a cancel unless `honourCancel`, as a
 * proxy that already buffered the rest does, so a reader must drop what comes late itself.
 */
function scriptedBody(parts: readonly string[], gapMs: number, log: { cancelled: boolean }) {
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

let root: Root | undefined;
let latest: State | undefined;
const shown: { input: string | undefined; value: Answer | undefined; status: string }[] = [];
let currentInput: string | undefined;

afterEach(async () => {
  await act(async () => root?.unmount());
  root = undefined;
  latest = undefined;
  shown.length = 0;
});

function mountHook(api: (input: string, init: { signal: AbortSignal }) => Promise<Response> | Response) {
  function App() {
    const s = useObjectStream<Answer, Answer, string>({ api });
    latest = s;
    shown.push({ input: currentInput, value: s.value, status: s.status });
    return <p>{s.value?.a ?? ""}</p>;
  }
  const container = document.createElement("div");
  document.body.append(container);
  root = createRoot(container);
  return act(async () => root!.render(<App />));
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await act(() => sleep(5));
  if (!check()) throw new Error(`timed out waiting for ${what}: ${latest?.status} ${latest?.error?.message}`);
}

const submit = (input: string) =>
  act(async () => {
    currentInput = input;
    latest!.submit(input);
  });

describe("useObjectStream over a request's whole life", () => {
  it("a StreamAbortedError the server sends is an error, not an endless 'streaming'", async () => {
    function api() {
      const aborted = encodeRecord({ type: "error", name: "StreamAbortedError", message: "aborted on the server" });
      return new Response(`${START}{"a": "x"\u001f${aborted}`);
    }
    await mountHook(api);
    await act(async () => latest!.submit("go"));
    await until(() => latest!.status !== "streaming", "the end");
    expect(latest!.status).toBe("error");
    expect(latest!.error).toBeInstanceOf(StreamAbortedError);
    expect(latest!.error?.message).toBe("aborted on the server");
    expect(latest!.value).toEqual({ a: "x" });
  });

  it("two submits in a row: the first request is aborted and nothing it sends later is shown", async () => {
    const logs = { first: { cancelled: false }, second: { cancelled: false } };
    const signals: AbortSignal[] = [];
    function api(input: string, init: { signal: AbortSignal }) {
      signals.push(init.signal);
      if (input === "first") {
        const parts = [START, '{"a": "first', ' one"\u001f', ', "n": [1, 2, 3]}\u001f', DONE];
        return new Response(scriptedBody(parts, 15, logs.first));
      }
      return new Response(scriptedBody([START, '{"a": "second"}\u001f', DONE], 1, logs.second));
    }
    await mountHook(api);
    await submit("first");
    await until(() => latest!.value?.a !== undefined, "a first snapshot");
    await submit("second");
    await until(() => latest!.status === "done", "done");
    await act(() => sleep(120)); // the first body's late writes, had they been read
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[1]!.aborted).toBe(false);
    expect(latest!.value).toEqual({ a: "second" });
    const afterSecond = shown.slice(shown.findIndex((s) => s.input === "second"));
    expect(afterSecond.some((s) => s.value?.a?.startsWith("first"))).toBe(false);
    expect(logs.first.cancelled).toBe(true);
  });

  it("stop() then submit(): a fresh request streams to done", async () => {
    let requests = 0;
    function api() {
      requests++;
      const parts =
        requests === 1
          ? [START, '{"a": "slow', " still", " going"]
          : [START, '{"a": "fresh",\u001f "n": [1]}\u001f', DONE];
      return new Response(scriptedBody(parts, requests === 1 ? 20 : 1, { cancelled: false }));
    }
    await mountHook(api);
    await submit("one");
    await act(() => sleep(30));
    await act(async () => latest!.stop());
    expect(latest!.status).toBe("idle");
    await submit("two");
    await until(() => latest!.status === "done", "done");
    expect(latest!.value).toEqual({ a: "fresh", n: [1] });
    expect(latest!.error).toBeUndefined();
    expect(latest!.isComplete("/n/0")).toBe(true);
  });

  it("an error, then submit again: the error clears and the new answer shows", async () => {
    let requests = 0;
    function api() {
      requests++;
      if (requests === 1) return new Response("upstream down", { status: 502 });
      return new Response(`${START}{"a": "ok"}\u001f${DONE}`);
    }
    await mountHook(api);
    await submit("x");
    await until(() => latest!.status === "error", "the error");
    expect(latest!.error?.name).toBe("ConnectionError");
    expect(latest!.error?.message).toContain("HTTP 502");
    await submit("x");
    await until(() => latest!.status === "done", "done");
    expect(latest!.error).toBeUndefined();
    expect(latest!.value).toEqual({ a: "ok" });
  });

  it("an api function that throws, synchronously or not, is an error state (no unhandled rejection)", async () => {
    for (const api of [
      () => {
        throw new TypeError("bad url");
      },
      () => Promise.reject(new TypeError("Failed to fetch")),
    ]) {
      await mountHook(api);
      await submit("x");
      await until(() => latest!.status === "error", "the error");
      expect(latest!.error?.name).toBe("ConnectionError");
      await act(async () => root?.unmount());
      root = undefined;
    }
  });

  it("a retry: completedPaths and isComplete restart with the new attempt", async () => {
    const retry = encodeRecord({
      type: "retry",
      attempt: 2,
      error: { name: "ValidationFailedError", message: "rejected", errors: [] },
      errors: [],
    });
    const parts = [START, '{"n": [1,\u001f 2],\u001f', retry, '{"a": "b"}\u001f', DONE];
    await mountHook(() => new Response(scriptedBody(parts, 10, { cancelled: false })));
    await submit("x");
    await until(() => latest!.isComplete("/n/1"), "the first attempt's /n/1");
    await until(() => latest!.status === "done", "done");
    expect(latest!.attempt).toBe(2);
    expect(latest!.isComplete("/n/1")).toBe(false);
    expect([...latest!.completedPaths]).toEqual(["/a", ""]);
    expect(latest!.value).toEqual({ a: "b" });
    expect(latest!.elements("/n/*")).toEqual([]);
  });

  it("unmounting mid-stream aborts, cancels the body and logs nothing", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const log = { cancelled: false };
    let signal: AbortSignal | undefined;
    try {
      await mountHook((_input, init) => {
        signal = init.signal;
        return new Response(scriptedBody([START, '{"a": "x"\u001f', ', "n": [1]\u001f', "}", DONE], 20, log));
      });
      await submit("x");
      await until(() => latest!.value !== undefined, "a snapshot");
      await act(async () => root!.unmount());
      root = undefined;
      await sleep(100);
      expect(signal!.aborted).toBe(true);
      expect(log.cancelled).toBe(true);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });
});

describe("useObjectStream's callbacks", () => {
  it("an onFinish or onError that throws reaches the error boundary instead of vanishing", async () => {
    const { Component } = await import("react");
    class Boundary extends Component<{ children: React.ReactNode }, { error?: Error }> {
      override state: { error?: Error } = {};
      static getDerivedStateFromError(error: Error) {
        return { error };
      }
      override render() {
        return this.state.error ? <p>caught: {this.state.error.message}</p> : this.props.children;
      }
    }
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (const [body, callback] of [
        [`${START}{"a": "x"}\u001f${DONE}`, "onFinish"],
        [`${START}{"a": "x"`, "onError"],
      ] as const) {
        let s: State | undefined;
        function App() {
          s = useObjectStream<Answer, Answer, string>({
            api: () => new Response(body),
            [callback]: () => {
              throw new Error(`${callback} failed`);
            },
          });
          return <p>{s.status}</p>;
        }
        const container = document.createElement("div");
        document.body.append(container);
        root = createRoot(container);
        await act(async () =>
          root!.render(
            <Boundary>
              <App />
            </Boundary>,
          ),
        );
        await act(async () => s!.submit("x"));
        for (let i = 0; i < 100 && !container.textContent?.startsWith("caught"); i++) await act(() => sleep(5));
        expect(container.textContent).toBe(`caught: ${callback} failed`);
        await act(async () => root?.unmount());
        root = undefined;
      }
    } finally {
      errors.mockRestore();
    }
  });
});
