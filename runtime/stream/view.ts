import type { StreamError } from "./errors.js";
import type { EventLog, StreamEvent, StreamEventType } from "./event-log.js";
import type { Usage } from "./usage.js";

/** What a running stream has learned so far: written by whoever feeds the log, read through the view. */
export interface StreamState<P> {
  usage: Usage | undefined;
  attempts: number;
  error: StreamError<P> | undefined;
}

/** The reading side of an object stream, the same on the server (streamObject) and in the browser (readObjectStream). */
export interface ObjectStreamView<P, T> extends AsyncIterable<P> {
  /**
   * The snapshots, then the end: iteration ends after the last snapshot when the stream succeeds and throws its
   * StreamError when it fails. Leaving the loop early cancels the request unless another reader is reading or
   * `final()` was called.
   */
  [Symbol.asyncIterator](): AsyncIterator<P>;
  /** The validated complete value; rejects with the StreamError the stream ended with. */
  final(): Promise<T>;
  /**
   * Everything that happens: the model's raw text (`delta`), snapshots, retries and the end. Each iteration is
   * its own reader; one that starts late gets the current attempt's text and latest snapshot first (see EventLog).
   */
  events(): AsyncIterable<StreamEvent<P, T>>;
  /** Token usage summed over every attempt that reported it (failed ones included), once known. */
  readonly usage: Usage | undefined;
  /** Attempts made so far. */
  readonly attempts: number;
  /** The error the stream ended with, typed by the snapshot type (undefined while running or after success). */
  readonly error: StreamError<P> | undefined;
}

const VALUE_EVENTS: ReadonlySet<StreamEventType> = new Set(["snapshot", "done", "error"]);

/** What `for await (const snapshot of stream)` sees of an event: snapshot values; the error is thrown. */
function snapshotValue<P, T>(event: StreamEvent<P, T>): IteratorResult<P, undefined> {
  if (event.type === "snapshot") return { done: false, value: event.value };
  if (event.type === "error") throw event.error;
  return { done: true, value: undefined };
}

/**
 * Snapshots, events, final value and state read from `log`; `start` is called on first use (the request or the
 * body read begins only then).
 */
export function objectStreamView<P, T>(
  log: EventLog<P, T>,
  state: StreamState<P>,
  start: () => void,
): ObjectStreamView<P, T> {
  let finalPromise: Promise<T> | undefined;
  return {
    [Symbol.asyncIterator]() {
      start();
      return log.read(VALUE_EVENTS, snapshotValue<P, T>);
    },
    events() {
      start();
      return { [Symbol.asyncIterator]: () => log.read() };
    },
    final() {
      start();
      log.pin();
      finalPromise ??= log.result().then((end) => (end.type === "done" ? end.value : Promise.reject(end.error)));
      return finalPromise;
    },
    get usage() {
      return state.usage;
    },
    get attempts() {
      return state.attempts;
    },
    get error() {
      return state.error;
    },
  };
}
