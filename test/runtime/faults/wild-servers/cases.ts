// The runner of the wild-server catalogue: a case is the servers answering each request in turn, the call's
// options, and what users rely on from the call (the answer, a transport fault, or an ending `check` asserts).
import { ConnectionError, StreamError } from "@partialgen/runtime";
import OpenAI from "openai";
import OpenAIv5 from "openai-v5";
import { expect } from "vitest";
import {
  type MeetingInfo,
  type PartialMeetingInfo,
  streamMeetingInfo,
} from "../../../../examples/meeting/generated/index.js";
import { answer, messages } from "../fixtures.js";
import { type Handler, type RawServer, rawServer } from "../raw-server.js";

/** Every server is read through both majors of the SDK the runtime supports (their SSE readers differ). */
export const SDKS = [
  ["openai 6", OpenAI],
  ["openai 5", OpenAIv5],
] as const;
export type SDK = (typeof SDKS)[number][1];

export interface CallOptions {
  mode?: "json_schema" | "tools" | "responses";
  /** The SDK's own retries of HTTP errors (0 unless given). */
  sdkRetries?: number;
  idleTimeoutMs?: number;
  connectionRetries?: number;
  /** The caller aborts this long after the call starts. */
  abortAfterMs?: number;
}

export interface CallResult {
  server: RawServer;
  stream: ReturnType<typeof streamMeetingInfo>;
  value: MeetingInfo | undefined;
  error: StreamError<PartialMeetingInfo> | undefined;
}

export type TransportFault = CallResult & { error: ConnectionError<PartialMeetingInfo> };

interface Given {
  /** What the server does, and what comes of it: the test's name. */
  name: string;
  /**
   * The n-th request is answered by the n-th handler (the last answers the rest). A function when the handlers
   * keep state of their own, made afresh for each run.
   */
  servers: Handler[] | (() => Handler[]);
  options?: CallOptions;
}

export type WildCase =
  /** The answer, from one request. */
  | (Given & { want: "answer"; check?: (result: CallResult) => unknown })
  /** A ConnectionError after exactly one request: never re-asked, never blamed on the model. */
  | (Given & { want: "transport fault"; check?: (result: TransportFault) => unknown })
  /** Any ending; `check` says which. */
  | (Given & { want: "other"; check: (result: CallResult) => unknown });

export interface Topic {
  name: string;
  cases: WildCase[];
}

/** One call against one server; `maxRetries: 2` so that any re-ask would show as a second request. */
async function call(sdk: SDK, handlers: Handler[], options: CallOptions = {}): Promise<CallResult> {
  const server = await rawServer(...handlers);
  const controller = options.abortAfterMs === undefined ? undefined : new AbortController();
  const stream = streamMeetingInfo({
    client: new sdk({ apiKey: "test", baseURL: server.baseURL, maxRetries: options.sdkRetries ?? 0 }),
    model: "m",
    messages,
    maxRetries: 2,
    ...(options.mode ? { mode: options.mode } : {}),
    ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...(options.connectionRetries ? { connectionRetries: options.connectionRetries } : {}),
    ...(controller ? { signal: controller.signal } : {}),
  });
  if (controller) setTimeout(() => controller.abort(), options.abortAfterMs);
  let value: MeetingInfo | undefined;
  let error: StreamError<PartialMeetingInfo> | undefined;
  try {
    value = await stream.final();
  } catch (e) {
    error = e as StreamError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(StreamError);
    expect(stream.error).toBe(error);
  }
  return { server, stream, value, error };
}

export async function runCase(sdk: SDK, c: WildCase): Promise<void> {
  const handlers = typeof c.servers === "function" ? c.servers() : c.servers;
  const result = await call(sdk, handlers, c.options);
  switch (c.want) {
    case "answer":
      expect(result.error).toBeUndefined();
      expect(result.value).toEqual(answer);
      expect(result.server.requests).toHaveLength(1);
      await c.check?.(result);
      return;
    case "transport fault":
      expect(result.error).toBeInstanceOf(ConnectionError);
      expect(result.error?.message).not.toMatch(/model's answer|malformed/i);
      expect(result.server.requests).toHaveLength(1);
      expect(result.stream.attempts).toBe(1);
      await c.check?.(result as TransportFault);
      return;
    case "other":
      await c.check(result);
      return;
  }
}
