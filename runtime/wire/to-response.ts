import type { StreamEvent } from "../stream/event-log.js";
import { checkOptions } from "../util/options-check.js";
import { describeError, describesTheAnswer, withheldMessage } from "./error-table.js";
import {
  type ErrorRecord,
  FLUSH,
  RECORD_START,
  type ServerParserOptions,
  type StartRecord,
  WIRE_VERSION,
  type WireParserOptions,
  type WireRecord,
} from "./format.js";

export interface ToResponseOptions {
  /** HTTP status (default 200). */
  status?: number;
  /** Extra response headers (CORS, cookies, ...); they override the defaults. */
  headers?: HeadersInit;
  /** Send the token usage with the done record (default false: billing details stay on the server). */
  usage?: boolean;
  /**
   * What the page is told an error says. By default an error about the model's answer (validation, malformed
   * JSON, truncation, refusal, content filter, tool not called) keeps its message: it describes text the page
   * has already received. Any other error (the provider's HTTP errors, the network's, an app's own) gets a
   * generic message naming its class, `code` and `status`: the provider's and the network's own text can hold
   * API keys, URLs and internal host names. The class name and its fields are always sent.
   */
  errorMessage?: (error: Error) => string;
  /** Send every error's own message to the page (default false; see `errorMessage`). */
  exposeErrors?: boolean;
  /**
   * Called on the server for each error whose message the page does not get (default: `console.error`), so
   * the cause is never lost. Not called when `errorMessage` or `exposeErrors` decides what the page sees.
   */
  onWithheldError?: (error: Error) => void;
}

/**
 * A web Response typed for piping into node:http as well: its body is always there (never null), and its
 * headers are iterable without the DOM.Iterable lib, so `Object.fromEntries(response.headers)` compiles.
 */
export type StreamResponse = Response & {
  readonly body: ReadableStream<Uint8Array>;
  readonly headers: Headers & Iterable<[string, string]>;
};

/** Response headers: a stream that proxies must neither buffer nor transform. */
const DEFAULT_HEADERS: Record<string, string> = {
  "content-type": "text/plain; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
  "x-content-type-options": "nosniff",
};

/**
 * The body of stream.toResponse(): the model's text deltas and control records (runtime/wire/format.ts).
 * Reading starts when the body is first pulled; cancelling the body (the browser went away) stops reading
 * the events. Pass the request's AbortSignal to streamX({ signal }) to also cancel the model's request.
 */
export function toResponse<P, T>(
  stream: { events(): AsyncIterable<StreamEvent<P, T>> },
  parser: ServerParserOptions,
  options: ToResponseOptions = {},
  valueSpan: (attempt: number) => ValueSpan | undefined = () => undefined,
): StreamResponse {
  checkOptions("toResponse", options, {
    status: "count",
    headers: "object",
    usage: "boolean",
    exposeErrors: "boolean",
    onWithheldError: "function",
    errorMessage: "function",
  });
  const bytes = new TextEncoder();
  const wire = new WireEncoder<P, T>(parser, options, valueSpan);
  let events: AsyncIterator<StreamEvent<P, T>> | undefined;

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      events ??= stream.events()[Symbol.asyncIterator]();
      for (;;) {
        const next = await events.next();
        const out = next.done ? wire.end() : wire.encode(next.value);
        if (out !== "") controller.enqueue(bytes.encode(out));
        if (next.done) controller.close();
        if (next.done || out !== "") return;
      }
    },
    async cancel() {
      wire.cancel();
      await events?.return?.();
    },
  });

  const headers = new Headers(DEFAULT_HEADERS);
  new Headers(options.headers).forEach((value, name) => {
    headers.set(name, value);
  });
  return new Response(body, { status: options.status ?? 200, headers }) as StreamResponse;
}

/**
 * Stream events in, the format's text out: the start record first, text runs flushed at each snapshot, a record
 * for each retry and for the end. Pure (no I/O): toResponse() moves its output into the body.
 */
export class WireEncoder<P, T> {
  /** What is sent of the model's text: all of it, or in lenient mode only the value's part. */
  private text: ForwardedText;
  /**
   * The attempt the page counts: 1, then each retry record's. A body made after a retry starts at the current
   * attempt's text (earlier attempts are not replayed), so the done record corrects the count.
   */
  private pageAttempt = 1;
  /** Output not yet returned (the start record, until the first output). */
  private pending: string;
  /** A done or error record was written, or the page went away: no closing record is due. */
  private finished = false;
  private readonly message: (error: Error) => string;

  constructor(
    private readonly parser: ServerParserOptions,
    private readonly options: ToResponseOptions,
    private readonly valueSpan: (attempt: number) => ValueSpan | undefined,
  ) {
    this.text = this.forwarded();
    this.pending = encodeStart(parser);
    this.message = pageMessage(options);
  }

  /** What to send for `event` now ("" to keep collecting). */
  encode(event: StreamEvent<P, T>): string {
    switch (event.type) {
      case "delta":
        this.text.add(event.text, event.attempt);
        return "";
      case "snapshot": {
        // Deltas that changed nothing ride along with the next snapshot's. No new text: end()'s snapshot,
        // which the reader makes at the done record.
        const out = this.text.take();
        return out === "" ? "" : this.take(encodeText(out) + FLUSH);
      }
      case "retry": {
        const error = describeError(event.error, this.message);
        const out =
          encodeText(this.text.take()) +
          encodeRecord({ type: "retry", attempt: event.attempt, error, errors: event.errors });
        this.text = this.forwarded();
        this.pageAttempt = event.attempt;
        return this.take(out);
      }
      case "done": {
        this.finished = true;
        this.text.end();
        const done: WireRecord = { type: "done" };
        if (this.options.usage && event.usage) done.usage = event.usage;
        if (event.attempts !== this.pageAttempt) done.attempts = event.attempts;
        return this.take(encodeText(this.text.take()) + encodeRecord(done));
      }
      case "error":
        this.finished = true;
        return this.take(
          encodeText(this.text.take()) + encodeRecord({ type: "error", ...describeError(event.error, this.message) }),
        );
      default:
        return ""; // event kinds the page has no use for
    }
  }

  /** The events ended: what is still due, and never leave the page waiting for a verdict. */
  end(): string {
    return this.take(this.finished ? "" : encodeRecord(endedRecord()));
  }

  /** The page went away: nothing more is written. */
  cancel(): void {
    this.finished = true;
  }

  private forwarded(): ForwardedText {
    return this.parser.strict ? new VerbatimText() : new ValueText(this.valueSpan);
  }

  private take(out: string): string {
    const all = this.pending + out;
    this.pending = "";
    return all;
  }
}

/** One attempt's text as it is forwarded: add() each delta, take() what is to be sent now. */
interface ForwardedText {
  add(delta: string, attempt: number): void;
  take(): string;
  /** The attempt's text is complete. */
  end(): void;
}

/** Strict parsing: the text is the JSON value (and whitespace), sent verbatim. */
class VerbatimText implements ForwardedText {
  private unsent = "";
  add(delta: string): void {
    this.unsent += delta;
  }
  take(): string {
    const out = this.unsent;
    this.unsent = "";
    return out;
  }
  end(): void {}
}

/** Where the value is in one attempt's text: the stream's own parser (PartialJSONParser.valueTextStart/End). */
export interface ValueSpan {
  /** The value's first character, -1 until a value is shown. */
  readonly valueTextStart: number;
  /** Just past the complete value, -1 before. */
  readonly valueTextEnd: number;
}

/**
 * Lenient parsing: only the value's part of the model's text is sent (the prose, fences and think blocks around it
 * stay here), so the browser parses plain JSON and carries none of lenient mode's code. Where the value is comes
 * from the stream's own parser for the attempt. That parser may be ahead of this body (which reads the events at the
 * page's pace), but a value's start never moves once shown and its end only appears once; so text is sent from the
 * start, up to what this body has received, never past the end.
 */
class ValueText implements ForwardedText {
  /** Text from offset `base` of the attempt's text that may still be sent. */
  private unsent = "";
  private base = 0;

  /** The attempt this text belongs to, from its first delta (a body may start at a later attempt). */
  private attempt = 0;

  constructor(private readonly spanOf: (attempt: number) => ValueSpan | undefined) {}

  private span(): ValueSpan | undefined {
    return this.spanOf(this.attempt);
  }

  add(delta: string, attempt: number): void {
    this.attempt = attempt;
    const end = this.span()?.valueTextEnd ?? -1;
    if (end < 0 || this.base + this.unsent.length < end) this.unsent += delta; // past the value's end: never sent
  }

  take(): string {
    const span = this.span();
    const start = span?.valueTextStart ?? -1;
    if (start < 0) return ""; // no value shown yet: everything may still be prose
    const end = span?.valueTextEnd ?? -1;
    const received = this.base + this.unsent.length;
    const to = end < 0 ? received : Math.min(end, received);
    const from = Math.min(Math.max(start, this.base), to);
    const out = this.unsent.slice(from - this.base, to - this.base);
    this.unsent = this.unsent.slice(to - this.base);
    this.base = to;
    return out;
  }

  end(): void {} // the stream's parser has ended (or failed) before the done or error event
}

/** The events ended with neither done nor error: never leave the page waiting for a verdict. */
function endedRecord(): ErrorRecord {
  return { type: "error", name: "StreamError", message: "partialgen: the stream ended without a result" };
}

/** The page's message for each error, by the options' policy (see ToResponseOptions.errorMessage). */
function pageMessage(options: ToResponseOptions): (error: Error) => string {
  if (options.errorMessage) return options.errorMessage;
  if (options.exposeErrors) return (error) => error.message;
  const onWithheld = options.onWithheldError ?? logWithheld;
  return (error) => {
    if (describesTheAnswer(error)) return error.message;
    onWithheld(error);
    return withheldMessage(error);
  };
}

function logWithheld(error: Error): void {
  console.error("partialgen: toResponse() sent the page a generic message for this error:", error);
}

export function encodeStart(options: WireParserOptions): string {
  const start: StartRecord = { partialgen: WIRE_VERSION, nulls: options.optionalNulls };
  if (!options.strict) start.lenient = true;
  return `${RECORD_START}${JSON.stringify(start)}\n`;
}

export function encodeRecord(record: WireRecord): string {
  // JSON.stringify never writes a raw line feed, and escapes lone surrogates: one record is one line.
  return `${RECORD_START}${JSON.stringify(record)}\n`;
}

/**
 * One model delta as it goes on the wire. Verbatim, except the characters that cannot be: the two separators,
 * and a lone surrogate half (UTF-8 cannot carry one; a model may split a pair between two deltas), which go
 * in text records so the browser writes exactly the string the server's parser got.
 */
export function encodeText(text: string): string {
  if (!NEEDS_RECORD.test(text)) return text;
  return text.replace(NEEDS_RECORD_ALL, (ch) => encodeRecord({ type: "text", text: ch }));
}

const NEEDS_RECORD_SOURCE =
  "[\\u001e\\u001f]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]";
const NEEDS_RECORD = new RegExp(NEEDS_RECORD_SOURCE);
const NEEDS_RECORD_ALL = new RegExp(NEEDS_RECORD_SOURCE, "g");
