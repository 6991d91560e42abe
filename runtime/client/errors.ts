import { PartialJSONError } from "../errors.js";
import {
  ConnectionError,
  RefusalError,
  StreamAbortedError,
  StreamError,
  TruncationError,
  ValidationFailedError,
} from "../stream-errors.js";
import type { ErrorRecord } from "../wire-format.js";

/** What the page received before the error: kept on the error, as on the server. */
export interface ReceivedSoFar {
  partial: unknown;
  text: string;
  attempts: number;
}

const SAME_SHAPE: Record<string, typeof StreamError> = { ConnectionError, TruncationError, StreamAbortedError };

/**
 * The server's error as the same class in the browser, so `instanceof` and `name` work on both sides; the
 * message is the server's (or what its errorMessage option chose to say).
 */
export function errorFromRecord(r: ErrorRecord, received: ReceivedSoFar): Error {
  const details = { ...received, attempts: r.attempts ?? received.attempts };
  const known = Object.hasOwn(SAME_SHAPE, r.name) ? SAME_SHAPE[r.name] : undefined;
  const error =
    r.name === "RefusalError"
      ? new RefusalError(r.refusal ?? "", details)
      : r.name === "ValidationFailedError"
        ? new ValidationFailedError(r.errors ?? [], [], details)
        : r.name === "PartialJSONError"
          ? Object.assign(new PartialJSONError("", r.offset ?? 0, r.pointer ?? ""), received)
          : new (known ?? StreamError)("", details);
  error.name = String(r.name); // another class (an app's own error) keeps its name, on a StreamError
  error.message = String(r.message);
  return error;
}
