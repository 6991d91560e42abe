import { answer, answerText } from "../fixtures.js";
import { chunk, usageChunk } from "../raw-server.js";
import type { Topic } from "./cases.js";
import { answerWithChunks, chunksOf, finish, firstChoice } from "./servers.js";

const toolChunk = (call: Record<string, unknown>) =>
  chunk([{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }]);
/** A role chunk, one chunk per tool call delta, the finish and usage. */
const toolAnswer = (calls: Record<string, unknown>[], reason = "tool_calls") =>
  answerWithChunks([
    chunk([{ index: 0, delta: { role: "assistant", content: null }, finish_reason: null }]),
    ...calls.map(toolChunk),
    chunk([{ index: 0, delta: {}, finish_reason: reason }]),
    usageChunk(1, 1),
  ]);
const pieces = (text: string, size = 5) => {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
};
const other = JSON.stringify({ ...answer, budget: 1 });
const tools = { mode: "tools" } as const;

export const toolsMode: Topic = {
  name: "tools mode",
  cases: [
    {
      name: "arguments over many chunks, id/name/type only in the first",
      servers: [
        toolAnswer([
          { index: 0, id: "call_1", type: "function", function: { name: "MeetingInfo", arguments: "" } },
          ...pieces(answerText).map((a) => ({ index: 0, function: { arguments: a } })),
        ]),
      ],
      options: tools,
      want: "answer",
    },
    {
      name: "index missing on every tool call delta (some servers omit it), type absent",
      servers: [
        toolAnswer([
          { id: "call_1", function: { name: "MeetingInfo" } },
          ...pieces(answerText).map((a) => ({ function: { arguments: a } })),
        ]),
      ],
      options: tools,
      want: "answer",
    },
    {
      name: "arguments sent whole in one chunk after the name (Ollama, vLLM's non-streaming parsers)",
      servers: [
        toolAnswer([
          { index: 0, id: "call_1", type: "function", function: { name: "MeetingInfo", arguments: null } },
          { index: 0, function: { arguments: answerText } },
        ]),
      ],
      options: tools,
      want: "answer",
    },
    {
      name: "the whole call (name and arguments) in one chunk, finish_reason stop",
      servers: [
        toolAnswer(
          [{ index: 0, id: "c", type: "function", function: { name: "MeetingInfo", arguments: answerText } }],
          "stop",
        ),
      ],
      options: tools,
      want: "answer",
    },
    {
      name: "a second call at index 1 alongside index 0 in the same chunk is not part of the answer",
      servers: [
        answerWithChunks([
          ...pieces(answerText).map((a, i) =>
            chunk([
              {
                index: 0,
                delta: {
                  tool_calls: [
                    { index: 1, function: { arguments: pieces(other)[i] ?? "" } },
                    { index: 0, function: { arguments: a } },
                  ],
                },
              },
            ]),
          ),
          finish("tool_calls"),
        ]),
      ],
      options: tools,
      want: "answer",
    },
    {
      name: "the legacy function_call delta (old servers and proxies) is read like a tool call",
      servers: [
        answerWithChunks([
          chunk([{ index: 0, delta: { role: "assistant", function_call: { name: "MeetingInfo", arguments: "" } } }]),
          ...pieces(answerText).map((a) => chunk([{ index: 0, delta: { function_call: { arguments: a } } }])),
          finish("function_call"),
        ]),
      ],
      options: tools,
      want: "answer",
    },
    {
      name: "tools: arguments sent as a JSON object, not a string (Ollama): the answer",
      servers: [
        answerWithChunks([
          chunk([
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, id: "c", function: { name: "MeetingInfo", arguments: answer } }] },
            },
          ]),
          finish("tool_calls"),
        ]),
      ],
      options: tools,
      want: "answer",
    },
    {
      name: "tools: a second call also numbered 0 (another id) does not join the first's arguments",
      servers: [
        answerWithChunks([
          chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: "a", function: { name: "MeetingInfo" } }] } }]),
          ...chunksOf(answerText).map((c) =>
            chunk([
              {
                index: 0,
                delta: {
                  tool_calls: [
                    { index: 0, function: { arguments: (firstChoice(c).delta as { content: string }).content } },
                  ],
                },
              },
            ]),
          ),
          chunk([
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, id: "b", function: { name: "MeetingInfo", arguments: other } }] },
            },
          ]),
          finish("tool_calls"),
        ]),
      ],
      options: tools,
      want: "answer",
    },
  ],
};
