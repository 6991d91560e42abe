/**
 * Streaming cost: read a snapshot after every 1–8 character chunk of documents from 1 KB to 1 MB.
 * Compares PartialJSONParser with re-parsing the buffer at every chunk (partial-json, the AI SDK's
 * parsePartialJson), an incremental parser that mutates one object in place (@streamparser/json), and a
 * single JSON.parse of the whole text. Usage: npm run bench:snapshots [-- --quick] [-- --full]
 *   --quick  skip the re-parsing baselines at 100 KB (they take ~25 s each there)
 *   --full   also run the re-parsing baselines at 1 MB (quadratic: expect tens of minutes)
 */
import { JSONParser } from "@streamparser/json";
import { parsePartialJson } from "ai";
import { Allow, parse as partialJsonParse } from "partial-json";
import { PartialJSONParser } from "../runtime/index.js";
import { chunk, generateDocument, generateLongText, generateWideArray } from "./documents.js";
import { bestOf, formatMs, printTable, timings } from "./table.js";

const args = new Set(process.argv.slice(2));
const SIZES = [1_000, 10_000, 100_000, 1_000_000];

function ours(chunks: string[]): unknown {
  const parser = new PartialJSONParser();
  let snapshot: unknown;
  for (const c of chunks) {
    parser.write(c);
    snapshot = parser.value;
  }
  parser.end();
  return snapshot;
}

function partialJson(chunks: string[]): unknown {
  let buffer = "";
  let snapshot: unknown;
  for (const c of chunks) {
    buffer += c;
    try {
      snapshot = partialJsonParse(buffer, Allow.ALL);
    } catch {
      // a prefix it cannot show yet
    }
  }
  return snapshot;
}

async function aiSdk(chunks: string[]): Promise<unknown> {
  let buffer = "";
  let snapshot: unknown;
  for (const c of chunks) {
    buffer += c;
    snapshot = (await parsePartialJson(buffer)).value;
  }
  return snapshot;
}

function streamParser(chunks: string[]): unknown {
  const parser = new JSONParser({ emitPartialValues: true, emitPartialTokens: true, keepStack: true });
  let root: unknown;
  parser.onValue = ({ value, stack }) => {
    root = stack.length > 0 ? stack[0]?.value : value;
  };
  let snapshot: unknown;
  for (const c of chunks) {
    parser.write(c);
    snapshot = root; // the same live object every time: no snapshot to keep
  }
  return snapshot;
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  const ourTimes = new Map<string, { best: number; median: number }>();
  type Kind = "report" | "long text field" | "flat array";
  const make = (kind: Kind, sizes: number[], generate: (size: number) => string) =>
    sizes.map((size) => ({
      kind,
      label: `${kind} ${size / 1000} KB`,
      size,
      text: generate(size),
      wide: kind === "flat array",
    }));
  const cases = [
    ...make("report", SIZES, generateDocument),
    ...make("long text field", [100_000, 1_000_000], generateLongText),
    ...make("flat array", [100_000, 1_000_000], generateWideArray),
  ];
  for (const { kind, label, size, text, wide } of cases) {
    const chunks = chunk(text);
    const runs = size >= 1_000_000 ? (wide ? 1 : 7) : size >= 100_000 ? 15 : 30;
    const expected = JSON.parse(text);
    const check = (value: unknown, who: string) => {
      if (JSON.stringify(value) !== JSON.stringify(expected)) throw new Error(`${who}: wrong final value for ${label}`);
    };
    check(ours(chunks), "partialgen");
    for (let i = 0; i < 3 && !(wide && size >= 1_000_000); i++) ours(chunks); // warm-up
    const measured = await timings(runs, () => ours(chunks));
    const tOurs = measured.best;
    ourTimes.set(`${kind} ${size}`, measured);
    const tParse = await bestOf(runs, () => JSON.parse(text));
    const tStream = await bestOf(runs, () => streamParser(chunks));
    const reparse = size < 100_000 || (size === 100_000 && !args.has("--quick")) || args.has("--full");
    let tPartial = Number.NaN;
    let tAi = Number.NaN;
    if (reparse && kind === "report") {
      check(partialJson(chunks), "partial-json");
      tPartial = await bestOf(size >= 100_000 ? 1 : 3, () => partialJson(chunks));
      tAi = await bestOf(size >= 100_000 ? 1 : 3, () => aiSdk(chunks));
    }
    const vs = (t: number) =>
      Number.isNaN(t) ? "skipped" : `${formatMs(t)} (${(t / tOurs).toFixed(t / tOurs < 10 ? 2 : 0)}×)`;
    rows.push([label, String(chunks.length), formatMs(tOurs), vs(tPartial), vs(tAi), vs(tStream), vs(tParse)]);
  }
  console.log(`Node ${process.version}; best of several runs; ratio = their time / partialgen's time.\n`);
  printTable(
    [
      "document",
      "chunks",
      "partialgen",
      "partial-json (re-parse)",
      "AI SDK parsePartialJson",
      "@streamparser/json (mutates)",
      "JSON.parse once",
    ],
    rows,
  );
  console.log("");
  for (const kind of ["report", "long text field"]) {
    const t100 = ourTimes.get(`${kind} 100000`);
    const t1m = ourTimes.get(`${kind} 1000000`);
    if (t100 && t1m) {
      const best = (t1m.best / t100.best).toFixed(1);
      const median = (t1m.median / t100.median).toFixed(1);
      console.log(`scaling: ${kind} 1 MB / 100 KB = ${best}× by best runs, ${median}× by medians (target ≤ 12×)`);
    }
  }
}

await main();
