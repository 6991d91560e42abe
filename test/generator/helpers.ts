import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import type { GeneratedFile } from "../../generator/index.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const FIXTURES = join(ROOT, "test/fixtures/generator");
export const OUTPUT = join(ROOT, "test-output");

/** Fixture cases that generate (a `schemas` folder and reviewed `expected` output); error cases live beside them. */
export function fixtureCases(): string[] {
  return readdirSync(FIXTURES)
    .filter((name) => existsSync(join(FIXTURES, name, "schemas")))
    .sort();
}

/** Cases whose schemas use what OpenAI strict mode cannot express are generated with --no-strict. */
/**
 * Cases whose schemas use what OpenAI strict mode cannot express, or lose a keyword in it (basic: minLength,
 * maxLength), are generated with --no-strict.
 */
export const fixtureOptions = (name: string) => ({ strict: name !== "non-strict" && name !== "basic" });

export function writeFiles(dir: string, files: readonly GeneratedFile[]): void {
  rmSync(dir, { recursive: true, force: true });
  for (const file of files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
}

/**
 * Type-checks files as one strict program (module nodenext, as a user's project would), with
 * "@partialgen/runtime" (and its entries) resolved to this repository's runtime sources. Returns formatted diagnostics.
 */
export function typeCheck(rootNames: readonly string[], extra: ts.CompilerOptions = {}): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    types: ["node"],
    baseUrl: ROOT,
    // The hints module imports the browser entry's types.
    paths: {
      "@partialgen/runtime": ["runtime/index.ts"],
      "@partialgen/runtime/client": ["runtime/client/index.ts"],
      "@partialgen/runtime/testing": ["runtime/testing/index.ts"],
    },
    ...extra,
  };
  const program = ts.createProgram(rootNames, options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : "";
    return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
  });
}

/** Every `any` keyword in a TypeScript source (found in the syntax tree, so comments and strings do not count). */
export function anyKeywords(fileName: string, text: string): number {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  let count = 0;
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) count++;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return count;
}
