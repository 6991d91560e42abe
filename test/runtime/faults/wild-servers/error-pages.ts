import { ConnectionError } from "@partialgen/runtime";
import { expect } from "vitest";
import { answer, answerText } from "../fixtures.js";
import { answerWith, type Handler } from "../raw-server.js";
import type { Topic } from "./cases.js";

const overloaded =
  (headers: Record<string, string>): Handler =>
  (res) => {
    res.writeHead(429, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify({ error: { message: "Rate limit reached", type: "requests" } }));
  };

export const errorPages: Topic = {
  name: "HTTP errors, error pages and redirects before the stream",
  cases: [
    {
      name: "429 with Retry-After in seconds, then 200: the SDK's retry, one attempt",
      servers: [overloaded({ "retry-after": "0" }), answerWith(answerText, [1, 2])],
      options: { sdkRetries: 1 },
      want: "other",
      check: ({ stream, server }) => {
        expect(server.requests).toHaveLength(2);
        expect(stream.attempts).toBe(1);
        expect(stream.usage?.totalTokens).toBe(3);
      },
    },
    {
      name: "429 with Retry-After as an HTTP date, then 200",
      // A function: the date is a second before each run starts.
      servers: () => [overloaded({ "retry-after": new Date(Date.now() - 1000).toUTCString() }), answerWith(answerText)],
      options: { sdkRetries: 1 },
      want: "other",
      check: ({ value, server }) => {
        expect(value).toEqual(answer);
        expect(server.requests).toHaveLength(2);
      },
    },
    {
      name: "429 without SDK retries: ConnectionError http 429 with the API's message, one request",
      servers: [overloaded({ "retry-after": "20" })],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("http");
        expect(error.status).toBe(429);
        expect(error.message).toContain("Rate limit reached");
      },
    },
    {
      name: "nginx's 502 HTML page: the message names the status and the page's words, not its markup",
      servers: [
        (res) => {
          res.writeHead(502, { "content-type": "text/html" });
          res.end(
            `<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n${"<!-- padding -->\n".repeat(200)}`,
          );
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("http");
        expect(error.status).toBe(502);
        expect(error.message).toContain("502 Bad Gateway");
        expect(error.message).not.toContain("<");
        expect(error.message.length).toBeLessThan(400);
      },
    },
    {
      name: "nginx's 500 HTML page after the SDK's own retries: ConnectionError http 500 with the page's words",
      servers: [
        (res) => {
          res.writeHead(500, { "content-type": "text/html", "retry-after-ms": "5" });
          res.end("<html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1></body></html>");
        },
      ],
      options: { sdkRetries: 2 },
      want: "other",
      check: ({ error, server, stream }) => {
        expect(error).toBeInstanceOf(ConnectionError);
        expect((error as ConnectionError).status).toBe(500);
        expect(error?.message).toContain("500 Internal Server Error");
        expect(error?.message).not.toContain("<");
        expect(server.requests).toHaveLength(3); // the SDK's two retries, no re-ask
        expect(stream.attempts).toBe(1);
      },
    },
    {
      name: "HTTP 404 with a FastAPI body ({detail}): ConnectionError http 404 that points at baseURL and model",
      servers: [
        (res) => {
          res.writeHead(404, { "content-type": "application/json" });
          res.end(JSON.stringify({ detail: "Not Found" }));
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("http");
        expect(error.status).toBe(404);
        expect(error.message).toMatch(/baseURL/);
        expect(error.message).not.toContain("no body"); // there was one, without an `error` field
      },
    },
    {
      name: "a 307 redirect to the real endpoint is followed (the POST body kept)",
      servers: [
        (res, request) => {
          if (request.path.startsWith("/v1/")) {
            res.writeHead(307, { location: "/moved/chat/completions" });
            res.end();
            return;
          }
          answerWith(answerText)(res, request, 0, undefined as never);
        },
      ],
      want: "other",
      check: ({ value, server }) => {
        expect(value).toEqual(answer);
        expect(server.requests.map((r) => r.path)).toEqual(["/v1/chat/completions", "/moved/chat/completions"]);
        expect(server.requests[1]?.body.model).toBe("m");
      },
    },
    {
      name: "a redirect loop: a connect error, not a hang",
      servers: [
        (res) => {
          res.writeHead(307, { location: "/v1/chat/completions" });
          res.end();
        },
      ],
      want: "other",
      check: ({ error, stream }) => {
        expect(error).toBeInstanceOf(ConnectionError);
        expect((error as ConnectionError).code).toBe("connect");
        expect(stream.attempts).toBe(1);
      },
    },
  ],
};
