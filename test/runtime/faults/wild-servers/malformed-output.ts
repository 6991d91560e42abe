import { MalformedJSONError } from "@partialgen/runtime";
import { expect } from "vitest";
import { answer, answerText } from "../fixtures.js";
import { answerWith } from "../raw-server.js";
import type { Topic } from "./cases.js";

export const malformedOutput: Topic = {
  name: "malformed output stays the model's",
  cases: [
    {
      name: "a complete, finished but malformed answer is still MalformedJSONError and re-asked",
      servers: [answerWith('{"users": [}'), answerWith(answerText)],
      want: "other",
      check: (result) => {
        expect(result.value).toEqual(answer);
        expect(result.server.requests).toHaveLength(2);
        expect(result.stream.attempts).toBe(2);
      },
    },
    {
      name: "MalformedJSONError is what the re-ask budget ends with",
      servers: [answerWith('{"users": [}')],
      want: "other",
      check: (result) => {
        expect(result.error).toBeInstanceOf(MalformedJSONError);
        expect(result.server.requests).toHaveLength(3);
      },
    },
  ],
};
