import { PartialJSONError } from "../parse/parse-error.js";
import {
  ConnectionError,
  type ConnectionErrorCode,
  ContentFilterError,
  MalformedJSONError,
  RefusalError,
  StreamAbortedError,
  StreamError,
  type StreamErrorDetails,
  ToolNotCalledError,
  TruncationError,
  ValidationFailedError,
} from "../stream/errors.js";
import type { ErrorRecord } from "./format.js";

const SAME_SHAPE: Record<string, typeof StreamError> = {
  ContentFilterError,
  StreamAbortedError,
  ToolNotCalledError,
};

/**
 * The server's error as the same class in the browser, so `instanceof` and `name` work on both sides, with what
 * the page received before it (`partial`, `text`); the message is the server's (or what its errorMessage
 * option chose to say); `texts` are the attempts' texts as the page received them. A class the page does not know (an app's own) is a StreamError keeping its name.
 */
export function errorFromRecord<P>(
  r: ErrorRecord,
  received: StreamErrorDetails<P>,
  texts: readonly string[],
): StreamError<P> {
  const details = { ...received, attempts: r.attempts ?? received.attempts };
  const name = String(r.name);
  const error =
    name === "ConnectionError"
      ? new ConnectionError<P>("", { ...details, code: r.code as ConnectionErrorCode, status: r.status })
      : name === "TruncationError"
        ? new TruncationError<P>("", { ...details, reason: r.reason })
        : name === "RefusalError"
          ? new RefusalError<P>(r.refusal ?? "", details)
          : name === "ValidationFailedError"
            ? new ValidationFailedError<P>(r.errors ?? [], texts, details)
            : name === "MalformedJSONError"
              ? new MalformedJSONError<P>(parseError(r), details)
              : new ((Object.hasOwn(SAME_SHAPE, name) && SAME_SHAPE[name]) || StreamError)<P>("", details);
  error.name = name;
  error.message = String(r.message);
  return error;
}

function parseError(r: ErrorRecord): PartialJSONError {
  const error = new PartialJSONError("", r.offset ?? 0, r.pointer ?? "");
  error.message = String(r.parse ?? r.message);
  return error;
}
