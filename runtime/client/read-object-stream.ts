import { type HintNode, isHintNode, isStreamHintTable, type StreamHintTable } from "../hints/hint-table.js";
import type { JSONSchema } from "../hints/schema-hints.js";
import { PartialJSONError } from "../parse/parse-error.js";
import { DEFAULT_MAX_LENGTH, SnapshotParser, type SnapshotParserOptions } from "../parse/snapshot-parser.js";
import {
  ConnectionError,
  MalformedJSONError,
  StreamAbortedError,
  StreamError,
  type StreamErrorDetails,
  ValidationFailedError,
} from "../stream/errors.js";
import { EventLog } from "../stream/event-log.js";
import { type ObjectStreamView, objectStreamView, type StreamState } from "../stream/view.js";
import { checkOptions } from "../util/options-check.js";
import type { SchemaValidator } from "../validate/validation.js";
import { errorFromRecord } from "../wire/error-table.js";
import { type WireRecord, wireDecoder } from "../wire/format.js";

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
  if (typeof process === "object" && process.env.NODE_ENV !== "production") {
    checkOptions("readObjectStream", options, { hints: "schema", validate: "function", signal: "signal" });
  }
  const reader = new WireStreamReader<P, T>(source, options);
  return objectStreamView(reader.log, reader.state, () => reader.start());
}

/**
 * Rebuilds the server's events from the wire into `log`, once started; mirrors an attempt of
 * runtime/call/attempt.ts. Fields are `#private` so that minifiers shorten their names (this ships to browsers).
 */
export class WireStreamReader<P, T> {
  // Every reader leaving early (a `break` out of the loop) cancels the body, as it cancels the server's request.
  readonly #abandoned = new AbortController();
  readonly log = new EventLog<P, T>(() => this.#abandoned.abort(new Error("every reader stopped reading")));
  readonly state: StreamState<P> = { usage: undefined, attempts: 0, error: undefined };
  readonly #source: Response | ReadableStream<Uint8Array>;
  readonly #options: ReadObjectStreamOptions<T>;
  #started = false;
  #parserOptions: SnapshotParserOptions | undefined; // the server's, once the start record is read
  #hints: StreamHints | undefined; // resolved before the body is read
  #parser!: SnapshotParser<P>; // made by each attempt, which the start record begins
  #pending = ""; // text since the last flush: one server write
  #text = ""; // this attempt's text
  #completed: string[] = [];
  #last: P | undefined; // the last snapshot of this attempt
  #ended = false;
  #snapshotted = false; // the last flush made a snapshot
  readonly #previousErrors: StreamError<P>[] = [];
  readonly #texts: string[] = []; // every finished attempt's text
  #body: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #readToEnd = false;
  readonly #decoder = wireDecoder({
    start: (options) => {
      this.#parserOptions = { ...options, hints: this.#hints };
      this.#beginAttempt(1);
    },
    text: (text) => this.#receiveText(text),
    flush: () => this.#applyWrite(),
    record: (record) => this.#applyRecord(record),
  });

  constructor(source: Response | ReadableStream<Uint8Array>, options: ReadObjectStreamOptions<T>) {
    this.#source = source;
    this.#options = options;
  }

  /** Starts reading the body (once; later calls do nothing). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#run();
  }

  async #run(): Promise<void> {
    const { signal } = this.#options;
    const abandoned = this.#abandoned.signal;
    const cancel = () => void this.#body?.cancel(signal?.reason).catch(() => {});
    try {
      this.#throwIfAborted();
      this.#hints = await resolveHints(this.#options.hints);
      this.#body = (await bodyOf(this.#source, this.#received())).getReader();
      // Removed in `finally` (an AbortSignal fires once: no `once` needed).
      signal?.addEventListener("abort", cancel);
      abandoned.addEventListener("abort", cancel);
      await this.#readFrames(this.#body);
    } catch (error) {
      this.#failOn(error);
    } finally {
      signal?.removeEventListener("abort", cancel);
      abandoned.removeEventListener("abort", cancel);
      // Whatever ended the reading early (a verdict, an abort, a body that is not this format), the rest of the
      // body is not wanted: cancelling it closes the connection, and the server stops the model's request.
      if (!this.#readToEnd) {
        if (this.#body) cancel();
        else void cancelUnread(this.#source);
      }
    }
  }

  /** Reads the body to its end or to the stream's end, decoding its frames as they arrive. */
  async #readFrames(body: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const utf8 = new TextDecoder();
    for (;;) {
      this.#throwIfAborted();
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await body.read();
      } catch (error) {
        this.#throwIfAborted();
        throw new ConnectionError<P>(`the connection to the server failed mid-stream: ${(error as Error).message}`, {
          ...this.#received(),
          cause: error,
        });
      }
      if (chunk.done) this.#readToEnd = true;
      this.#throwIfAborted();
      // At the end (no value, not streaming) decode() flushes what an incomplete character left.
      await this.#decodeChunk(utf8.decode(chunk.value, { stream: !chunk.done }));
      if (this.#ended) return;
      if (chunk.done) break;
    }
    const started = this.#parserOptions !== undefined;
    throw new ConnectionError<P>(
      started
        ? "the server closed the stream before the answer was complete"
        : "the server sent an empty body instead of a partialgen stream",
      { ...this.#received(), code: started ? "closed" : "empty" },
    );
  }

  /**
   * One server snapshot at a time: a chunk may hold many (a proxy joined them, the page was busy), and a reader
   * that keeps pace should see each, as the server's readers did, not the last one only. At most one macrotask
   * of waiting per network chunk: a reader slower than that gets the rest merged.
   */
  async #decodeChunk(decoded: string): Promise<void> {
    try {
      for (let from = 0; from < decoded.length && !this.#ended; ) {
        this.#snapshotted = false;
        try {
          from = this.#decoder.push(decoded, from);
        } catch (error) {
          if (!(error instanceof PartialJSONError)) throw error;
          throw new MalformedJSONError<P>(error, this.#received());
        }
        const wait = this.#snapshotted ? this.log.caughtUp() : undefined;
        if (wait) await wait;
        this.#throwIfAborted();
      }
    } finally {
      this.log.chunkRead();
    }
  }

  #receiveText(text: string): void {
    this.#pending += text;
    // Bounded memory against a server that never flushes: the server's parser stops at its default maxLength.
    if (this.#text.length + this.#pending.length > DEFAULT_MAX_LENGTH) {
      throw new Error(`the stream's text is longer than ${DEFAULT_MAX_LENGTH} characters`);
    }
  }

  #beginAttempt(attempt: number): void {
    this.state.attempts = attempt;
    this.#parser = new SnapshotParser<P>(this.#parserOptions);
    this.#pending = this.#text = "";
    this.#completed = [];
    this.#last = undefined;
    this.log.beginAttempt(attempt, () => this.#text);
  }

  /** Writes the text of one server write to the parser, as the server did: a snapshot when it changed. */
  #applyWrite(): void {
    const chunk = this.#pending;
    if (chunk === "") return;
    this.#pending = "";
    this.#text += chunk;
    this.log.delta(chunk);
    const changed = this.#parser.write(chunk);
    this.#completed.push(...this.#parser.completedPaths);
    if (changed) {
      this.#applySnapshot(this.#parser.value as P);
      this.#snapshotted = true;
    }
  }

  #applySnapshot(value: P): void {
    this.#last = value;
    this.log.snapshot(value, this.#completed);
    this.#completed = [];
  }

  #applyRecord(r: WireRecord): void {
    if (r.type === "text") this.#pending += r.text;
    else if (r.type === "retry") this.#retry(r);
    else if (r.type === "done") this.#finish(r);
    else if (r.type === "error") {
      this.#fail(errorFromRecord<P>(r, this.#received(), [...this.#texts, this.#text + this.#pending]));
    }
    // other kinds: from a newer server, nothing this reader needs
  }

  /**
   * The server rejected this attempt (its parser or its validator): start again from empty. The rest of the
   * rejected attempt is not written to the parser: it may be what the server's parser rejected.
   */
  #retry(r: Extract<WireRecord, { type: "retry" }>): void {
    this.#texts.push(this.#text + this.#pending);
    const error = errorFromRecord<P>(r.error, this.#received(), this.#texts.slice());
    this.#previousErrors.push(error);
    this.#beginAttempt(r.attempt);
    this.log.retry({ type: "retry", attempt: r.attempt, reason: error.message, error, errors: r.errors ?? [] });
  }

  /** The server's done: the parser's last value, validated here too when the page passed a validator. */
  #finish(r: Extract<WireRecord, { type: "done" }>): void {
    this.#applyWrite();
    const value = this.#parser.end();
    this.#completed.push(...this.#parser.completedPaths);
    if (value !== this.#last) this.#applySnapshot(value);
    const { state } = this;
    if (r.usage) state.usage = r.usage;
    if (Number.isInteger(r.attempts)) state.attempts = r.attempts as number;
    const { validate } = this.#options;
    if (validate && !validate(value)) {
      this.#fail(new ValidationFailedError<P>(validate.errors ?? [], [this.#text], this.#received()));
    } else {
      this.#ended = true;
      const { attempts, usage } = state;
      this.log.end({ type: "done", value: value as unknown as T, completedPaths: this.#completed, attempts, usage });
    }
  }

  #fail(error: StreamError<P>): void {
    this.#ended = true;
    this.state.error = error;
    this.log.end({ type: "error", error });
  }

  /** Ends the stream with what stopped the reading, unless it already ended. */
  #failOn(error: unknown): void {
    if (this.#ended) return;
    // The decoder's format errors, and anything else that is not the model's fault: a transport problem.
    this.#fail(
      error instanceof StreamError
        ? (error as StreamError<P>)
        : new ConnectionError<P>(`partialgen: ${(error as Error).message}`, {
            ...this.#received(),
            cause: error,
            code: "protocol",
          }),
    );
  }

  /** What the page received so far, as errors report it. */
  #received() {
    return {
      partial: this.#last,
      text: this.#text + this.#pending,
      attempts: this.state.attempts,
      previousErrors: [...this.#previousErrors],
    };
  }

  /** Throws StreamAbortedError once the caller aborted or every reader left. */
  #throwIfAborted(): void {
    const signal = this.#options.signal;
    const by = signal?.aborted ? signal : this.#abandoned.signal.aborted ? this.#abandoned.signal : undefined;
    if (by === undefined) return;
    const reason = by.reason instanceof Error ? by.reason.message : "aborted by the caller";
    throw new StreamAbortedError<P>(`the stream was aborted: ${reason}`, this.#received());
  }
}

/** Cancels a body never read (aborted before reading started), so its connection closes. */
async function cancelUnread(source: Response | ReadableStream<Uint8Array>): Promise<void> {
  try {
    const body = "getReader" in source ? source : source.bodyUsed ? null : source.body;
    await body?.cancel();
  } catch {}
}

/**
 * The body to read; an HTTP error status is a transport fault with the server's text, never the model's.
 * `received`: what its errors keep (nothing yet).
 */
async function bodyOf(
  source: Response | ReadableStream<Uint8Array>,
  received: StreamErrorDetails,
): Promise<ReadableStream<Uint8Array>> {
  if ("getReader" in source) return source;
  if (!source.ok) {
    const body = await source.text().catch(() => "");
    throw new ConnectionError(
      `the server answered HTTP ${source.status}${source.statusText ? ` ${source.statusText}` : ""}${body ? `: ${body.slice(0, 200)}` : ""}`,
      { ...received, code: "http", status: source.status },
    );
  }
  if (source.body === null) throw new ConnectionError("the response has no body", { ...received, code: "empty" });
  return source.body;
}
