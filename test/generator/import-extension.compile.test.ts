// Generated modules with each import extension compile under the toolchain that asks for it (tsc programs: slow tier).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { generate, type ImportExtension } from "../../generator/index.js";
import { FIXTURES, ROOT, typeCheck, writeFiles } from "./helpers.js";

const WORK = mkdtempSync(join(tmpdir(), "partialgen-import-extension-compile-"));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

const relativeImports = (text: string) => [...text.matchAll(/from "(\.\/[^"]*)"/g)].map((m) => m[1] as string);

describe("generated modules with each extension", () => {
  const runtime = (entry: string) => [join(ROOT, "runtime", entry)];
  const compilerOptions: Record<ImportExtension, ts.CompilerOptions> = {
    js: {},
    none: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
    ts: { allowImportingTsExtensions: true },
  };

  it.each(["js", "none", "ts"] as const)(
    "%s: every relative import carries it, and the modules compile under the toolchain that asks for it",
    async (extension) => {
      // Cross-file definitions (imports between schema modules) and the browser modules (client, react).
      const result = await generate([join(FIXTURES, "shared-definitions", "schemas")], {
        react: true,
        importExtension: extension,
      });
      const dir = join(WORK, `compiled-${extension}`);
      writeFiles(dir, result.files);
      const imports = result.files.flatMap((f) => relativeImports(f.content));
      expect(imports.length).toBeGreaterThan(3);
      for (const specifier of imports) {
        if (extension === "none") expect(specifier).not.toMatch(/\.(js|ts)$/);
        else expect(specifier.endsWith(`.${extension}`), specifier).toBe(true);
      }
      const diagnostics = typeCheck(
        result.files.map((f) => join(dir, f.path)),
        {
          ...compilerOptions[extension],
          jsx: ts.JsxEmit.ReactJSX,
          paths: {
            "@partialgen/runtime": runtime("index.ts"),
            "@partialgen/runtime/client": runtime("client/index.ts"),
            "@partialgen/runtime/react": runtime("react/index.ts"),
          },
        },
      );
      expect(diagnostics).toEqual([]);
    },
  );

  it("rejects an extension it does not know, naming the option", async () => {
    await expect(
      generate([join(FIXTURES, "basic", "schemas")], { importExtension: "mjs" as ImportExtension }),
    ).rejects.toThrow(/importExtension must be one of "js", "ts", "none"; got "mjs"/);
  });
});
