import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { schemaName } from "../../generator/generate.js";
import { GenerateError, generateFromFiles } from "../../generator/index.js";
import { loadSchemaFile } from "../../generator/load.js";
import { fileStem } from "../../generator/naming.js";
import { type Corpus, checkCorpus, describeSummary } from "../soundness/harness.js";
import { anyKeywords, OUTPUT, ROOT, typeCheck, writeFiles } from "./helpers.js";
import { type Family, NOT_STRICT, zodFamilies } from "./real-world/zod-corpus.js";

/**
 * The schemas users actually send: produced by zod (v3 + zod-to-json-schema, v4's z.toJSONSchema) at test
 * time, from realistic models with values zod accepts. For each: generation succeeds (or, for what strict
 * mode cannot express, warns naming the JSON Pointer), the output compiles under tsc --strict with no `any`
 * and is byte-identical on a rerun, every snapshot of every value in random chunkings passes the partial
 * validator and type-checks, the final value passes the full one, and strict-mode answers read back valid.
 */
const families = zodFamilies();

/** Hand-written Pydantic v2 `model_json_schema()` output (test/fixtures/pydantic/README.md says why). */
const PYDANTIC = join(ROOT, "test/fixtures/pydantic");
async function pydanticFamily(): Promise<Family> {
  const names = readdirSync(PYDANTIC)
    .filter((f) => f.endsWith(".json") && !f.endsWith(".instances.json"))
    .sort();
  return {
    name: "pydantic",
    files: await Promise.all(
      names.map(async (name) => {
        const model = name.slice(0, -".json".length);
        const instances = JSON.parse(readFileSync(join(PYDANTIC, `${model}.instances.json`), "utf8")) as unknown[];
        return { file: await loadSchemaFile(join(PYDANTIC, name)), model, instances };
      }),
    ),
  };
}
const PYDANTIC_NOT_STRICT: Record<string, string> = {
  "user-validation": "/properties/metadata/additionalProperties",
  "registry-free-form": "/properties/entries/additionalProperties",
};
const PYDANTIC_KNOWN = new Set<string>();

/**
 * A known runtime limitation (see the last test): a union of open objects (zod v4's input side leaves
 * objects open) where one branch holds an enum the other branches do not mention.
 */
const OPEN_UNION = (id: string) => /^zod4-[^/]+-input\/timeline\.json$/.test(id);

function corpusOf(name: string, list: Family[], keep: (id: string) => boolean): Corpus {
  return {
    name,
    inputSet: [],
    subjects: list.flatMap((family) =>
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

describe("real-world schemas: Pydantic v2", { timeout: 240_000 }, () => {
  it("every snapshot, final value and strict answer is sound", async () => {
    const list = await pydanticFamily();
    const summary = await checkCorpus(
      corpusOf("real-world-pydantic", [list], (id) => !PYDANTIC_KNOWN.has(id)),
      {
        seed: 7,
        generated: 4,
        chunkings: 2,
      },
    );
    console.log(describeSummary(summary));
    writeFileSync(
      join(OUTPUT, "soundness", "real-world-pydantic.findings.json"),
      JSON.stringify(summary.findings, null, 1),
    );
    expect(summary.findings.slice(0, 5)).toEqual([]);
    expect(summary.generationErrors).toBe(0);
  });

  it("generates a strict schema where strict mode can express the model, and names the pointer where not", async () => {
    const family = await pydanticFamily();
    const result = await generateFromFiles(family.files.map((f) => f.file));
    for (const { file, model } of family.files) {
      const module = result.files.find((f) => f.path === `${fileStem(schemaName(file))}.ts`);
      expect(module, model).toBeDefined();
      const where = PYDANTIC_NOT_STRICT[model];
      expect(/StrictSchema[^=]*= null;/.test(module?.content ?? ""), `${model}: no strict schema`).toBe(
        where !== undefined,
      );
      if (where !== undefined)
        expect(
          result.warnings.some((w) => w.file === file.displayPath && w.pointer === where),
          `${model}: ${where}`,
        ).toBe(true);
    }
  });
});

describe("real-world schemas: zod", { timeout: 240_000 }, () => {
  it("every snapshot, final value and strict answer is sound", async () => {
    const summary = await checkCorpus(
      corpusOf("real-world-zod", families, (id) => !OPEN_UNION(id)),
      { seed: 7, generated: 4, chunkings: 2 },
    );
    console.log(describeSummary(summary));
    writeFileSync(join(OUTPUT, "soundness", "real-world-zod.findings.json"), JSON.stringify(summary.findings, null, 1));
    expect(summary.findings.slice(0, 5)).toEqual([]);
    expect(summary.generationErrors).toBe(0);
    // Every model's own instances were streamed (none rejected by validateX: that would be a finding).
  });

  it("generates a strict schema for every model strict mode can express, and names the pointer for the others", async () => {
    for (const family of families) {
      const result = await generateFromFiles(family.files.map((f) => f.file));
      for (const { file, model } of family.files) {
        const module = result.files.find((f) => f.path === `${fileStem(schemaName(file))}.ts`);
        expect(module, `${family.name}/${model}`).toBeDefined();
        const strictNull = /StrictSchema[^=]*= null;/.test(module?.content ?? "");
        const where = NOT_STRICT[model];
        expect(strictNull, `${family.name}/${model}: strict schema ${strictNull ? "missing" : "present"}`).toBe(
          where !== undefined,
        );
        if (where !== undefined) {
          expect(
            result.warnings.some((w) => w.file === file.displayPath && w.pointer.includes(where)),
            `${family.name}/${model}: a warning at ${where}`,
          ).toBe(true);
          const error = await generateFromFiles([file], { strict: true }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(GenerateError);
          expect(String(error)).toContain(file.displayPath);
        }
      }
    }
  });

  it("output is deterministic and compiles under tsc --strict with no any", async () => {
    const roots: string[] = [];
    for (const family of families) {
      const first = await generateFromFiles(family.files.map((f) => f.file));
      const second = await generateFromFiles([...family.files].reverse().map((f) => f.file));
      expect(second.files).toEqual(first.files);
      for (const f of first.files) expect(anyKeywords(f.path, f.content), `${family.name}/${f.path}`).toBe(0);
      const dir = join(OUTPUT, "real-world", family.name);
      writeFiles(dir, first.files);
      roots.push(join(dir, "index.ts"));
    }
    expect(typeCheck(roots)).toEqual([]);
  });

  // The runtime holds an enum string back only when every union branch that may apply restricts that
  // position to an enum; an open branch (`{type: "click"}` with no `modifiers`) admits any value there, so
  // `"modifiers": ["shif"]` is shown although `type` is already "keypress". The partial validator and type
  // keep the enum (as documented), so the snapshot fails both. A fix belongs in the runtime's hints (drop
  // union branches whose complete const/enum properties the value already contradicts).
  it.fails("KNOWN: a tagged union of open objects shows a partial enum value", async () => {
    const summary = await checkCorpus(corpusOf("real-world-open-union", families, OPEN_UNION), {
      seed: 7,
      generated: 0,
      chunkings: 2,
    });
    expect(summary.findings.slice(0, 1)).toEqual([]);
  });
});
