// How the model's answer ends: each way has its own error class, keeps the partial and the text, and only a
// rejected answer (malformed, invalid) is re-asked.

import type { ServerResponse } from "node:http";
import {
  ConnectionError,
  ContentFilterError,
  MalformedJSONError,
  PartialJSONError,
  RefusalError,
  StreamError,
  type StreamEvent,
  ToolNotCalledError,
  TruncationError,
  ValidationFailedError,
} from "@partialgen/runtime";
import { describe, expect, it } from "vitest";
import {
  type MeetingInfo,
  type PartialMeetingInfo,
  streamMeetingInfo,
} from "../../../examples/meeting/generated/index.js";
import { answer, answerText, messages, prefix } from "./fixtures.js";
import {
  answerWith,
  chunk,
  contentChunk,
  failure,
  guardProcess,
  type Handler,
  rawServer,
  sendData,
  sseHeaders,
  usageChunk,
  writeContent,
} from "./raw-server.js";

guardProcess();

function responsesEvent(res: ServerResponse, type: string, data: Record<string, unknown> = {}): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

function responsesText(res: ServerResponse, text: string): void {
  sseHeaders(res);
  responsesEvent(res, "response.created", { response: { id: "r", status: "in_progress" } });
  for (let i = 0; i < text.length; i += 9) {
    responsesEvent(res, "response.output_text.delta", {
      item_id: "msg",
      output_index: 0,
      content_index: 0,
      delta: text.slice(i, i + 9),
    });
  }
}

const usage = { input_tokens: 10, output_tokens: 20, total_tokens: 30 };

describe("chat: finish_reason content_filter", () => {
  it("ContentFilterError with the partial and the text, not re-asked", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      writeContent(res, prefix);
      sendData(res, contentChunk("", "content_filter"));
      sendData(res, usageChunk(5, 7));
      res.end("data: [DONE]\n\n");
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, maxRetries: 3 });
    const error = (await failure(stream.final())) as ContentFilterError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error).toBeInstanceOf(StreamError);
    expect(error.text).toBe(prefix);
    expect(error.partial?.users?.[0]?.name).toBe("John Doe");
    expect(server.requests).toHaveLength(1);
    expect(stream.usage).toEqual({ promptTokens: 5, completionTokens: 7, totalTokens: 12 });
  });
});

describe("Responses API endings", () => {
  it("incomplete: content_filter → ContentFilterError", async () => {
    const server = await rawServer((res) => {
      responsesText(res, prefix);
      responsesEvent(res, "response.incomplete", {
        response: { status: "incomplete", incomplete_details: { reason: "content_filter" }, usage },
      });
      res.end();
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, mode: "responses" });
    const error = (await failure(stream.final())) as ContentFilterError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error.text).toBe(prefix);
    expect(error.partial?.users?.[0]?.name).toBe("John Doe");
    expect(server.requests).toHaveLength(1);
    expect(stream.usage?.totalTokens).toBe(30);
  });

  it("incomplete: max_output_tokens → TruncationError naming the limit", async () => {
    const server = await rawServer((res) => {
      responsesText(res, prefix);
      responsesEvent(res, "response.incomplete", {
        response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, usage },
      });
      res.end();
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, mode: "responses" });
    const error = (await failure(stream.final())) as TruncationError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(TruncationError);
    expect(error.reason).toBe("max_output_tokens");
    expect(error.message).toContain("max_output_tokens");
    expect(error.text).toBe(prefix);
    expect(server.requests).toHaveLength(1);
  });

  it("no response.completed (the stream just ends) → ConnectionError, not re-asked", async () => {
    const server = await rawServer((res) => {
      responsesText(res, answerText);
      res.end();
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, mode: "responses" });
    const error = (await failure(stream.final())) as ConnectionError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe("closed");
    expect(error.message).toContain("response.completed");
    expect(error.text).toBe(answerText);
    expect(server.requests).toHaveLength(1);
  });

  it("response.failed → ConnectionError with the API's message", async () => {
    const server = await rawServer((res) => {
      responsesText(res, prefix);
      responsesEvent(res, "response.failed", {
        response: { status: "failed", error: { code: "server_error", message: "The model crashed." } },
      });
      res.end();
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, mode: "responses" });
    const error = (await failure(stream.final())) as ConnectionError;
    expect(error.code).toBe("server-error");
    expect(error.message).toContain("The model crashed.");
    expect(error.text).toBe(prefix);
  });

  it("only the first output_text part is the answer (a second message part is ignored)", async () => {
    const server = await rawServer((res) => {
      responsesText(res, answerText);
      responsesEvent(res, "response.output_text.delta", {
        item_id: "msg2",
        output_index: 1,
        content_index: 0,
        delta: '{"other":',
      });
      responsesEvent(res, "response.completed", { response: { status: "completed", usage } });
      res.end();
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, mode: "responses" });
    expect(await stream.final()).toEqual(answer);
  });
});

describe("tools mode", () => {
  it("answered in content instead of calling the tool: ToolNotCalledError with the text", async () => {
    const server = await rawServer(answerWith("Sure! The meeting is on March 15."));
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, mode: "tools" });
    const error = (await failure(stream.final())) as ToolNotCalledError;
    expect(error).toBeInstanceOf(ToolNotCalledError);
    expect(error.message).toContain("did not call the tool");
    expect(error.text).toBe("Sure! The meeting is on March 15.");
    expect(error.partial).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });
});

describe("malformed output is the model's: re-asked, then a StreamError carrying the parser's error", () => {
  const broken = '{"users": [{"name": "John Doe",, "email"';

  it("re-asked once with the problem; the retry event says why; both errors kept", async () => {
    const server = await rawServer(answerWith(broken, [3, 4]), answerWith(broken, [5, 6]));
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, maxRetries: 1 });
    const events: StreamEvent<PartialMeetingInfo, MeetingInfo>[] = [];
    const error = (await failure(
      (async () => {
        for await (const event of stream.events()) events.push(event);
        return stream.final();
      })(),
    )) as MalformedJSONError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(MalformedJSONError);
    expect(error).toBeInstanceOf(StreamError);
    expect(error.cause).toBeInstanceOf(PartialJSONError);
    expect(error.offset).toBe(broken.indexOf(",,") + 1);
    expect(error.pointer).toBe("/users/0");
    expect(error.text).toBe(broken);
    // the last snapshot shown: the chunk with the error never made one
    expect(error.partial?.users?.[0]?.name).toBe("John Do");
    expect(error.attempts).toBe(2);
    expect(error.previousErrors).toHaveLength(1);
    expect(error.previousErrors[0]).toBeInstanceOf(MalformedJSONError);
    expect(server.requests).toHaveLength(2);
    const retry = events.find((e) => e.type === "retry");
    expect(retry?.type === "retry" && retry.reason).toContain("not valid JSON");
    expect(retry?.type === "retry" && retry.error).toBe(error.previousErrors[0]);
    const reask = (server.requests[1]?.body.messages as { role: string; content: string }[] | undefined)?.at(-1);
    expect(reask?.content).toContain("the JSON is malformed");
    // the failed attempts' usage counts (the text after the error was still read, to its usage chunk)
    expect(stream.usage).toEqual({ promptTokens: 8, completionTokens: 10, totalTokens: 18 });
  });

  it("json_schema parses strictly: prose around the JSON is malformed (the API guarantees JSON)", async () => {
    const server = await rawServer(answerWith(`Here it is: ${answerText}`));
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, maxRetries: 0 });
    const error = (await failure(stream.final())) as MalformedJSONError;
    expect(error).toBeInstanceOf(MalformedJSONError);
    expect(error.offset).toBe(0);
  });

  it("lenient: true turns lenient parsing back on, for servers that ignore response_format", async () => {
    const server = await rawServer(answerWith(`Here it is:\n\`\`\`json\n${answerText}\n\`\`\`\nBye.`));
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, lenient: true });
    expect(await stream.final()).toEqual(answer);
  });

  it("startsInThinkBlock: a reasoning model's text with only the closing </think> gives the answer after it", async () => {
    const draft = JSON.stringify({ ...answer, location: "a first guess" });
    const text = `The user wants the meeting.\n${draft}\nThe location is wrong; fix it.\n</think>\n\n${answerText}`;
    const options = { model: "m", messages, mode: "json" as const };
    const server = await rawServer(answerWith(text), answerWith(text));
    expect(await streamMeetingInfo({ client: server.client(), ...options, startsInThinkBlock: true }).final()).toEqual(
      answer,
    );
    // Without it the draft, on a line of its own in the reasoning, is taken for the answer.
    expect((await streamMeetingInfo({ client: server.client(), ...options }).final()).location).toBe("a first guess");
    expect(() =>
      streamMeetingInfo({ client: server.client(), ...options, startsInThinkBlock: true, lenient: false }),
    ).toThrow(/startsInThinkBlock parses leniently/);
  });

  it("mode json is lenient by default; lenient: false makes it strict", async () => {
    const server = await rawServer(answerWith(`Sure. ${answerText} Anything else?`));
    expect(await streamMeetingInfo({ client: server.client(), model: "m", messages, mode: "json" }).final()).toEqual(
      answer,
    );
    const strict = streamMeetingInfo({ client: server.client(), model: "m", messages, mode: "json", lenient: false });
    expect(await failure(strict.final())).toBeInstanceOf(MalformedJSONError);
  });
});

describe("usage is summed over every attempt, failed ones included", () => {
  it("an invalid answer, then a valid one", async () => {
    const invalid = JSON.stringify({ ...answer, budget: "lots" });
    const server = await rawServer(answerWith(invalid, [10, 20]), answerWith(answerText, [40, 25]));
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages });
    expect(await stream.final()).toEqual(answer);
    expect(stream.usage).toEqual({ promptTokens: 50, completionTokens: 45, totalTokens: 95 });
  });

  it("validation failing on every attempt: ValidationFailedError keeps every text and the earlier errors", async () => {
    const invalid = JSON.stringify({ ...answer, budget: "lots" });
    const server = await rawServer(answerWith(invalid, [1, 2]));
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, maxRetries: 2 });
    const error = (await failure(stream.final())) as ValidationFailedError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect(error.texts).toEqual([invalid, invalid, invalid]);
    expect(error.previousErrors).toHaveLength(2);
    // the last snapshot shown, as the model wrote it
    expect(error.partial).toEqual(JSON.parse(invalid));
    expect(stream.usage).toEqual({ promptTokens: 3, completionTokens: 6, totalTokens: 9 });
  });
});

describe("refusal", () => {
  it("RefusalError, not re-asked", async () => {
    const handler: Handler = (res) => {
      sseHeaders(res);
      sendData(res, chunk([{ index: 0, delta: { refusal: "I can't help" }, finish_reason: null }]));
      sendData(res, chunk([{ index: 0, delta: { refusal: " with that." }, finish_reason: "stop" }]));
      res.end("data: [DONE]\n\n");
    };
    const server = await rawServer(handler);
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages });
    const error = (await failure(stream.final())) as RefusalError;
    expect(error).toBeInstanceOf(RefusalError);
    expect(error.refusal).toBe("I can't help with that.");
    expect(server.requests).toHaveLength(1);
  });
});
