import type { PartialJSONError } from "../parse/parse-error.js";
import { readableText, serverMessage, withoutComments } from "../provider/body-text.js";
import { MODES, type StreamMode } from "../provider/mode.js";
import type { WireEnd } from "../provider/text-streams.js";
import type { ConnectionErrorCode } from "../stream/errors.js";
import type { ValidationError } from "../validate/validation.js";

/** The ways an attempt ends. */
export type AttemptOutcome =
  /** The text parsed into a complete value and the answer ended normally: validate it. */
  | { kind: "answered"; value: unknown; completedPaths: readonly string[] }
  /** `onInvalidPartial: "abort"` stopped the attempt at a snapshot no continuation could make valid. */
  | { kind: "invalid-partial"; errors: readonly ValidationError[] }
  | { kind: "malformed"; error: PartialJSONError }
  | { kind: "refused"; refusal: string }
  /** `field`: where the reason came from (chat's `finish_reason`, the Responses API's `incomplete_details`). */
  | { kind: "truncated"; reason: string; field: "finish_reason" | "incomplete" }
  | { kind: "filtered" }
  | { kind: "no-tool-call"; content: string }
  | { kind: "transport"; code: ConnectionErrorCode; message: string; status?: number; cause?: unknown }
  | { kind: "aborted"; message: string };

/** What is known once an attempt's stream has been read to its end (nothing stopped it). */
export interface StreamEndFacts {
  mode: StreamMode;
  /** What the wire reader gathered: events, finish reason, refusal, failure, tool-mode content. */
  end: WireEnd;
  /** Characters of answer text received. */
  textLength: number;
  /** The body's first bytes, when the client let us see them (read only when the ending needs them). */
  bodyHead: () => string | undefined;
  status: number | undefined;
  contentType: string | undefined;
}

/**
 * How an attempt's stream ended, decided from what was observed alone (a pure function): a transport fault, a
 * refusal, a filter, a truncation, a tool not called, or undefined when the answer ended normally and its text is
 * to be parsed. Checked in this order: a server that says it failed outranks whatever else it sent.
 */
export function classifyStreamEnd(facts: StreamEndFacts): AttemptOutcome | undefined {
  const { end, mode, textLength } = facts;
  // No event, or no end: the body's first bytes may say why (an error the SDK could not read as an event).
  const said = end.events === 0 || end.finishReason === undefined ? facts.bodyHead() : undefined;
  const message = said === undefined ? undefined : serverMessage(said);
  if (end.failure === undefined && message !== undefined) {
    return { kind: "transport", code: "server-error", message: `the server reported an error: ${message}` };
  }
  if (end.events === 0) {
    const shown = said === undefined ? "" : readableText(withoutComments(said));
    const type = facts.contentType ? `, ${facts.contentType}` : "";
    return {
      kind: "transport",
      code: "empty",
      message: `the server sent an empty stream (HTTP ${facts.status ?? 200}${type}): no event carried an answer${shown ? `; the body was: ${shown}` : ""}`,
    };
  }
  if (end.failure !== undefined) return { kind: "transport", code: "server-error", message: end.failure };
  if (end.refusal !== undefined) return { kind: "refused", refusal: end.refusal };
  const ending = finishKind(end.finishReason);
  if (ending === "filtered") return { kind: "filtered" };
  if (end.finishReason === undefined) {
    return {
      kind: "transport",
      code: "closed",
      message: `the server closed the stream before the answer ended (${end.wording.missingEnd}) after ${textLength} characters`,
    };
  }
  if (ending === "failed") {
    return {
      kind: "transport",
      code: "server-error",
      message: `the server ended the answer with ${end.wording.reasonField} "${end.finishReason}" after ${textLength} characters: it failed or gave up, not the model`,
    };
  }
  if (ending === "truncated") {
    return end.incompleteReason === undefined
      ? { kind: "truncated", reason: end.finishReason, field: "finish_reason" }
      : { kind: "truncated", reason: end.incompleteReason, field: "incomplete" };
  }
  if (MODES[mode].answerIn === "tool-call" && textLength === 0 && end.content !== undefined) {
    return { kind: "no-tool-call", content: end.content.toString() };
  }
  return undefined;
}

/**
 * What a finish reason means. Servers name the same endings differently: vLLM ends an aborted request with
 * "abort", OpenRouter a failed upstream with "error", Anthropic a cut-off with "max_tokens", Gemini's
 * OpenAI layer with "MAX_TOKENS" or "SAFETY", TGI a normal end with "eos_token". Any other reason is a normal end.
 */
export function finishKind(reason: string | undefined): "stop" | "truncated" | "filtered" | "failed" {
  if (reason === undefined) return "stop";
  const r = reason.toLowerCase();
  if (r === "length" || r === "incomplete" || r === "max_tokens" || r === "max_output_tokens") return "truncated";
  // Anthropic: the context window ran out, or a long turn was paused (its answer is not finished either).
  if (r === "model_context_window_exceeded" || r === "pause_turn") return "truncated";
  if (r === "content_filter" || r === "safety" || r === "recitation" || r === "prohibited_content") return "filtered";
  if (r === "error" || r === "abort" || r === "aborted" || r === "cancelled" || r === "canceled" || r === "failed") {
    return "failed";
  }
  return "stop";
}
