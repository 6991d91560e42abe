// The chat-completions protocol read exactly: choice index 0 and tool call index 0 only; chunks without
// choices skipped; n > 1 refused at call time.
import { describe, expect, it } from "vitest";
import { streamMeetingInfo } from "../../../examples/meeting/generated/index.js";
import { answer, answerText, messages } from "./fixtures.js";
import { chunk, contentChunk, guardProcess, rawServer, sendData, sseHeaders, usageChunk } from "./raw-server.js";

guardProcess();

const other = JSON.stringify({ ...answer, budget: 1, location: "Elsewhere" });

describe("choices", () => {
  it("n > 1 is refused at call time with a clear error, before any request", async () => {
    const server = await rawServer(() => {});
    const client = server.client();
    expect(() => streamMeetingInfo({ client, model: "m", messages, request: { n: 2 } })).toThrow(
      /request\.n is 2, but a stream carries one answer/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    [
      "choice 1 first in each chunk",
      (a: string, b: string) => [
        chunk([
          { index: 1, delta: { content: b } },
          { index: 0, delta: { content: a } },
        ]),
      ],
    ],
    [
      "choices interleaved chunk by chunk",
      (a: string, b: string) => [contentChunk(b, null, 1), contentChunk(a, null, 0)],
    ],
  ])("only choice index 0 is read: %s", async (_name, chunksFor) => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      for (let i = 0; i < Math.max(answerText.length, other.length); i += 5) {
        for (const c of chunksFor(answerText.slice(i, i + 5), other.slice(i, i + 5))) sendData(res, c);
      }
      // choice 1 finishing first must not end choice 0
      sendData(res, contentChunk("", "length", 1));
      sendData(res, contentChunk("", "stop", 0));
      res.end("data: [DONE]\n\n");
    });
    // the request itself does not ask for n: a server sending extra choices anyway is still read right
    expect(await streamMeetingInfo({ client: server.client(), model: "m", messages }).final()).toEqual(answer);
  });
});

describe("a whole answer in choice 1 before choice 0 starts", () => {
  it("is not the answer", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      for (let i = 0; i < other.length; i += 5) sendData(res, contentChunk(other.slice(i, i + 5), null, 1));
      sendData(res, contentChunk("", "stop", 1));
      for (let i = 0; i < answerText.length; i += 5) sendData(res, contentChunk(answerText.slice(i, i + 5)));
      sendData(res, contentChunk("", "stop", 0));
      res.end("data: [DONE]\n\n");
    });
    expect(await streamMeetingInfo({ client: server.client(), model: "m", messages }).final()).toEqual(answer);
  });
});

describe("tool calls", () => {
  it("only tool call index 0 counts; a second call's arguments are not concatenated", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      const call = (index: number, args: string) =>
        chunk([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: args } }] }, finish_reason: null }]);
      sendData(
        res,
        chunk([
          {
            index: 0,
            delta: {
              role: "assistant",
              tool_calls: [{ index: 0, id: "a", type: "function", function: { name: "MeetingInfo", arguments: "" } }],
            },
          },
        ]),
      );
      for (let i = 0; i < answerText.length; i += 6) sendData(res, call(0, answerText.slice(i, i + 6)));
      for (let i = 0; i < other.length; i += 6) sendData(res, call(1, other.slice(i, i + 6)));
      sendData(res, chunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]));
      res.end("data: [DONE]\n\n");
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, mode: "tools" });
    expect(await stream.final()).toEqual(answer);
  });
});

describe("chunks without choices are skipped", () => {
  it("no choices, choices: null, data: null, empty objects, usage-only chunks", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      sendData(res, { id: "x", object: "chat.completion.chunk" });
      sendData(res, chunk(null));
      sendData(res, "null");
      sendData(res, {});
      for (let i = 0; i < answerText.length; i += 8) {
        sendData(res, contentChunk(answerText.slice(i, i + 8)));
        if (i % 40 === 0) sendData(res, chunk([]));
        if (i % 48 === 0) sendData(res, chunk([null, { index: 0, delta: null }]));
      }
      sendData(res, contentChunk("", "stop"));
      sendData(res, usageChunk(2, 3));
      res.end("data: [DONE]\n\n");
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages });
    expect(await stream.final()).toEqual(answer);
    expect(stream.usage?.totalTokens).toBe(5);
  });
});

describe("content as an array of parts (Mistral's thinking models, some proxies)", () => {
  const parts = (...list: unknown[]) => chunk([{ index: 0, delta: { content: list }, finish_reason: null }]);

  it("the text parts are the answer; thinking parts and parts of other shapes are not", async () => {
    const draft = JSON.stringify({ ...answer, location: "a draft" });
    const server = await rawServer((res) => {
      sseHeaders(res);
      sendData(res, parts({ type: "thinking", thinking: [{ type: "text", text: draft }] }));
      for (let i = 0; i < answerText.length; i += 9) {
        sendData(
          res,
          parts({ type: "text", text: answerText.slice(i, i + 5) }, { text: answerText.slice(i + 5, i + 9) }),
        );
        if (i % 45 === 0)
          sendData(res, parts(null, 7, { type: "image_url", image_url: { url: "x" } }, { type: "text" }));
      }
      sendData(res, contentChunk("", "stop"));
      res.end("data: [DONE]\n\n");
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages });
    expect(await stream.final()).toEqual(answer);
    expect(server.requests).toHaveLength(1);
  });

  it("in tools mode, text parts instead of a tool call are the content the error quotes", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      sendData(res, parts({ type: "text", text: "I cannot call tools." }));
      sendData(res, contentChunk("", "stop"));
      res.end("data: [DONE]\n\n");
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, mode: "tools" });
    const error = await stream.final().then(
      () => undefined,
      (e: unknown) => e as Error & { text?: string },
    );
    expect(error?.name).toBe("ToolNotCalledError");
    expect(error?.message).toContain("I cannot call tools.");
  });
});
