import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate, generateFromFiles } from "../../generator/index.js";
import { findSchemaFiles, loadSchemaFile } from "../../generator/load/schema-files.js";
import { GENERATED_HEADER } from "../../templates/header.js";
import { anyKeywords, FIXTURES, fixtureCases, OUTPUT, typeCheck, writeFiles } from "./helpers.js";

/** Cases whose schemas use what OpenAI strict mode cannot express are generated with --no-strict. */
const optionsFor = (name: string) => ({ strict: name !== "non-strict" });

describe("generated output matches the reviewed fixtures", () => {
  for (const name of fixtureCases()) {
    it(name, async () => {
      const result = await generate([join(FIXTURES, name, "schemas")], optionsFor(name));
      for (const file of result.files) {
        await expect(file.content).toMatchFileSnapshot(join(FIXTURES, name, "expected", file.path));
      }
      const expected = readdirSync(join(FIXTURES, name, "expected")).sort();
      expect(result.files.map((f) => f.path)).toEqual(expected);
    });
  }
});

describe("every generated file", () => {
  it("starts with the do-not-edit header, contains no `any`, and all compile as one tsc --strict program", async () => {
    const roots: string[] = [];
    for (const name of fixtureCases()) {
      const result = await generate([join(FIXTURES, name, "schemas")], optionsFor(name));
      const dir = join(OUTPUT, "compile", name);
      writeFiles(dir, result.files);
      for (const file of result.files) {
        expect(file.content.startsWith(`${GENERATED_HEADER}\n`), file.path).toBe(true);
        expect(anyKeywords(file.path, file.content), file.path).toBe(0);
        roots.push(join(dir, file.path));
      }
    }
    expect(typeCheck(roots)).toEqual([]);
    // Also with the strictest flags users turn on.
    expect(
      typeCheck(roots, { noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noImplicitOverride: true }),
    ).toEqual([]);
  });
});

describe("determinism", () => {
  it("two runs give byte-identical output, whatever the input order, and inputs are not mutated", async () => {
    const dir = join(FIXTURES, "cross-file", "schemas");
    const paths = await findSchemaFiles([dir]);
    const files = await Promise.all(paths.map(loadSchemaFile));
    const before = structuredClone(files);
    const forward = await generateFromFiles(files);
    const reversed = await generateFromFiles([...files].reverse());
    expect(files).toEqual(before);
    expect(reversed.files).toEqual(forward.files);
    const again = await generate([dir]);
    expect(again.files).toEqual(forward.files);
  });
});
