import type { ServerResponse } from "node:http";
import { ContentFilterError, RefusalError, TruncationError } from "@partialgen/runtime";
import { expect } from "vitest";
import { answer, answerText, prefix } from "../fixtures.js";
import { type Handler, sendData, sseHeaders } from "../raw-server.js";
import type { Topic, WildCase } from "./cases.js";
import { answerWithChunks, sendOutputTextDeltas } from "./servers.js";

const event = (res: ServerResponse, type: string, data: Record<string, unknown> = {}) =>
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
const usage = { input_tokens: 4, output_tokens: 6, total_tokens: 10 };
const text = (res: ServerResponse, t: string, item = "msg", contentIndex = 0) => {
  for (let i = 0; i < t.length; i += 9) {
    event(res, "response.output_text.delta", {
      item_id: item,
      output_index: 0,
      content_index: contentIndex,
      delta: t.slice(i, i + 9),
    });
  }
};
/** response.created, then `body`, then the close. */
const responses =
  (body: (res: ServerResponse) => void): Handler =>
  (res) => {
    sseHeaders(res);
    event(res, "response.created", { response: { id: "r", status: "in_progress" } });
    body(res);
    res.end();
  };
/** A completed response's output: one message holding these content parts. */
const message = (content: unknown[]) => [{ type: "message", id: "msg", role: "assistant", content }];
const noDeltaUsage = { input_tokens: 2, output_tokens: 5, total_tokens: 7 };
const responsesMode = { mode: "responses" } as const;

export const responsesApi: Topic = {
  name: "Responses API",
  cases: [
    ...["max_output_tokens", "content_filter", "turn_limit", null].map(
      (reason): WildCase => ({
        name: `response.incomplete with reason ${reason}: its own error, usage, one request`,
        servers: [
          responses((res) => {
            text(res, prefix);
            event(res, "response.incomplete", {
              response: { status: "incomplete", incomplete_details: reason === null ? null : { reason }, usage },
            });
          }),
        ],
        options: responsesMode,
        want: "other",
        check: (result) => {
          expect(result.error).toBeInstanceOf(reason === "content_filter" ? ContentFilterError : TruncationError);
          if (reason !== null && reason !== "content_filter") expect(result.error?.message).toContain(reason);
          expect(result.error?.text).toBe(prefix);
          expect(result.server.requests).toHaveLength(1);
          expect(result.stream.usage?.totalTokens).toBe(10);
        },
      }),
    ),
    {
      name: "response.failed with usage: server-error naming the message, usage counted",
      servers: [
        responses((res) => {
          text(res, prefix);
          event(res, "response.failed", {
            response: { status: "failed", error: { code: "server_error", message: "The model crashed." }, usage },
          });
        }),
      ],
      options: responsesMode,
      want: "transport fault",
      check: ({ error, stream }) => {
        expect(error.code).toBe("server-error");
        expect(error.message).toContain("The model crashed.");
        expect(stream.usage?.totalTokens).toBe(10);
      },
    },
    {
      name: "an error event ({type: error, code, message}), then the close",
      servers: [
        responses((res) => {
          text(res, prefix);
          event(res, "error", { code: "rate_limit_exceeded", message: "Slow down", param: null });
        }),
      ],
      options: responsesMode,
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("server-error");
        expect(error.message).toContain("Slow down");
        expect(error.text).toBe(prefix);
      },
    },
    {
      name: "an error event with a nested error object",
      servers: [
        responses((res) => {
          text(res, prefix);
          event(res, "error", { error: { message: "Nested failure", type: "server_error" } });
        }),
      ],
      options: responsesMode,
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("server-error");
        expect(error.message).toContain("Nested failure");
      },
    },
    {
      name: "refusal deltas: RefusalError with the whole refusal, one request",
      servers: [
        responses((res) => {
          event(res, "response.refusal.delta", { item_id: "msg", content_index: 0, delta: "I can't " });
          event(res, "response.refusal.delta", { item_id: "msg", content_index: 0, delta: "help." });
          event(res, "response.completed", { response: { status: "completed", usage } });
        }),
      ],
      options: responsesMode,
      want: "other",
      check: (result) => {
        expect(result.error).toBeInstanceOf(RefusalError);
        expect((result.error as RefusalError).refusal).toBe("I can't help.");
        expect(result.server.requests).toHaveLength(1);
      },
    },
    {
      name: "output_text deltas for a second output item interleaved with the first do not join the answer",
      servers: [
        responses((res) => {
          for (let i = 0; i < answerText.length; i += 9) {
            event(res, "response.output_text.delta", {
              item_id: "a",
              content_index: 0,
              delta: answerText.slice(i, i + 9),
            });
            event(res, "response.output_text.delta", { item_id: "b", content_index: 0, delta: "junk" });
          }
          event(res, "response.completed", { response: { status: "completed", usage } });
        }),
      ],
      options: responsesMode,
      want: "answer",
    },
    {
      name: "missing response.completed after the whole answer: closed, not success, not re-asked",
      servers: [responses((res) => text(res, answerText))],
      options: responsesMode,
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("closed");
        expect(error.text).toBe(answerText);
      },
    },
    {
      name: "events without the event: line (data only) work the same",
      servers: [
        (res) => {
          sseHeaders(res);
          sendOutputTextDeltas(res);
          sendData(res, { type: "response.completed", response: { status: "completed", usage } });
          res.end("data: [DONE]\n\n");
        },
      ],
      options: responsesMode,
      want: "answer",
    },
    {
      name: "Responses: reasoning summary deltas with a JSON draft are not the answer",
      servers: [
        (res) => {
          const draft = JSON.stringify({ ...answer, location: "draft" });
          sseHeaders(res);
          sendData(res, { type: "response.reasoning_summary_text.delta", item_id: "rs", delta: draft });
          sendData(res, { type: "response.reasoning_text.delta", item_id: "rs", delta: draft });
          sendData(res, { type: "response.output_text.delta", item_id: "m", content_index: 0, delta: answerText });
          sendData(res, { type: "response.completed", response: { status: "completed" } });
          res.end();
        },
      ],
      options: responsesMode,
      want: "other",
      check: ({ value }) => {
        expect(value).toEqual(answer);
      },
    },
    {
      name: "servers that send no deltas: only response.output_text.done with the part's text: the answer",
      servers: [
        answerWithChunks([
          { type: "response.output_text.done", item_id: "msg", content_index: 0, text: answerText },
          { type: "response.completed", response: { status: "completed", usage: noDeltaUsage } },
        ]),
      ],
      options: responsesMode,
      want: "answer",
    },
    {
      name: "servers that send no deltas: only response.completed, its output holding the text: the answer and its usage",
      servers: [
        answerWithChunks([
          { type: "response.created", response: { status: "in_progress" } },
          {
            type: "response.completed",
            response: {
              status: "completed",
              usage: noDeltaUsage,
              output: message([{ type: "output_text", text: answerText }]),
            },
          },
        ]),
      ],
      options: responsesMode,
      want: "answer",
      check: ({ stream }) => {
        expect(stream.usage?.totalTokens).toBe(7);
      },
    },
    {
      name: "servers that send no deltas: only response.completed with a refusal part: RefusalError, one request",
      servers: [
        answerWithChunks([
          {
            type: "response.completed",
            response: { status: "completed", output: message([{ type: "refusal", refusal: "No." }]) },
          },
        ]),
      ],
      options: responsesMode,
      want: "other",
      check: (result) => {
        expect(result.error).toBeInstanceOf(RefusalError);
        expect(result.server.requests).toHaveLength(1);
      },
    },
    {
      name: "deltas, then the done event and the final output repeating them: the text once",
      servers: [
        answerWithChunks([
          ...[...answerText.matchAll(/.{1,9}/gs)].map((m) => ({
            type: "response.output_text.delta",
            item_id: "msg",
            content_index: 0,
            delta: m[0],
          })),
          { type: "response.output_text.done", item_id: "msg", content_index: 0, text: answerText },
          {
            type: "response.completed",
            response: {
              status: "completed",
              usage: noDeltaUsage,
              output: message([{ type: "output_text", text: answerText }]),
            },
          },
        ]),
      ],
      options: responsesMode,
      want: "answer",
    },
  ],
};
