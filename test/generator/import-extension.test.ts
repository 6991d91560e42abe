import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../generator/cli/run.js";
import { type ImportExtension, inferImportExtension } from "../../generator/index.js";
import { FIXTURES } from "./helpers.js";

// Outside the repository: its own tsconfig.json (nodenext) would govern every folder below it.
const WORK = mkdtempSync(join(tmpdir(), "partialgen-import-extension-"));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

let projects = 0;
/** A fresh project folder holding the given files (JSON values are written as JSON). */
function project(files: Record<string, unknown>): string {
  const dir = join(WORK, `p${projects++}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

const relativeImports = (text: string) => [...text.matchAll(/from "(\.\/[^"]*)"/g)].map((m) => m[1] as string);

describe("the import extension inferred from the tsconfig.json that governs the output folder", () => {
  const cases: [string, Record<string, unknown>, string, ImportExtension][] = [
    ["no tsconfig", {}, "src/generated", "js"],
    [
      "Next.js (moduleResolution bundler)",
      { "tsconfig.json": { compilerOptions: { module: "esnext", moduleResolution: "bundler" } } },
      "src/generated",
      "none",
    ],
    [
      "module preserve (implies bundler)",
      { "tsconfig.json": { compilerOptions: { module: "preserve" } } },
      "gen",
      "none",
    ],
    ["NodeNext", { "tsconfig.json": { compilerOptions: { module: "nodenext" } } }, "gen", "js"],
    ["Node16", { "tsconfig.json": { compilerOptions: { moduleResolution: "node16", module: "node16" } } }, "gen", "js"],
    [
      "NodeNext with allowImportingTsExtensions (Node's type stripping)",
      { "tsconfig.json": { compilerOptions: { module: "nodenext", allowImportingTsExtensions: true, noEmit: true } } },
      "gen",
      "ts",
    ],
    [
      "allowImportingTsExtensions under classic resolution (Deno, Bun)",
      {
        "tsconfig.json": {
          compilerOptions: {
            module: "esnext",
            moduleResolution: "classic",
            allowImportingTsExtensions: true,
            noEmit: true,
          },
        },
      },
      "gen",
      "ts",
    ],
    ["CommonJS (node10)", { "tsconfig.json": { compilerOptions: { module: "commonjs" } } }, "gen", "none"],
    [
      "extends, followed (a relative base)",
      {
        "tsconfig.base.json": { compilerOptions: { moduleResolution: "bundler", module: "esnext" } },
        "app/tsconfig.json": { extends: "../tsconfig.base.json", compilerOptions: { strict: true } },
      },
      "app/src/generated",
      "none",
    ],
    [
      "extends a package's tsconfig",
      {
        "node_modules/@acme/tsconfig/package.json": { name: "@acme/tsconfig", version: "1.0.0" },
        "node_modules/@acme/tsconfig/node.json": { compilerOptions: { module: "nodenext" } },
        "tsconfig.json": { extends: "@acme/tsconfig/node.json" },
      },
      "gen",
      "js",
    ],
    [
      "the nearest tsconfig.json wins",
      {
        "tsconfig.json": { compilerOptions: { module: "nodenext" } },
        "web/tsconfig.json": { compilerOptions: { module: "esnext", moduleResolution: "bundler" } },
      },
      "web/src/generated",
      "none",
    ],
    [
      "comments and trailing commas (tsconfig is JSONC)",
      {
        "tsconfig.json":
          '{\n  // the app\n  "compilerOptions": { "moduleResolution": "bundler", "module": "esnext", },\n}\n',
      },
      "gen",
      "none",
    ],
    [
      "Vite's solution-style tsconfig.json: the referenced project that includes the folder",
      {
        "tsconfig.json": { files: [], references: [{ path: "./tsconfig.app.json" }, { path: "./tsconfig.node.json" }] },
        "tsconfig.app.json": {
          compilerOptions: {
            module: "ESNext",
            moduleResolution: "bundler",
            allowImportingTsExtensions: true,
            noEmit: true,
          },
          include: ["src"],
        },
        "tsconfig.node.json": { compilerOptions: { module: "nodenext" }, include: ["vite.config.ts"] },
      },
      "src/generated",
      "none",
    ],
  ];

  it.each(cases)("%s", (_name, files, out, expected) => {
    const dir = project(files);
    expect(inferImportExtension(join(dir, out)).extension).toBe(expected);
  });

  it("names the tsconfig.json it read and why", () => {
    const dir = project({ "tsconfig.json": { compilerOptions: { module: "esnext", moduleResolution: "bundler" } } });
    expect(inferImportExtension(join(dir, "gen"))).toEqual({
      extension: "none",
      tsconfig: join(dir, "tsconfig.json"),
      reason: "moduleResolution is bundler",
    });
  });

  it("a tsconfig.json that cannot be read is an error naming it and the way out", () => {
    const dir = project({ "tsconfig.json": '{ "compilerOptions": { "module": ' });
    expect(() => inferImportExtension(join(dir, "gen"))).toThrow(
      new RegExp(`cannot read ${join(dir, "tsconfig.json").replace(/[/\\.]/g, "\\$&")}.*--import-extension`),
    );
  });
});

describe("partialgen generate --import-extension", () => {
  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }
  const nextApp = () =>
    project({
      "tsconfig.json": { compilerOptions: { module: "esnext", moduleResolution: "bundler", jsx: "preserve" } },
      "schemas/meeting-info.json": readFileSync(join(FIXTURES, "basic", "schemas", "meeting-info.json"), "utf8"),
    });

  it("infers it, says so, and --check infers the same (a fresh generate is up to date)", async () => {
    const dir = nextApp();
    const generated = await cli("generate", join(dir, "schemas"), "--out", join(dir, "src/generated"), "--react");
    expect(generated.code).toBe(0);
    expect(generated.out).toMatch(/imports between generated modules use no extension \(moduleResolution is bundler/);
    const index = readFileSync(join(dir, "src/generated/index.ts"), "utf8");
    expect(relativeImports(index)).toEqual(["./meeting-info"]);
    const check = await cli(
      "generate",
      join(dir, "schemas"),
      "--out",
      join(dir, "src/generated"),
      "--react",
      "--check",
    );
    expect(check).toMatchObject({ code: 0 });
    expect(check.out).toContain("is up to date");
  });

  it("the option overrides the inference, and --check compares with what the option generates", async () => {
    const dir = nextApp();
    const args = ["generate", join(dir, "schemas"), "--out", join(dir, "gen")];
    expect((await cli(...args, "--import-extension", "js")).code).toBe(0);
    for (const file of readdirSync(join(dir, "gen")))
      for (const specifier of relativeImports(readFileSync(join(dir, "gen", file), "utf8")))
        expect(specifier).toMatch(/\.js$/);
    expect((await cli(...args, "--import-extension", "js", "--check")).code).toBe(0);
    const stale = await cli(...args, "--check");
    expect(stale.code).toBe(1);
    expect(stale.err).toContain("stale:");
  });

  it("an unknown value is a usage error listing the choices", async () => {
    const dir = nextApp();
    const result = await cli("generate", join(dir, "schemas"), "--out", join(dir, "gen"), "--import-extension", "mjs");
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/Choices: "js", "ts", "none"/);
  });
});
