// Transport faults end as ConnectionError with what arrived, are never re-asked as malformed output, and cost
// exactly one request unless `connectionRetries` allows more.
import { ConnectionError, StreamError } from "@partialgen/runtime";
import OpenAI, { AzureOpenAI } from "openai";
import { describe, expect, it, vi } from "vitest";
import { type PartialMeetingInfo, streamMeetingInfo } from "../../../examples/meeting/generated/index.js";
import { watchBodyBytes } from "../../../runtime/provider/byte-activity.js";
import { answer, answerText, messages, prefix } from "./fixtures.js";
import {
  answerWith,
  contentChunk,
  failure,
  guardProcess,
  type Handler,
  rawServer,
  sendData,
  sseHeaders,
  writeContent,
} from "./raw-server.js";

guardProcess();

async function connectionError(handler: Handler, maxRetries = 2) {
  const server = await rawServer(handler, answerWith(answerText));
  const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, maxRetries });
  const error = (await failure(stream.final())) as ConnectionError<PartialMeetingInfo>;
  expect(error).toBeInstanceOf(ConnectionError);
  expect(error).toBeInstanceOf(StreamError);
  expect(stream.error).toBe(error);
  // never re-asked: one request, however many re-asks maxRetries allows
  expect(server.requests).toHaveLength(1);
  expect(stream.attempts).toBe(1);
  return { error, server, stream };
}

describe("a 200 that never carries an answer", () => {
  it("clean close mid-answer (no finish_reason, no [DONE])", async () => {
    const { error } = await connectionError((res) => {
      sseHeaders(res);
      writeContent(res, prefix);
      res.end();
    });
    expect(error.code).toBe("closed");
    expect(error.message).toContain("closed the stream before the answer ended");
    expect(error.text).toBe(prefix);
    expect(error.partial?.users?.[0]?.name).toBe("John Doe");
  });

  it("a complete JSON text without finish_reason is still a clean close, not success", async () => {
    const { error } = await connectionError((res) => {
      sseHeaders(res);
      writeContent(res, answerText);
      res.end();
    });
    expect(error.code).toBe("closed");
    expect(error.text).toBe(answerText);
  });

  it("an empty 200 stream", async () => {
    const { error } = await connectionError((res) => {
      sseHeaders(res);
      res.end();
    });
    expect(error.code).toBe("empty");
    expect(error.text).toBe("");
    expect(error.partial).toBeUndefined();
  });

  it("a stream of only data: [DONE]", async () => {
    const { error } = await connectionError((res) => {
      sseHeaders(res);
      res.end("data: [DONE]\n\n");
    });
    expect(error.code).toBe("empty");
    expect(error.text).toBe("");
  });

  it("a 200 with a JSON body instead of an event stream: the message quotes the body", async () => {
    const { error } = await connectionError((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "streaming is not enabled for this deployment" } }));
    });
    expect(error.code).toBe("not-sse");
    expect(error.message).toContain("application/json");
    expect(error.message).toContain("streaming is not enabled for this deployment");
    expect(error.text).toBe("");
  });

  it("a 200 with an HTML page (a proxy's error page)", async () => {
    const { error } = await connectionError((res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<html><body><h1>Gateway says hello</h1></body></html>");
    });
    expect(error.code).toBe("not-sse");
    expect(error.message).toContain("Gateway says hello");
  });
});

describe("the connection breaks", () => {
  it("reset mid-stream keeps the partial and the text", async () => {
    const { error } = await connectionError((res) => {
      sseHeaders(res);
      writeContent(res, prefix);
      res.write("", () => res.destroy());
    });
    expect(error.code).toBe("reset");
    expect(error.text).toBe(prefix);
    expect(error.partial?.users?.[0]?.name).toBe("John Doe");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("an error event inside the stream is the server's, with its message", async () => {
    const { error } = await connectionError((res) => {
      sseHeaders(res);
      writeContent(res, prefix);
      sendData(res, { error: { message: "The server had an error while processing your request." } });
      res.end();
    });
    expect(error.code).toBe("server-error");
    expect(error.message).toContain("The server had an error while processing your request.");
    expect(error.text).toBe(prefix);
  });

  it("an event that is not JSON", async () => {
    const { error } = await connectionError((res) => {
      sseHeaders(res);
      writeContent(res, prefix);
      res.end('data: {"choices": [\n\n');
    });
    expect(error.code).toBe("protocol");
    expect(error.text).toBe(prefix);
  });

  it("no server at all: the request failed before the response started", async () => {
    const server = await rawServer(answerWith(answerText));
    const baseURL = server.baseURL;
    await server.close();
    const client = new OpenAI({ apiKey: "test", baseURL, maxRetries: 0 });
    const stream = streamMeetingInfo({ client, model: "m", messages });
    const error = (await failure(stream.final())) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe("connect");
    expect(error.message).toContain("before the response started");
    expect(error.cause).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});

describe("HTTP errors before the first byte", () => {
  it.each([
    [401, "Incorrect API key provided: sk-test."],
    [400, "Invalid schema for response_format 'MeetingInfo': additionalProperties must be false."],
    [503, "The engine is currently overloaded, please try again later."],
  ])("HTTP %i: the message says the request failed with that status and the API's message", async (status, text) => {
    const { error } = await connectionError((res) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: text, type: "invalid_request_error", code: null } }));
    });
    expect(error.code).toBe("http");
    expect(error.status).toBe(status);
    expect(error.message).toBe(`the request failed with HTTP ${status}: ${text}`);
    expect(error.message).not.toContain("mid-stream");
    expect(error.cause).toBeInstanceOf(OpenAI.APIError);
    expect((error.cause as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expect(error.text).toBe("");
    expect(error.partial).toBeUndefined();
  });

  it("the SDK's own retries (5xx) happen first, and count as one attempt", async () => {
    const server = await rawServer((res) => {
      res.writeHead(503, { "content-type": "application/json", "retry-after-ms": "10" });
      res.end(JSON.stringify({ error: { message: "overloaded" } }));
    }, answerWith(answerText));
    const stream = streamMeetingInfo({ client: server.client({ maxRetries: 1 }), model: "m", messages });
    expect(await stream.final()).toEqual(answer);
    expect(server.requests).toHaveLength(2);
    expect(stream.attempts).toBe(1);
  });
});

describe("idle timeout after the headers", () => {
  it("a server that stalls mid-answer ends the stream with ConnectionError code idle, and the request is cancelled", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      writeContent(res, prefix);
      // then nothing, with the connection open
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, idleTimeoutMs: 150 });
    const error = (await failure(stream.final())) as ConnectionError<PartialMeetingInfo>;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe("idle");
    expect(error.message).toContain("150 ms");
    expect(error.text).toBe(prefix);
    expect(error.partial?.users?.[0]?.name).toBe("John Doe");
    expect(server.requests).toHaveLength(1);
    await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
  });

  it("a slow server that keeps sending is not idle", async () => {
    const server = await rawServer(async (res) => {
      sseHeaders(res);
      for (let i = 0; i < answerText.length; i += 40) {
        sendData(res, contentChunk(answerText.slice(i, i + 40)));
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      sendData(res, contentChunk("", "stop"));
      res.end("data: [DONE]\n\n");
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, idleTimeoutMs: 100 });
    expect(await stream.final()).toEqual(answer);
  });
});

describe("idle means no bytes: SSE comments keep a quiet connection alive", () => {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("a server that sends only keep-alive comments for 4× the idle timeout, then answers, is not idle", async () => {
    const server = await rawServer(async (res) => {
      sseHeaders(res);
      writeContent(res, prefix);
      for (let i = 0; i < 12; i++) {
        res.write(i % 2 === 0 ? ": keep-alive\n\n" : ": PROCESSING\n\n");
        await pause(50);
      }
      writeContent(res, answerText.slice(prefix.length));
      sendData(res, contentChunk("", "stop"));
      res.end("data: [DONE]\n\n");
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, idleTimeoutMs: 150 });
    expect(await stream.final()).toEqual(answer);
    expect(server.requests).toHaveLength(1);
  });

  it("comments that stop count as nothing: the stream then ends idle, with what it had", async () => {
    const server = await rawServer(async (res) => {
      sseHeaders(res);
      writeContent(res, prefix);
      for (let i = 0; i < 4; i++) {
        res.write(": keep-alive\n\n");
        await pause(50);
      }
      // then silence, with the connection open
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, idleTimeoutMs: 150 });
    const error = (await failure(stream.final())) as ConnectionError<PartialMeetingInfo>;
    expect(error.code).toBe("idle");
    expect(error.text).toBe(prefix);
    await expect.poll(() => server.requests[0]?.closedByClient).toBe(true);
  });

  it("AzureOpenAI's streams see the bytes too: comments for 4× the idle timeout, then the answer, are not idle", async () => {
    const server = await rawServer(async (res) => {
      sseHeaders(res);
      writeContent(res, prefix);
      for (let i = 0; i < 12; i++) {
        res.write(": keep-alive\n\n");
        await pause(50);
      }
      writeContent(res, answerText.slice(prefix.length));
      sendData(res, contentChunk("", "stop"));
      res.end("data: [DONE]\n\n");
    });
    const azure = new AzureOpenAI({
      apiKey: "k",
      endpoint: server.baseURL.replace(/\/v1$/, ""),
      apiVersion: "2024-10-21",
      deployment: "d",
      maxRetries: 0,
    });
    const stream = streamMeetingInfo({ client: azure, model: "m", messages, idleTimeoutMs: 150 });
    expect(await stream.final()).toEqual(answer);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toContain("/openai/deployments/d/chat/completions");
  });

  it("the request goes through the caller's own client, not a copy of it", async () => {
    const server = await rawServer(answerWith(answerText));
    const client = server.client();
    const create = vi.spyOn(client.chat.completions, "create");
    const stream = streamMeetingInfo({ client, model: "m", messages });
    expect(await stream.final()).toEqual(answer);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it("watchBodyBytes reports each chunk once, when the reader asks for the next; a body it cannot watch is left alone", async () => {
    const chunks = ["a", "bc", "", "def"].map((s) => new TextEncoder().encode(s));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
        controller.close();
      },
    });
    let reports = 0;
    expect(watchBodyBytes(body, () => reports++)).toBe(true);
    const seen: number[] = [];
    for await (const _ of body as unknown as AsyncIterable<Uint8Array>) seen.push(reports);
    expect(seen).toEqual([0, 1, 2, 3]); // while the reader holds chunk k, the k-1 before it were reported
    expect(reports).toBe(chunks.length);
    const bare = { getReader() {} } as unknown as ReadableStream<Uint8Array>;
    expect(watchBodyBytes(bare, () => reports++)).toBe(false);
    expect(Object.getOwnPropertySymbols(bare)).toEqual([]);
    expect(watchBodyBytes(null, () => reports++)).toBe(false);
  });
});

describe("connectionRetries: repeating after a transport fault is an explicit choice", () => {
  it("repeats the same request (no re-ask) and succeeds; the retry event says why", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      writeContent(res, prefix);
      res.write("", () => res.destroy());
    }, answerWith(answerText));
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, connectionRetries: 1 });
    const events = [];
    for await (const event of stream.events()) events.push(event);
    expect(await stream.final()).toEqual(answer);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body.messages).toEqual(server.requests[0]?.body.messages);
    const retry = events.find((e) => e.type === "retry");
    expect(retry).toMatchObject({ type: "retry", attempt: 2, errors: [] });
    expect(retry?.type === "retry" && retry.error).toBeInstanceOf(ConnectionError);
    expect(retry?.type === "retry" && retry.reason).toContain("mid-stream");
  });

  it("HTTP errors are not repeated by partialgen (the SDK's retry policy decides)", async () => {
    const server = await rawServer((res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "no" } }));
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, connectionRetries: 3 });
    const error = (await failure(stream.final())) as ConnectionError;
    expect(error.status).toBe(401);
    expect(server.requests).toHaveLength(1);
  });

  it("when every repeat fails, the last error keeps the earlier ones", async () => {
    const server = await rawServer((res) => {
      sseHeaders(res);
      res.end();
    });
    const stream = streamMeetingInfo({ client: server.client(), model: "m", messages, connectionRetries: 2 });
    const error = (await failure(stream.final())) as ConnectionError;
    expect(error.code).toBe("empty");
    expect(server.requests).toHaveLength(3);
    expect(error.attempts).toBe(3);
    expect(error.previousErrors.map((e) => (e as ConnectionError).code)).toEqual(["empty", "empty"]);
  });
});
