import { PartialJSONParser } from "../parse/lenient-parser.js";
import { anthropicMessages } from "../provider/anthropic.js";
import { geminiContents } from "../provider/gemini.js";
import { MODES, unservedMode } from "../provider/mode.js";
import type { ChatMessage } from "../provider/openai-shape.js";
import { type Provider, type ProviderRequest, providerOf, providerRequest } from "../provider/providers.js";
import { StreamError } from "../stream/errors.js";
import { EventLog } from "../stream/event-log.js";
import { type ObjectStreamView, objectStreamView, type StreamState } from "../stream/view.js";
import { checkOptions, type OptionRules } from "../util/options-check.js";
import type { ServerParserOptions } from "../wire/format.js";
import { type StreamResponse, type ToResponseOptions, toResponse, type ValueSpan } from "../wire/to-response.js";
import { runAttempt } from "./attempt.js";
import type { StreamClient, StreamMode, StreamObjectOptions, Usage } from "./options.js";
import { judge } from "./verdict.js";

export type { StreamEvent } from "../stream/event-log.js";
export type { Usage } from "./options.js";

/** A model's structured answer as it streams (the reading side, ObjectStreamView), and its way to a browser. */
export interface ObjectStream<P, T> extends ObjectStreamView<P, T> {
  /**
   * A web Response streaming this answer to a browser (model text plus control records, runtime/wire/format.ts),
   * for readObjectStream() from @partialgen/runtime/client. Cancelling its body is leaving early (see above).
   */
  toResponse(options?: ToResponseOptions): StreamResponse;
}

const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** Every option of streamObject(): the call's (StreamCallOptions) and the schema's artefacts generated code adds. */
const STREAM_OBJECT_RULES: OptionRules = {
  model: "string",
  messages: "array",
  client: "object",
  mode: ["json_schema", "tools", "json", "md_json", "responses"],
  request: "object",
  maxRetries: "count",
  connectionRetries: "count",
  signal: "signal",
  idleTimeoutMs: "duration",
  lenient: "boolean",
  startsInThinkBlock: "boolean",
  onInvalidPartial: ["abort", "continue"],
  schema: "schema",
  name: "string",
  validate: "function",
  validatePartial: "function",
  hints: "schema",
  strict: "boolean",
  providerSchemas: "object",
};

/**
 * Streams a structured answer: sends the request for `mode`, parses the text as it arrives into typed
 * snapshots, validates the final value and re-asks (feeding the problem back) up to `maxRetries` times.
 * The request starts when the stream is first consumed (iterated, `final()` or `events()`).
 * Throws at once for a call that cannot work: an unknown option or a value of the wrong kind (a TypeError naming
 * it; request parameters go in `request`), `request.n` other than 1.
 */
export function streamObject<P, T, C extends StreamClient = StreamClient>(
  options: StreamObjectOptions<P, T, C>,
): ObjectStream<P, T> {
  checkOptions("streamObject", options, STREAM_OBJECT_RULES);
  const provider = providerOf(options.client);
  if (provider === undefined) {
    throw new TypeError(
      "partialgen: client is not an OpenAI client (chat.completions.create, responses.create), an Anthropic client (messages.create) or a GoogleGenAI client (models.generateContentStream)",
    );
  }
  const refused = unservedMode(provider, options.mode ?? "json_schema");
  if (refused !== undefined) throw new RangeError(refused);
  // A message the provider cannot take is refused now, not at the first attempt.
  if (provider === "anthropic") anthropicMessages(options.messages);
  if (provider === "gemini") geminiContents(options.messages);
  const n =
    provider === "openai" && options.mode !== "responses"
      ? (options.request as { n?: unknown } | undefined)?.n
      : undefined;
  if (n !== undefined && n !== null && n !== 1) {
    throw new RangeError(
      `partialgen: request.n is ${n}, but a stream carries one answer: leave n out and make ${n} calls instead`,
    );
  }
  if (options.startsInThinkBlock && options.lenient === false) {
    throw new TypeError("partialgen: startsInThinkBlock parses leniently; leave out lenient: false");
  }
  const abandoned = new AbortController();
  const log = new EventLog<P, T>(() => abandoned.abort());
  // Each attempt's parser, for toResponse(): it knows where the value is in the text (lenient mode). The body may
  // lag an attempt behind the model, so the previous attempt's parser is kept too.
  const parsers = new Map<number, ValueSpan>();
  const state: StreamState<P> = { usage: undefined, attempts: 0, error: undefined };
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    void run(options, provider, log, state, abandoned.signal, (attempt, parser) => {
      parsers.set(attempt, parser);
      parsers.delete(attempt - 2);
    });
  };

  const stream: ObjectStream<P, T> = Object.assign(objectStreamView(log, state, start), {
    toResponse: (responseOptions?: ToResponseOptions) =>
      toResponse(stream, serverParserOptions(options), responseOptions, (attempt) => parsers.get(attempt)),
  });
  return stream;
}

/** Attempts until the verdict is success or an error; never throws. */
async function run<P, T>(
  options: StreamObjectOptions<P, T>,
  provider: Provider,
  log: EventLog<P, T>,
  state: StreamState<P>,
  abandoned: AbortSignal,
  onParser: (attempt: number, parser: PartialJSONParser<P>) => void,
): Promise<void> {
  const mode: StreamMode = options.mode ?? "json_schema";
  const maxRetries = options.maxRetries ?? 1;
  const connectionRetries = options.connectionRetries ?? 0;
  let messages: ChatMessage[] = [...options.messages];
  const texts: string[] = [];
  const previousErrors: StreamError<P>[] = [];
  let reasks = 0;
  let repeats = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      state.attempts = attempt;
      const parser = new PartialJSONParser<P>({
        schema: options.hints ?? options.schema,
        ...serverParserOptions(options),
      });
      onParser(attempt, parser);
      const end = await runAttempt<P>({
        attempt,
        mode,
        wire: providerRequest(textStreamRequest(options, provider, messages)),
        parser,
        log: log as EventLog<P, unknown>,
        signal: options.signal,
        abandoned,
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        validatePartial: options.onInvalidPartial === "abort" ? options.validatePartial : undefined,
      });
      addUsage(state, end.usage);
      texts.push(end.text);
      const verdict = judge(end, {
        attempts: attempt,
        reasksLeft: maxRetries - reasks,
        repeatsLeft: connectionRetries - repeats,
        validate: options.validate,
        texts: [...texts],
        previousErrors: [...previousErrors],
      });
      if (verdict.kind === "done") {
        log.end({
          type: "done",
          value: verdict.value,
          completedPaths: verdict.completedPaths,
          attempts: attempt,
          usage: state.usage,
        });
        return;
      }
      if (verdict.kind === "fail") {
        state.error = verdict.error;
        log.end({ type: "error", error: verdict.error });
        return;
      }
      if (verdict.kind === "reask") {
        reasks++;
        messages = reask(messages, end.text, verdict.problem);
      } else {
        repeats++;
      }
      previousErrors.push(verdict.error);
      log.retry({
        type: "retry",
        attempt: attempt + 1,
        reason: verdict.error.message,
        error: verdict.error,
        errors: verdict.kind === "reask" ? verdict.errors : [],
      });
    }
  } catch (error) {
    // A bug, not a stream condition: still end the stream with a StreamError rather than hang its readers.
    const failure = new StreamError<P>(`partialgen: ${(error as Error).message}`, {
      partial: undefined,
      text: "",
      attempts: state.attempts,
      cause: error,
      previousErrors,
    });
    state.error = failure;
    log.end({ type: "error", error: failure });
  }
}

/**
 * The parser options of every attempt; toResponse() sends the wire's part of them so the browser's parser
 * reads the same way (the browser gets only the value's text, so lenient mode's own options stay here).
 */
function serverParserOptions<P, T>(options: StreamObjectOptions<P, T>): ServerParserOptions {
  const mode: StreamMode = options.mode ?? "json_schema";
  const startsInThinkBlock = options.startsInThinkBlock === true;
  const { schemaEnforced } = MODES[mode];
  const lenient = startsInThinkBlock || (options.lenient ?? !schemaEnforced);
  return {
    strict: !lenient,
    optionalNulls: schemaEnforced ? "drop" : "keep",
    ...(startsInThinkBlock ? { startsInThinkBlock } : {}),
  };
}

/** One attempt's request: the call's provider, mode, client and extra parameters with this attempt's messages. */
function textStreamRequest<P, T>(
  options: StreamObjectOptions<P, T>,
  provider: Provider,
  messages: ChatMessage[],
): ProviderRequest {
  const common = {
    model: options.model,
    messages,
    schema: (provider === "openai" ? undefined : options.providerSchemas?.[provider]) ?? options.schema,
    name: options.name,
    strict: options.strict ?? true,
  };
  // The client's shape decided the provider (providerOf); the options' types cannot say so to the compiler.
  const { client, request } = options as unknown as { client: never; request: never };
  if (options.mode === "responses") return { ...common, provider: "openai", mode: "responses", client, request };
  const mode = options.mode ?? "json_schema";
  if (provider === "gemini") {
    // streamObject() refused the other modes for a GoogleGenAI client.
    return { ...common, provider, mode: mode as "json_schema" | "json" | "md_json", client, request };
  }
  return { ...common, provider, mode, client, request };
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

function addUsage(state: { usage: Usage | undefined }, usage: Usage | undefined): void {
  if (!usage) return;
  const sum = state.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  state.usage = {
    promptTokens: sum.promptTokens + usage.promptTokens,
    completionTokens: sum.completionTokens + usage.completionTokens,
    totalTokens: sum.totalTokens + usage.totalTokens,
  };
}
