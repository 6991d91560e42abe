/**
 * Load: 1,000 concurrent streams of a 2 KB MeetingInfo answer against a local SSE server (in its own process),
 * read by streamMeetingInfo() (snapshots, final validation) and, in the same run, by the raw openai SDK
 * (content deltas concatenated, one JSON.parse). Each client side runs in a fresh process, alternating, best of
 * several rounds; the table gives wall time, CPU time (steadier on a shared machine) and peak RSS growth, and
 * their ratios to the raw SDK.
 * Usage: npm run bench:stream-load [-- --streams 1000] [-- --rounds 3]
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import OpenAI from "openai";
import { type MeetingInfo, streamMeetingInfo } from "../examples/meeting/generated/index.js";
import { ssePayload, startStreamServer } from "./stream-server.js";
import { formatMs, printTable } from "./table.js";

const CHUNK = 4;
const GOALS = { time: 1.15, rss: 1.3 };

type Impl = "sdk" | "partialgen";

function answer(): string {
  const users = [];
  for (let i = 0; JSON.stringify({ users }).length < 1800; i++) {
    users.push({ name: `Person Number ${i}`, email: `person.${i}@example.com`, twitter: `@person${i}` });
  }
  const value: MeetingInfo = {
    users,
    date: "2024-03-15",
    location: "Grand Tech Arena, 4521 Innovation Drive",
    budget: 50000,
    deadline: "2024-02-20",
  };
  return JSON.stringify(value);
}

const messages = [{ role: "user" as const, content: "Get the information about the meeting" }];

async function readOne(impl: Impl, client: OpenAI): Promise<number> {
  if (impl === "sdk") {
    const stream = await client.chat.completions.create({ model: "m", messages, stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    return (JSON.parse(text) as MeetingInfo).users.length;
  }
  const stream = streamMeetingInfo({ client, model: "m", messages });
  let snapshots = 0;
  for await (const _ of stream) snapshots++;
  return (await stream.final()).users.length + (snapshots > 0 ? 0 : Number.NaN);
}

/** One side of the comparison, in this fresh process: a warm-up, then `streams` at once. */
async function client(impl: Impl, url: string, streams: number): Promise<void> {
  const sdk = new OpenAI({ apiKey: "bench", baseURL: url, maxRetries: 0 });
  await Promise.all(Array.from({ length: 20 }, () => readOne(impl, sdk)));
  const baseRss = process.memoryUsage().rss;
  let peak = baseRss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const counts = await Promise.all(Array.from({ length: streams }, () => readOne(impl, sdk)));
  const ms = performance.now() - start;
  const cpuUsed = process.cpuUsage(cpuStart);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (counts.some((n) => !(n > 0))) throw new Error("a stream returned the wrong answer");
  process.stdout.write(JSON.stringify({ ms, cpu, rss: peak - baseRss }));
}

async function server(): Promise<void> {
  const { url } = await startStreamServer(ssePayload(answer(), CHUNK));
  process.stdout.write(`${url}\n`);
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const [mode, impl, url, count] = process.argv.slice(2);
  if (mode === "--server") return server();
  if (mode === "--client") return client(impl as Impl, url as string, Number(count));
  const streams = option("--streams", 1000);
  const rounds = option("--rounds", 3);
  const self = fileURLToPath(import.meta.url);
  const serverProcess: ChildProcess = spawn(process.execPath, ["--import", "tsx", self, "--server"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await once(serverProcess.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
  const serverUrl = line.toString().trim();
  const results: Record<Impl, { ms: number; cpu: number; rss: number }[]> = { sdk: [], partialgen: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 === 0 ? (["sdk", "partialgen"] as const) : (["partialgen", "sdk"] as const)) {
        const { stdout } = await promisify(execFile)(
          process.execPath,
          ["--import", "tsx", self, "--client", side, serverUrl, String(streams)],
          { encoding: "utf8" },
        );
        results[side].push(JSON.parse(stdout));
      }
    }
  } finally {
    serverProcess.kill();
  }
  const best = (side: Impl, key: "ms" | "cpu" | "rss") => Math.min(...results[side].map((r) => r[key]));
  const median = (side: Impl, key: "ms" | "cpu" | "rss") => {
    const sorted = results[side].map((r) => r[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  printTable(
    [
      `${streams} concurrent 2 KB streams`,
      "wall time (best)",
      "(median)",
      "CPU time (best)",
      "(median)",
      "peak RSS growth (best)",
      "(median)",
    ],
    (["sdk", "partialgen"] as const).map((side) => [
      side === "sdk" ? "raw openai SDK + JSON.parse" : "streamMeetingInfo() (snapshots + validation)",
      `${formatMs(best(side, "ms"))}${side === "sdk" ? "" : ` (${ratio(best(side, "ms"), best("sdk", "ms"))})`}`,
      `${formatMs(median(side, "ms"))}${side === "sdk" ? "" : ` (${ratio(median(side, "ms"), median("sdk", "ms"))})`}`,
      `${formatMs(best(side, "cpu"))}${side === "sdk" ? "" : ` (${ratio(best(side, "cpu"), best("sdk", "cpu"))})`}`,
      `${formatMs(median(side, "cpu"))}${side === "sdk" ? "" : ` (${ratio(median(side, "cpu"), median("sdk", "cpu"))})`}`,
      `${mb(best(side, "rss"))}${side === "sdk" ? "" : ` (${ratio(best(side, "rss"), best("sdk", "rss"))})`}`,
      `${mb(median(side, "rss"))}${side === "sdk" ? "" : ` (${ratio(median(side, "rss"), median("sdk", "rss"))})`}`,
    ]),
  );
  console.log(
    `\n${streams} streams, ${rounds} rounds, ${CHUNK}-character deltas; goals: time ≤ ${GOALS.time}×, peak RSS ≤ ${GOALS.rss}× the raw SDK`,
  );
}

await main();
