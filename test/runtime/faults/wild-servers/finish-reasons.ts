import { ContentFilterError, TruncationError } from "@partialgen/runtime";
import { expect } from "vitest";
import type { PartialMeetingInfo } from "../../../../examples/meeting/generated/index.js";
import { answer, answerText, prefix } from "../fixtures.js";
import { answerWith, chunk, type Handler, usageChunk } from "../raw-server.js";
import type { Topic, WildCase } from "./cases.js";
import { answerWithChunks, chunksOf, finish, firstChoice } from "./servers.js";

/** `text`, then this finish_reason, then `extra` chunks and a usage chunk of 5 tokens. */
const ending = (text: string, reason: string | null, extra: unknown[] = []): Handler =>
  answerWithChunks([
    ...chunksOf(text),
    chunk([{ index: 0, delta: {}, finish_reason: reason }]),
    ...extra,
    usageChunk(2, 3),
  ]);

export const finishReasons: Topic = {
  name: "finish_reason values beyond stop and length",
  cases: [
    ...["eos", "eos_token", "stop_sequence", "end_turn", "tool_calls", "function_call", "STOP"].map(
      (reason): WildCase => ({
        name: `a complete answer ending with ${reason} is the answer`,
        servers: [ending(answerText, reason)],
        want: "answer",
        check: ({ stream }) => {
          expect(stream.usage?.totalTokens).toBe(5);
        },
      }),
    ),
    ...["abort", "error", "cancelled"].map(
      (reason): WildCase => ({
        name: `vLLM/OpenRouter ${reason} mid-answer: ConnectionError server-error naming it, not malformed, not re-asked`,
        servers: [ending(prefix, reason), answerWith(answerText)],
        want: "transport fault",
        check: ({ error, stream }) => {
          expect(error.code).toBe("server-error");
          expect(error.message).toContain(reason);
          expect(error.text).toBe(prefix);
          expect(error.partial?.users?.[0]?.name).toBe("John Doe");
          expect(stream.usage?.totalTokens).toBe(5);
        },
      }),
    ),
    {
      name: "max_tokens (Anthropic-style proxies) is a truncation",
      servers: [ending(prefix, "max_tokens")],
      want: "other",
      check: (result) => {
        expect(result.error).toBeInstanceOf(TruncationError);
        expect(result.server.requests).toHaveLength(1);
      },
    },
    {
      name: "finish_reason arriving twice (stop, then stop again on an empty chunk)",
      servers: [ending(answerText, "stop", [finish()])],
      want: "answer",
    },
    {
      name: 'finish_reason "" on every content chunk is not a finish: a clean close stays "closed"',
      servers: [
        answerWithChunks(chunksOf(prefix).map((c) => ({ ...c, choices: [{ ...firstChoice(c), finish_reason: "" }] }))),
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("closed");
        expect(error.text).toBe(prefix);
      },
    },
    {
      name: "content_filter mid-answer is ContentFilterError, once",
      servers: [ending(prefix, "content_filter")],
      want: "other",
      check: (result) => {
        expect(result.error).toBeInstanceOf(ContentFilterError);
        expect(result.error?.text).toBe(prefix);
        expect(result.server.requests).toHaveLength(1);
      },
    },
    {
      name: "chat finish_reason length: TruncationError (reason length) with partial, text and usage, not re-asked",
      servers: [answerWithChunks([...chunksOf(prefix), finish("length"), usageChunk(5, 16)])],
      want: "other",
      check: (result) => {
        const error = result.error as TruncationError<PartialMeetingInfo>;
        expect(error).toBeInstanceOf(TruncationError);
        expect(error.reason).toBe("length");
        expect(error.message).toContain("finish_reason: length");
        expect(error.text).toBe(prefix);
        expect(error.partial?.users?.[0]?.name).toBe("John Doe");
        expect(result.server.requests).toHaveLength(1);
        expect(result.stream.usage?.totalTokens).toBe(21);
      },
    },
    {
      name: "vLLM abort with connectionRetries: 1 repeats the same request; usage summed over both attempts",
      servers: [
        answerWithChunks([...chunksOf(prefix), finish("abort"), usageChunk(10, 3)]),
        answerWith(answerText, [10, 40]),
      ],
      options: { connectionRetries: 1 },
      want: "other",
      check: ({ value, server, stream }) => {
        expect(value).toEqual(answer);
        expect(server.requests).toHaveLength(2);
        expect(server.requests[1]?.body.messages).toEqual(server.requests[0]?.body.messages);
        expect(stream.usage).toEqual({ promptTokens: 20, completionTokens: 43, totalTokens: 63 });
      },
    },
  ],
};
