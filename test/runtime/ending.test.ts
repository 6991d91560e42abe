// classifyStreamEnd: how an attempt's stream ended, from what was observed alone (no server needed).
import { describe, expect, it } from "vitest";
import { classifyStreamEnd, type StreamEndFacts } from "../../runtime/call/ending.js";
import { newEnd, type WireEnd } from "../../runtime/provider/text-streams.js";
import { TextBuilder } from "../../runtime/util/text-builder.js";

function facts(end: Partial<WireEnd>, more: Partial<StreamEndFacts> = {}): StreamEndFacts {
  return {
    mode: "json_schema",
    end: { ...newEnd(), events: 3, finishReason: "stop", ...end },
    textLength: 10,
    bodyHead: () => undefined,
    status: 200,
    contentType: "text/event-stream",
    ...more,
  };
}

const content = (text: string) => {
  const builder = new TextBuilder();
  builder.append(text);
  return builder;
};

describe("classifyStreamEnd", () => {
  it.each<[string, StreamEndFacts, unknown]>([
    ["a normal end: parse the text", facts({}), undefined],
    [
      "finish reasons other servers use for a normal end (TGI's eos_token)",
      facts({ finishReason: "eos_token" }),
      undefined,
    ],
    [
      "truncated by length",
      facts({ finishReason: "length" }),
      { kind: "truncated", reason: "length", field: "finish_reason" },
    ],
    [
      "truncated, another name (max_tokens)",
      facts({ finishReason: "MAX_TOKENS" }),
      { kind: "truncated", reason: "MAX_TOKENS", field: "finish_reason" },
    ],
    ...["model_context_window_exceeded", "pause_turn"].map((reason): [string, StreamEndFacts, unknown] => [
      `truncated: Anthropic's ${reason}`,
      facts({ finishReason: reason }),
      { kind: "truncated", reason, field: "finish_reason" },
    ]),
    [
      "a Responses answer incomplete for a reason of its own",
      facts({ finishReason: "incomplete", incompleteReason: "max_output_tokens" }, { mode: "responses" }),
      { kind: "truncated", reason: "max_output_tokens", field: "incomplete" },
    ],
    ["the content filter (any case)", facts({ finishReason: "SAFETY" }), { kind: "filtered" }],
    ["a refusal", facts({ refusal: "no" }), { kind: "refused", refusal: "no" }],
    [
      "a server that gave up (vLLM's abort)",
      facts({ finishReason: "abort" }),
      { kind: "transport", code: "server-error", message: expect.stringContaining('finish_reason "abort"') },
    ],
    [
      "a failure inside the stream outranks its finish reason",
      facts({ failure: "overloaded", finishReason: "length" }),
      { kind: "transport", code: "server-error", message: "overloaded" },
    ],
    [
      "no finish reason: closed early (chat)",
      facts({ finishReason: undefined }),
      { kind: "transport", code: "closed", message: expect.stringContaining("(no finish_reason) after 10 characters") },
    ],
    [
      "no end event: closed early, in the wire's own words (Responses)",
      facts({ finishReason: undefined, wording: { reasonField: "r", missingEnd: "no response.completed" } }),
      { kind: "transport", code: "closed", message: expect.stringContaining("(no response.completed)") },
    ],
    [
      "no event at all, the body's words quoted",
      facts({ events: 0, finishReason: undefined }, { bodyHead: () => ": ping\n\nnothing here" }),
      { kind: "transport", code: "empty", message: expect.stringContaining("the body was: nothing here") },
    ],
    [
      "an error the SDK could not read as an event (llama.cpp's error: line), found in the body's first bytes",
      facts({ finishReason: undefined }, { bodyHead: () => 'error: {"message": "model overloaded"}\n\n' }),
      { kind: "transport", code: "server-error", message: "the server reported an error: model overloaded" },
    ],
    [
      "tools mode: the model wrote text instead of calling the tool",
      facts({ content: content("I cannot") }, { mode: "tools", textLength: 0 }),
      { kind: "no-tool-call", content: "I cannot" },
    ],
  ])("%s", (_name, input, expected) => {
    expect(classifyStreamEnd(input)).toEqual(expected);
  });

  it("reads the body's first bytes only when the ending needs them", () => {
    let reads = 0;
    const bodyHead = () => {
      reads++;
      return "x";
    };
    classifyStreamEnd(facts({}, { bodyHead }));
    expect(reads).toBe(0);
  });
});
