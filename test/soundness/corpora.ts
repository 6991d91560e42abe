import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findSchemaFiles, loadSchemaFile, type SchemaFile } from "../../generator/load/schema-files.js";
import { ajvDirect, run, suiteCases } from "../conformance/schema-suite.js";
import { CORPORA_DIR } from "../corpora.js";
import { FIXTURES, fixtureCases } from "../generator/helpers.js";
import type { Corpus, Subject } from "./harness.js";
import { sample, seededRandom } from "./random.js";

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

function listOf(path: string): unknown[] {
  if (!existsSync(path)) return [];
  const value = readJson(path);
  return Array.isArray(value) ? value : [];
}

/** llm-schemas: X.json with X.instances.json and X.strict-instances.json beside it. */
export async function llmSchemas(): Promise<Corpus> {
  const root = join(CORPORA_DIR, "llm-schemas");
  const subjects: Subject[] = [];
  const inputSet: SchemaFile[] = [];
  for (const folder of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const dir = join(root, folder.name);
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith(".json") && !/\.(strict-)?instances\.json$/.test(f))
      .sort()) {
      const file = await loadSchemaFile(join(dir, name));
      inputSet.push(file);
      const stem = join(dir, name.slice(0, -".json".length));
      subjects.push({
        id: `${folder.name}/${name}`,
        file,
        instances: listOf(`${stem}.instances.json`),
        strictInstances: listOf(`${stem}.strict-instances.json`),
      });
    }
  }
  return { name: "llm-schemas", inputSet, subjects };
}

/** SchemaStore: one input set, instances generated only; `count` of its schemas checked (all when undefined). */
export async function schemaStore(count: number | undefined, seed: number): Promise<Corpus> {
  const dir = join(CORPORA_DIR, "schemastore");
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  const inputSet = await Promise.all(names.map((n) => loadSchemaFile(join(dir, n))));
  return {
    name: "schemastore",
    inputSet,
    subjects: sample(
      inputSet.map((file, i) => ({ id: names[i] as string, file, instances: [], strictInstances: [] })),
      count ?? inputSet.length,
      seededRandom(seed),
    ),
  };
}

/** JSON-Schema-Test-Suite: each group's schema with its valid cases (those Ajv itself agrees are valid). */
export function schemaTestSuite(count: number | undefined, seed: number): Corpus {
  const META: Record<string, string> = {
    "draft-07": "http://json-schema.org/draft-07/schema#",
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
  };
  const cases = suiteCases();
  const chosen = count === undefined ? cases : sample(cases, count, seededRandom(seed));
  const subjects: Subject[] = [];
  for (const c of chosen) {
    const valid = c.tests.filter((t) => t.valid);
    if (valid.length === 0) continue;
    const ajv = ajvDirect(c);
    if (ajv instanceof Error) continue;
    const index = cases.indexOf(c);
    const schema =
      typeof c.schema === "object" && c.schema !== null && !("$schema" in c.schema)
        ? { $schema: META[c.dialect], ...c.schema }
        : c.schema;
    const file: SchemaFile = {
      path: `/suite/case-${index}.json`,
      displayPath: `${c.file} — ${c.group}`,
      schema: schema as SchemaFile["schema"],
    };
    subjects.push({
      id: `${c.file}#${index} ${c.group}`,
      file,
      instances: valid.filter((t) => run(ajv, t.data) === true).map((t) => t.data),
      strictInstances: [],
    });
  }
  // Each group is its own input set: the suite reuses $ids across groups.
  return { name: "JSON-Schema-Test-Suite", inputSet: [], subjects };
}

/** Our own generator fixtures, as one corpus (one tsc program): every case is its own input set. */
export async function fixtures(): Promise<Corpus> {
  const subjects: Subject[] = [];
  for (const name of fixtureCases()) {
    const paths = await findSchemaFiles([join(FIXTURES, name, "schemas")]);
    const inputSet = await Promise.all(paths.map(loadSchemaFile));
    for (const file of inputSet)
      subjects.push({ id: file.displayPath, file, inputSet, instances: [], strictInstances: [] });
  }
  return { name: "fixtures", inputSet: [], subjects };
}
