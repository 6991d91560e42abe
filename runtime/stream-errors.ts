import type { ValidationError } from "./validation.js";

/** Base of every error a stream ends with: nothing received is lost. */
export class StreamError extends Error {
  override name = "StreamError";
  /** The last snapshot shown before the failure (undefined if none). */
  partial: unknown;
  /** The raw text the model sent in the failing attempt. */
  text: string;
  /** Attempts made, the failing one included. */
  attempts: number;

  constructor(message: string, details: { partial: unknown; text: string; attempts: number; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.partial = details.partial;
    this.text = details.text;
    this.attempts = details.attempts;
  }
}

/** The model refused (`delta.refusal`); `refusal` is its text. */
export class RefusalError extends StreamError {
  override name = "RefusalError";
  constructor(
    readonly refusal: string,
    details: { partial: unknown; text: string; attempts: number },
  ) {
    super(`the model refused: ${refusal}`, details);
  }
}

/** The answer was cut off (`finish_reason: "length"`, or an incomplete Responses API answer). */
export class TruncationError extends StreamError {
  override name = "TruncationError";
}

/** The connection dropped or the server answered with an HTTP error; `cause` is the openai SDK's error. */
export class ConnectionError extends StreamError {
  override name = "ConnectionError";
}

/** The final value failed validation after every retry. `texts` holds each attempt's raw text. */
export class ValidationFailedError extends StreamError {
  override name = "ValidationFailedError";
  constructor(
    readonly errors: readonly ValidationError[],
    readonly texts: readonly string[],
    details: { partial: unknown; text: string; attempts: number },
  ) {
    super(
      `the answer does not match the schema after ${details.attempts} attempt(s): ${describeErrors(errors)}`,
      details,
    );
  }
}

/** The caller's AbortSignal fired; the request was cancelled. */
export class StreamAbortedError extends StreamError {
  override name = "StreamAbortedError";
}

export function describeErrors(errors: readonly ValidationError[]): string {
  return errors
    .slice(0, 10)
    .map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`)
    .join("; ");
}
