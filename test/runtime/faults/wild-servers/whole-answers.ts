import { RefusalError, TruncationError } from "@partialgen/runtime";
import { expect } from "vitest";
import { answer, answerText, prefix } from "../fixtures.js";
import { answerWith, type Handler } from "../raw-server.js";
import type { Topic } from "./cases.js";

const completion = (message: Record<string, unknown>, finish_reason = "stop") => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 0,
  model: "m",
  choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason }],
  usage: { prompt_tokens: 9, completion_tokens: 30, total_tokens: 39 },
});
const json =
  (body: unknown): Handler =>
  (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

export const wholeAnswers: Topic = {
  name: "a server that ignores stream: true and sends the whole chat.completion as JSON",
  cases: [
    {
      name: "json_schema: the answer, with its usage, from one request",
      servers: [json(completion({ content: answerText }))],
      want: "answer",
      check: ({ stream }) => {
        expect(stream.usage).toEqual({ promptTokens: 9, completionTokens: 30, totalTokens: 39 });
      },
    },
    {
      name: "tools: the tool call's arguments are the answer",
      servers: [
        json(
          completion(
            {
              content: null,
              tool_calls: [{ id: "c", type: "function", function: { name: "MeetingInfo", arguments: answerText } }],
            },
            "tool_calls",
          ),
        ),
      ],
      options: { mode: "tools" },
      want: "answer",
    },
    {
      name: "finish_reason length: TruncationError with the text, not re-asked",
      servers: [json(completion({ content: prefix }, "length"))],
      want: "other",
      check: (result) => {
        expect(result.error).toBeInstanceOf(TruncationError);
        expect(result.error?.text).toBe(prefix);
        expect(result.error?.partial?.users?.[0]?.name).toBe("John Doe");
        expect(result.server.requests).toHaveLength(1);
      },
    },
    {
      name: "a refusal",
      servers: [json(completion({ content: null, refusal: "I can't." }))],
      want: "other",
      check: (result) => {
        expect(result.error).toBeInstanceOf(RefusalError);
        expect(result.server.requests).toHaveLength(1);
      },
    },
    {
      name: "malformed content in a whole completion is still the model's: MalformedJSONError, re-asked",
      servers: [json(completion({ content: '{"users": [,' })), answerWith(answerText)],
      want: "other",
      check: (result) => {
        expect(result.value).toEqual(answer);
        expect(result.server.requests).toHaveLength(2);
        expect(result.stream.error).toBeUndefined();
      },
    },
    {
      name: "the Responses API's whole response object",
      servers: [
        json({
          id: "resp_1",
          object: "response",
          status: "completed",
          output: [
            { type: "reasoning", id: "rs", summary: [] },
            {
              type: "message",
              id: "msg",
              role: "assistant",
              content: [{ type: "output_text", text: answerText, annotations: [] }],
            },
          ],
          usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
        }),
      ],
      options: { mode: "responses" },
      want: "answer",
    },
    {
      name: "a whole Responses object that is incomplete (max_output_tokens): TruncationError with the text",
      servers: [
        json({
          object: "response",
          status: "incomplete",
          incomplete_details: { reason: "max_output_tokens" },
          output: [{ type: "message", id: "m", content: [{ type: "output_text", text: prefix }] }],
          usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
        }),
      ],
      options: { mode: "responses" },
      want: "other",
      check: (result) => {
        expect(result.error).toBeInstanceOf(TruncationError);
        expect(result.error?.text).toBe(prefix);
        expect(result.server.requests).toHaveLength(1);
        expect(result.stream.usage?.totalTokens).toBe(3);
      },
    },
    {
      name: "a JSON body that is neither a completion nor an error stays not-sse, quoting it",
      servers: [json({ hello: "world" })],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("not-sse");
        expect(error.message).toContain("world");
      },
    },
  ],
};
