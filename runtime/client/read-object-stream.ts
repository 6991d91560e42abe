import { PartialJSONError } from "../errors.js";
import { EventLog } from "../event-log.js";
import { PartialJSONParser } from "../parser.js";
import type { JSONSchema } from "../schema-hints.js";
import { ConnectionError, StreamAbortedError, StreamError, ValidationFailedError } from "../stream-errors.js";
import type { ObjectStream, StreamEvent, Usage } from "../stream-object.js";
import type { SchemaValidator } from "../validation.js";
import { type WireRecord, wireDecoder } from "../wire-format.js";
import { errorFromRecord } from "./errors.js";

export interface ReadObjectStreamOptions<T> {
  /** The schema the server's stream was generated from (its JSON Schema): enum, const and x-stream hints. */
  hints?: JSONSchema;
  /**
   * Validates the final value in the browser too (the server did before it sent done). Only with a
   * validator does the page need Ajv's code.
   */
  validate?: SchemaValidator<T>;
  /** Stops reading and cancels the body; the stream ends with StreamAbortedError. */
  signal?: AbortSignal;
}

/** The browser's side of an object stream: what the server's ObjectStream offers, read from a Response. */
export type ObjectStreamReader<P, T> = Omit<ObjectStream<P, T>, "toResponse">;

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
  const log = new EventLog<StreamEvent<P, T>>();
  const state: ReaderState = { usage: undefined, attempts: 0 };
  let started = false;
  let finalPromise: Promise<T> | undefined;
  const read = () => {
    if (!started) {
      started = true;
      void run(source, options, log, state);
    }
    return log.read();
  };
  return {
    async *[Symbol.asyncIterator]() {
      for await (const event of read()) {
        if (event.type === "snapshot") yield event.value;
        else if (event.type === "error") throw event.error;
      }
    },
    events: read,
    final() {
      finalPromise ??= (async () => {
        for await (const event of read()) {
          if (event.type === "done") return event.value;
          if (event.type === "error") throw event.error;
        }
        throw new Error("partialgen: stream ended without a result");
      })();
      return finalPromise;
    },
    get usage() {
      return state.usage;
    },
    get attempts() {
      return state.attempts;
    },
  };
}

interface ReaderState {
  usage: Usage | undefined;
  attempts: number;
}

/** Rebuilds the server's events from the wire; mirrors the attempt loop of runtime/stream-object.ts. */
async function run<P, T>(
  source: Response | ReadableStream<Uint8Array>,
  options: ReadObjectStreamOptions<T>,
  log: EventLog<StreamEvent<P, T>>,
  state: ReaderState,
): Promise<void> {
  let nulls: "keep" | "drop" = "keep";
  let parser = new PartialJSONParser<P>();
  let pending = ""; // text since the last flush: one server write
  let text = ""; // this attempt's text
  let completed: string[] = [];
  let last: P | undefined; // the last snapshot of this attempt
  let ended = false;
  const push = (event: StreamEvent<P, T>) => log.push(event);
  const newAttempt = (attempt: number) => {
    state.attempts = attempt;
    parser = new PartialJSONParser<P>({ schema: options.hints, optionalNulls: nulls });
    pending = text = "";
    completed = [];
    last = undefined;
  };
  const snapshot = (value: P) => {
    last = value;
    push({ type: "snapshot", value, completedPaths: completed, attempt: state.attempts });
    completed = [];
  };
  const flush = () => {
    if (pending === "") return;
    const chunk = pending;
    pending = "";
    text += chunk;
    push({ type: "delta", text: chunk, attempt: state.attempts });
    const changed = parser.write(chunk);
    completed.push(...parser.completedPaths);
    if (changed) snapshot(parser.value as P);
  };
  const received = () => ({ partial: last, text: text + pending, attempts: state.attempts });
  const record = (r: WireRecord) => {
    if (r.type === "text") pending += r.text;
    else if (r.type === "retry") {
      // The server rejected this attempt (its parser or its validator): start again from empty.
      newAttempt(r.attempt);
      push({ type: "retry", attempt: r.attempt, errors: r.errors ?? [] });
    } else if (r.type === "done") {
      flush();
      const value = parser.end();
      completed.push(...parser.completedPaths);
      if (value !== last) snapshot(value);
      if (r.usage) state.usage = r.usage;
      if (options.validate && !options.validate(value)) {
        throw new ValidationFailedError(options.validate.errors ?? [], [text], received());
      }
      ended = true;
      push({
        type: "done",
        value: value as unknown as T,
        completedPaths: completed,
        attempts: state.attempts,
        usage: state.usage,
      });
    } else if (r.type === "error") {
      ended = true;
      push({ type: "error", error: errorFromRecord(r, received()) });
    } // other kinds: from a newer server, nothing this reader needs
  };
  const decoder = wireDecoder({
    start(s) {
      nulls = s.nulls;
      newAttempt(1);
    },
    text: (t) => {
      pending += t;
    },
    flush,
    record,
  });

  const signal = options.signal;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const onAbort = () => void reader?.cancel(signal?.reason).catch(() => {});
  try {
    if (signal?.aborted) throw abortError(signal, received());
    reader = (await bodyOf(source)).getReader();
    signal?.addEventListener("abort", onAbort, { once: true });
    const utf8 = new TextDecoder();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted) throw abortError(signal, received());
        throw new ConnectionError(`the connection to the server failed mid-stream: ${(error as Error).message}`, {
          ...received(),
          cause: error,
        });
      }
      if (signal?.aborted) throw abortError(signal, received());
      decoder.push(chunk.done ? utf8.decode() : utf8.decode(chunk.value, { stream: true }));
      if (ended) {
        if (!chunk.done) await reader.cancel().catch(() => {});
        return;
      }
      if (chunk.done) break;
    }
    throw new ConnectionError(
      decoder.started()
        ? "the server closed the stream before the answer was complete"
        : "the server sent an empty body instead of a partialgen stream",
      received(),
    );
  } catch (error) {
    if (ended) return;
    let failure = error as Error;
    if (error instanceof PartialJSONError) Object.assign(error, received());
    else if (!(error instanceof StreamError)) {
      // The decoder's format errors, and anything else that is not the model's fault: a transport problem.
      failure = new ConnectionError(`partialgen: ${failure.message}`, { ...received(), cause: error });
    }
    push({ type: "error", error: failure });
  } finally {
    signal?.removeEventListener("abort", onAbort);
    log.close();
  }
}

/** The body to read; an HTTP error status is a transport fault with the server's text, never the model's. */
async function bodyOf(source: Response | ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  if ("getReader" in source) return source;
  const nothing = { partial: undefined, text: "", attempts: 0 };
  if (!source.ok) {
    const body = await source.text().catch(() => "");
    throw new ConnectionError(
      `the server answered HTTP ${source.status}${source.statusText ? ` ${source.statusText}` : ""}${body ? `: ${body.slice(0, 200)}` : ""}`,
      nothing,
    );
  }
  if (source.body === null) throw new ConnectionError("the response has no body", nothing);
  return source.body;
}

function abortError(signal: AbortSignal, received: { partial: unknown; text: string; attempts: number }) {
  const reason = signal.reason instanceof Error ? signal.reason.message : "aborted by the caller";
  return new StreamAbortedError(`the stream was aborted: ${reason}`, received);
}
