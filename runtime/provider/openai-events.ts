import { EventStreamDecoder } from "./sse.js";

/**
 * The openai SDK's stream, read from the response's body by our own decoder (sse.ts says why): the same values,
 * the same end and the same errors as iterating the SDK's `Stream` (its `fromSSEResponse`, majors 5 and 6), so
 * that every failure is classified as before (attempt.ts: streamFailure).
 */

/**
 * What the SDK throws for an event whose data has a truthy `error` field (its APIError without a status): the
 * `error` field and the SDK's message for it, which streamFailure reads.
 */
export class ServerEventError extends Error {
  override name = "ServerEventError";
  constructor(readonly error: unknown) {
    super(sdkErrorMessage(error));
  }
}

/** APIError.makeMessage of the SDK, for an error without a status or message of its own. */
function sdkErrorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  if (message) return typeof message === "string" ? message : JSON.stringify(message);
  return JSON.stringify(error) || "(no status code or body)";
}

/** Where the events go: each value as the SDK would yield it, and each chunk of bytes as it arrives. */
export interface EventSink {
  /** One value; false to stop reading (the caller then stops the attempt). */
  take(value: unknown): boolean;
  bytes(chunk: Uint8Array): void;
  /**
   * After take(): undefined, or a promise of the moment the stream's readers have seen what it showed them
   * (EventLog.caughtUp). A chunk often holds many events; the SDK's stream handed them out one per several
   * microtasks, and readers that keep pace saw each snapshot: awaited so that they still do.
   */
  caughtUp(): Promise<void> | undefined;
  /** The chunk's events are read. */
  chunkRead(): void;
}

/**
 * Reads an event stream from `body` to its end (true) or until `sink` refuses a value (false). Throws where the
 * SDK's iteration throws: a SyntaxError for data that is not JSON, a ServerEventError for an `error` field, and
 * the body's own errors. `signal` aborting cancels the read (the SDK's fetch is aborted by the same signal).
 * The body is always released: cancelled unless it was read to its end.
 */
export async function readOpenAIEvents(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  sink: EventSink,
): Promise<boolean> {
  const reader = body.getReader();
  const decoder = new EventStreamDecoder();
  // `data: [DONE]` ends the answer; as the SDK does, the body is still read to its end, its events ignored.
  let finished = false;
  let closed = false;
  const cancel = () => {
    reader.cancel().catch(ignore);
  };
  signal.addEventListener("abort", cancel, { once: true });
  try {
    if (signal.aborted) return true;
    for (;;) {
      const step = await reader.read();
      if (step.done) {
        closed = true;
        return true;
      }
      const chunk = asBytes(step.value);
      sink.bytes(chunk);
      if (finished) continue;
      decoder.push(chunk);
      try {
        while (decoder.next()) {
          const { event, data } = decoder;
          if (data.startsWith("[DONE]")) {
            finished = true;
            break;
          }
          if (!sink.take(sdkValue(event, data))) return false;
          const wait = sink.caughtUp();
          if (wait !== undefined) {
            await wait;
            if (signal.aborted) return true;
          }
        }
      } finally {
        sink.chunkRead();
      }
    }
  } finally {
    signal.removeEventListener("abort", cancel);
    if (!closed) cancel();
  }
}

/** The value the SDK yields for an event (its data as JSON), or what it throws. */
function sdkValue(event: string | null, data: string): unknown {
  const value: unknown = JSON.parse(data);
  if (event?.startsWith("thread.")) return { event, data: value };
  const error = (value as { error?: unknown } | null)?.error;
  if (value && error) throw new ServerEventError(error);
  return value;
}

const encoder = new TextEncoder();

/** A body's chunk as bytes: fetch hands out Uint8Arrays; a custom `fetch` may hand out ArrayBuffers or strings. */
function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  return encoder.encode(String(chunk));
}

function ignore(): void {}
