import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../generator/index.js";
import { GENERATED_HEADER } from "../../templates/header.js";
import { anyKeywords, FIXTURES, fixtureCases, fixtureOptions, OUTPUT, typeCheck, writeFiles } from "./helpers.js";

describe("every generated file", () => {
  it("starts with the do-not-edit header, contains no `any`, and all compile as one tsc --strict program", async () => {
    const roots: string[] = [];
    for (const name of fixtureCases()) {
      const result = await generate([join(FIXTURES, name, "schemas")], fixtureOptions(name));
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
