import type { PartialJSONParser } from "../parse/lenient-parser.js";
import { PartialJSONError } from "../parse/parse-error.js";
import { bodyValues, readableText, readBody } from "../provider/body-text.js";
import { BodyHead, watchBodyBytes } from "../provider/byte-activity.js";
import { readOpenAIEvents } from "../provider/openai-events.js";
import { EventStreamError } from "../provider/sse.js";
import type { WireReader, WireRequest } from "../provider/text-streams.js";
import type { EventLog } from "../stream/event-log.js";
import { TextBuilder } from "../util/text-builder.js";
import type { SchemaValidator, ValidationError } from "../validate/validation.js";
import { type AttemptOutcome, classifyStreamEnd } from "./ending.js";
import type { StreamMode, Usage } from "./options.js";

export type { AttemptOutcome } from "./ending.js";

/** How one attempt ended, as observed; the verdict (verdict.ts) decides what that means. */
export type AttemptEnd<P> = AttemptOutcome & { text: string; partial: P | undefined; usage: Usage | undefined };

export interface AttemptInput<P> {
  attempt: number;
  wire: WireRequest;
  parser: PartialJSONParser<P>;
  log: EventLog<P, unknown>;
  mode: StreamMode;
  /** The caller's signal. */
  signal: AbortSignal | undefined;
  /** Fires when every reader left. */
  abandoned: AbortSignal;
  idleTimeoutMs: number;
  /** Set only with `onInvalidPartial: "abort"`. */
  validatePartial: SchemaValidator<P> | undefined;
}

const STOP = Symbol("partialgen.stop");
/** A whole answer sent as JSON is read up to this size; past it, it is quoted in the error (memory stays bounded). */
const MAX_WHOLE_ANSWER_BYTES = 16 * 1024 * 1024;
/** Of an HTML or other page instead of a stream, enough to quote its words. */
const MAX_PAGE_BYTES = 64 * 1024;
/** Of a stream, the first bytes kept for the error when it carries no answer. */
const BODY_HEAD_BYTES = 4096;
const NO_PATHS: readonly string[] = Object.freeze([]);

/**
 * Ends every wait of one attempt at once when it is stopped (abort, readers gone, idle): the SDK may be sleeping
 * before a retry, or a server may never send another byte, and neither may hold the stream. One pending wait at a
 * time, so nothing accumulates on a long-lived promise.
 */
class Stopper {
  private wake: ((value: typeof STOP) => void) | undefined;
  reason: "caller" | "readers" | "idle" | "invalid-partial" | undefined;

  stop(reason: NonNullable<Stopper["reason"]>): void {
    if (this.reason) return;
    this.reason = reason;
    this.wake?.(STOP);
  }

  wait<V>(promise: PromiseLike<V>): Promise<V | typeof STOP> {
    if (this.reason) return Promise.resolve(STOP);
    return new Promise<V | typeof STOP>((resolve, reject) => {
      this.wake = resolve;
      promise.then(resolve, reject);
    });
  }
}

/** What an APIPromise of the `openai` SDK offers beyond a promise: the raw Response, for its content type. */
interface WithResponse {
  withResponse(): PromiseLike<{ data: AsyncIterable<unknown>; response: ResponseLike }>;
}
interface ResponseLike {
  status?: number;
  headers?: { get(name: string): string | null };
  body?: ReadableStream<Uint8Array> | null;
}

/** Sends one request and reads its stream to the end, feeding the parser and the log; never throws. */
export function runAttempt<P>(input: AttemptInput<P>): Promise<AttemptEnd<P>> {
  return new Attempt(input).run();
}

type Opened = { stream: AsyncIterable<unknown>; response: ResponseLike | undefined };

/**
 * One attempt, as named steps over its state: open the response, start the idle clock, read the body (an event
 * stream, or a whole body that is not one), conclude. Each step returns the attempt's end when it ends the
 * attempt early. How the end is named is classifyStreamEnd's (ending.ts); what it means, the verdict's.
 */
class Attempt<P> {
  private readonly controller = new AbortController();
  private readonly stopper = new Stopper();
  private readonly text = new TextBuilder();
  private readonly feed: AttemptFeed<P>;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The first bytes of an event stream's body, for the error when it carries no answer. */
  private head: BodyHead | undefined;
  private readonly onCallerAbort = () => this.stop("caller");
  private readonly onAbandoned = () => this.stop("readers");

  constructor(private readonly input: AttemptInput<P>) {
    input.log.beginAttempt(input.attempt, () => this.text.toString());
    this.feed = new AttemptFeed<P>(input.wire.reader, this.text, input.parser, input.log, input.validatePartial);
  }

  async run(): Promise<AttemptEnd<P>> {
    const { signal, abandoned } = this.input;
    if (signal?.aborted) this.stop("caller");
    if (abandoned.aborted) this.stop("readers");
    signal?.addEventListener("abort", this.onCallerAbort, { once: true });
    abandoned.addEventListener("abort", this.onAbandoned, { once: true });
    try {
      if (this.stopper.reason) return this.stopped() as AttemptEnd<P>;
      const opened = await this.open();
      if (!("stream" in opened)) return opened;
      this.startIdleClock();
      const contentType = opened.response?.headers?.get("content-type") ?? undefined;
      const early =
        contentType !== undefined && isNotEventStream(contentType)
          ? await this.readWholeBody(opened.response, contentType)
          : await this.readEvents(opened);
      if (early !== undefined) return early;
      return this.conclude(opened.response, contentType);
    } finally {
      if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
      signal?.removeEventListener("abort", this.onCallerAbort);
      abandoned.removeEventListener("abort", this.onAbandoned);
    }
  }

  private stop(reason: NonNullable<Stopper["reason"]>): void {
    this.stopper.stop(reason);
    this.controller.abort();
  }

  private finish(end: AttemptOutcome): AttemptEnd<P> {
    return { ...end, text: this.text.toString(), partial: this.feed.partial, usage: this.input.wire.reader.end.usage };
  }

  /** The end of a stopped attempt, or undefined while it runs. */
  private stopped(): AttemptEnd<P> | undefined {
    switch (this.stopper.reason) {
      case "caller": {
        const reason = this.input.signal?.reason;
        return this.finish({
          kind: "aborted",
          message: `the stream was aborted: ${reason instanceof Error ? reason.message : "aborted by the caller"}`,
        });
      }
      case "readers":
        return this.finish({ kind: "aborted", message: "the stream was cancelled: every reader stopped reading" });
      case "idle":
        return this.finish({
          kind: "transport",
          code: "idle",
          message: `the server sent nothing for ${this.input.idleTimeoutMs} ms (idleTimeoutMs); the request was cancelled`,
        });
      case "invalid-partial":
        return this.finish({ kind: "invalid-partial", errors: this.feed.invalid ?? [] });
      default:
        return undefined;
    }
  }

  /** The wire said how the answer ended (a finish reason, a Responses end event) and reported no failure. */
  private answerEnded(): boolean {
    const end = this.input.wire.reader.end;
    return end.finishReason !== undefined && end.failure === undefined;
  }

  /** Sends the request; its stream and response, or the attempt's end (refused, stopped before the headers). */
  private async open(): Promise<Opened | AttemptEnd<P>> {
    const sent = this.input.wire.send(this.controller.signal);
    try {
      const opened = await this.stopper.wait(open(sent));
      if (opened !== STOP) return opened;
      // The SDK may still be sleeping before a retry: it sees the aborted signal when it wakes.
      Promise.resolve(sent).then(cancelIterable, () => {});
      return this.stopped() as AttemptEnd<P>;
    } catch (error) {
      return this.stopped() ?? this.finish(requestFailure(error));
    }
  }

  /**
   * The idle clock starts with the headers, for any body: a stream, or a JSON or HTML body that may stall too.
   * Once the answer has ended, only its tail (usage, [DONE]) may follow: keep-alive bytes no longer hold the
   * stream open, so a proxy that pings forever after the last chunk ends it within twice the timeout.
   */
  private startIdleClock(): void {
    const { idleTimeoutMs } = this.input;
    const feed = this.feed;
    feed.lastActivity = Date.now();
    if (idleTimeoutMs <= 0) return;
    let endedAt: number | undefined;
    const check = () => {
      const now = Date.now();
      if (endedAt === undefined && this.answerEnded()) endedAt = now;
      const quiet = now - (endedAt === undefined ? feed.lastActivity : Math.min(endedAt, feed.lastActivity));
      if (quiet >= idleTimeoutMs) this.stop("idle");
      else this.idleTimer = setTimeout(check, idleTimeoutMs - quiet);
    };
    this.idleTimer = setTimeout(check, idleTimeoutMs);
  }

  /** A body that is not an event stream: a whole answer as JSON (its events are fed), or a page (an error). */
  private async readWholeBody(
    response: ResponseLike | undefined,
    contentType: string,
  ): Promise<AttemptEnd<P> | undefined> {
    let read: Awaited<ReturnType<typeof readNotStream>> | typeof STOP;
    try {
      read = await this.stopper.wait(readNotStream(response, contentType, this.input.wire.reader, this.feed));
    } catch (error) {
      return this.stopped() ?? this.finish(streamFailure(error));
    } finally {
      this.controller.abort();
    }
    const halted = this.stopped();
    if (halted) return halted;
    if (!Array.isArray(read)) {
      const quoted = typeof read === "string" && read !== "" ? `: ${read}` : "";
      return this.finish({
        kind: "transport",
        code: "not-sse",
        message: `the server answered HTTP ${response?.status ?? 200} with ${contentType}, not an event stream${quoted}`,
      });
    }
    for (const event of read) {
      if (!this.feed.take(event)) {
        this.stop("invalid-partial");
        break;
      }
    }
    return undefined;
  }

  /** An event stream, read to its end; the attempt's end if it broke before the answer's. */
  private async readEvents({ stream, response }: Opened): Promise<AttemptEnd<P> | undefined> {
    const feed = this.feed;
    // The openai SDK's stream ends its pending read at once when its controller aborts (our signal aborts it):
    // no need to race every chunk against the stopper, which costs a promise per chunk. Other clients get the race.
    const endsOnAbort = (stream as { controller?: unknown }).controller instanceof AbortController;
    // The openai SDK's body is read by our own decoder, the SDK's stream left unread (openai-events.ts).
    const body = endsOnAbort && this.input.wire.openaiEvents === true ? unreadBody(response) : undefined;
    // Any bytes after the headers (SSE comments too) keep the connection from being idle. Where we cannot see the
    // bytes (clients other than an SDK), any event does (AttemptFeed.take).
    if (endsOnAbort) {
      const head = new BodyHead(BODY_HEAD_BYTES);
      if (body !== undefined) {
        feed.seesBytes = true;
        feed.head = head;
        this.head = head;
      } else {
        const onBytes = () => {
          feed.seesBytes = true;
          feed.lastActivity = Date.now();
        };
        // The SDK's stream has not read its body yet.
        if (watchBodyBytes(response?.body, onBytes, head)) this.head = head;
      }
    }
    let iterator: AsyncIterator<unknown> | undefined;
    try {
      let read: boolean;
      if (body !== undefined) {
        read = await readOpenAIEvents(body, this.controller.signal, feed);
      } else {
        iterator = stream[Symbol.asyncIterator]();
        read = await readStream(iterator, feed, endsOnAbort ? undefined : this.stopper);
      }
      if (!read) {
        this.stop("invalid-partial");
        iterator?.return?.()?.then(undefined, ignore);
      }
    } catch (error) {
      const fault = streamFailure(error);
      // A connection that breaks after the answer's end lost only its tail (the usage chunk, [DONE]).
      if (!(this.answerEnded() && fault.code !== "server-error")) return this.stopped() ?? this.finish(fault);
    }
    return undefined;
  }

  /** The body was read: how the stream ended, then the parser's last word on the text. */
  private conclude(response: ResponseLike | undefined, contentType: string | undefined): AttemptEnd<P> {
    // A server that goes quiet after the answer's end without closing: the answer is whole.
    const halted = this.stopper.reason === "idle" && this.answerEnded() ? undefined : this.stopped();
    if (halted) return halted;
    const { wire, parser, log, mode } = this.input;
    const feed = this.feed;
    const ending = classifyStreamEnd({
      mode,
      end: wire.reader.end,
      textLength: this.text.length,
      bodyHead: () => this.head?.text(),
      status: response?.status,
      contentType,
    });
    if (ending !== undefined) return this.finish(ending);
    if (feed.malformed) return this.finish({ kind: "malformed", error: feed.malformed });
    let value: unknown;
    try {
      value = parser.end();
    } catch (error) {
      if (!(error instanceof PartialJSONError)) throw error;
      return this.finish({ kind: "malformed", error });
    }
    const paths = [...(feed.pendingPaths ?? []), ...parser.completedPaths];
    if (value !== feed.partial) {
      feed.partial = value as P;
      log.snapshot(value as P, paths);
      return this.finish({ kind: "answered", value, completedPaths: NO_PATHS });
    }
    return this.finish({ kind: "answered", value, completedPaths: paths });
  }
}

/**
 * What one attempt's stream events change, as the fields of one object, and the work of one event (take()).
 * The read loop (readStream) is a small async function of its own on purpose: every await suspends and resumes
 * its function's whole frame, and run inside runAttempt, with its many locals and closures, the loop's own time
 * per event was about twice what it is now (CPU profiles of 300 concurrent streams).
 */
class AttemptFeed<P> {
  /** The last snapshot shown. */
  partial: P | undefined;
  /** The text stopped parsing here; the rest is only collected (for the error, the re-ask and the usage chunk). */
  malformed: PartialJSONError | undefined;
  /** Why take() refused a snapshot (`onInvalidPartial: "abort"`). */
  invalid: readonly ValidationError[] | undefined;
  /** Pointers completed by writes that changed no snapshot, for the next one. */
  pendingPaths: string[] | undefined;
  /** When the connection last showed activity (Date.now()), for the idle timer. */
  lastActivity = Date.now();
  /** The client lets us see body bytes, which then are the activity: events need not reset the clock. */
  seesBytes = false;
  /** Where the first bytes of a body read by bytes() are kept. */
  head: BodyHead | undefined;
  /** take() made a snapshot, not yet paced by caughtUp(). */
  private snapshotted = false;

  constructor(
    private readonly reader: WireReader,
    private readonly text: TextBuilder,
    private readonly parser: PartialJSONParser<P>,
    private readonly log: EventLog<P, unknown>,
    private readonly validatePartial: SchemaValidator<P> | undefined,
  ) {}

  /** One chunk of a body read by our own decoder: activity for the idle clock, and the body's head. */
  bytes(chunk: Uint8Array): void {
    this.lastActivity = Date.now();
    const head = this.head;
    if (head !== undefined && !head.full) head.add(chunk);
  }

  /** After take(): a promise of every reader having taken its snapshot, if it made one and one is still busy. */
  caughtUp(): Promise<void> | undefined {
    if (!this.snapshotted) return undefined;
    this.snapshotted = false;
    return this.log.caughtUp();
  }

  chunkRead(): void {
    this.log.chunkRead();
  }

  /** Takes one stream event; false when the attempt is to stop (a snapshot no continuation can make valid). */
  take(event: unknown): boolean {
    if (!this.seesBytes) this.lastActivity = Date.now(); // with the byte watch, this event's bytes already counted
    const delta = this.reader.read(event);
    if (delta === "") return true;
    this.text.append(delta);
    this.log.delta(delta);
    return this.malformed !== undefined || this.parse(delta);
  }

  private parse(delta: string): boolean {
    const parser = this.parser;
    let changed: boolean;
    try {
      changed = parser.write(delta);
    } catch (error) {
      if (!(error instanceof PartialJSONError)) throw error;
      this.malformed = error;
      return true;
    }
    // The parser hands out a fresh array per write() that completes something, never touched again: passed on
    // as it is, unless writes that changed no snapshot left completions pending.
    const paths = parser.completedPaths;
    const pending = this.pendingPaths;
    if (!changed) {
      if (paths.length > 0) this.pendingPaths = pending === undefined ? [...paths] : pending.concat(paths);
      return true;
    }
    const completed = pending === undefined ? paths : paths.length > 0 ? pending.concat(paths) : pending;
    const value = parser.value as P;
    // Validating a snapshot costs its whole size, on every change: only done when it can stop the attempt.
    const validatePartial = this.validatePartial;
    if (validatePartial !== undefined && !validatePartial(value)) {
      this.invalid = validatePartial.errors ?? [];
      return false;
    }
    this.partial = value;
    this.log.snapshot(value, completed);
    this.snapshotted = true;
    this.pendingPaths = undefined;
    return true;
  }
}

/**
 * Feeds the stream's events to `feed` until the stream ends (true), `feed` refuses one (false; the caller stops
 * the attempt) or `race` is stopped (true). `race` races each read against the stopper, for clients whose
 * pending read does not end on abort.
 */
async function readStream<P>(
  iterator: AsyncIterator<unknown>,
  feed: AttemptFeed<P>,
  race: Stopper | undefined,
): Promise<boolean> {
  for (;;) {
    const step = race === undefined ? await iterator.next() : await race.wait(iterator.next());
    if (step === STOP) {
      iterator.return?.()?.then(undefined, ignore);
      return true;
    }
    if (step.done) return true;
    if (!feed.take(step.value)) return false;
  }
}

function ignore(): void {}

/** The response's body, if it can be read and nobody reads it yet. */
function unreadBody(response: ResponseLike | undefined): ReadableStream<Uint8Array> | undefined {
  const body = response?.body;
  return body && typeof body.getReader === "function" && !body.locked ? body : undefined;
}

async function open(sent: PromiseLike<AsyncIterable<unknown>>): Promise<Opened> {
  const withResponse = (sent as Partial<WithResponse>).withResponse;
  if (typeof withResponse === "function") {
    const { data, response } = await withResponse.call(sent);
    return { stream: data, response };
  }
  return { stream: await sent, response: undefined };
}

function cancelIterable(stream: AsyncIterable<unknown>): void {
  stream?.[Symbol.asyncIterator]?.()
    .return?.()
    ?.then(undefined, () => {});
}

/**
 * Reads a body that is not an event stream. A server that ignores `stream: true` sends the whole answer as JSON
 * (or an event stream under a JSON content type): then the events it amounts to, for the feed. Otherwise the
 * body's words, for the error. Each chunk read counts as activity for the idle timer.
 */
async function readNotStream(
  response: ResponseLike | undefined,
  contentType: string,
  reader: WireReader,
  activity: { lastActivity: number },
): Promise<unknown[] | string> {
  const json = /json/i.test(contentType);
  const { text, complete } = await readBody(response?.body, json ? MAX_WHOLE_ANSWER_BYTES : MAX_PAGE_BYTES, () => {
    activity.lastActivity = Date.now();
  });
  const values = json && complete ? bodyValues(text) : undefined;
  const events = values === undefined ? undefined : "value" in values ? reader.whole(values.value) : values.events;
  return events ?? readableText(text, 500);
}

function isNotEventStream(contentType: string): boolean {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return type !== "text/event-stream" && /json|html|xml/.test(type);
}

/** A 404 from an OpenAI-compatible server is almost always a wrong base URL (a missing `/v1`) or model name. */
const NOT_FOUND_HINT = " (check the client's baseURL, often missing its /v1, and the model name)";

type TransportFields = Extract<AttemptOutcome, { kind: "transport" }>;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  error?: unknown;
}

/** The request failed before its stream started: an HTTP error status, or no connection. */
export function requestFailure(error: unknown): TransportFields {
  const e = (typeof error === "object" && error !== null ? error : {}) as ErrorLike;
  if (typeof e.status === "number") {
    return {
      kind: "transport",
      code: "http",
      status: e.status,
      message: `the request failed with HTTP ${e.status}: ${apiMessage(e)}${e.status === 404 ? NOT_FOUND_HINT : ""}`,
      cause: error,
    };
  }
  const timedOut = e.name === "APIConnectionTimeoutError";
  return {
    kind: "transport",
    code: "connect",
    message: timedOut
      ? "the request timed out before the response started (the SDK's `timeout`)"
      : `the request failed before the response started: ${describe(error)}`,
    cause: error,
  };
}

/** The stream broke after it started. */
export function streamFailure(error: unknown): TransportFields {
  const e = (typeof error === "object" && error !== null ? error : {}) as ErrorLike;
  // The SDK throws for an event with an `error` field: an object (OpenAI, OpenRouter) or a string (TGI).
  if ((typeof e.error === "object" && e.error !== null) || (typeof e.error === "string" && e.error)) {
    return {
      kind: "transport",
      code: "server-error",
      message: `the server reported an error mid-stream: ${apiMessage(e)}`,
      cause: error,
    };
  }
  // An API error with a status after the stream started: Gemini's SDK throws one for an error chunk mid-stream.
  if (typeof e.status === "number" && e.name === "ApiError") {
    return {
      kind: "transport",
      code: "server-error",
      message: `the server reported an error mid-stream: ${apiMessage(e)}`,
      cause: error,
    };
  }
  if (error instanceof EventStreamError) {
    return {
      kind: "transport",
      code: "protocol",
      message: `the server sent an event stream that cannot be read: ${error.message}`,
      cause: error,
    };
  }
  if (error instanceof SyntaxError) {
    return {
      kind: "transport",
      code: "protocol",
      message: `the server sent an event that is not JSON: ${error.message}`,
      cause: error,
    };
  }
  return {
    kind: "transport",
    code: "reset",
    message: `the connection broke mid-stream: ${describe(error)}`,
    cause: error,
  };
}

/**
 * The API's own message: the SDK's error body (`error.message`, or the string TGI sends), else its message
 * without the status prefix, which for a body that is not JSON is the body itself (a gateway's HTML page: its words).
 */
function apiMessage(e: ErrorLike): string {
  if (typeof e.error === "string" && e.error) return e.error;
  const body = e.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  if (body && typeof body.message === "string" && body.message) return body.message;
  // Anthropic's SDK keeps the whole body: `{"type": "error", "error": {"type", "message"}}`.
  const nested = body?.error?.message;
  if (typeof nested === "string" && nested) return nested;
  const message = (typeof e.message === "string" ? e.message : "").replace(/^\d{3}\s+/, "");
  const quoted = googleErrorMessage(message);
  if (quoted !== undefined) return quoted;
  // The SDK's words for a body without an `error` field, JSON ones included (FastAPI's `{"detail"}`).
  if (message === "status code (no body)") return "no error message in the response";
  return readableText(message, 500) || "no message";
}

/**
 * Gemini's SDK puts the error body into its message (the body itself for an HTTP error, `got status: UNAVAILABLE.
 * {"error": {...}}` for an error chunk): the body's `error.message`, or undefined for any other message.
 */
function googleErrorMessage(message: string): string | undefined {
  const body = message.startsWith("{") ? 0 : message.startsWith("got status: ") ? message.indexOf("{") : -1;
  if (body < 0) return undefined;
  try {
    const text = (JSON.parse(message.slice(body)) as { error?: { message?: unknown } } | null)?.error?.message;
    return typeof text === "string" && text ? text : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
