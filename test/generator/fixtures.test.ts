import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate, generateFromFiles } from "../../generator/index.js";
import { findSchemaFiles, loadSchemaFile } from "../../generator/load/schema-files.js";
import { FIXTURES, fixtureCases, fixtureOptions } from "./helpers.js";

describe("generated output matches the reviewed fixtures", () => {
  for (const name of fixtureCases()) {
    it(name, async () => {
      const result = await generate([join(FIXTURES, name, "schemas")], fixtureOptions(name));
      for (const file of result.files) {
        await expect(file.content).toMatchFileSnapshot(join(FIXTURES, name, "expected", file.path));
      }
      const expected = readdirSync(join(FIXTURES, name, "expected")).sort();
      expect(result.files.map((f) => f.path)).toEqual(expected);
    });
  }
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
