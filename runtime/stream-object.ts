import { PartialJSONError } from "./errors.js";
import { EventLog } from "./event-log.js";
import type { ChatMessage } from "./openai-shape.js";
import { PartialJSONParser } from "./parser.js";
import type { JSONSchema } from "./schema-hints.js";
import {
  ConnectionError,
  describeErrors,
  RefusalError,
  StreamAbortedError,
  StreamError,
  TruncationError,
  ValidationFailedError,
} from "./stream-errors.js";
import type { StreamObjectOptions } from "./stream-types.js";
import { openTextStream, type TextStreamEnd, type TextStreamRequest } from "./text-streams.js";
import { type ToResponseOptions, toResponse } from "./to-response.js";
import type { ValidationError } from "./validation.js";
import type { WireParserOptions } from "./wire-format.js";

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type StreamEvent<P, T> =
  /** Raw text the model wrote in `attempt`, before it is parsed (what toResponse() forwards). */
  | { type: "delta"; text: string; attempt: number }
  /** A new snapshot, with the JSON Pointers that became complete since the previous one. */
  | { type: "snapshot"; value: P; completedPaths: readonly string[]; attempt: number }
  /** A new attempt starts (snapshots restart from empty); `errors` are why the last one was rejected. */
  | { type: "retry"; attempt: number; errors: readonly ValidationError[] }
  /** The validated value; `completedPaths` are the completions after the last snapshot (closing brackets). */
  | { type: "done"; value: T; completedPaths: readonly string[]; attempts: number; usage: Usage | undefined }
  | { type: "error"; error: Error };

export interface ObjectStream<P, T> extends AsyncIterable<P> {
  /** The validated complete value; rejects with the error the stream ended with. */
  final(): Promise<T>;
  /** Everything that happens, for UIs that need more than the value. Each call replays from the start. */
  events(): AsyncIterable<StreamEvent<P, T>>;
  /** Token usage summed over attempts (from stream_options.include_usage), once known. */
  readonly usage: Usage | undefined;
  /** Attempts made so far. */
  readonly attempts: number;
  /** A web Response streaming this answer to a browser (see runtime/to-response.ts for the wire format). */
  toResponse(options?: ToResponseOptions): Response;
}

/**
 * Streams a structured answer: sends the request for `mode`, parses the text as it arrives into typed
 * snapshots, validates the final value and re-asks (feeding Ajv's errors back) up to `maxRetries` times.
 * The request starts when the stream is first consumed (iterated, `final()` or `events()`).
 */
export function streamObject<P, T>(options: StreamObjectOptions<P, T>): ObjectStream<P, T> {
  const log = new EventLog<StreamEvent<P, T>>();
  const state = { usage: undefined as Usage | undefined, attempts: 0 };
  let started = false;
  let finalPromise: Promise<T> | undefined;
  const start = () => {
    if (started) return;
    started = true;
    void run(options, log, state);
  };

  const stream: ObjectStream<P, T> = {
    async *[Symbol.asyncIterator]() {
      start();
      for await (const event of log.read()) {
        if (event.type === "snapshot") yield event.value;
        else if (event.type === "error") throw event.error;
      }
    },
    events() {
      start();
      return log.read();
    },
    final() {
      start();
      finalPromise ??= (async () => {
        for await (const event of log.read()) {
          if (event.type === "done") return event.value;
          if (event.type === "error") throw event.error;
        }
        throw new Error("partialgen: stream ended without a result");
      })();
      return finalPromise;
    },
    get usage() {
      return state.usage;
    },
    get attempts() {
      return state.attempts;
    },
    toResponse(responseOptions) {
      return toResponse(stream, parserOptionsFor(options), responseOptions);
    },
  };
  return stream;
}

async function run<P, T>(
  options: StreamObjectOptions<P, T>,
  log: EventLog<StreamEvent<P, T>>,
  state: { usage: Usage | undefined; attempts: number },
): Promise<void> {
  const maxRetries = options.maxRetries ?? 1;
  const onInvalidPartial = options.onInvalidPartial ?? "continue";

  let messages: ChatMessage[] = [...options.messages];
  const texts: string[] = [];
  let lastPartial: unknown;
  let text = "";
  try {
    for (let attempt = 1; ; attempt++) {
      state.attempts = attempt;
      const parser = new PartialJSONParser<P>(parserOptionsFor(options));
      text = "";
      lastPartial = undefined;
      let completed: string[] = [];
      let partialErrors: readonly ValidationError[] | null = null;
      const attemptAbort = new AbortController();
      const onCallerAbort = () => attemptAbort.abort(options.signal?.reason);
      if (options.signal?.aborted) throw abortError(options.signal, lastPartial, text, attempt);
      options.signal?.addEventListener("abort", onCallerAbort, { once: true });

      let end: TextStreamEnd;
      try {
        const stream = openTextStream(textStreamRequest(options, messages, attemptAbort.signal));
        for await (const delta of stream.deltas) {
          text += delta;
          log.push({ type: "delta", text: delta, attempt });
          const changed = parser.write(delta);
          completed.push(...parser.completedPaths);
          if (!changed) continue;
          const value = parser.value as P;
          // Validating a snapshot costs its whole size, on every change: only done when it can stop the attempt.
          if (onInvalidPartial === "abort" && options.validatePartial && !options.validatePartial(value)) {
            partialErrors = options.validatePartial.errors ?? [];
            attemptAbort.abort();
            break;
          }
          lastPartial = value;
          log.push({ type: "snapshot", value, completedPaths: completed, attempt });
          completed = [];
        }
        // The SDK ends its stream quietly when the signal aborts: the caller's abort must not read as bad JSON.
        if (options.signal?.aborted) throw abortError(options.signal, lastPartial, text, attempt);
        end = partialErrors ? { finishReason: "aborted" } : await stream.end();
      } catch (error) {
        if (error instanceof StreamAbortedError) throw error;
        if (options.signal?.aborted) throw abortError(options.signal, lastPartial, text, attempt);
        if (error instanceof PartialJSONError) {
          if (attempt <= maxRetries) {
            messages = reask(messages, text, `the JSON is malformed: ${error.message}`);
            texts.push(text);
            log.push({ type: "retry", attempt: attempt + 1, errors: [] });
            continue;
          }
          throw Object.assign(error, { partial: lastPartial, text });
        }
        throw new ConnectionError(`the connection failed mid-stream: ${(error as Error).message}`, {
          partial: lastPartial,
          text,
          attempts: attempt,
          cause: error,
        });
      } finally {
        options.signal?.removeEventListener("abort", onCallerAbort);
      }
      addUsage(state, end.usage);
      texts.push(text);

      if (end.refusal !== undefined)
        throw new RefusalError(end.refusal, { partial: lastPartial, text, attempts: attempt });
      if (end.finishReason === "length") {
        throw new TruncationError("the answer was cut off (finish_reason: length): raise the token limit", {
          partial: lastPartial,
          text,
          attempts: attempt,
        });
      }

      let errors: readonly ValidationError[];
      if (partialErrors) {
        errors = partialErrors;
      } else {
        let value: unknown;
        try {
          value = parser.end();
        } catch (error) {
          if (!(error instanceof PartialJSONError)) throw error;
          if (attempt <= maxRetries) {
            messages = reask(messages, text, `the JSON is malformed: ${error.message}`);
            log.push({ type: "retry", attempt: attempt + 1, errors: [] });
            continue;
          }
          throw Object.assign(error, { partial: lastPartial, text });
        }
        completed.push(...parser.completedPaths);
        if (value !== lastPartial) {
          lastPartial = value;
          log.push({ type: "snapshot", value: value as P, completedPaths: completed, attempt });
          completed = [];
        }
        if (options.validate(value)) {
          log.push({ type: "done", value, completedPaths: completed, attempts: attempt, usage: state.usage });
          return;
        }
        errors = options.validate.errors ?? [];
      }
      if (attempt > maxRetries) {
        throw new ValidationFailedError(errors, texts, { partial: lastPartial, text, attempts: attempt });
      }
      messages = reask(messages, text, `it does not match the schema: ${describeErrors(errors)}`);
      log.push({ type: "retry", attempt: attempt + 1, errors });
    }
  } catch (error) {
    const failure =
      error instanceof StreamError || error instanceof PartialJSONError
        ? error
        : new StreamError(`partialgen: ${(error as Error).message}`, {
            partial: lastPartial,
            text,
            attempts: state.attempts,
            cause: error,
          });
    log.push({ type: "error", error: failure });
  } finally {
    log.close();
  }
}

/** The parser options of every attempt; the browser reader gets the same ones through toResponse(). */
function parserOptionsFor<P, T>(options: StreamObjectOptions<P, T>): WireParserOptions & { schema: JSONSchema } {
  const mode = options.mode ?? "json_schema";
  return {
    schema: options.hints ?? options.schema,
    optionalNulls: mode === "json_schema" || mode === "tools" || mode === "responses" ? "drop" : "keep",
  };
}

/** One attempt's request: the call's mode, client and extra parameters with this attempt's messages. */
function textStreamRequest<P, T>(
  options: StreamObjectOptions<P, T>,
  messages: ChatMessage[],
  signal: AbortSignal,
): TextStreamRequest {
  const common = { model: options.model, messages, schema: options.schema, name: options.name, signal };
  return options.mode === "responses"
    ? { ...common, mode: "responses", client: options.client, request: options.request }
    : { ...common, mode: options.mode ?? "json_schema", client: options.client, request: options.request };
}

/** The next attempt sees the rejected answer and why it was rejected. */
function reask(messages: ChatMessage[], text: string, problem: string): ChatMessage[] {
  return [
    ...messages,
    { role: "assistant", content: text },
    {
      role: "user",
      content: `Your previous answer was rejected because ${problem}. Answer again with corrected JSON.`,
    },
  ];
}

function abortError(signal: AbortSignal, partial: unknown, text: string, attempts: number): StreamAbortedError {
  const reason = signal.reason instanceof Error ? signal.reason.message : "aborted by the caller";
  return new StreamAbortedError(`the stream was aborted: ${reason}`, { partial, text, attempts });
}

function addUsage(state: { usage: Usage | undefined }, usage: Usage | undefined): void {
  if (!usage) return;
  const sum = state.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  state.usage = {
    promptTokens: sum.promptTokens + usage.promptTokens,
    completionTokens: sum.completionTokens + usage.completionTokens,
    totalTokens: sum.totalTokens + usage.totalTokens,
  };
}
