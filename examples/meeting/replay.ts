import type { ScriptedResponse } from "@partialgen/runtime/testing";

/** A model's answer to the seed prompt, as the replay server streams it when no API key is set. */
export const RECORDED_ANSWER = JSON.stringify(
  {
    users: [
      { name: "John Doe", email: "johndoe@email.com", twitter: "@TechGuru44" },
      { name: "Jane Smith", email: "janesmith@email.com", twitter: "@DigitalDiva88" },
      { name: "Alex Johnson", email: "alexj@email.com", twitter: "@CodeMaster2023" },
    ],
    date: "2024-03-15",
    location: "Grand Tech Arena, 4521 Innovation Drive",
    budget: 50000,
    deadline: "2024-02-20",
  },
  null,
  2,
);

/**
 * Token-like chunk sizes: a model streams words, punctuation runs and number groups, a few characters at
 * a time (the same split a BPE tokenizer roughly makes of this text).
 */
export function tokenLikeChunkSizes(text: string): number[] {
  const tokens = text.match(/\s*[A-Za-z]{1,6}|\s*\d{1,3}|\s+|[^\sA-Za-z\d]{1,2}/g) ?? [text];
  return tokens.map((t) => t.length);
}

/** The scripted response the replay serves: the recorded answer at about 40 tokens per second. */
export function recordedResponse(delayMs = 25): ScriptedResponse {
  return { text: RECORDED_ANSWER, chunkSize: tokenLikeChunkSizes(RECORDED_ANSWER), delayMs };
}
