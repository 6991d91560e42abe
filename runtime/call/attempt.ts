import type { PartialJSONParser } from "../parse/lenient-parser.js";
import { PartialJSONError } from "../parse/parse-error.js";
import { bodyValues, readableText, readBody } from "../provider/body-text.js";
import { BodyHead, watchBodyBytes } from "../provider/byte-activity.js";
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
export async function runAttempt<P>(input: AttemptInput<P>): Promise<AttemptEnd<P>> {
  const { wire, parser, log } = input;
  const controller = new AbortController();
  const stopper = new Stopper();
  const stop = (reason: NonNullable<Stopper["reason"]>) => {
    stopper.stop(reason);
    controller.abort();
  };
  const onCallerAbort = () => stop("caller");
  const onAbandoned = () => stop("readers");
  const text = new TextBuilder();
  log.beginAttempt(input.attempt, text);
  const feed = new AttemptFeed<P>(wire.reader, text, parser, log, input.validatePartial);
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const finish = (end: AttemptOutcome): AttemptEnd<P> => ({
    ...end,
    text: text.toString(),
    partial: feed.partial,
    usage: wire.reader.end.usage,
  });
  const stopped = (): AttemptEnd<P> | undefined => {
    switch (stopper.reason) {
      case "caller": {
        const reason = input.signal?.reason;
        return finish({
          kind: "aborted",
          message: `the stream was aborted: ${reason instanceof Error ? reason.message : "aborted by the caller"}`,
        });
      }
      case "readers":
        return finish({ kind: "aborted", message: "the stream was cancelled: every reader stopped reading" });
      case "idle":
        return finish({
          kind: "transport",
          code: "idle",
          message: `the server sent nothing for ${input.idleTimeoutMs} ms (idleTimeoutMs); the request was cancelled`,
        });
      case "invalid-partial":
        return finish({ kind: "invalid-partial", errors: feed.invalid ?? [] });
      default:
        return undefined;
    }
  };

  /** The wire said how the answer ended (a finish reason, a Responses end event) and reported no failure. */
  const answerEnded = () => wire.reader.end.finishReason !== undefined && wire.reader.end.failure === undefined;

  if (input.signal?.aborted) stop("caller");
  if (input.abandoned.aborted) stop("readers");
  input.signal?.addEventListener("abort", onCallerAbort, { once: true });
  input.abandoned.addEventListener("abort", onAbandoned, { once: true });
  try {
    if (stopper.reason) return stopped() as AttemptEnd<P>;
    const sent = wire.send(controller.signal);
    let stream: AsyncIterable<unknown>;
    let response: ResponseLike | undefined;
    try {
      const opened = await stopper.wait(open(sent));
      if (opened === STOP) {
        // The SDK may still be sleeping before a retry: it sees the aborted signal when it wakes.
        Promise.resolve(sent).then(cancelIterable, () => {});
        return stopped() as AttemptEnd<P>;
      }
      ({ stream, response } = opened);
    } catch (error) {
      return stopped() ?? finish(requestFailure(error));
    }

    // The idle clock starts with the headers, for any body: a stream, or a JSON or HTML body that may stall too.
    feed.lastActivity = Date.now();
    if (input.idleTimeoutMs > 0) {
      // Once the answer has ended, only its tail (usage, [DONE]) may follow: keep-alive bytes no longer hold the
      // stream open, so a proxy that pings forever after the last chunk ends it within twice the timeout.
      let endedAt: number | undefined;
      const check = () => {
        const now = Date.now();
        if (endedAt === undefined && answerEnded()) endedAt = now;
        const quiet = now - (endedAt === undefined ? feed.lastActivity : Math.min(endedAt, feed.lastActivity));
        if (quiet >= input.idleTimeoutMs) stop("idle");
        else idleTimer = setTimeout(check, input.idleTimeoutMs - quiet);
      };
      idleTimer = setTimeout(check, input.idleTimeoutMs);
    }

    const contentType = response?.headers?.get("content-type") ?? undefined;
    let head: BodyHead | undefined;
    if (contentType !== undefined && isNotEventStream(contentType)) {
      let read: Awaited<ReturnType<typeof readNotStream>> | typeof STOP;
      try {
        read = await stopper.wait(readNotStream(response, contentType, wire.reader, feed));
      } catch (error) {
        return stopped() ?? finish(streamFailure(error));
      } finally {
        controller.abort();
      }
      const halted = stopped();
      if (halted) return halted;
      if (!Array.isArray(read)) {
        const quoted = typeof read === "string" && read !== "" ? `: ${read}` : "";
        return finish({
          kind: "transport",
          code: "not-sse",
          message: `the server answered HTTP ${response?.status ?? 200} with ${contentType}, not an event stream${quoted}`,
        });
      }
      for (const event of read) {
        if (!feed.take(event)) {
          stop("invalid-partial");
          break;
        }
      }
    } else {
      // The openai SDK's stream ends its pending read at once when its controller aborts (our signal aborts it):
      // no need to race every chunk against the stopper, which costs a promise per chunk. Other clients get the race.
      const endsOnAbort = (stream as { controller?: unknown }).controller instanceof AbortController;
      // Any bytes after the headers (SSE comments too) keep the connection from being idle. The SDK's stream has
      // not read its body yet; where we cannot see the bytes (other clients), any event does (AttemptFeed.take).
      if (endsOnAbort) {
        head = new BodyHead(BODY_HEAD_BYTES);
        const watched = watchBodyBytes(
          response?.body,
          () => {
            feed.seesBytes = true;
            feed.lastActivity = Date.now();
          },
          head,
        );
        if (!watched) head = undefined;
      }
      const iterator = stream[Symbol.asyncIterator]();
      try {
        if (!(await readStream(iterator, feed, endsOnAbort ? undefined : stopper))) {
          stop("invalid-partial");
          iterator.return?.()?.then(undefined, ignore);
        }
      } catch (error) {
        const fault = streamFailure(error);
        // A connection that breaks after the answer's end lost only its tail (the usage chunk, [DONE]).
        if (!(answerEnded() && fault.code !== "server-error")) return stopped() ?? finish(fault);
      }
    }
    // Likewise a server that goes quiet after the answer's end without closing: the answer is whole.
    const halted = stopper.reason === "idle" && answerEnded() ? undefined : stopped();
    if (halted) return halted;

    const ending = classifyStreamEnd({
      mode: input.mode,
      end: wire.reader.end,
      textLength: text.length,
      bodyHead: () => head?.text(),
      status: response?.status,
      contentType,
    });
    if (ending !== undefined) return finish(ending);
    if (feed.malformed) return finish({ kind: "malformed", error: feed.malformed });
    let value: unknown;
    try {
      value = parser.end();
    } catch (error) {
      if (!(error instanceof PartialJSONError)) throw error;
      return finish({ kind: "malformed", error });
    }
    const paths = [...(feed.pendingPaths ?? []), ...parser.completedPaths];
    if (value !== feed.partial) {
      feed.partial = value as P;
      log.snapshot(value as P, paths);
      return finish({ kind: "answered", value, completedPaths: NO_PATHS });
    }
    return finish({ kind: "answered", value, completedPaths: paths });
  } finally {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    input.signal?.removeEventListener("abort", onCallerAbort);
    input.abandoned.removeEventListener("abort", onAbandoned);
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

  constructor(
    private readonly reader: WireReader,
    private readonly text: TextBuilder,
    private readonly parser: PartialJSONParser<P>,
    private readonly log: EventLog<P, unknown>,
    private readonly validatePartial: SchemaValidator<P> | undefined,
  ) {}

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

async function open(sent: PromiseLike<AsyncIterable<unknown>>): Promise<{
  stream: AsyncIterable<unknown>;
  response: ResponseLike | undefined;
}> {
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
