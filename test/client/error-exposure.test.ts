// What toResponse() tells the page about a failed stream: by default never the provider's or the network's own
// text (API keys, URLs, internal hosts), always the class and its fields; the model's own errors in full.
import {
  ConnectionError,
  MalformedJSONError,
  streamObject,
  TruncationError,
  ValidationFailedError,
} from "@partialgen/runtime";
import { readObjectStream } from "@partialgen/runtime/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  contentChunk,
  type Handler,
  rawServer,
  sendData,
  sseHeaders,
  writeContent,
} from "../runtime/faults/raw-server.js";
import { validatorWhere } from "./helpers.js";

const SECRET = "sk-proj-SECRET-MARKER-4f2a";
const INTERNAL = "llm-gateway.internal.corp:8443";

/** OpenAI's real 401 body, carrying the key it was given. */
const unauthorized: Handler = (res) => {
  res.writeHead(401, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      error: {
        message: `Incorrect API key provided: ${SECRET}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: "invalid_request_error",
        param: null,
        code: "invalid_api_key",
      },
    }),
  );
};

/** A 200 stream that reports an upstream failure naming an internal host, mid-answer. */
const serverErrorMidStream: Handler = (res) => {
  sseHeaders(res);
  writeContent(res, '{"title": "Pan');
  sendData(res, {
    error: { message: `upstream connect error: ${INTERNAL} refused (key ${SECRET})`, type: "server_error" },
  });
  res.end();
};

const answering =
  (text: string, finish = "stop"): Handler =>
  (res) => {
    sseHeaders(res);
    writeContent(res, text);
    sendData(res, contentChunk("", finish));
    res.end("data: [DONE]\n\n");
  };

async function pageError(
  handler: Handler,
  options: Parameters<ReturnType<typeof streamObject>["toResponse"]>[0] = {},
  accept: (value: unknown) => boolean = () => true,
): Promise<{ error: Error; body: string; server: Error | undefined }> {
  const server = await rawServer(handler);
  const stream = streamObject({
    client: server.client(),
    model: "m",
    messages: [{ role: "user", content: "go" }],
    name: "Answer",
    schema: { type: "object" },
    validate: validatorWhere(accept),
    maxRetries: 0,
  });
  const response = stream.toResponse({ onWithheldError: () => {}, ...options });
  const body = await response.text();
  const error = await readObjectStream(new Response(body))
    .final()
    .then(
      () => {
        throw new Error("expected the page's stream to fail");
      },
      (e: unknown) => e as Error,
    );
  await server.close();
  return { error, body, server: stream.error };
}

afterEach(() => vi.restoreAllMocks());

describe("toResponse(): what the page is told of a failure", () => {
  it("an upstream 401: the class, code and status, a generic message, never the provider's text", async () => {
    const { error, body, server } = await pageError(unauthorized);
    expect(server?.message).toContain(SECRET); // the server keeps the whole error
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain("platform.openai.com");
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ name: "ConnectionError", code: "http", status: 401 });
    expect(error.message).toBe(
      "partialgen: the request to the model failed (code http, status 401); details stay on the server (toResponse({ exposeErrors: true }) sends them)",
    );
  });

  it("an error inside a 200 stream: its internal host and key stay on the server; the partial is kept", async () => {
    const { error, body } = await pageError(serverErrorMidStream);
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain(INTERNAL);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: "server-error", partial: { title: "Pan" } });
  });

  it("exposeErrors: true sends the error's own message", async () => {
    const { error } = await pageError(unauthorized, { exposeErrors: true });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain(SECRET);
  });

  it("errorMessage(e) decides for every error, the model's too", async () => {
    const { error } = await pageError(unauthorized, { errorMessage: (e) => `sorry (${e.name})` });
    expect(error.message).toBe("sorry (ConnectionError)");
    const invalid = await pageError(answering('{"a": 1}'), { errorMessage: () => "sorry" }, () => false);
    expect(invalid.error).toBeInstanceOf(ValidationFailedError);
    expect(invalid.error.message).toBe("sorry");
  });

  it("a withheld error is logged on the server by default (console.error), with its own message", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const server = await rawServer(unauthorized);
    const stream = streamObject({
      client: server.client(),
      model: "m",
      messages: [{ role: "user", content: "go" }],
      name: "Answer",
      schema: { type: "object" },
      validate: validatorWhere(),
    });
    await stream.toResponse().text();
    await server.close();
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[1]).toMatchObject({ message: expect.stringContaining(SECRET) });
  });

  describe("errors about the model's answer keep their messages: they describe text the page has", () => {
    const cases: [string, Handler, (value: unknown) => boolean, abstract new (...args: never[]) => Error, RegExp][] = [
      ["validation", answering('{"a": 1}'), () => false, ValidationFailedError, /does not match the schema/],
      ["malformed JSON", answering('{"a": 1]'), () => true, MalformedJSONError, /not valid JSON/],
      ["truncation", answering('{"a": "cut', "length"), () => true, TruncationError, /./],
    ];
    it.each(cases)("%s", async (_name, handler, accept, type, message) => {
      const { error, server } = await pageError(handler, {}, accept);
      expect(error).toBeInstanceOf(type);
      expect(error.message).toBe(server?.message);
      expect(error.message).toMatch(message);
    });
  });
});
