/**
 * Load: 1,000 concurrent streams of a 2 KB MeetingInfo answer against a local SSE server (in its own process),
 * read by streamMeetingInfo() (snapshots, final validation) and, in the same run, by the raw openai SDK making
 * the same request (the same `response_format`; content deltas concatenated, one JSON.parse). Each client side
 * runs in a fresh process, alternating, several rounds; the table gives wall time, CPU time (steadier on a
 * shared machine) and peak RSS growth, best and median, and their ratios to the raw SDK, and the median of the
 * ratios of the two runs of each round (which saw the same machine load).
 * partialgen runs as users run it, compiled (runtime/dist, dist/examples): `npm run build` first. `--source`
 * runs the TypeScript sources through tsx instead, which is not the same code: tsx keeps function names by
 * wrapping every function expression in a defineProperty call, which costs partialgen (and not the SDK's
 * JavaScript) CPU time and memory for each closure.
 * Usage: npm run bench:stream-load [-- --streams 1000] [-- --rounds 5] [-- --source]
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import OpenAI from "openai";
import type * as Generated from "../examples/meeting/generated/index.js";
import { type MeetingInfo, meetingInfoStrictSchema } from "../examples/meeting/generated/index.js";
import { checkBuild } from "./compiled.js";
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

/** What streamMeetingInfo() sends in its default mode: the raw SDK side sends it too. */
const responseFormat = {
  type: "json_schema" as const,
  json_schema: { name: "MeetingInfo", schema: meetingInfoStrictSchema as Record<string, unknown>, strict: true },
};

async function readOne(impl: Impl, client: OpenAI, generated: typeof Generated): Promise<number> {
  if (impl === "sdk") {
    const stream = await client.chat.completions.create({
      model: "m",
      messages,
      stream: true,
      stream_options: { include_usage: true },
      response_format: responseFormat,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    return (JSON.parse(text) as MeetingInfo).users.length;
  }
  const stream = generated.streamMeetingInfo({ client, model: "m", messages });
  let snapshots = 0;
  for await (const _ of stream) snapshots++;
  return (await stream.final()).users.length + (snapshots > 0 ? 0 : Number.NaN);
}

/** One side of the comparison, in this fresh process: a warm-up, then `streams` at once. */
async function client(impl: Impl, url: string, streams: number, source: boolean): Promise<void> {
  const generated: typeof Generated = await import(
    source ? "../examples/meeting/generated/index.js" : "../dist/examples/meeting/generated/index.js"
  );
  const sdk = new OpenAI({ apiKey: "bench", baseURL: url, maxRetries: 0 });
  await Promise.all(Array.from({ length: 20 }, () => readOne(impl, sdk, generated)));
  const baseRss = process.memoryUsage().rss;
  let peak = baseRss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const counts = await Promise.all(Array.from({ length: streams }, () => readOne(impl, sdk, generated)));
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
  const [mode, impl, url, count, from] = process.argv.slice(2);
  if (mode === "--server") return server();
  if (mode === "--client") return client(impl as Impl, url as string, Number(count), from === "source");
  const streams = option("--streams", 1000);
  const rounds = option("--rounds", 5);
  const source = process.argv.includes("--source");
  const self = fileURLToPath(import.meta.url);
  const root = join(self, "..", "..");
  if (!source) checkBuild(root);
  // Compiled: the build's tsconfig (no `paths`) makes @partialgen/runtime the package's own dist, as for users.
  const clientEnv = source ? process.env : { ...process.env, TSX_TSCONFIG_PATH: join(root, "tsconfig.build.json") };
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
          ["--import", "tsx", self, "--client", side, serverUrl, String(streams), source ? "source" : "compiled"],
          { encoding: "utf8", env: clientEnv },
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
  // Each round's two runs saw about the same machine load: the median of their ratios is steadier than either
  // side's best or median alone.
  const paired = (key: "ms" | "cpu" | "rss") => {
    const ratios = results.partialgen
      .map((r, i) => r[key] / (results.sdk[i]?.[key] ?? Number.NaN))
      .sort((a, b) => a - b);
    const mid = ratios[Math.floor(ratios.length / 2)] ?? Number.NaN;
    return `${mid.toFixed(2)}× (${(ratios[0] ?? Number.NaN).toFixed(2)}–${(ratios[ratios.length - 1] ?? Number.NaN).toFixed(2)})`;
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
  console.log("");
  printTable(
    ["streamMeetingInfo() / raw SDK, per round", "wall time", "CPU time", "peak RSS growth"],
    [["median (lowest–highest)", paired("ms"), paired("cpu"), paired("rss")]],
  );
  console.log(
    `\n${streams} streams, ${rounds} rounds, ${CHUNK}-character deltas, partialgen ${source ? "from its TypeScript sources (tsx)" : "compiled"}; goals: time ≤ ${GOALS.time}×, peak RSS ≤ ${GOALS.rss}× the raw SDK`,
  );
}

await main();
