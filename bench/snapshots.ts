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
import { chunk, generateDocument, generateWideArray } from "./documents.js";
import { bestOf, formatMs, printTable } from "./table.js";

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
  const ourTimes = new Map<number, number>();
  const cases = [
    ...SIZES.map((size) => ({ label: `report ${size / 1000} KB`, size, text: generateDocument(size), wide: false })),
    ...[100_000, 1_000_000].map((size) => ({
      label: `flat array ${size / 1000} KB`,
      size,
      text: generateWideArray(size),
      wide: true,
    })),
  ];
  for (const { label, size, text, wide } of cases) {
    const chunks = chunk(text);
    const runs = size >= 1_000_000 ? (wide ? 1 : 7) : size >= 100_000 ? 15 : 30;
    const expected = JSON.parse(text);
    const check = (value: unknown, who: string) => {
      if (JSON.stringify(value) !== JSON.stringify(expected)) throw new Error(`${who}: wrong final value for ${label}`);
    };
    check(ours(chunks), "partialgen");
    for (let i = 0; i < 3 && !(wide && size >= 1_000_000); i++) ours(chunks); // warm-up
    const tOurs = await bestOf(runs, () => ours(chunks));
    if (!wide) ourTimes.set(size, tOurs);
    const tParse = await bestOf(runs, () => JSON.parse(text));
    const tStream = await bestOf(runs, () => streamParser(chunks));
    const reparse = size < 100_000 || (size === 100_000 && !args.has("--quick")) || args.has("--full");
    let tPartial = Number.NaN;
    let tAi = Number.NaN;
    if (reparse && !wide) {
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
  const t100 = ourTimes.get(100_000);
  const t1m = ourTimes.get(1_000_000);
  if (t100 && t1m) console.log(`\nscaling: report 1 MB / 100 KB = ${(t1m / t100).toFixed(1)}× (target ≤ 12×)`);
}

await main();
