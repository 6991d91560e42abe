import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { SchemaRegistry } from "../../generator/bundle/registry.js";
import { SCHEMA_PROVIDERS, type SchemaProvider } from "../../generator/derive/provider-schema.js";
import { loadSchemaFile, type SchemaFile } from "../../generator/load/schema-files.js";
import { CORPORA_MISSING_MESSAGE, HAVE_CORPORA } from "../corpora.js";
import { ROOT } from "../generator/helpers.js";
import { zodFamilies } from "../generator/real-world/zod-corpus.js";
import { fixtures, llmSchemas, schemaStore, schemaTestSuite } from "./corpora.js";
import type { Corpus } from "./harness.js";
import {
  checkStrictSoundness,
  describeStrictSummary,
  type StrictOptions,
  type StrictSubject,
} from "./strict-soundness.js";

/**
 * Values valid against the strict schema pass validateX wherever the derivation reported no loss, on every
 * corpus schema. Sampled with a fixed seed (fewer values, 150 of the test suite's groups);
 * PARTIALGEN_SOUNDNESS_FULL=1 checks every schema with more values.
 */
const FULL = process.env.PARTIALGEN_SOUNDNESS_FULL === "1";
const SEED = Number(process.env.PARTIALGEN_SOUNDNESS_SEED ?? 11);
const options: StrictOptions = FULL
  ? { seed: SEED, generated: 12, perBranch: 4, projections: 200 }
  : { seed: SEED, generated: 3, perBranch: 2, projections: 24 };

const SUITE_SAMPLE = FULL ? undefined : 150;

if (!HAVE_CORPORA) console.warn(CORPORA_MISSING_MESSAGE);

function subjectsOf(corpus: Corpus): StrictSubject[] {
  const shared = new SchemaRegistry(corpus.inputSet, "unknown");
  return corpus.subjects.map((s) => ({
    id: s.id,
    file: s.file,
    registry: s.inputSet
      ? new SchemaRegistry(s.inputSet, "unknown")
      : corpus.inputSet.length > 0
        ? shared
        : new SchemaRegistry([s.file], "unknown"),
    strictInstances: s.strictInstances,
  }));
}

/**
 * Each schema as a property of an object root (strict mode wants one), through a `$ref` to its file: the
 * suite's root-level oneOf, anyOf and scalars get a strict schema this way, as they would inside a user's.
 */
function asProperties(subjects: StrictSubject[]): StrictSubject[] {
  return subjects.map((s) => {
    const file: SchemaFile = {
      path: s.file.path.replace(/\.json$/, ".wrapped.json"),
      displayPath: `${s.file.displayPath} (as a property)`,
      schema: { type: "object", properties: { value: { $ref: basename(s.file.path) } }, required: ["value"] },
    };
    return { ...s, id: `${s.id} (as a property)`, file, registry: new SchemaRegistry([file, s.file], "unknown") };
  });
}

/** zod (generated now) and Pydantic schemas, each file its own input set. */
async function realWorld(): Promise<StrictSubject[]> {
  const pydantic = join(ROOT, "test/fixtures/pydantic/schemas");
  const files = [
    ...zodFamilies().flatMap((f) => f.files.map(({ file }) => file)),
    ...(await Promise.all(
      readdirSync(pydantic)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => loadSchemaFile(join(pydantic, f))),
    )),
  ];
  return files.map((file) => ({
    id: file.displayPath,
    file,
    registry: new SchemaRegistry([file], "unknown"),
    strictInstances: [],
  }));
}

async function expectSound(name: string, subjects: StrictSubject[], provider?: SchemaProvider): Promise<void> {
  const summary = await checkStrictSoundness(subjects, { ...options, provider });
  console.log(describeStrictSummary(name, summary));
  expect(summary.findings.slice(0, 5)).toEqual([]);
}

describe("strict schemas: a strict-valid answer passes validateX unless a loss was reported", {
  timeout: 600_000,
}, () => {
  it("our generator fixtures", async () => {
    await expectSound("fixtures", subjectsOf(await fixtures()));
  });
  it("zod and Pydantic schemas", async () => {
    await expectSound("real-world", await realWorld());
  });
  it.skipIf(!HAVE_CORPORA)("llm-schemas", async () => {
    await expectSound("llm-schemas", subjectsOf(await llmSchemas()));
  });
  it.skipIf(!HAVE_CORPORA)("SchemaStore", async () => {
    await expectSound("SchemaStore", subjectsOf(await schemaStore(undefined, SEED)));
  });
  it.skipIf(!HAVE_CORPORA)("JSON-Schema-Test-Suite", async () => {
    await expectSound("JSON-Schema-Test-Suite", subjectsOf(schemaTestSuite(SUITE_SAMPLE, SEED)));
  });
  it.skipIf(!HAVE_CORPORA)("JSON-Schema-Test-Suite, each schema as a property", async () => {
    await expectSound(
      "JSON-Schema-Test-Suite (as properties)",
      asProperties(subjectsOf(schemaTestSuite(SUITE_SAMPLE, SEED))),
    );
  });
});

describe.each(SCHEMA_PROVIDERS)(
  "%s schemas: an answer the provider's schema admits passes validateX unless a loss was reported",
  {
    timeout: 600_000,
  },
  (provider) => {
    it("our generator fixtures, zod and Pydantic schemas", async () => {
      await expectSound(`${provider} fixtures`, subjectsOf(await fixtures()), provider);
      await expectSound(`${provider} real-world`, await realWorld(), provider);
    });
    it.skipIf(!HAVE_CORPORA)("llm-schemas", async () => {
      await expectSound(`${provider} llm-schemas`, subjectsOf(await llmSchemas()), provider);
    });
    it.skipIf(!HAVE_CORPORA)("JSON-Schema-Test-Suite, each schema as a property", async () => {
      await expectSound(
        `${provider} JSON-Schema-Test-Suite (as properties)`,
        asProperties(subjectsOf(schemaTestSuite(SUITE_SAMPLE, SEED))),
        provider,
      );
    });
  },
);
