import { describe, expect, it } from "vitest";
import { streamObject } from "../../runtime/call/stream-object.js";
import { MODES, type Provider, type StreamMode } from "../../runtime/provider/mode.js";

const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false };

/** A client of each provider's shape that records what it is sent and answers with an empty stream. */
function recordingClient(provider: Provider, sent: unknown[]): object {
  const empty = async function* () {};
  const record = (body: unknown) => {
    sent.push(body);
    return Promise.resolve(empty());
  };
  switch (provider) {
    case "openai":
      return { chat: { completions: { create: record } }, responses: { create: record } };
    case "anthropic":
      return { messages: { create: record } };
    case "gemini":
      return { models: { generateContentStream: record } };
  }
}

const PROVIDERS: Provider[] = ["openai", "anthropic", "gemini"];
const CASES = PROVIDERS.flatMap((provider) =>
  (Object.keys(MODES) as StreamMode[]).map((mode) => ({
    provider,
    mode,
    served: (MODES[mode].providers as readonly Provider[]).includes(provider),
  })),
);

describe("MODES decides each mode once: which providers serve it, what the request carries", () => {
  it.each(CASES)("$provider, mode $mode (served: $served)", async ({ provider, mode, served }) => {
    const sent: unknown[] = [];
    const call = () =>
      streamObject({
        client: recordingClient(provider, sent) as never,
        model: "m",
        messages: [{ role: "user", content: "hi" }],
        mode,
        name: "X",
        schema,
        validate: Object.assign(() => true, { errors: null }) as never,
      });
    if (!served) {
      expect(call).toThrow(RangeError);
      expect(call).toThrow(new RegExp(`not "${mode}"`));
      return;
    }
    await call()
      .final()
      .catch(() => {}); // the empty stream fails; the request is what is checked
    expect(sent.length).toBeGreaterThan(0);
    // The schema is written into the instructions exactly where the mode says so.
    const instructed = JSON.stringify(sent[0]).includes("Answer with a JSON object that matches this JSON Schema");
    expect(instructed).toBe(MODES[mode].instructions !== "none");
    const fenced = JSON.stringify(sent[0]).includes("fenced code block");
    expect(fenced).toBe(MODES[mode].instructions === "fenced");
  });
});
