import { PartialJSONError } from "../parse/parse-error.js";
import {
  ConnectionError,
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
import type { ErrorDescription } from "./format.js";

/** The fields of error classes that the record carries under the same names. */
type FieldName = "code" | "status" | "reason" | "refusal" | "errors" | "offset" | "pointer";

/**
 * How one error class crosses the browser format. The server writes `name`, `message`, `attempts` and the
 * class's `fields`; the page rebuilds the same class, so `instanceof` and `name` work on both sides.
 * Declarative where it can be: this table ships to the page, and data is smaller there than code.
 */
interface WireErrorRow {
  /** The class, for the server (`instanceof`: an app's subclass travels with its base's fields). */
  readonly type: abstract new (
    ...args: never[]
  ) => StreamError;
  readonly fields?: readonly FieldName[];
  /**
   * The same class in the page (the message is set after, from the record); without it, the class's own
   * constructor with `(message, details)`, its `fields` among the details.
   */
  readonly rebuild?: <P>(
    r: ErrorDescription,
    details: StreamErrorDetails<P>,
    texts: readonly string[],
  ) => StreamError<P>;
}

/**
 * Every error class of the format, one row each under the class's `name`, what the page reads (minifiers rename
 * classes, never this string): a new class is one row here. The server matches rows in this order.
 */
const ROWS: Readonly<Record<string, WireErrorRow>> = {
  ConnectionError: { type: ConnectionError, fields: ["code", "status"] },
  StreamAbortedError: { type: StreamAbortedError },
  TruncationError: { type: TruncationError, fields: ["reason"] },
  RefusalError: {
    type: RefusalError,
    fields: ["refusal"],
    rebuild: (r, d) => new RefusalError(r.refusal ?? "", d),
  },
  ValidationFailedError: {
    type: ValidationFailedError,
    fields: ["errors"],
    rebuild: (r, d, texts) => new ValidationFailedError(r.errors ?? [], texts, d),
  },
  MalformedJSONError: {
    // `parse`, the parser error's own message, is the one field not of the class itself (describeError).
    type: MalformedJSONError,
    fields: ["offset", "pointer"],
    rebuild: (r, d) => {
      const cause = new PartialJSONError("", r.offset ?? 0, r.pointer ?? "");
      cause.message = String(r.parse ?? r.message);
      return new MalformedJSONError(cause, d);
    },
  },
  ContentFilterError: { type: ContentFilterError },
  ToolNotCalledError: { type: ToolNotCalledError },
};

/**
 * The rows of the errors of the call (network, provider, abort), whose message stays on the server unless the app
 * opts in (toResponse's exposeErrors): what the page is told instead, followed by the row's `fields` (a code, a
 * status: no text from the provider or the network). The other rows' messages describe the model's answer, which
 * the page has received anyway: they are sent as they are. Not in ROWS: only the server reads this.
 */
const CALL_ERROR_SUMMARIES: Readonly<Record<string, string>> = {
  ConnectionError: "the request to the model failed",
  StreamAbortedError: "the stream was aborted",
};

/** The name of the row of `error`'s class (an app's subclass: its base's), if any. */
function rowNameOf(error: Error): string | undefined {
  return Object.keys(ROWS).find((name) => error instanceof (ROWS[name] as WireErrorRow).type);
}

function rowOf(error: Error): WireErrorRow | undefined {
  const name = rowNameOf(error);
  return name === undefined ? undefined : ROWS[name];
}

/** What the page is told of an error of the call (undefined: its message describes the answer, or no row has it). */
function summaryOf(error: Error): string | undefined {
  const name = rowNameOf(error);
  return name !== undefined && Object.hasOwn(CALL_ERROR_SUMMARIES, name) ? CALL_ERROR_SUMMARIES[name] : undefined;
}

/** What the page needs to rebuild the error as the same class; `message` decides the text it is told. */
export function describeError(error: Error, message?: (error: Error) => string): ErrorDescription {
  const d: ErrorDescription = { name: error.name, message: message ? message(error) : error.message };
  if (!(error instanceof StreamError)) return d;
  d.attempts = error.attempts;
  const fields = error as unknown as Partial<Record<FieldName, unknown>>;
  for (const field of rowOf(error)?.fields ?? []) {
    if (fields[field] !== undefined) (d as Record<FieldName, unknown>)[field] = fields[field];
  }
  if (error instanceof MalformedJSONError) d.parse = error.cause.message;
  return d;
}

/** The error's message describes the model's answer (which the page has received), not the call. */
export function describesTheAnswer(error: Error): boolean {
  return rowNameOf(error) !== undefined && summaryOf(error) === undefined;
}

/** The message for an error whose own text stays on the server: what the page can tell its user, no more. */
export function withheldMessage(error: Error): string {
  const row = rowOf(error);
  const fields = error as unknown as Partial<Record<FieldName, unknown>>;
  const named = (row?.fields ?? []).filter((f) => fields[f] !== undefined).map((f) => `${f} ${fields[f]}`);
  const summary = summaryOf(error) ?? `the stream failed (${error.name})`;
  const details = named.length > 0 ? ` (${named.join(", ")})` : "";
  return `partialgen: ${summary}${details}; details stay on the server (toResponse({ exposeErrors: true }) sends them)`;
}

/**
 * The server's error (an error record, or a retry record's `error`) as the same class in the page, with what
 * the page received before it (`partial`, `text`); the message is the server's (or what its errorMessage option
 * chose to say); `texts` are the attempts' texts as the page received them. A class the page does not know (an
 * app's own) is a StreamError keeping its name.
 */
export function errorFromRecord<P>(
  r: ErrorDescription,
  received: StreamErrorDetails<P>,
  texts: readonly string[],
): StreamError<P> {
  const details = { ...received, attempts: r.attempts ?? received.attempts };
  const name = String(r.name);
  const row = Object.hasOwn(ROWS, name) ? ROWS[name] : undefined;
  // The fields among the details, where ConnectionError's and TruncationError's constructors read theirs.
  for (const field of row?.fields ?? []) (details as Record<string, unknown>)[field] = r[field];
  const error = row?.rebuild
    ? row.rebuild(r, details, texts)
    : new ((row?.type ?? StreamError) as typeof StreamError<P>)("", details);
  error.name = name;
  error.message = String(r.message);
  return error as StreamError<P>;
}
