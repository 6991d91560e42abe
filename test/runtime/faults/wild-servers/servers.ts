// Handlers the topics share: the answer framed, chunked and ended in the ways servers do.
import type { ServerResponse } from "node:http";
import { answerText } from "../fixtures.js";
import { chunk, contentChunk, type Handler, sendData, sseHeaders, usageChunk } from "../raw-server.js";

export const finish = (reason = "stop") => chunk([{ index: 0, delta: {}, finish_reason: reason }]);

/** Writes the answer as content chunks, then a finish and usage, each through `frame` (the SSE framing). */
export function framed(frame: (json: string) => string, text = answerText): Handler {
  return (res) => {
    sseHeaders(res);
    for (let i = 0; i < text.length; i += 11) res.write(frame(JSON.stringify(contentChunk(text.slice(i, i + 11)))));
    res.write(frame(JSON.stringify(finish())));
    res.write(frame(JSON.stringify(usageChunk(3, 4))));
    res.end(frame("[DONE]"));
  };
}

/** An event stream of these chunks, one `data:` event each, then `[DONE]`. */
export function answerWithChunks(chunks: unknown[]): Handler {
  return (res) => {
    sseHeaders(res);
    for (const c of chunks) sendData(res, c);
    res.end("data: [DONE]\n\n");
  };
}

export function chunksOf(text: string, size = 9): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < text.length; i += size) out.push(contentChunk(text.slice(i, i + size)));
  return out;
}

export function firstChoice(c: Record<string, unknown>): Record<string, unknown> {
  return (c.choices as Record<string, unknown>[])[0] as Record<string, unknown>;
}

/** The answer as Responses `output_text.delta` events of 9 characters, data lines only (no `event:` line). */
export function sendOutputTextDeltas(res: ServerResponse): void {
  for (let i = 0; i < answerText.length; i += 9) {
    sendData(res, {
      type: "response.output_text.delta",
      item_id: "m",
      content_index: 0,
      delta: answerText.slice(i, i + 9),
    });
  }
}
