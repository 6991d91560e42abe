import { readObjectStream } from "@partialgen/runtime/client";
import { describe, expect, it } from "vitest";
import { wireAnswers } from "../../bench/wire-answers.js";
import { bodyBytes, serverStream } from "./helpers.js";

describe("bytes on the wire (npm run bench:wire prints the comparison)", () => {
  for (const answer of wireAnswers()) {
    it(`${answer.name}: at most 1.3× the answer's text, and the page reads the same value`, async () => {
      const run = await serverStream([{ text: answer.text, chunkSize: answer.chunkSize }]);
      try {
        const body = await bodyBytes(run.stream.toResponse());
        const text = new TextEncoder().encode(answer.text).length;
        console.log(`${answer.name}: ${body.length} B for ${text} B of text (${(body.length / text).toFixed(3)}×)`);
        expect(body.length / text).toBeLessThanOrEqual(1.3);
        expect(await readObjectStream(new Response(body)).final()).toEqual(JSON.parse(answer.text));
      } finally {
        await run.close();
      }
    });
  }
});
