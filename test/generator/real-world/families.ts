import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type GenerateResult, generateFromFiles } from "../../../generator/index.js";
import { loadSchemaFile } from "../../../generator/load/schema-files.js";
import type { Corpus } from "../../soundness/harness.js";
import { ROOT } from "../helpers.js";
import { type Family, zodFamilies } from "./zod-corpus.js";

/**
 * The schemas users actually send: produced by zod (v3 + zod-to-json-schema, v4's z.toJSONSchema) at test time from
 * realistic models, with values zod accepts, and Pydantic v2's model_json_schema() output.
 */

/** Hand-written Pydantic v2 `model_json_schema()` output (test/fixtures/pydantic/README.md says why). */
const PYDANTIC = join(ROOT, "test/fixtures/pydantic");
async function pydanticFamily(): Promise<Family> {
  const names = readdirSync(join(PYDANTIC, "schemas"))
    .filter((f) => f.endsWith(".json"))
    .sort();
  return {
    name: "pydantic",
    files: await Promise.all(
      names.map(async (name) => {
        const model = name.slice(0, -".json".length);
        const instances = JSON.parse(readFileSync(join(PYDANTIC, "instances", name), "utf8")) as unknown[];
        return { file: await loadSchemaFile(join(PYDANTIC, "schemas", name)), model, instances };
      }),
    ),
  };
}

export const families = [...zodFamilies(), await pydanticFamily()];

/**
 * A known runtime limitation (the last test): a union of open objects (zod v4's input side leaves objects
 * open) where one branch holds an enum the other branches do not mention.
 */
export const OPEN_UNION = (id: string) => /^zod4-[^/]+-input\/timeline\.json$/.test(id);

export function corpusOf(name: string, keep: (id: string) => boolean): Corpus {
  return {
    name,
    inputSet: [],
    subjects: families.flatMap((family) =>
      family.files
        .filter(({ file }) => keep(file.displayPath))
        .map(({ file, instances }) => ({
          id: file.displayPath,
          file,
          inputSet: [file],
          instances,
          strictInstances: [],
        })),
    ),
  };
}

const generated = new Map<string, Promise<GenerateResult>>();
export const generateFamily = (family: Family) => {
  const known = generated.get(family.name);
  if (known) return known;
  const result = generateFromFiles(family.files.map((f) => f.file));
  generated.set(family.name, result);
  return result;
};
