/**
 * Generator speed: 100 schemas through the whole pipeline (bundle, derive, types, validators, format),
 * beside json-schema-to-typescript alone on the same schemas (one of our stages, as a baseline measured in
 * the same run). Target: under 5 s for the 100. Usage: npm run bench:generator
 */
import { compile } from "json-schema-to-typescript";
import { generateFromFiles } from "../generator/index.js";
import type { SchemaFile } from "../generator/load/schema-files.js";
import { prng } from "./documents.js";
import { formatMs, printTable } from "./table.js";

function syntheticSchema(i: number): SchemaFile {
  const rand = prng(1000 + i);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const leaf = (): Record<string, unknown> =>
    pick([
      { type: "string", description: "A text field." },
      { type: "string", format: "date" },
      { type: "integer", minimum: 0 },
      { type: "number" },
      { type: "boolean" },
      { enum: ["low", "medium", "high"] },
      { type: "array", items: { type: "string" }, maxItems: 10 },
    ]);
  const object = (depth: number): Record<string, unknown> => {
    const properties: Record<string, unknown> = {};
    const count = 4 + Math.floor(rand() * 10);
    for (let p = 0; p < count; p++) {
      const kind = rand();
      properties[`field${p}`] =
        depth < 2 && kind < 0.15
          ? object(depth + 1)
          : depth < 2 && kind < 0.25
            ? { type: "array", items: { $ref: "#/$defs/Item" } }
            : leaf();
    }
    return {
      type: "object",
      properties,
      required: Object.keys(properties).filter(() => rand() < 0.6),
      additionalProperties: false,
    };
  };
  const schema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: `Bench Schema ${i}`,
    ...object(0),
    $defs: { Item: object(1) },
  };
  return { path: `/bench/schema-${i}.json`, displayPath: `schema-${i}.json`, schema };
}

export const files = Array.from({ length: 100 }, (_, i) => syntheticSchema(i));
const properties = files.reduce((n, f) => n + JSON.stringify(f.schema).split('"type"').length - 1, 0);

// Warm-up: module loading and JIT, not what a codegen step repeats.
await generateFromFiles(files.slice(0, 3));

const t0 = performance.now();
const result = await generateFromFiles(files);
const ours = performance.now() - t0;

const t1 = performance.now();
for (const f of files) await compile(structuredClone(f.schema) as never, "X", { bannerComment: "", format: false });
const jsstt = performance.now() - t1;

console.log(
  `Node ${process.version}; 100 synthetic schemas (${properties} typed subschemas), ${result.files.length} files written to memory.\n`,
);
printTable(
  ["what", "time", "per schema", "ratio to json-schema-to-typescript alone"],
  [
    ["partialgen generate (whole pipeline)", formatMs(ours), formatMs(ours / 100), `${(ours / jsstt).toFixed(2)}×`],
    ["json-schema-to-typescript compile only", formatMs(jsstt), formatMs(jsstt / 100), "1.00×"],
  ],
);
console.log(`\ntarget: under 5 s for 100 schemas — ${ours < 5000 ? "met" : "NOT met"}`);
