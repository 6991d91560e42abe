import type { Usage } from "../call/options.js";
import type { ObjectStream } from "../call/stream-object.js";
import type { StreamError } from "./errors.js";
import type { EventLog, StreamEvent, StreamEventType } from "./event-log.js";

/** What a running stream has learned so far: written by whoever feeds the log, read through the view. */
export interface StreamState<P> {
  usage: Usage | undefined;
  attempts: number;
  error: StreamError<P> | undefined;
}

/** The reading side of an object stream, the same on the server (streamObject) and in the browser (readObjectStream). */
export type ObjectStreamView<P, T> = Omit<ObjectStream<P, T>, "toResponse">;

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
