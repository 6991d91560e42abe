import { TruncationError } from "@partialgen/runtime";
import { expect } from "vitest";
import { answer, answerText, prefix } from "../fixtures.js";
import { answerWith, sendData, sleep, sseHeaders, usageChunk, writeContent } from "../raw-server.js";
import type { Topic } from "./cases.js";
import { finish, sendOutputTextDeltas } from "./servers.js";

/** Set by the pinging proxy below when the client goes while it still pings (reset at each run). */
let cancelledWhilePinging = false;

export const afterTheEnd: Topic = {
  name: "the answer ended, then the connection misbehaved: the answer is whole",
  cases: [
    {
      name: "socket destroyed after finish_reason, before the usage chunk and [DONE]: the answer",
      servers: [
        (res) => {
          sseHeaders(res);
          writeContent(res, answerText);
          sendData(res, finish());
          res.write("", () => res.destroy());
        },
        answerWith(answerText),
      ],
      want: "answer",
      check: ({ stream }) => {
        expect(stream.usage).toBeUndefined();
      },
    },
    {
      name: "quiet after finish_reason and usage, the connection left open (no [DONE], no close): the answer",
      servers: [
        (res) => {
          sseHeaders(res);
          writeContent(res, answerText);
          sendData(res, finish());
          sendData(res, usageChunk(2, 9));
        },
      ],
      options: { idleTimeoutMs: 150 },
      want: "answer",
      check: ({ stream }) => {
        expect(stream.usage?.totalTokens).toBe(11);
      },
    },
    {
      name: "finish_reason length, then a reset: still TruncationError, not a reset",
      servers: [
        (res) => {
          sseHeaders(res);
          writeContent(res, prefix);
          sendData(res, finish("length"));
          res.write("", () => res.destroy());
        },
      ],
      want: "other",
      check: (result) => {
        expect(result.error).toBeInstanceOf(TruncationError);
        expect(result.error?.text).toBe(prefix);
        expect(result.server.requests).toHaveLength(1);
      },
    },
    {
      name: "Responses: response.completed, then the socket destroyed: the answer",
      servers: [
        (res) => {
          sseHeaders(res);
          sendOutputTextDeltas(res);
          sendData(res, { type: "response.completed", response: { status: "completed" } });
          res.write("", () => res.destroy());
        },
      ],
      options: { mode: "responses" },
      want: "answer",
    },
    {
      name: "a reset before any finish is still a reset (the rule is the finish, not a complete-looking text)",
      servers: [
        (res) => {
          sseHeaders(res);
          writeContent(res, answerText);
          res.write("", () => res.destroy());
        },
      ],
      want: "transport fault",
      check: ({ error }) => {
        expect(error.code).toBe("reset");
        expect(error.text).toBe(answerText);
      },
    },
    {
      name: "a proxy that keeps pinging after the last chunk, never closing: the answer, the request then cancelled",
      servers: () => {
        cancelledWhilePinging = false;
        return [
          async (res) => {
            sseHeaders(res);
            writeContent(res, answerText);
            sendData(res, finish());
            sendData(res, usageChunk(1, 2));
            // 10 s of pings (then quiet): the client must not wait for them to stop
            for (let i = 0; i < 500; i++) {
              if (res.destroyed) {
                cancelledWhilePinging = true;
                return;
              }
              res.write(": ping\n\n");
              await sleep(20);
            }
          },
        ];
      },
      options: { idleTimeoutMs: 150 },
      want: "other",
      check: async ({ value, stream }) => {
        expect(value).toEqual(answer);
        expect(stream.usage?.totalTokens).toBe(3);
        await expect.poll(() => cancelledWhilePinging).toBe(true);
      },
    },
  ],
};
