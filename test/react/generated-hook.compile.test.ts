import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../generator/index.js";
import { anyKeywords, OUTPUT, ROOT, typeCheck, writeFiles } from "../generator/helpers.js";

const SCHEMAS = join(ROOT, "examples/meeting/schemas");

describe("partialgen generate --react", () => {
  it("the emitted modules compile under tsc --strict with no any", async () => {
    const dir = join(OUTPUT, "react-generated");
    const { files } = await generate([SCHEMAS], { react: true });
    writeFiles(dir, files);
    for (const f of files) expect(anyKeywords(f.path, f.content)).toBe(0);
    const diagnostics = typeCheck(
      files.map((f) => join(dir, f.path)),
      {
        jsx: 4 /* react-jsx */,
        paths: {
          "@partialgen/runtime": ["runtime/index.ts"],
          "@partialgen/runtime/client": ["runtime/client/index.ts"],
          "@partialgen/runtime/react": ["runtime/react/index.ts"],
        },
      },
    );
    expect(diagnostics).toEqual([]);
  });
});
