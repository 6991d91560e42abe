// biome-ignore-all lint/correctness/noComponentHookFactories: each test's component closes over its own backend
import { type ObjectStreamState, useObjectStream } from "@partialgen/runtime/react";
import { Window } from "happy-dom";
import { act, memo, StrictMode, useEffect } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";
import type { MeetingInfo, PartialMeetingInfo } from "../../examples/meeting/generated/index.js";

type PartialUser = NonNullable<PartialMeetingInfo["users"]>[number];

import { meetingInfoJsonSchema, meetingInfoStreamHints } from "../../examples/meeting/generated/meeting-info.js";
import { RECORDED_ANSWER, tokenLikeChunkSizes } from "../../examples/meeting/replay.js";
import { serverStream } from "../client/helpers.js";

// A DOM for react-dom from happy-dom, in Node's own environment: the backend below runs the real openai SDK
// and Node's fetch, and the reader gets Node's Response and streams, as a browser's are (a whole browser
// environment would swap those for its own).
const window = new Window();
for (const name of ["window", "document", "navigator", "HTMLElement", "HTMLIFrameElement", "Node", "Event"] as const) {
  if (!(name in globalThis) || name === "window" || name === "document") {
    Object.defineProperty(globalThis, name, { value: name === "window" ? window : window[name], configurable: true });
  }
}
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

type State = ObjectStreamState<PartialMeetingInfo, MeetingInfo, string>;

/** A backend: each request runs a real streamObject() against a scripted model and answers toResponse(). */
async function backend(responses: Parameters<typeof serverStream>[0]) {
  const requests: { input: string; signal: AbortSignal }[] = [];
  const closers: (() => Promise<void>)[] = [];
  const api = async (input: string, init: { signal: AbortSignal }) => {
    requests.push({ input, signal: init.signal });
    const run = await serverStream<PartialMeetingInfo, MeetingInfo>(responses, {
      schema: meetingInfoJsonSchema,
      signal: init.signal,
    });
    closers.push(run.close);
    return run.stream.toResponse();
  };
  return { api, requests, close: () => Promise.all(closers.map((c) => c())) };
}

let root: Root | undefined;
// biome-ignore lint/suspicious/noExplicitAny: test plumbing
const track = (s: any) => {
  latestError = () => s?.error;
};
let container: HTMLElement | undefined;
afterEach(async () => {
  await act(async () => root?.unmount());
  container?.remove();
  root = undefined;
});

function mount(element: React.ReactNode) {
  container = document.createElement("div");
  document.body.append(container);
  root = createRoot(container);
  return act(async () => root!.render(element));
}

let latestError: () => Error | undefined = () => undefined;
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await act(() => new Promise((r) => setTimeout(r, 5)));
  if (!check()) throw new Error(`timed out waiting for ${what} (error: ${latestError()?.message})`);
}

const answer = [{ text: RECORDED_ANSWER, chunkSize: tokenLikeChunkSizes(RECORDED_ANSWER), delayMs: 1 }];

describe("useObjectStream", () => {
  it("StrictMode: a submit from a mount effect makes one request, which streams to done", async () => {
    const server = await backend(answer);
    let latest: State | undefined;
    const statuses: string[] = [];
    function App() {
      const s = useObjectStream<PartialMeetingInfo, MeetingInfo, string>({
        api: server.api,
        hints: meetingInfoStreamHints,
      });
      latest = s;
      track(s);
      if (statuses.at(-1) !== s.status) statuses.push(s.status);
      const { submit } = s;
      useEffect(() => submit("notes"), [submit]);
      return <p>{s.value?.location ?? ""}</p>;
    }
    try {
      await mount(
        <StrictMode>
          <App />
        </StrictMode>,
      );
      await until(() => latest?.status === "done", "done");
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.signal.aborted).toBe(false);
      expect(latest!.value).toEqual(JSON.parse(RECORDED_ANSWER));
      expect(statuses).toEqual(["idle", "streaming", "done"]);
      expect(latest!.isComplete("/users/2")).toBe(true);
      expect(latest!.completedPaths.has("")).toBe(true);
      expect(container!.textContent).toBe("Grand Tech Arena, 4521 Innovation Drive");
    } finally {
      await server.close();
    }
  });

  it("unchanged subtrees keep their identity: memo cards of finished users do not re-render", async () => {
    const server = await backend(answer);
    const renders = new Map<number, number>();
    const identities = new Map<number, Set<unknown>>();
    let appRenders = 0;
    let latest: State | undefined;
    const Card = memo(function Card({ user, index }: { user: PartialUser; index: number }) {
      renders.set(index, (renders.get(index) ?? 0) + 1);
      return <li>{user.name}</li>;
    });
    function App() {
      const s = useObjectStream<PartialMeetingInfo, MeetingInfo, string>({
        api: server.api,
        hints: meetingInfoStreamHints,
      });
      latest = s;
      track(s);
      appRenders++;
      s.value?.users?.forEach((u, i) => {
        if (!identities.has(i)) identities.set(i, new Set());
        identities.get(i)!.add(u);
      });
      return (
        <ul>
          {s.value?.users?.map((u, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: positions are the identity of streamed elements
            <Card key={i} user={u} index={i} />
          ))}
        </ul>
      );
    }
    try {
      await mount(<App />);
      await act(async () => latest!.submit("notes"));
      await until(() => latest?.status === "done", "done");
      // Each card renders once per distinct value of its user, not once per snapshot.
      for (const [i, count] of renders) expect(count).toBe(identities.get(i)!.size);
      expect(renders.get(0)!).toBeLessThan(appRenders / 3);
      console.log(
        `render counts: app ${appRenders}, cards ${[...renders.values()].join(", ")} (distinct user values ${[...identities.values()].map((s) => s.size).join(", ")})`,
      );
    } finally {
      await server.close();
    }
  });

  it("stop() aborts the request, keeps the value and goes back to idle", async () => {
    const server = await backend([{ ...answer[0]!, delayMs: 10 }]);
    let latest: State | undefined;
    function App() {
      latest = useObjectStream<PartialMeetingInfo, MeetingInfo, string>({
        api: server.api,
        hints: meetingInfoStreamHints,
      });
      track(latest);
      return null;
    }
    try {
      await mount(<App />);
      await act(async () => latest!.submit("notes"));
      await until(() => (latest?.value?.users?.length ?? 0) > 0, "a first user");
      const shown = latest!.value;
      await act(async () => latest!.stop());
      expect(server.requests[0]!.signal.aborted).toBe(true);
      expect(latest!.status).toBe("idle");
      await act(() => new Promise((r) => setTimeout(r, 100)));
      expect(latest!.value).toBe(shown);
      expect(latest!.error).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it("unmounting aborts the request", async () => {
    const server = await backend([{ ...answer[0]!, delayMs: 10 }]);
    let latest: State | undefined;
    function App() {
      latest = useObjectStream<PartialMeetingInfo, MeetingInfo, string>({
        api: server.api,
        hints: meetingInfoStreamHints,
      });
      track(latest);
      return null;
    }
    try {
      await mount(<App />);
      await act(async () => latest!.submit("notes"));
      await until(() => latest?.value !== undefined, "a snapshot");
      await act(async () => root!.unmount());
      root = undefined;
      await new Promise((r) => setTimeout(r, 20));
      expect(server.requests[0]!.signal.aborted).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("a server dying mid-stream is an error with the last snapshot kept, and no new request", async () => {
    const server = await backend([{ ...answer[0]!, disconnectAfter: 120 }]);
    let latest: State | undefined;
    function App() {
      latest = useObjectStream<PartialMeetingInfo, MeetingInfo, string>({
        api: server.api,
        hints: meetingInfoStreamHints,
      });
      track(latest);
      return null;
    }
    try {
      await mount(<App />);
      await act(async () => latest!.submit("notes"));
      await until(() => latest?.status === "error", "the error");
      expect(latest!.error?.name).toBe("ConnectionError");
      expect(latest!.value?.users?.[0]?.name).toBe("John Doe");
      await act(() => new Promise((r) => setTimeout(r, 100)));
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("elements(pattern): complete users in order, the same array until one more completes", async () => {
    const server = await backend(answer);
    let latest: State | undefined;
    const seen: (readonly unknown[])[] = [];
    function App() {
      latest = useObjectStream<PartialMeetingInfo, MeetingInfo, string>({
        api: server.api,
        hints: meetingInfoStreamHints,
      });
      track(latest);
      const users = latest.elements("/users/*");
      if (seen.at(-1) !== users) seen.push(users);
      return null;
    }
    try {
      await mount(<App />);
      await act(async () => latest!.submit("notes"));
      await until(() => latest?.status === "done", "done");
      const final = JSON.parse(RECORDED_ANSWER) as MeetingInfo;
      expect(seen.map((s) => s.length)).toEqual([0, 1, 2, 3]);
      expect(seen.at(-1)).toEqual(final.users);
    } finally {
      await server.close();
    }
  });
});
