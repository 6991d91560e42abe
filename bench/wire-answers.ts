import { RECORDED_ANSWER, tokenLikeChunkSizes } from "../examples/meeting/replay.js";

/** Answers the wire is measured on: the meeting answer and two of about 100 KB, all in token-like chunks. */
export interface WireAnswer {
  name: string;
  text: string;
  chunkSize: number[];
}

/** Deterministic prose (a fixed linear congruential generator), so every run measures the same bytes. */
function prose(words: number, seed: number): string {
  const vocabulary =
    "the quick brown fox jumps over a lazy dog while partial json streams into typed snapshots that a page renders field by field".split(
      " ",
    );
  let state = seed;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    state = (state * 16807) % 2147483647;
    out.push(vocabulary[state % vocabulary.length] as string);
  }
  return out.join(" ");
}

export function wireAnswers(): WireAnswer[] {
  const users = Array.from({ length: 300 }, (_, i) => ({
    name: `User ${i}`,
    email: `user${i}@example.com`,
    bio: prose(30, i + 1),
    tags: ["alpha", "beta"],
    score: i * 3.5,
  }));
  const records = JSON.stringify({ users, summary: prose(2500, 7) }, null, 2);
  const longText = JSON.stringify({ title: "Report", body: prose(19_000, 3) });
  return [
    { name: "meeting answer", text: RECORDED_ANSWER, chunkSize: tokenLikeChunkSizes(RECORDED_ANSWER) },
    { name: "100 KB: records (pretty)", text: records, chunkSize: tokenLikeChunkSizes(records) },
    { name: "100 KB: one long text field", text: longText, chunkSize: tokenLikeChunkSizes(longText) },
  ];
}
