import type { ValidationError } from "../validate/validation.js";
import type { StreamError } from "./errors.js";
import type { Usage } from "./usage.js";

export type StreamEvent<P, T> =
  /** Raw text the model wrote in `attempt` (in order; a late or slow reader gets consecutive deltas joined). */
  | { type: "delta"; text: string; attempt: number }
  /** A new snapshot, with the JSON Pointers that became complete since the previous one this reader saw. */
  | { type: "snapshot"; value: P; completedPaths: readonly string[]; attempt: number }
  /**
   * Attempt `attempt` starts (snapshots and text restart from empty). `error` is why the previous attempt was
   * rejected and `reason` its message; `errors` are Ajv's errors when it failed validation (else empty).
   */
  | { type: "retry"; attempt: number; reason: string; error: StreamError<P>; errors: readonly ValidationError[] }
  /** The validated value; `completedPaths` are the completions after the last snapshot (closing brackets). */
  | { type: "done"; value: T; completedPaths: readonly string[]; attempts: number; usage: Usage | undefined }
  | { type: "error"; error: StreamError<P> };

export type StreamEventType = StreamEvent<unknown, unknown>["type"];

type Delta = Extract<StreamEvent<unknown, unknown>, { type: "delta" }>;
type Snapshot<P> = Extract<StreamEvent<P, unknown>, { type: "snapshot" }>;
type Terminal<P, T> = Extract<StreamEvent<P, T>, { type: "done" | "error" }>;

/**
 * The events of one stream, for any number of readers, in memory bounded by the answer (not by the number of
 * snapshots). The producer never waits for readers: the network sets the pace. What is kept is the current
 * attempt's state (its text, latest snapshot and the pointers completed in it) and the terminal event.
 *
 * The contract for readers:
 * - A reader that starts late first receives the current attempt's state: its text so far as one `delta`, then
 *   its latest snapshot as one `snapshot` whose `completedPaths` lists every pointer completed so far in that
 *   attempt; then live events. After the end, that state is the last attempt's, followed by `done` or `error`.
 *   Earlier attempts are not replayed (`retry` events are live only; `error.previousErrors` keeps their errors).
 * - A reader slower than the stream never loses text or control events, but consecutive deltas are joined and
 *   consecutive snapshots coalesce into the latest (their `completedPaths` concatenated), so a slow reader
 *   costs one pending delta and one pending snapshot, never a backlog.
 * - Terminal events (`done`, `error`) always arrive, exactly once per reader, last.
 */
export class EventLog<P, T> {
  #attempt = 0;
  /** The current attempt's text so far (read only for late readers). */
  #text: () => string = () => "";
  #latest: Snapshot<P> | undefined;
  #completed: string[] = [];
  #terminal: Terminal<P, T> | undefined;
  readonly #readers = new Set<Subscriber<P, T>>();
  /** Readers that take deltas: with none, no delta event is made. */
  #deltaReaders = 0;
  /** What result() promised, made on its first call, and its resolve while the stream runs. */
  #result: Promise<Terminal<P, T>> | undefined;
  #settle: ((event: Terminal<P, T>) => void) | undefined;
  /** The producer waiting in caughtUp() (there is one producer). */
  #onCaughtUp: (() => void) | undefined;
  /** The current chunk's timer of one macrotask, started by its first wait; once it fired, no more waits. */
  #patience: ReturnType<typeof setTimeout> | undefined;
  #impatient = false;

  /**
   * @param onAbandoned called when the last active reader leaves early (iterator `return`) before the end, so the
   *   stream can cancel its request; not called while `pin()` holds it.
   */
  constructor(onAbandoned: () => void) {
    this.#onAbandoned = onAbandoned;
  }

  readonly #onAbandoned: () => void;

  #pinned = false;

  /** Someone awaits the result (`final()`): leaving readers no longer cancel the stream. */
  pin(): void {
    this.#pinned = true;
  }

  /** A new attempt starts: `text` gives its text so far (called only for late readers). */
  beginAttempt(attempt: number, text: () => string): void {
    this.#attempt = attempt;
    this.#text = text;
    this.#latest = undefined;
    this.#completed = [];
  }

  delta(text: string): void {
    if (this.#deltaReaders === 0) return;
    const event: Delta = { type: "delta", text, attempt: this.#attempt };
    for (const reader of this.#readers) reader.pushDelta(event);
  }

  snapshot(value: P, completedPaths: readonly string[]): void {
    const event: Snapshot<P> = { type: "snapshot", value, completedPaths, attempt: this.#attempt };
    this.#latest = event;
    for (const path of completedPaths) this.#completed.push(path);
    for (const reader of this.#readers) reader.pushSnapshot(event);
  }

  retry(event: Extract<StreamEvent<P, T>, { type: "retry" }>): void {
    for (const reader of this.#readers) reader.pushControl(event);
  }

  end(event: Terminal<P, T>): void {
    if (this.#terminal) return;
    this.#terminal = event;
    for (const reader of this.#readers) reader.pushControl(event);
    this.#readers.clear();
    this.#deltaReaders = 0;
    this.#settle?.(event);
    this.#checkCaughtUp();
  }

  /**
   * Pacing for a producer with many snapshots at hand at once (a network chunk of many events, on the server and
   * in the browser): after each, undefined when every reader that has started reading waits for its next event,
   * else a promise of that moment (or of their leaving). Awaited between the snapshots, so that a reader that
   * keeps pace sees each one, as when they come one by one, instead of the latest only. A reader busy elsewhere
   * (awaiting something else) holds the chunk up for at most one macrotask in all, then gets the rest merged.
   * chunkRead() ends the chunk.
   */
  caughtUp(): Promise<void> | undefined {
    if (this.#impatient) return undefined;
    for (const reader of this.#readers) {
      if (reader.busy) {
        // One timer per chunk, not per wait: a timer and a race per snapshot were a third of all allocations at
        // 1,000 concurrent streams (`npm run bench:stream-load`).
        this.#patience ??= setTimeout(() => {
          this.#impatient = true;
          this.#release();
        }, 0);
        return new Promise((resolve) => (this.#onCaughtUp = resolve));
      }
    }
    return undefined;
  }

  /** The producer's chunk is read: the next one is paced afresh. */
  chunkRead(): void {
    clearTimeout(this.#patience);
    this.#patience = undefined;
    this.#impatient = false;
  }

  #release(): void {
    const resolve = this.#onCaughtUp;
    this.#onCaughtUp = undefined;
    resolve?.();
  }

  #checkCaughtUp(): void {
    if (this.#onCaughtUp === undefined) return;
    for (const reader of this.#readers) if (reader.busy) return;
    this.#release();
  }

  /** The terminal event, once the stream ends. */
  result(): Promise<Terminal<P, T>> {
    this.#result ??= this.#terminal
      ? Promise.resolve(this.#terminal)
      : new Promise((resolve) => (this.#settle = resolve));
    return this.#result;
  }

  /** A new reader of the events of the given types (all by default), starting with the catch-up described above. */
  read(types?: ReadonlySet<StreamEventType>): LogReader<P, T>;
  /** The same, each event turned into an iterator result by `view` (which may throw, ending the iteration). */
  read<Out>(types: ReadonlySet<StreamEventType>, view: EventView<P, T, Out>): LogReader<P, T, Out>;
  read<Out>(types?: ReadonlySet<StreamEventType>, view?: EventView<P, T, Out>): LogReader<P, T, Out> {
    const takesDeltas = !types || types.has("delta");
    const reader = new LogReader<P, T, Out>(
      types,
      view ?? (asEvent as EventView<P, T, Out>),
      (r, early) => {
        if (this.#readers.delete(r) && takesDeltas) this.#deltaReaders--;
        if (early && !this.#terminal && !this.#pinned && this.#readers.size === 0) this.#onAbandoned();
        this.#checkCaughtUp();
      },
      () => this.#checkCaughtUp(),
    );
    if (this.#attempt > 0) {
      const text = this.#text();
      if (text.length > 0) reader.pushDelta({ type: "delta", text, attempt: this.#attempt });
      if (this.#latest) reader.pushSnapshot({ ...this.#latest, completedPaths: [...this.#completed] });
    }
    if (this.#terminal) {
      reader.pushControl(this.#terminal);
    } else {
      this.#readers.add(reader);
      if (takesDeltas) this.#deltaReaders++;
    }
    return reader;
  }
}

/** What the log pushes to each reader. */
interface Subscriber<P, T> {
  readonly busy: boolean;
  pushDelta(event: Delta): void;
  pushSnapshot(event: Snapshot<P>): void;
  pushControl(event: StreamEvent<P, T>): void;
}

/** Turns an event into what a reader's `next()` resolves with; may throw to end the iteration with an error. */
export type EventView<P, T, Out> = (event: StreamEvent<P, T>) => IteratorResult<Out, undefined>;

const asEvent = <P, T>(event: StreamEvent<P, T>): IteratorResult<StreamEvent<P, T>, undefined> => ({
  done: false,
  value: event,
});

type Waiting<Out> = {
  resolve: (result: IteratorResult<Out, undefined>) => void;
  reject: (error: unknown) => void;
};

/**
 * One reader's view: delivered events, a pending delta and a pending snapshot that later ones merge into, and at
 * most one waiting `next()`.
 */
export class LogReader<P, T, Out = StreamEvent<P, T>> implements AsyncIterableIterator<Out> {
  readonly #queue: StreamEvent<P, T>[] = [];
  #pendingDelta: Delta | undefined;
  #pendingSnapshot: Snapshot<P> | undefined;
  /** The pending snapshot's paths are a copy of ours (may be appended to). */
  #ownsPaths = false;
  #waiting: Waiting<Out> | undefined;
  #finished = false;
  #left = false;

  readonly #types: ReadonlySet<StreamEventType> | undefined;
  // Decided once: pushDelta() and pushSnapshot() run for every event.
  readonly #takesDeltas: boolean;
  readonly #takesSnapshots: boolean;
  readonly #view: EventView<P, T, Out>;
  /** Called when this reader leaves. */
  readonly #onLeave: (reader: LogReader<P, T, Out>, early: boolean) => void;
  /** Called when this reader starts waiting for an event (it is no longer busy). */
  readonly #onWait: () => void;
  #started = false;

  constructor(
    types: ReadonlySet<StreamEventType> | undefined,
    view: EventView<P, T, Out>,
    onLeave: (reader: LogReader<P, T, Out>, early: boolean) => void,
    onWait: () => void,
  ) {
    this.#types = types;
    this.#takesDeltas = types === undefined || types.has("delta");
    this.#takesSnapshots = types === undefined || types.has("snapshot");
    this.#view = view;
    this.#onLeave = onLeave;
    this.#onWait = onWait;
  }

  /** Has started reading and is not waiting for an event now: handling the last one, or not back yet. */
  get busy(): boolean {
    return this.#started && this.#waiting === undefined && !this.#left && !this.#finished;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  pushDelta(event: Delta): void {
    if (!this.#takesDeltas) return;
    if (this.#deliver(event)) return;
    const pending = this.#pendingDelta;
    if (pending && pending.attempt === event.attempt) {
      this.#pendingDelta = { type: "delta", text: pending.text + event.text, attempt: event.attempt };
      return;
    }
    if (pending || (this.#pendingSnapshot && this.#pendingSnapshot.attempt !== event.attempt)) this.#flush();
    this.#pendingDelta = event;
  }

  pushSnapshot(event: Snapshot<P>): void {
    if (!this.#takesSnapshots) return;
    if (this.#deliver(event)) return;
    const pending = this.#pendingSnapshot;
    if (pending && pending.attempt === event.attempt) {
      if (event.completedPaths.length > 0) {
        const paths = this.#ownsPaths ? (pending.completedPaths as string[]) : [...pending.completedPaths];
        for (const path of event.completedPaths) paths.push(path);
        this.#pendingSnapshot = { ...event, completedPaths: paths };
        this.#ownsPaths = true;
      } else {
        this.#pendingSnapshot = { ...event, completedPaths: pending.completedPaths };
      }
    } else {
      if (pending || (this.#pendingDelta && this.#pendingDelta.attempt !== event.attempt)) this.#flush();
      this.#pendingSnapshot = event;
      this.#ownsPaths = false;
    }
  }

  pushControl(event: StreamEvent<P, T>): void {
    const terminal = event.type === "done" || event.type === "error";
    if (terminal) this.#finished = true;
    if (!this.#types || this.#types.has(event.type)) {
      if (!this.#deliver(event)) {
        this.#flush();
        this.#queue.push(event);
      }
    }
    if (terminal && this.#waiting) {
      const { resolve } = this.#waiting;
      this.#waiting = undefined;
      resolve({ done: true, value: undefined });
    }
  }

  next(): Promise<IteratorResult<Out, undefined>> {
    this.#started = true;
    const event = this.#queue.shift() ?? this.#takePending();
    if (event) {
      try {
        return Promise.resolve(this.#viewed(event));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.#finished || this.#left) {
      this.#leave(false);
      return Promise.resolve({ done: true, value: undefined });
    }
    const waiting = new Promise<IteratorResult<Out, undefined>>((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
    this.#onWait();
    return waiting;
  }

  /** Leaving early (`break` out of `for await`): may cancel the request if no one else reads. */
  return(): Promise<IteratorResult<Out, undefined>> {
    this.#queue.length = 0;
    this.#pendingDelta = undefined;
    this.#pendingSnapshot = undefined;
    this.#leave(!this.#finished);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve({ done: true, value: undefined });
    return Promise.resolve({ done: true, value: undefined });
  }

  /** The view of an event being handed out; a view that ends the iteration ends this reader. */
  #viewed(event: StreamEvent<P, T>): IteratorResult<Out, undefined> {
    // (A terminal event has marked this reader finished already: pushControl() is its only way in.)
    try {
      const result = this.#view(event);
      if (result.done) this.#leave(false);
      return result;
    } catch (error) {
      this.#leave(false);
      throw error;
    }
  }

  #leave(early: boolean): void {
    if (this.#left) return;
    this.#left = true;
    this.#onLeave(this, early);
  }

  /** Hands the event to a waiting next() when nothing is queued before it. */
  #deliver(event: StreamEvent<P, T>): boolean {
    if (!this.#waiting || this.#left) return this.#left;
    const { resolve, reject } = this.#waiting;
    this.#waiting = undefined;
    try {
      resolve(this.#viewed(event));
    } catch (error) {
      reject(error);
    }
    return true;
  }

  /** The pending delta before the pending snapshot, the order #flush() queues them in. */
  #takePending(): StreamEvent<P, T> | undefined {
    const delta = this.#pendingDelta;
    if (delta) {
      this.#pendingDelta = undefined;
      return delta;
    }
    const snapshot = this.#pendingSnapshot;
    this.#pendingSnapshot = undefined;
    return snapshot;
  }

  #flush(): void {
    if (this.#pendingDelta) this.#queue.push(this.#pendingDelta);
    if (this.#pendingSnapshot) this.#queue.push(this.#pendingSnapshot);
    this.#pendingDelta = undefined;
    this.#pendingSnapshot = undefined;
  }
}
