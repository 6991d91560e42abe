/**
 * How long an abort takes to end a stream: while the SDK sleeps before retrying a 429 (Retry-After: 5 s), and
 * while a server stalls mid-answer; and how long a stall takes to end with the idle timeout. Target: an abort ends
 * the stream within 100 ms. Usage: npm run bench:stream-abort
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { streamMeetingInfo } from "../examples/meeting/generated/index.js";
import { formatMs, printTable } from "./table.js";

const messages = [{ role: "user" as const, content: "notes" }];
const ROUNDS = 5;

async function main(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url?.includes("busy")) {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "5" });
        res.end(JSON.stringify({ error: { message: "slow down" } }));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: '{"users": [{"na' } }] })}\n\n`);
      // then stall
    });
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const measure = async (path: string, wait: number, idleTimeoutMs?: number) => {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const client = new OpenAI({ apiKey: "k", baseURL: `${base}/${path}/v1`, maxRetries: 1 });
      const controller = new AbortController();
      const stream = streamMeetingInfo({ client, model: "m", messages, signal: controller.signal, idleTimeoutMs });
      const ended = stream.final().catch(() => performance.now());
      await new Promise((resolve) => setTimeout(resolve, wait));
      const start = performance.now();
      if (idleTimeoutMs === undefined) controller.abort();
      times.push(((await ended) as number) - start);
    }
    times.sort((a, b) => a - b);
    return times;
  };
  const sleeping = await measure("busy", 300);
  const stalled = await measure("stall", 300);
  const idle = await measure("stall", 0, 500);
  printTable(
    ["what", "ended after (best)", "(median)", "(worst)"],
    [
      ["abort during the SDK's Retry-After sleep (5 s)", ...pick(sleeping)],
      ["abort while the server stalls mid-answer", ...pick(stalled)],
      ["stall with idleTimeoutMs: 500 (from the request's start)", ...pick(idle)],
    ],
  );
  server.closeAllConnections();
  server.close();
  // The SDK's own sleep timers still run out in the background (it sees the aborted signal and sends nothing).
  process.exit(0);
}

function pick(times: number[]): string[] {
  return [times[0], times[Math.floor(times.length / 2)], times.at(-1)].map((t) => formatMs(t ?? Number.NaN));
}

await main();
