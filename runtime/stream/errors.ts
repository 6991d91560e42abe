import type { PartialJSONError } from "../parse/parse-error.js";
import type { ValidationError } from "../validate/validation.js";

/** What every stream error keeps of the attempt it ended: nothing received is lost. */
export interface StreamErrorDetails<P = unknown> {
  partial: P | undefined;
  text: string;
  attempts: number;
  cause?: unknown;
  /** Why each earlier attempt was rejected, in order (empty when the first attempt failed). */
  previousErrors?: readonly StreamError<P>[];
}

/**
 * Base of every error a stream ends with, so `instanceof StreamError` catches every failure. `P` is the
 * snapshot type: `ObjectStream<P, T>.error` and the `error` event are typed with it.
 */
export class StreamError<P = unknown> extends Error {
  override name = "StreamError";
  // Here and in the subclasses, fields are `declare`d and set by the constructor in the same order: the same own
  // properties, without a second list of them in every browser bundle (test/client/error-table.test.ts).
  /** The last snapshot shown in the failing attempt before the failure (undefined if none). */
  declare partial: P | undefined;
  /** The raw text the model sent in the failing attempt. */
  declare text: string;
  /** Attempts made, the failing one included. */
  declare attempts: number;
  /** Why each earlier attempt was rejected (re-asked or repeated), in order. */
  declare previousErrors: readonly StreamError<P>[];

  constructor(message: string, details: StreamErrorDetails<P>) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.partial = details.partial;
    this.text = details.text;
    this.attempts = details.attempts;
    this.previousErrors = details.previousErrors ?? [];
  }
}

/** The model refused (`delta.refusal`, or a Responses refusal); `refusal` is its text. */
export class RefusalError<P = unknown> extends StreamError<P> {
  override name = "RefusalError";
  declare readonly refusal: string;
  constructor(refusal: string, details: StreamErrorDetails<P>) {
    super(`the model refused: ${refusal}`, details);
    this.refusal = refusal;
  }
}

/**
 * The answer was cut off: `finish_reason: "length"`, or a Responses API answer that ended `incomplete`
 * (`reason` is `"max_output_tokens"` or whatever the API gave).
 */
export class TruncationError<P = unknown> extends StreamError<P> {
  override name = "TruncationError";
  declare readonly reason: string;
  constructor(message: string, details: StreamErrorDetails<P> & { reason?: string | undefined }) {
    super(message, details);
    this.reason = details.reason ?? "length";
  }
}

/** The provider's content filter stopped the answer (`finish_reason: "content_filter"`, or Responses `incomplete`). */
export class ContentFilterError<P = unknown> extends StreamError<P> {
  override name = "ContentFilterError";
}

/** `mode: "tools"`: the model answered in text instead of calling the tool (the server ignored `tool_choice`). */
export class ToolNotCalledError<P = unknown> extends StreamError<P> {
  override name = "ToolNotCalledError";
}

/** The model's text is not valid JSON (or not JSON at all); `cause` is the parser's error with the position. */
export class MalformedJSONError<P = unknown> extends StreamError<P> {
  override name = "MalformedJSONError";
  /** Character offset of the problem in `text`. */
  declare readonly offset: number;
  /** JSON Pointer of the value being written when the problem was found ("" for the root). */
  declare readonly pointer: string;
  declare readonly cause: PartialJSONError;
  constructor(error: PartialJSONError, details: StreamErrorDetails<P>) {
    super(`the model's answer is not valid JSON: ${error.message}`, { ...details, cause: error });
    this.offset = error.offset;
    this.pointer = error.pointer;
  }
}

/** How a request or its stream failed, for code that branches on it. */
export type ConnectionErrorCode =
  /** The server answered with an HTTP error status before the stream started (`status` is set). */
  | "http"
  /** No connection, or no response headers before the SDK's `timeout` (the SDK's own retries came first). */
  | "connect"
  /** The connection broke mid-stream. */
  | "reset"
  /** The server closed the stream cleanly before the answer ended (no `finish_reason` / terminal event). */
  | "closed"
  /** A 200 stream without a single event (empty, or only `data: [DONE]`). */
  | "empty"
  /** A 200 answer that is not an event stream (a JSON or HTML body). */
  | "not-sse"
  /** No event for `idleTimeoutMs` after the response started. */
  | "idle"
  /** The server reported an error inside the stream (an `error` event, `response.failed`). */
  | "server-error"
  /** The server sent an event that is not JSON. */
  | "protocol";

/**
 * The request failed or the stream broke: the server's or the network's doing, never the model's. Not re-asked
 * (that would bill the answer twice) unless the call sets `connectionRetries`. `cause` is the SDK's error.
 */
export class ConnectionError<P = unknown> extends StreamError<P> {
  override name = "ConnectionError";
  declare readonly code: ConnectionErrorCode;
  /** The HTTP status, for `code: "http"`. */
  declare readonly status: number | undefined;
  constructor(
    message: string,
    details: StreamErrorDetails<P> & { code?: ConnectionErrorCode; status?: number | undefined },
  ) {
    super(message, details);
    this.code = details.code ?? "reset";
    this.status = details.status;
  }
}

/** The final value failed validation after every retry. `texts` holds each attempt's raw text. */
export class ValidationFailedError<P = unknown> extends StreamError<P> {
  override name = "ValidationFailedError";
  declare readonly errors: readonly ValidationError[];
  declare readonly texts: readonly string[];
  constructor(errors: readonly ValidationError[], texts: readonly string[], details: StreamErrorDetails<P>) {
    super(
      `the answer does not match the schema after ${details.attempts} attempt(s): ${describeErrors(errors)}`,
      details,
    );
    this.errors = errors;
    this.texts = texts;
  }
}

/** The caller's AbortSignal fired, or every reader stopped reading; the request was cancelled. */
export class StreamAbortedError<P = unknown> extends StreamError<P> {
  override name = "StreamAbortedError";
}

export function describeErrors(errors: readonly ValidationError[]): string {
  return errors
    .slice(0, 10)
    .map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`)
    .join("; ");
}
