/**
 * Load: 1,000 concurrent streams of a 2 KB answer against a local SSE server (in its own process), in two shapes:
 * a MeetingInfo (an array of objects) read by streamMeetingInfo(), and "readings" (an array of 250 integers and a
 * 1 KB text field: the widest array per character, so the parser's per-chunk work on arrays shows) read by
 * streamObject() with the same artefacts generated code passes. Both take snapshots and validate the end; in the
 * same run the raw openai SDK makes the same request (the same `response_format`; content deltas concatenated,
 * one JSON.parse). Each client side
 * runs in a fresh process, alternating, several rounds; the table gives wall time, CPU time (steadier on a
 * shared machine) and peak RSS growth, best and median, and their ratios to the raw SDK, and the median of the
 * ratios of the two runs of each round (which saw the same machine load).
 * partialgen runs as users run it, compiled (runtime/dist, dist/examples): `npm run build` first. `--source`
 * runs the TypeScript sources through tsx instead, which is not the same code: tsx keeps function names by
 * wrapping every function expression in a defineProperty call, which costs partialgen (and not the SDK's
 * JavaScript) CPU time and memory for each closure.
 * Usage: npm run bench:stream-load [-- --streams 1000] [-- --rounds 5] [-- --shape meeting|readings] [-- --source]
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { compileStreamHints, type JSONSchema, streamObject, validatorOf } from "@partialgen/runtime";
import { Ajv2020 } from "ajv/dist/2020.js";
import OpenAI from "openai";
import type * as Generated from "../examples/meeting/generated/index.js";
import { type MeetingInfo, meetingInfoStrictSchema } from "../examples/meeting/generated/index.js";
import { checkBuild } from "./compiled.js";
import { ssePayload, startStreamServer } from "./stream-server.js";
import { formatMs, printTable } from "./table.js";

const CHUNK = 4;
const GOALS = { time: 1.15, rss: 1.3 };

type Impl = "sdk" | "partialgen";
type Shape = "meeting" | "readings";
const SHAPES: readonly Shape[] = ["meeting", "readings"];

function meetingAnswer(): string {
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

interface Readings {
  values: number[];
  notes: string;
}

const readingsSchema: JSONSchema = {
  type: "object",
  properties: {
    values: { type: "array", items: { type: "integer", minimum: 0 } },
    notes: { type: "string" },
  },
  required: ["values", "notes"],
  additionalProperties: false,
};

/** 250 three-digit integers (1 KB) and 1 KB of prose. */
function readingsAnswer(): string {
  const values = Array.from({ length: 250 }, (_, i) => 100 + ((i * 37) % 900));
  let notes = "";
  for (let i = 0; notes.length < 1000; i++) notes += `Reading ${i} was taken at the north gauge after calibration. `;
  return JSON.stringify({ values, notes } satisfies Readings);
}

const answers: Record<Shape, () => string> = { meeting: meetingAnswer, readings: readingsAnswer };

const messages = [{ role: "user" as const, content: "Get the information about the meeting" }];

/** What streamX() sends in its default mode: the raw SDK side sends it too. */
const responseFormats = {
  meeting: {
    type: "json_schema" as const,
    json_schema: { name: "MeetingInfo", schema: meetingInfoStrictSchema as Record<string, unknown>, strict: true },
  },
  readings: {
    type: "json_schema" as const,
    json_schema: { name: "Readings", schema: readingsSchema as Record<string, unknown>, strict: true },
  },
};

/** Reads one answer; returns the length of its array (> 0 when it was read whole). */
type Reader = (impl: Impl, client: OpenAI) => Promise<number>;

async function readWithSdk(shape: Shape, client: OpenAI): Promise<unknown> {
  const stream = await client.chat.completions.create({
    model: "m",
    messages,
    stream: true,
    stream_options: { include_usage: true },
    response_format: responseFormats[shape],
  });
  let text = "";
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? "";
    liveSampler?.tick();
  }
  return JSON.parse(text);
}

/** Reads every snapshot of `stream`; its final value and how many snapshots came. */
async function drain<F>(stream: AsyncIterable<unknown> & { final(): Promise<F> }): Promise<[F, number]> {
  let snapshots = 0;
  for await (const _ of stream) {
    snapshots++;
    liveSampler?.tick();
  }
  return [await stream.final(), snapshots];
}

function meetingReader(generated: typeof Generated): Reader {
  return async (impl, client) => {
    if (impl === "sdk") return ((await readWithSdk("meeting", client)) as MeetingInfo).users.length;
    const [value, snapshots] = await drain(generated.streamMeetingInfo({ client, model: "m", messages }));
    return value.users.length + (snapshots > 0 ? 0 : Number.NaN);
  };
}

/** streamObject() with what a generated streamReadings() would pass (its validator compiled here, once). */
function readingsReader(): Reader {
  const validate = validatorOf<Readings>(new Ajv2020({ strict: false }).compile(readingsSchema));
  const hints = compileStreamHints(readingsSchema);
  return async (impl, client) => {
    if (impl === "sdk") return ((await readWithSdk("readings", client)) as Readings).values.length;
    const stream = streamObject<Partial<Readings>, Readings>({
      client,
      model: "m",
      messages,
      name: "Readings",
      schema: readingsSchema,
      ...(hints === undefined ? {} : { hints }),
      validate,
    });
    const [value, snapshots] = await drain(stream);
    return value.values.length + (snapshots > 0 ? 0 : Number.NaN);
  };
}

/**
 * The live memory of a run: after every `every` events read (chunks on the SDK's side, snapshots on ours), a full
 * GC, then the heap used plus array buffers; the peak of those, over the live memory before the run. Peak RSS of a
 * garbage-collected process is also when V8 chose to collect: a faster client that allocates half as much can peak
 * higher because a major GC came later. This is what the process holds, whatever the collector's timing.
 */
class LiveSampler {
  peak = 0;
  private count = 0;
  constructor(
    private readonly every: number,
    private readonly gc: () => void,
  ) {}
  sample(): number {
    this.gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  }
  tick(): void {
    if (++this.count % this.every === 0) this.peak = Math.max(this.peak, this.sample());
  }
}

let liveSampler: LiveSampler | undefined;

/**
 * The process's peak RSS since the last reset: the kernel's high-water mark where there is one (Linux), which sees
 * peaks a timer misses (the client runs long stretches of microtasks in which no timer fires); else a 5 ms sampler.
 */
function peakRss(): { reset(): void; read(): number; stop(): void } {
  const status = "/proc/self/status";
  if (existsSync(status)) {
    const hwm = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(status, "utf8"))?.[1]) * 1024;
    return {
      reset: () => writeFileSync("/proc/self/clear_refs", "5"),
      read: hwm,
      stop() {},
    };
  }
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  return {
    reset: () => {
      peak = process.memoryUsage().rss;
    },
    read: () => Math.max(peak, process.memoryUsage().rss),
    stop: () => clearInterval(timer),
  };
}

/** One side of the comparison, in this fresh process: a warm-up, then `streams` at once. */
async function client(
  impl: Impl,
  shape: Shape,
  url: string,
  streams: number,
  source: boolean,
  live: boolean,
): Promise<void> {
  const generated: typeof Generated = await import(
    source ? "../examples/meeting/generated/index.js" : "../dist/examples/meeting/generated/index.js"
  );
  const readOne = shape === "meeting" ? meetingReader(generated) : readingsReader();
  const sdk = new OpenAI({ apiKey: "bench", baseURL: url, maxRetries: 0 });
  await Promise.all(Array.from({ length: 20 }, () => readOne(impl, sdk)));
  if (live) {
    // A run of its own: the forced GCs would count in its time.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) throw new Error("the live run needs node --expose-gc");
    liveSampler = new LiveSampler(streams * 20, gc);
    const base = liveSampler.sample();
    // The same RSS figure as the timed run's, with the collections at the same points on both sides.
    const rss = peakRss();
    const baseRss = process.memoryUsage().rss;
    rss.reset();
    const counts = await Promise.all(Array.from({ length: streams }, () => readOne(impl, sdk)));
    const peak = rss.read();
    rss.stop();
    if (counts.some((n) => !(n > 0))) throw new Error("a stream returned the wrong answer");
    process.stdout.write(JSON.stringify({ live: liveSampler.peak - base, rssCollected: peak - baseRss }));
    return;
  }
  const rss = peakRss();
  const baseRss = process.memoryUsage().rss;
  rss.reset();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const counts = await Promise.all(Array.from({ length: streams }, () => readOne(impl, sdk)));
  const ms = performance.now() - start;
  const cpuUsed = process.cpuUsage(cpuStart);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1000;
  const peak = rss.read();
  rss.stop();
  if (counts.some((n) => !(n > 0))) throw new Error("a stream returned the wrong answer");
  process.stdout.write(JSON.stringify({ ms, cpu, rss: peak - baseRss }));
}

async function server(shape: Shape): Promise<void> {
  const { url } = await startStreamServer(ssePayload(answers[shape](), CHUNK));
  process.stdout.write(`${url}\n`);
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function shapeOption(): readonly Shape[] {
  const i = process.argv.indexOf("--shape");
  if (i < 0) return SHAPES;
  const shape = process.argv[i + 1] as Shape;
  if (!SHAPES.includes(shape)) throw new Error(`--shape: one of ${SHAPES.join(", ")}`);
  return [shape];
}

type Run = { ms: number; cpu: number; rss: number; live: number; rssCollected: number };

/** Alternating rounds of both sides in fresh processes, against one server process serving `shape`. */
async function measure(
  self: string,
  shape: Shape,
  streams: number,
  rounds: number,
  source: boolean,
  clientEnv: NodeJS.ProcessEnv,
): Promise<Record<Impl, Run[]>> {
  const serverProcess: ChildProcess = spawn(process.execPath, ["--import", "tsx", self, "--server", shape], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await once(serverProcess.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
  const serverUrl = line.toString().trim();
  const results: Record<Impl, Run[]> = { sdk: [], partialgen: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 === 0 ? (["sdk", "partialgen"] as const) : (["partialgen", "sdk"] as const)) {
        const run = async (live: boolean) => {
          const { stdout } = await promisify(execFile)(
            process.execPath,
            [
              ...(live ? ["--expose-gc"] : []),
              "--import",
              "tsx",
              self,
              live ? "--client-live" : "--client",
              side,
              shape,
              serverUrl,
              String(streams),
              source ? "source" : "compiled",
            ],
            { encoding: "utf8", env: clientEnv },
          );
          return JSON.parse(stdout);
        };
        results[side].push({ ...(await run(false)), ...(await run(true)) });
      }
    }
  } finally {
    serverProcess.kill();
  }
  return results;
}

const LABELS: Record<Shape, { answer: string; reader: string }> = {
  meeting: { answer: "MeetingInfo (array of objects)", reader: "streamMeetingInfo()" },
  readings: { answer: "250 integers + 1 KB text", reader: "streamObject()" },
};

function report(shape: Shape, streams: number, results: Record<Impl, Run[]>): void {
  const best = (side: Impl, key: keyof Run) => Math.min(...results[side].map((r) => r[key]));
  const median = (side: Impl, key: keyof Run) => {
    const sorted = results[side].map((r) => r[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  // Each round's two runs saw about the same machine load: the median of their ratios is steadier than either
  // side's best or median alone.
  const paired = (key: keyof Run) => {
    const ratios = results.partialgen
      .map((r, i) => r[key] / (results.sdk[i]?.[key] ?? Number.NaN))
      .sort((a, b) => a - b);
    const mid = ratios[Math.floor(ratios.length / 2)] ?? Number.NaN;
    return `${mid.toFixed(2)}× (${(ratios[0] ?? Number.NaN).toFixed(2)}–${(ratios[ratios.length - 1] ?? Number.NaN).toFixed(2)})`;
  };
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const cell = (side: Impl, stat: typeof best, key: keyof Run, format: (n: number) => string) =>
    `${format(stat(side, key))}${side === "sdk" ? "" : ` (${ratio(stat(side, key), stat("sdk", key))})`}`;
  const { answer, reader } = LABELS[shape];
  printTable(
    [
      `${streams} streams: ${answer}`,
      "wall time (best)",
      "(median)",
      "CPU time (best)",
      "(median)",
      "peak RSS growth (best)",
      "(median)",
      "peak live memory (median)",
      "peak RSS growth, GC every 20 events (median)",
    ],
    (["sdk", "partialgen"] as const).map((side) => [
      side === "sdk" ? "raw openai SDK + JSON.parse" : `${reader} (snapshots + validation)`,
      cell(side, best, "ms", formatMs),
      cell(side, median, "ms", formatMs),
      cell(side, best, "cpu", formatMs),
      cell(side, median, "cpu", formatMs),
      cell(side, best, "rss", mb),
      cell(side, median, "rss", mb),
      cell(side, median, "live", mb),
      cell(side, median, "rssCollected", mb),
    ]),
  );
  console.log("");
  printTable(
    [
      `${reader} / raw SDK, per round`,
      "wall time",
      "CPU time",
      "peak RSS growth",
      "peak live memory",
      "peak RSS growth, GC every 20 events",
    ],
    [["median (lowest–highest)", paired("ms"), paired("cpu"), paired("rss"), paired("live"), paired("rssCollected")]],
  );
  console.log("");
}

async function main(): Promise<void> {
  const [mode, impl, shape, url, count, from] = process.argv.slice(2);
  if (mode === "--server") return server(impl as Shape);
  if (mode === "--client" || mode === "--client-live") {
    return client(
      impl as Impl,
      shape as Shape,
      url as string,
      Number(count),
      from === "source",
      mode === "--client-live",
    );
  }
  const streams = option("--streams", 1000);
  const rounds = option("--rounds", 5);
  const shapes = shapeOption();
  const source = process.argv.includes("--source");
  const self = fileURLToPath(import.meta.url);
  const root = join(self, "..", "..");
  if (!source) checkBuild(root);
  // Compiled: the build's tsconfig (no `paths`) makes @partialgen/runtime the package's own dist, as for users.
  const clientEnv = source ? process.env : { ...process.env, TSX_TSCONFIG_PATH: join(root, "tsconfig.build.json") };
  for (const shape of shapes) report(shape, streams, await measure(self, shape, streams, rounds, source, clientEnv));
  console.log(
    `${streams} streams of 2 KB, ${rounds} rounds, ${CHUNK}-character deltas, partialgen ${source ? "from its TypeScript sources (tsx)" : "compiled"}; goals: time ≤ ${GOALS.time}×, peak RSS ≤ ${GOALS.rss}× the raw SDK. Peak RSS: the kernel's high-water mark (VmHWM) where there is one. Peak live memory: heap used + array buffers after a full GC at every ${streams * 20} events read (chunks or snapshots, 20 per stream on average), in a run of its own, which also gives the peak RSS growth with those GCs`,
  );
}

await main();
