import { type HintNode, isHintNode, isStreamHintTable, type StreamHintTable } from "../hints/hint-table.js";
import type { JSONSchema } from "../hints/schema-hints.js";
import { PartialJSONError } from "../parse/parse-error.js";
import { SnapshotParser } from "../parse/snapshot-parser.js";
import {
  ConnectionError,
  MalformedJSONError,
  StreamAbortedError,
  StreamError,
  ValidationFailedError,
} from "../stream/errors.js";
import { EventLog } from "../stream/event-log.js";
import { type ObjectStreamView, objectStreamView, type StreamState } from "../stream/view.js";
import { checkOptions } from "../util/options-check.js";
import type { SchemaValidator } from "../validate/validation.js";
import { errorFromRecord } from "../wire/error-table.js";
import { type StartRecord, type WireRecord, wireDecoder } from "../wire/format.js";

export interface ReadObjectStreamOptions<T> {
  /**
   * The stream hints of the schema the server's stream was generated from (enum, const and x-stream): the
   * generated `xStreamHints` table (what generated readers pass), or the JSON Schema itself, whose hints are
   * then derived in the page by a module loaded on first use (bundlers split it off: pages that pass tables
   * never load it).
   */
  hints?: StreamHints | JSONSchema | undefined;
  /**
   * Validates the final value in the browser too (the server did before it sent done). Only with a
   * validator does the page need Ajv's code.
   */
  validate?: SchemaValidator<T> | undefined;
  /** Stops reading and cancels the body; the stream ends with StreamAbortedError. */
  signal?: AbortSignal;
}

/** The server parser's limit (its default maxLength): no answer it accepted is longer. */
const MAX_TEXT_LENGTH = 64 * 1024 * 1024;

/** Precomputed hints: the generated table, or a schema's hints from schemaHints(). */
export type StreamHints = StreamHintTable | HintNode;

/** The hints for the parser; a JSON Schema's are derived by the schema-hints module, loaded only for them. */
async function resolveHints(hints: StreamHints | JSONSchema | undefined): Promise<StreamHints | undefined> {
  if (hints === undefined || isStreamHintTable(hints)) return hints;
  if (isHintNode(hints)) return hints;
  return (await import("./schema-hints.js")).schemaHints(hints as JSONSchema);
}

/** The browser's side of an object stream: what the server's ObjectStream offers, read from a Response. */
export type ObjectStreamReader<P, T> = ObjectStreamView<P, T>;

/**
 * Reads a body written by `stream.toResponse()` (a Response, or its body) into the same stream the server
 * has: typed snapshots, `final()`, `events()`. The text is parsed here by the server's parser with the
 * server's options and the same writes, so the snapshots equal the server's one for one, and unchanged
 * subtrees keep their identity from one snapshot to the next. Reading starts when the stream is first used.
 */
export function readObjectStream<P, T>(
  source: Response | ReadableStream<Uint8Array>,
  options: ReadObjectStreamOptions<T> = {},
): ObjectStreamReader<P, T> {
  checkOptions("readObjectStream", options, { hints: "schema", validate: "function", signal: "signal" });
  // Every reader leaving early (a `break` out of the loop) cancels the body, as it cancels the server's request.
  const abandoned = new AbortController();
  const log = new EventLog<P, T>(() => abandoned.abort(new Error("every reader stopped reading")));
  const state: StreamState<P> = { usage: undefined, attempts: 0, error: undefined };
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    void run(source, options, log, state, abandoned.signal);
  };
  return objectStreamView(log, state, start);
}

/** Rebuilds the server's events from the wire; mirrors an attempt of runtime/call/attempt.ts. */
async function run<P, T>(
  source: Response | ReadableStream<Uint8Array>,
  options: ReadObjectStreamOptions<T>,
  log: EventLog<P, T>,
  state: StreamState<P>,
  abandoned: AbortSignal,
): Promise<void> {
  let wire: StartRecord = { partialgen: 1, nulls: "keep" };
  let hints: StreamHints | undefined; // resolved before the body is read
  let parser = new SnapshotParser<P>();
  let pending = ""; // text since the last flush: one server write
  let text = ""; // this attempt's text
  let completed: string[] = [];
  let last: P | undefined; // the last snapshot of this attempt
  let ended = false;
  let snapshotted = false; // the last push made a snapshot
  const previousErrors: StreamError<P>[] = [];
  const texts: string[] = []; // every finished attempt's text
  const textOfAttempt = {
    toString: () => text,
    get length() {
      return text.length;
    },
  };
  const newAttempt = (attempt: number) => {
    state.attempts = attempt;
    // The server sends plain JSON, lenient mode's value part included (see runtime/wire/to-response.ts).
    parser = new SnapshotParser<P>({ hints, optionalNulls: wire.nulls, rawLineBreaks: wire.lenient });
    pending = text = "";
    completed = [];
    last = undefined;
    log.beginAttempt(attempt, textOfAttempt);
  };
  const snapshot = (value: P) => {
    last = value;
    log.snapshot(value, completed);
    completed = [];
  };
  const flush = () => {
    if (pending === "") return;
    const chunk = pending;
    pending = "";
    text += chunk;
    log.delta(chunk);
    const changed = parser.write(chunk);
    completed.push(...parser.completedPaths);
    if (changed) {
      snapshot(parser.value as P);
      snapshotted = true;
    }
  };
  const received = () => ({
    partial: last,
    text: text + pending,
    attempts: state.attempts,
    previousErrors: [...previousErrors],
  });
  const fail = (error: StreamError<P>) => {
    ended = true;
    state.error = error;
    log.end({ type: "error", error });
  };
  const record = (r: WireRecord) => {
    if (r.type === "text") pending += r.text;
    else if (r.type === "retry") {
      // The server rejected this attempt (its parser or its validator): start again from empty.
      // Not written to the parser: the rest of a rejected attempt may be what the server's parser rejected.
      texts.push(text + pending);
      const error = errorFromRecord<P>({ type: "error", ...r.error }, received(), texts.slice());
      previousErrors.push(error);
      newAttempt(r.attempt);
      log.retry({ type: "retry", attempt: r.attempt, reason: error.message, error, errors: r.errors ?? [] });
    } else if (r.type === "done") {
      flush();
      const value = parser.end();
      completed.push(...parser.completedPaths);
      if (value !== last) snapshot(value);
      if (r.usage) state.usage = r.usage;
      if (Number.isInteger(r.attempts)) state.attempts = r.attempts as number;
      if (options.validate && !options.validate(value)) {
        return fail(new ValidationFailedError<P>(options.validate.errors ?? [], [text], received()));
      }
      ended = true;
      log.end({
        type: "done",
        value: value as unknown as T,
        completedPaths: completed,
        attempts: state.attempts,
        usage: state.usage,
      });
    } else if (r.type === "error") fail(errorFromRecord<P>(r, received(), [...texts, text + pending]));
    // other kinds: from a newer server, nothing this reader needs
  };
  const decoder = wireDecoder({
    start(s) {
      wire = s;
      newAttempt(1);
    },
    text: (t) => {
      pending += t;
      // Bounded memory against a server that never flushes: the server's parser stops at this length.
      if (text.length + pending.length > MAX_TEXT_LENGTH) {
        throw new Error(`the stream's text is longer than ${MAX_TEXT_LENGTH} characters`);
      }
    },
    flush,
    record,
  });

  const signal = options.signal;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let readToEnd = false;
  const onAbort = () => void reader?.cancel(signal?.reason).catch(() => {});
  /** Throws StreamAbortedError once the caller aborted or every reader left. */
  const check = () => {
    const by = signal?.aborted ? signal : abandoned.aborted ? abandoned : undefined;
    if (by) throw abortError(by, received());
  };
  try {
    check();
    hints = await resolveHints(options.hints);
    reader = (await bodyOf(source)).getReader();
    signal?.addEventListener("abort", onAbort, { once: true });
    abandoned.addEventListener("abort", onAbort, { once: true });
    const utf8 = new TextDecoder();
    for (;;) {
      check();
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        check();
        throw new ConnectionError<P>(`the connection to the server failed mid-stream: ${(error as Error).message}`, {
          ...received(),
          cause: error,
        });
      }
      if (chunk.done) readToEnd = true;
      check();
      const decoded = chunk.done ? utf8.decode() : utf8.decode(chunk.value, { stream: true });
      // One server snapshot at a time: a chunk may hold many (a proxy joined them, the page was busy), and a
      // reader that keeps pace should see each, as the server's readers did, not the last one only.
      // At most one macrotask of waiting per network chunk: a reader slower than that gets the rest merged.
      let patient = true;
      for (let from = 0; from < decoded.length && !ended; ) {
        snapshotted = false;
        try {
          from = decoder.push(decoded, from);
        } catch (error) {
          if (!(error instanceof PartialJSONError)) throw error;
          throw new MalformedJSONError<P>(error, received());
        }
        const wait = snapshotted && patient ? log.caughtUp() : undefined;
        if (wait) patient = await withinMacrotask(wait);
        check();
      }
      if (ended) return;
      if (chunk.done) break;
    }
    throw new ConnectionError<P>(
      decoder.started()
        ? "the server closed the stream before the answer was complete"
        : "the server sent an empty body instead of a partialgen stream",
      { ...received(), code: decoder.started() ? "closed" : "empty" },
    );
  } catch (error) {
    if (ended) return;
    // The decoder's format errors, and anything else that is not the model's fault: a transport problem.
    fail(
      error instanceof StreamError
        ? (error as StreamError<P>)
        : new ConnectionError<P>(`partialgen: ${(error as Error).message}`, {
            ...received(),
            cause: error,
            code: "protocol",
          }),
    );
  } finally {
    signal?.removeEventListener("abort", onAbort);
    abandoned.removeEventListener("abort", onAbort);
    // Whatever ended the reading early (a verdict, an abort, a body that is not this format), the rest of the
    // body is not wanted: cancelling it closes the connection, and the server stops the model's request.
    if (!readToEnd) {
      if (reader) void reader.cancel(signal?.reason).catch(() => {});
      else void cancelUnread(source);
    }
  }
}

/**
 * Whether `caughtUp` (every reader that keeps pace took the snapshot just made) came within a macrotask;
 * false when a reader was still busy then (it awaits something else, or stopped pulling): the rest of the
 * chunk is not paced for it, and it gets later snapshots merged, as a slow reader does on the server.
 */
async function withinMacrotask(caughtUp: Promise<void>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const inTime = await Promise.race([
    caughtUp.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(resolve, 0, false))),
  ]);
  clearTimeout(timer);
  return inTime;
}

/** Cancels a body never read (aborted before reading started), so its connection closes. */
async function cancelUnread(source: Response | ReadableStream<Uint8Array>): Promise<void> {
  try {
    const body = "getReader" in source ? source : source.bodyUsed ? null : source.body;
    await body?.cancel();
  } catch {}
}

/** The body to read; an HTTP error status is a transport fault with the server's text, never the model's. */
async function bodyOf(source: Response | ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  if ("getReader" in source) return source;
  const nothing = { partial: undefined, text: "", attempts: 0 };
  if (!source.ok) {
    const body = await source.text().catch(() => "");
    throw new ConnectionError(
      `the server answered HTTP ${source.status}${source.statusText ? ` ${source.statusText}` : ""}${body ? `: ${body.slice(0, 200)}` : ""}`,
      { ...nothing, code: "http", status: source.status },
    );
  }
  if (source.body === null) throw new ConnectionError("the response has no body", { ...nothing, code: "empty" });
  return source.body;
}

function abortError(signal: AbortSignal, received: { partial: unknown; text: string; attempts: number }) {
  const reason = signal.reason instanceof Error ? signal.reason.message : "aborted by the caller";
  return new StreamAbortedError(`the stream was aborted: ${reason}`, received);
}
