// A local chat-completions SSE server for the stream benchmarks: every request gets the same answer, as
// `chat.completion.chunk` content deltas of a fixed size, then finish_reason, a usage chunk and [DONE].
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export function ssePayload(text: string, chunkSize: number): Buffer {
  const parts: string[] = [];
  const event = (choices: unknown, extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id: "chatcmpl-b", object: "chat.completion.chunk", created: 0, model: "m", choices, ...extra })}\n\n`;
  parts.push(event([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]));
  for (let i = 0; i < text.length; i += chunkSize) {
    parts.push(event([{ index: 0, delta: { content: text.slice(i, i + chunkSize) }, finish_reason: null }]));
  }
  parts.push(event([{ index: 0, delta: {}, finish_reason: "stop" }]));
  parts.push(event([], { usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } }));
  parts.push("data: [DONE]\n\n");
  return Buffer.from(parts.join(""), "utf8");
}

/**
 * How the server writes the payload: "burst" in writes of 16 KB as fast as the socket takes them (a proxy replaying
 * a cached answer), or "paced": a few events per millisecond, as a model's server sends tokens (16 events per
 * tick here, about 16,000 a second: far faster than any model, slow enough that the client keeps up).
 */
export type Delivery = "burst" | "paced";

const BURST_WRITE = 16_384;
const PACED_EVENTS_PER_TICK = 16;

/** Serves `payload` to every POST, delivered as `delivery` says. */
export async function startStreamServer(
  payload: Buffer,
  delivery: Delivery = "burst",
): Promise<{ url: string; server: Server }> {
  const events = delivery === "paced" ? payload.toString("utf8").split(/(?<=\n\n)/) : [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      if (delivery === "paced") {
        let next = 0;
        const timer = setInterval(() => {
          const end = Math.min(events.length, next + PACED_EVENTS_PER_TICK);
          res.write(events.slice(next, end).join(""));
          next = end;
          if (next === events.length) {
            clearInterval(timer);
            res.end();
          }
        }, 1);
        res.on("close", () => clearInterval(timer));
        return;
      }
      let offset = 0;
      const pump = () => {
        while (offset < payload.length) {
          const piece = payload.subarray(offset, offset + BURST_WRITE);
          offset += piece.length;
          if (!res.write(piece)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}
