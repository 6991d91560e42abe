import { expect } from "vitest";
import { answer, answerText } from "../fixtures.js";
import { chunk, type Handler, usageChunk } from "../raw-server.js";
import type { Topic } from "./cases.js";
import { answerWithChunks, chunksOf, finish } from "./servers.js";

/** `text` whose every chunk carries cumulative usage, finished with `completion` tokens in all. */
const withCumulativeUsage = (text: string, completion: number): Handler =>
  answerWithChunks([
    ...chunksOf(text).map((c, i) => ({
      ...c,
      usage: { prompt_tokens: 10, completion_tokens: i, total_tokens: 10 + i },
    })),
    { ...finish(), usage: { prompt_tokens: 10, completion_tokens: completion, total_tokens: 10 + completion } },
  ]);

const continuousUsage = chunksOf(answerText).map((c, i) => ({
  ...c,
  usage: { prompt_tokens: 10, completion_tokens: i + 1, total_tokens: 11 + i },
}));

export const chunkShapes: Topic = {
  name: "chunk shapes and usage",
  cases: [
    {
      name: "choices: [] on most chunks, delta: null, content: null, role-only chunks",
      servers: [
        answerWithChunks([
          chunk([{ index: 0, delta: { role: "assistant" }, finish_reason: null }]),
          chunk([{ index: 0, delta: { role: "assistant", content: null }, finish_reason: null }]),
          ...chunksOf(answerText).flatMap((c) => [chunk([]), chunk([{ index: 0, delta: null }]), c]),
          finish(),
        ]),
      ],
      want: "answer",
    },
    {
      name: "reasoning_content / reasoning deltas (vLLM, DeepSeek, OpenRouter) with a JSON draft are not the answer",
      servers: [
        answerWithChunks([
          chunk([
            {
              index: 0,
              delta: { role: "assistant", reasoning_content: JSON.stringify({ ...answer, location: "draft" }) },
            },
          ]),
          chunk([{ index: 0, delta: { reasoning: JSON.stringify({ ...answer, location: "draft" }), content: null } }]),
          ...chunksOf(answerText),
          finish(),
        ]),
      ],
      want: "other",
      check: ({ value }) => {
        expect(value).toEqual(answer);
      },
    },
    {
      name: "vLLM continuous_usage_stats: usage on every chunk (cumulative) is counted once",
      servers: [
        answerWithChunks([
          ...continuousUsage,
          {
            ...finish(),
            usage: {
              prompt_tokens: 10,
              completion_tokens: continuousUsage.length,
              total_tokens: 10 + continuousUsage.length,
            },
          },
        ]),
      ],
      want: "answer",
      check: ({ stream }) => {
        const n = continuousUsage.length;
        expect(stream.usage).toEqual({ promptTokens: 10, completionTokens: n, totalTokens: 10 + n });
      },
    },
    {
      name: "usage with null fields",
      servers: [
        answerWithChunks([
          ...chunksOf(answerText),
          finish(),
          chunk([], { usage: { prompt_tokens: 7, completion_tokens: null, total_tokens: null } }),
        ]),
      ],
      want: "answer",
      check: ({ stream }) => {
        expect(stream.usage).toEqual({ promptTokens: 7, completionTokens: 0, totalTokens: 7 });
      },
    },
    {
      name: "usage without total_tokens",
      servers: [
        answerWithChunks([
          ...chunksOf(answerText),
          finish(),
          chunk([], { usage: { prompt_tokens: 7, completion_tokens: 5 } }),
        ]),
      ],
      want: "answer",
      check: ({ stream }) => {
        expect(stream.usage).toEqual({ promptTokens: 7, completionTokens: 5, totalTokens: 12 });
      },
    },
    {
      name: "usage: null on every chunk (LiteLLM) and a final usage chunk",
      servers: [
        answerWithChunks([...chunksOf(answerText).map((c) => ({ ...c, usage: null })), finish(), usageChunk(1, 2)]),
      ],
      want: "answer",
      check: ({ stream }) => {
        expect(stream.usage?.totalTokens).toBe(3);
      },
    },
    {
      name: "usage summed over a re-ask: each attempt's cumulative usage counted once",
      servers: [withCumulativeUsage('{"users": [{"name": "John",, ', 4), withCumulativeUsage(answerText, 20)],
      want: "other",
      check: (result) => {
        expect(result.value).toEqual(answer);
        expect(result.server.requests).toHaveLength(2);
        expect(result.stream.usage).toEqual({ promptTokens: 20, completionTokens: 24, totalTokens: 44 });
      },
    },
    {
      name: "Groq's x_groq.usage on the last chunk counts",
      servers: [
        answerWithChunks([
          ...chunksOf(answerText),
          { ...finish(), x_groq: { id: "req", usage: { prompt_tokens: 4, completion_tokens: 8, total_tokens: 12 } } },
        ]),
      ],
      want: "answer",
      check: ({ stream }) => {
        expect(stream.usage).toEqual({ promptTokens: 4, completionTokens: 8, totalTokens: 12 });
      },
    },
  ],
};
