import {
  ConnectionError,
  type ConnectionErrorCode,
  ContentFilterError,
  describeErrors,
  MalformedJSONError,
  RefusalError,
  StreamAbortedError,
  type StreamError,
  type StreamErrorDetails,
  ToolNotCalledError,
  TruncationError,
  ValidationFailedError,
} from "../stream/errors.js";
import type { SchemaValidator, ValidationError } from "../validate/validation.js";
import type { AttemptEnd } from "./attempt.js";

export type Verdict<P, T> =
  | { kind: "done"; value: T; completedPaths: readonly string[] }
  /** The model's answer was rejected: ask again, showing it the answer and `problem`. */
  | { kind: "reask"; error: StreamError<P>; problem: string; errors: readonly ValidationError[] }
  /** The transport failed and the call allows it: send the same request again. */
  | { kind: "repeat"; error: StreamError<P> }
  | { kind: "fail"; error: StreamError<P> };

export interface VerdictContext<P, T> {
  attempts: number;
  /** Re-asks still allowed (`maxRetries` minus those made). */
  reasksLeft: number;
  /** Repeats after transport faults still allowed (`connectionRetries` minus those made). */
  repeatsLeft: number;
  validate: SchemaValidator<T>;
  /** Every attempt's text so far, this one included (for ValidationFailedError). */
  texts: readonly string[];
  previousErrors: readonly StreamError<P>[];
}

/** Transport faults after the request was accepted; the others were the SDK's to retry. */
const REPEATABLE: ReadonlySet<ConnectionErrorCode> = new Set(["reset", "closed", "empty", "idle", "server-error"]);

/** The one place that decides what an attempt's end means: success, re-ask, repeat, or the error to end with. */
export function judge<P, T>(end: AttemptEnd<P>, ctx: VerdictContext<P, T>): Verdict<P, T> {
  const details: StreamErrorDetails<P> = {
    partial: end.partial,
    text: end.text,
    attempts: ctx.attempts,
    previousErrors: ctx.previousErrors,
  };
  const rejected = (errors: readonly ValidationError[]): Verdict<P, T> => {
    const error = new ValidationFailedError<P>(errors, ctx.texts, details);
    return ctx.reasksLeft > 0
      ? { kind: "reask", error, problem: `it does not match the schema: ${describeErrors(errors)}`, errors }
      : { kind: "fail", error };
  };
  switch (end.kind) {
    case "answered":
      if (ctx.validate(end.value)) return { kind: "done", value: end.value, completedPaths: end.completedPaths };
      return rejected(ctx.validate.errors ?? []);
    case "invalid-partial":
      return rejected(end.errors);
    case "malformed": {
      const error = new MalformedJSONError<P>(end.error, details);
      return ctx.reasksLeft > 0
        ? { kind: "reask", error, problem: `the JSON is malformed: ${end.error.message}`, errors: [] }
        : { kind: "fail", error };
    }
    case "refused":
      return { kind: "fail", error: new RefusalError<P>(end.refusal, details) };
    case "truncated":
      return {
        kind: "fail",
        error: new TruncationError<P>(
          end.field === "finish_reason"
            ? `the answer was cut off (finish_reason: ${end.reason}): raise the token limit`
            : end.reason === "max_output_tokens"
              ? "the answer was cut off (incomplete: max_output_tokens): raise max_output_tokens"
              : `the answer is incomplete (incomplete: ${end.reason})`,
          { ...details, reason: end.reason },
        ),
      };
    case "filtered":
      return {
        kind: "fail",
        error: new ContentFilterError<P>("the provider's content filter stopped the answer", details),
      };
    case "no-tool-call":
      return {
        kind: "fail",
        error: new ToolNotCalledError<P>(
          `the model did not call the tool (mode "tools"); it answered in text instead: ${clip(end.content)}`,
          { ...details, text: end.content },
        ),
      };
    case "transport": {
      const error = new ConnectionError<P>(end.message, {
        ...details,
        code: end.code,
        status: end.status,
        cause: end.cause,
      });
      return REPEATABLE.has(end.code) && ctx.repeatsLeft > 0 ? { kind: "repeat", error } : { kind: "fail", error };
    }
    case "aborted":
      return { kind: "fail", error: new StreamAbortedError<P>(end.message, details) };
  }
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
