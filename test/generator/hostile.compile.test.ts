import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generate } from "../../generator/generate.js";
import { FIXTURES, OUTPUT, typeCheck, writeFiles } from "./helpers.js";

const NAMES = join(FIXTURES, "hostile-names");
const WORK = join(OUTPUT, "hostile-compile");

beforeEach(() => mkdirSync(WORK, { recursive: true }));
afterEach(() => rmSync(WORK, { recursive: true, force: true }));

describe("hostile names with --react", () => {
  it("the browser and hook modules compile too (a title such as Object makes readObjectStream/useObjectStream)", async () => {
    const dir = join(WORK, "react");
    const { files } = await generate([join(NAMES, "schemas")], { react: true });
    writeFiles(dir, files);
    const diagnostics = typeCheck(
      files.map((f) => join(dir, f.path)),
      {
        paths: {
          "@partialgen/runtime": ["runtime/index.ts"],
          "@partialgen/runtime/client": ["runtime/client/index.ts"],
          "@partialgen/runtime/react": ["runtime/react/index.ts"],
        },
      },
    );
    expect(diagnostics).toEqual([]);
  });

  it("a schema without a hint table (patternProperties) gets a reader that passes its JSON Schema, and compiles", async () => {
    const schemas = join(WORK, "pattern-schemas");
    mkdirSync(schemas, { recursive: true });
    writeFileSync(
      join(schemas, "labels.json"),
      JSON.stringify({ type: "object", patternProperties: { "^x-": { enum: ["a", "b"] } } }),
    );
    const dir = join(WORK, "pattern-react");
    const { files } = await generate([schemas], { react: true });
    writeFiles(dir, files);
    const hints = files.find((f) => f.path === "labels.hints.ts")?.content ?? "";
    expect(hints).toContain("export const labelsStreamHints: partialgen.JSONSchema = {");
    const client = files.find((f) => f.path === "labels.client.ts")?.content ?? "";
    expect(client).toContain('import { labelsStreamHints } from "./labels.hints.js";');
    const paths = {
      "@partialgen/runtime": ["runtime/index.ts"],
      "@partialgen/runtime/client": ["runtime/client/index.ts"],
      "@partialgen/runtime/react": ["runtime/react/index.ts"],
    };
    expect(
      typeCheck(
        files.map((f) => join(dir, f.path)),
        { paths },
      ),
    ).toEqual([]);
  });
});
