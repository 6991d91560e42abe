import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CORPORA_MISSING_MESSAGE, HAVE_CORPORA } from "../corpora.js";
import { OUTPUT } from "../generator/helpers.js";
import { fixtures, llmSchemas, schemaStore, schemaTestSuite } from "./corpora.js";
import { type Corpus, type CorpusSummary, checkCorpus, describeSummary, type SoundnessOptions } from "./harness.js";

/**
 * The soundness property: for every schema of every corpus, every snapshot of every valid value (corpus
 * instances and generated ones, streamed in random chunkings) passes validatePartialX and type-checks as
 * PartialX; the final value passes validateX and type-checks as X; values valid against the strict schema
 * read back valid against the original; every strict schema obeys OpenAI's rules.
 *
 * Sampled with a fixed seed; PARTIALGEN_SOUNDNESS_FULL=1 runs every case with more instances.
 */
const FULL = process.env.PARTIALGEN_SOUNDNESS_FULL === "1";
const SEED = Number(process.env.PARTIALGEN_SOUNDNESS_SEED ?? 11);
const options: SoundnessOptions = FULL
  ? { seed: SEED, generated: 12, chunkings: 3 }
  : { seed: SEED, generated: 3, chunkings: 1 };

if (!HAVE_CORPORA) console.warn(CORPORA_MISSING_MESSAGE);

async function measure(corpus: Corpus): Promise<CorpusSummary> {
  const summary = await checkCorpus(corpus, options);
  console.log(describeSummary(summary));
  writeFileSync(
    join(OUTPUT, "soundness", `${corpus.name.replace(/\//g, "_")}.findings.json`),
    JSON.stringify(summary.findings, null, 1),
  );
  return summary;
}

function expectSound(summary: CorpusSummary): void {
  expect(summary.findings.slice(0, 5)).toEqual([]);
}

describe("soundness: generated types and validators hold for every snapshot", { timeout: 600_000 }, () => {
  it("our generator fixtures", async () => {
    expectSound(await measure(await fixtures()));
  });
  it.skipIf(!HAVE_CORPORA)("llm-schemas", async () => {
    expectSound(await measure(await llmSchemas()));
  });
  it.skipIf(!HAVE_CORPORA)("SchemaStore", async () => {
    expectSound(await measure(await schemaStore(FULL ? undefined : 12, SEED)));
  });
  it.skipIf(!HAVE_CORPORA)("JSON-Schema-Test-Suite valid cases", async () => {
    expectSound(await measure(schemaTestSuite(FULL ? undefined : 100, SEED)));
  });
});
