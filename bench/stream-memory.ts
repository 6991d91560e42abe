/**
 * Memory of one streamed 100 KB answer, in two shapes: many rows (an 800-row array), and one long text field that
 * the reader reads at every chunk (reading a streamed string makes V8 flatten it). Each is delivered two ways
 * (stream-server.ts): in a burst, and paced as a model's server sends tokens. Prints, as multiples of the
 * answer's size, the heap still retained after final() (the stream object alive), the peak live heap, and the
 * peak RSS growth while streaming (median and worst of RSS_RUNS) with the collections V8 ran meanwhile, for
 * streamObject and for the raw SDK read the same way, the two sides alternating. Each measurement runs in a fresh process, so one cannot inherit
 * another's heap; the heap's in one with forced GCs (`--expose-gc`), RSS in processes without them.
 * partialgen runs compiled (runtime/dist: `npm run build` first); `--source` runs its TypeScript sources.
 * Usage: npm run bench:stream-memory [-- --source]
 */
import { execFile } from "node:child_process";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import OpenAI from "openai";
import type * as Runtime from "../runtime/index.js";
import { checkBuild } from "./compiled.js";
import { type Delivery, ssePayload, startStreamServer } from "./stream-server.js";
import { printTable } from "./table.js";

// partialgen compiled, as users run it (`npm run build` first), unless --source: tsx wraps every function it
// creates in a defineProperty call, which the SDK's JavaScript does not pay. The children inherit the choice.
const FROM_SOURCE = process.argv.includes("--source") || process.env.PARTIALGEN_BENCH_SOURCE === "1";
if (FROM_SOURCE) process.env.PARTIALGEN_BENCH_SOURCE = "1";
const { streamObject, validatorOf }: typeof Runtime = await import(
  FROM_SOURCE ? "../runtime/index.js" : "../runtime/dist/index.js"
);

const ANSWER_BYTES = 100_000;
const CHUNK = 4;
const GOAL = 20;

type Shape = "rows" | "text";
type Impl = "partialgen" | "sdk";

function answerOf(shape: Shape): string {
  if (shape === "text") {
    const words = "the quick brown fox jumps over the lazy dog while partialgen streams every word ".repeat(2000);
    return JSON.stringify({ title: "A long text", body: words.slice(0, ANSWER_BYTES - 40) });
  }
  const rows = [];
  for (let i = 0; rows.length < 800; i++) {
    rows.push({ id: i, name: `Person ${i}`, email: `person${i}@example.com`, tags: ["a", "bc"], score: i / 7 });
  }
  let text = JSON.stringify({ rows });
  // pad the rows to reach 100 KB exactly enough
  const pad = Math.max(0, Math.floor((ANSWER_BYTES - text.length) / 800));
  text = JSON.stringify({ rows: rows.map((r) => ({ ...r, note: "x".repeat(pad) })) });
  return text;
}

const schemaOf = (shape: Shape) =>
  shape === "text"
    ? { type: "object", properties: { title: { type: "string" }, body: { type: "string" } } }
    : {
        type: "object",
        properties: {
          rows: {
            type: "array",
            items: {
              type: "object",
              properties: {
                id: { type: "integer" },
                name: { type: "string" },
                email: { type: "string" },
                tags: { type: "array", items: { type: "string" } },
                score: { type: "number" },
                note: { type: "string" },
              },
            },
          },
        },
      };

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

function heapNow(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Streams the answer once with `impl`; returns what the caller would keep (the stream, or the parsed value). */
async function consume(shape: Shape, impl: Impl, client: OpenAI, sample: () => void): Promise<unknown> {
  const messages = [{ role: "user" as const, content: "go" }];
  let sink = 0;
  let n = 0;
  if (impl === "partialgen") {
    const stream = streamObject<Record<string, unknown>, unknown>({
      client,
      model: "m",
      messages,
      schema: schemaOf(shape),
      name: "Bench",
      validate: validatorOf((value: unknown) => typeof value === "object" && value !== null),
    });
    for await (const snapshot of stream) {
      if (shape === "text") {
        const body = snapshot.body as string | undefined;
        // Reading the string's content (here its last character) makes V8 flatten it, as rendering would.
        if (body) sink += body.charCodeAt(body.length - 1);
      } else {
        sink += (snapshot.rows as unknown[] | undefined)?.length ?? 0;
      }
      if (++n % 64 === 0) sample();
    }
    await stream.final();
    return sink >= 0 ? stream : undefined;
  }
  const stream = await client.chat.completions.create({ model: "m", messages, stream: true });
  let text = "";
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? "";
    // The same reader as above: it reads what it has at every chunk (V8 flattens the grown text each time).
    if (shape === "text" && text.length > 0) sink += text.charCodeAt(text.length - 1);
    if (++n % 64 === 0) sample();
  }
  if (sink < 0) return undefined;
  return JSON.parse(text);
}

/**
 * The heap measurements, in this fresh process; a first run warms up the code, the connection and the heap's
 * spaces (as in any process that streams answers). Then:
 * - retained: the heap after final() with the stream alive minus the heap once it is released (exactly what the
 *   stream object keeps);
 * - peak live heap: the heap after a full GC, sampled every 1,000 snapshots, minus the heap before the run.
 * The forced GCs these need would change how V8 sizes its heap, so RSS is measured in a run of its own (rssChild).
 */
async function heapChild(shape: Shape, impl: Impl, url: string, bytes: number): Promise<void> {
  const client = new OpenAI({ apiKey: "bench", baseURL: url, maxRetries: 0 });
  let peakLive = 0;
  let baseHeap = 0;
  let samples = 0;
  const sample = () => {
    if (++samples % 16 === 0) peakLive = Math.max(peakLive, heapNow() - baseHeap);
  };
  // What is kept lives in a holder: a local variable may stay reachable from the async function's saved state.
  const holder: { kept: unknown } = { kept: await consume(shape, impl, client, () => {}) };
  holder.kept = undefined;
  await tick();
  baseHeap = heapNow();
  holder.kept = await consume(shape, impl, client, sample);
  await tick();
  const alive = heapNow();
  peakLive = Math.max(peakLive, alive - baseHeap);
  const wasKept = holder.kept !== undefined;
  holder.kept = undefined;
  await tick();
  const retained = alive - heapNow();
  process.stdout.write(JSON.stringify({ retained, live: peakLive, bytes, kept: wasKept }));
}

/**
 * Peak RSS growth, in this fresh process with no forced GC: the highest RSS seen during a run (sampled every 2 ms
 * and every 64 snapshots) minus the RSS before it, once warm-up runs have let V8 size its heap for this work.
 * V8 grows its young generation (up to 3 × 16 MB) once enough has survived its collections since the last
 * growth; in a process that has just loaded its modules that happens during the first few runs, whichever run
 * crosses the threshold, for the SDK as for partialgen. A server that has streamed before has done it already,
 * so warm-up runs repeat until one leaves the heap's size unchanged (at most WARM_UP_RUNS), and `warmUps` says
 * how many it took.
 */
async function rssChild(shape: Shape, impl: Impl, url: string): Promise<void> {
  const client = new OpenAI({ apiKey: "bench", baseURL: url, maxRetries: 0 });
  const holder: { kept: unknown } = { kept: undefined };
  let warmUps = 0;
  let heapTotal = process.memoryUsage().heapTotal;
  while (warmUps < WARM_UP_RUNS) {
    holder.kept = await consume(shape, impl, client, () => {});
    holder.kept = undefined;
    await tick();
    warmUps++;
    const now = process.memoryUsage().heapTotal;
    if (now === heapTotal) break;
    heapTotal = now;
  }
  // Collections during the measured run (an observer changes nothing in how V8 sizes its heap): the young
  // generation's count follows what the run allocates, on either side.
  let scavenges = 0;
  let fullGCs = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) fullGCs++;
    }
  });
  gcs.observe({ entryTypes: ["gc"] });
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampleRss = () => {
    const rss = process.memoryUsage().rss;
    if (rss > peakRss) peakRss = rss;
  };
  const timer = setInterval(sampleRss, 2);
  holder.kept = await consume(shape, impl, client, sampleRss);
  clearInterval(timer);
  sampleRss();
  await tick(); // the observer is told of the run's last collections asynchronously
  gcs.disconnect();
  process.stdout.write(JSON.stringify({ peak: peakRss - baseRss, warmUps, scavenges, fullGCs }));
}

const RSS_RUNS = 5;
const WARM_UP_RUNS = 6;
const IMPLS: Impl[] = ["sdk", "partialgen"];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function main(): Promise<void> {
  const [mode, shape, impl, url, bytes] = process.argv.slice(2);
  if (mode === "--heap") {
    await heapChild(shape as Shape, impl as Impl, url as string, Number(bytes));
    return;
  }
  if (mode === "--rss") {
    await rssChild(shape as Shape, impl as Impl, url as string);
    return;
  }
  if (!FROM_SOURCE) checkBuild(fileURLToPath(new URL("..", import.meta.url)));
  const rows: string[][] = [];
  const worst: Record<Delivery, { heap: number; rss: number; sdkRss: number }> = {
    burst: { heap: 0, rss: 0, sdkRss: 0 },
    paced: { heap: 0, rss: 0, sdkRss: 0 },
  };
  // Asynchronously: the server answering the child runs in this process.
  const run = async (...args: string[]) => {
    const script = fileURLToPath(import.meta.url);
    const out = await promisify(execFile)(process.execPath, ["--expose-gc", "--import", "tsx", script, ...args], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out.stdout);
  };
  for (const s of ["rows", "text"] as Shape[]) {
    const answer = answerOf(s);
    const payload = ssePayload(answer, CHUNK);
    for (const delivery of ["burst", "paced"] as Delivery[]) {
      const { url: serverUrl, server } = await startStreamServer(payload, delivery);
      const heaps = {} as Record<Impl, { retained: number; live: number }>;
      const peaks: Record<Impl, number[]> = { sdk: [], partialgen: [] };
      const collections: Record<Impl, { young: number[]; full: number[] }> = {
        sdk: { young: [], full: [] },
        partialgen: { young: [], full: [] },
      };
      const warmUpCounts: number[] = [];
      for (const i of IMPLS) heaps[i] = await run("--heap", s, i, serverUrl, String(answer.length));
      // The two sides alternate, so that what else the machine does falls on both.
      for (let k = 0; k < RSS_RUNS; k++) {
        for (const i of IMPLS) {
          const { peak, warmUps, scavenges, fullGCs } = await run("--rss", s, i, serverUrl);
          peaks[i].push(peak);
          collections[i].young.push(scavenges);
          collections[i].full.push(fullGCs);
          warmUpCounts.push(warmUps);
        }
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const x = (n: number) => `${(n / answer.length).toFixed(1)}×`;
      const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
      const cells = (i: Impl) => [
        `${mb(heaps[i].retained)} (${x(heaps[i].retained)})`,
        `${mb(heaps[i].live)} (${x(heaps[i].live)})`,
        `${mb(median(peaks[i]))} (${x(median(peaks[i]))})`,
        `${mb(Math.max(...peaks[i]))} (${x(Math.max(...peaks[i]))})`,
        `${median(collections[i].young)} / ${median(collections[i].full)}`,
      ];
      const w = worst[delivery];
      w.heap = Math.max(w.heap, heaps.partialgen.retained / answer.length, heaps.partialgen.live / answer.length);
      w.rss = Math.max(w.rss, median(peaks.partialgen) / answer.length);
      w.sdkRss = Math.max(w.sdkRss, median(peaks.sdk) / answer.length);
      rows.push([
        s === "rows" ? "800 rows" : "long text field, read at every snapshot",
        `${(answer.length / 1000).toFixed(0)} KB`,
        delivery,
        `${Math.ceil(answer.length / CHUNK)} (${x(payload.length)})`,
        `${Math.min(...warmUpCounts)}–${Math.max(...warmUpCounts)}`,
        ...cells("partialgen"),
        ...cells("sdk"),
      ]);
    }
  }
  printTable(
    [
      "answer",
      "size",
      "delivery",
      "events (SSE bytes)",
      "warm-up runs",
      "streamObject: retained after final()",
      "peak live heap",
      `peak RSS growth (median of ${RSS_RUNS})`,
      "(worst)",
      "GCs in the run, young / full (median)",
      "raw SDK + JSON.parse: retained",
      "peak live heap",
      "peak RSS growth (median)",
      "(worst)",
      "GCs, young / full",
    ],
    rows,
  );
  const summary = (d: Delivery) =>
    `${d}: streamObject keeps at most ${worst[d].heap.toFixed(1)}× the answer (retained and peak live heap); ` +
    `peak RSS growth at most ${worst[d].rss.toFixed(1)}× (the raw SDK: ${worst[d].sdkRss.toFixed(1)}×), medians`;
  const from = FROM_SOURCE ? "from its TypeScript sources (tsx)" : "compiled";
  console.log(`\n${summary("burst")}\n${summary("paced")}\npartialgen ${from}; goal ≤ ${GOAL}×`);
}

await main();
