// partialgen as users install it: both packages packed, installed from their tarballs into fresh projects outside
// this repository (with openai 5 and 6, or Anthropic's and Google's SDKs, from the registry), the generator run, the output compiled as users compile
// it and run against a local server. CI packs the tarballs from its clean clone (PARTIALGEN_PACKS, see .ci/run);
// elsewhere test/packs.ts packs them once (scripts/pack.mjs).
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../generator/helpers.js";
import { packedTarballs, type Tarballs } from "../packs.js";

const MINUTES = 60_000;
const ROOT_PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  devDependencies: Record<string, string>;
};

let work: string;
let tarballs: Tarballs;

/** The environment of `npm test` minus npm's own variables, which would point child npm runs at this repository. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
}

function run(cwd: string, command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd, env: cleanEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}\n${e.stderr ?? e.message}`);
  }
}

function tarballFiles(tgz: string): string[] {
  return run(work, "tar", ["-tzf", tgz])
    .split("\n")
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ""));
}

/** Bytes of every file under `dir` (what an install puts on disk, before block rounding). */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

function project(name: string, packageJson: object): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(packageJson, null, 2)}\n`);
  return dir;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "partialgen-consumer-"));
  tarballs = packedTarballs();
}, 5 * MINUTES);

afterAll(() => {
  if (work && !process.env.PARTIALGEN_KEEP_CONSUMER) rmSync(work, { recursive: true, force: true });
});

describe("the packed tarballs", () => {
  it("hold the built JavaScript and its types, and no source maps (their sources are not shipped)", () => {
    const runtime = tarballFiles(tarballs.runtime);
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/testing/index.js", "dist/testing/index.d.ts"]) {
      expect(runtime).toContain(f);
    }
    const generator = tarballFiles(tarballs.generator);
    for (const f of ["dist/generator/cli/main.js", "dist/generator/index.d.ts", "dist/reexports/runtime.d.ts"]) {
      expect(generator).toContain(f);
    }
    for (const f of [...runtime, ...generator]) {
      expect(f, "source maps without sources").not.toMatch(/\.map$/);
      expect(f, "tests are not shipped").not.toMatch(/\.test\.[jt]s$/);
    }
    expect(
      generator.filter((f) => f.startsWith("runtime/")),
      "the runtime ships in its own package",
    ).toEqual([]);
  });
});

describe("the packed manifests", () => {
  it("carry no install-time script (installing a tarball runs nothing of ours)", () => {
    for (const tgz of [tarballs.generator, tarballs.runtime]) {
      const manifest = JSON.parse(run(work, "tar", ["-xzOf", tgz, "package/package.json"])) as {
        scripts?: Record<string, string>;
      };
      const installTime = ["preinstall", "install", "postinstall", "prepare"].filter((s) => manifest.scripts?.[s]);
      expect(installTime, tgz).toEqual([]);
    }
  });
});

describe("production install of @partialgen/runtime", () => {
  it("is what production needs: ajv's runtime and formats, no generator machinery, no openai of its own", () => {
    const app = project("lean", { name: "lean-app", version: "1.0.0", private: true, type: "module" });
    run(app, "npm", ["install", "--omit=dev", tarballs.runtime]);
    const modules = join(app, "node_modules");
    const installed = readdirSync(modules)
      .filter((n) => !n.startsWith("."))
      .flatMap((n) => (n.startsWith("@") ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : [n]))
      .sort();
    const bytes = treeBytes(modules);
    console.log(
      `production install of @partialgen/runtime: ${(bytes / 1024 / 1024).toFixed(2)} MB in ${installed.length} packages (goal ≤ 5 MB): ${installed.join(", ")}`,
    );
    for (const heavy of ["openai", "ts-morph", "typescript", "json-schema-to-typescript", "yargs", "partial-json"]) {
      expect(installed).not.toContain(heavy);
    }
    expect(bytes).toBeLessThanOrEqual(5 * 1024 * 1024);
  });
});

const RECIPE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "Recipe",
  type: "object",
  properties: {
    name: { type: "string" },
    servings: { type: "integer", minimum: 1 },
    difficulty: { enum: ["easy", "medium", "hard"] },
    ingredients: {
      type: "array",
      items: {
        type: "object",
        properties: { item: { type: "string" }, grams: { type: "number" } },
        required: ["item"],
        additionalProperties: false,
      },
    },
  },
  required: ["name", "servings", "difficulty", "ingredients"],
  additionalProperties: false,
};

const ANSWER = {
  name: "Pancakes",
  servings: 4,
  difficulty: "easy",
  ingredients: [{ item: "flour", grams: 200 }, { item: "milk", grams: 300 }, { item: "egg" }],
};

const MAIN = `import { startFakeOpenAI } from "@partialgen/runtime/testing";
import OpenAI from "openai";
import { type PartialRecipe, type Recipe, streamRecipe } from "./generated/index.js";

const answer: Recipe = ${JSON.stringify(ANSWER)};
const server = await startFakeOpenAI({ responses: [{ text: JSON.stringify(answer), chunkSize: 3 }] });
const client = new OpenAI({ apiKey: "test", baseURL: server.baseURL });
const snapshots: PartialRecipe[] = [];
const stream = streamRecipe({ client, model: "m", messages: [{ role: "user", content: "pancakes" }], request: { temperature: 0 } });
for await (const snapshot of stream) snapshots.push(snapshot);
const value: Recipe = await stream.final();
await server.close();
console.log(JSON.stringify({ value, snapshots: snapshots.length, firstIngredient: snapshots.find((s) => s.ingredients?.length)?.ingredients?.[0] }));

export function misuse(signal: AbortSignal): void {
  // @ts-expect-error a misspelt option is a compile error
  streamRecipe({ client, model: "m", messages: [], singal: signal });
  // @ts-expect-error request parameters are typed by the installed openai
  streamRecipe({ client, model: "m", messages: [], request: { temprature: 0 } });
}
`;

const TSCONFIG_NODENEXT = {
  compilerOptions: {
    strict: true,
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2023"],
    types: ["node"],
    skipLibCheck: true,
    outDir: "dist",
    rootDir: "src",
  },
  include: ["src"],
};

const TSCONFIG_BUNDLER = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    lib: ["ES2023", "DOM"],
    types: ["node"],
    skipLibCheck: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
  },
  include: ["src"],
};

describe.each([5, 6])("an app on openai@%i, partialgen as a devDependency", (major) => {
  let app: string;

  beforeAll(() => {
    app = project(`openai${major}`, {
      name: `app-on-openai-${major}`,
      version: "9.9.9",
      private: true,
      type: "module",
      dependencies: { "@partialgen/runtime": `file:${tarballs.runtime}`, openai: `^${major}.0.0` },
      devDependencies: {
        partialgen: `file:${tarballs.generator}`,
        typescript: ROOT_PACKAGE.devDependencies.typescript,
        "@types/node": ROOT_PACKAGE.devDependencies["@types/node"],
      },
    });
    run(app, "npm", ["install"]);
  }, 5 * MINUTES);

  it("installs one openai (the app's) and one runtime, shared with the generator", () => {
    const openai = JSON.parse(readFileSync(join(app, "node_modules/openai/package.json"), "utf8")) as {
      version: string;
    };
    expect(openai.version.split(".")[0]).toBe(String(major));
    const duplicates = [
      "node_modules/@partialgen/runtime/node_modules/openai",
      "node_modules/partialgen/node_modules/openai",
      "node_modules/partialgen/node_modules/@partialgen/runtime",
    ].filter((p) => existsSync(join(app, p)));
    expect(duplicates).toEqual([]);
  });

  it("`partialgen --version` prints partialgen's version, not the app's", () => {
    expect(run(app, "npx", ["--no-install", "partialgen", "--version"]).trim()).toBe(ROOT_PACKAGE.version);
  });

  it("generates, compiles under tsc --strict (nodenext and bundler resolution) and streams the answer", () => {
    mkdirSync(join(app, "schemas"), { recursive: true });
    mkdirSync(join(app, "src"), { recursive: true });
    writeFileSync(join(app, "schemas/recipe.json"), JSON.stringify(RECIPE_SCHEMA, null, 2));
    writeFileSync(join(app, "src/main.ts"), MAIN);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG_NODENEXT, null, 2));
    writeFileSync(join(app, "tsconfig.bundler.json"), JSON.stringify(TSCONFIG_BUNDLER, null, 2));

    run(app, "npx", ["--no-install", "partialgen", "generate", "schemas", "--out", "src/generated"]);
    const generated = readFileSync(join(app, "src/generated/recipe.ts"), "utf8");
    expect(generated).toContain('from "@partialgen/runtime"');
    expect(generated).not.toMatch(/from "partialgen/);

    run(app, "npx", ["--no-install", "tsc", "-p", "tsconfig.bundler.json"]);
    run(app, "npx", ["--no-install", "tsc", "-p", "tsconfig.json"]);
    const result = JSON.parse(run(app, "node", ["dist/main.js"])) as {
      value: unknown;
      snapshots: number;
      firstIngredient: unknown;
    };
    expect(result.value).toEqual(ANSWER);
    expect(result.snapshots).toBeGreaterThan(5);
    expect(result.firstIngredient).toBeDefined();
  });
});

const PROVIDERS_MAIN = `import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { startFakeAnthropic, startFakeGemini } from "@partialgen/runtime/testing";
import { type PartialRecipe, type Recipe, streamRecipe } from "./generated/index.js";

const answer: Recipe = ${JSON.stringify(ANSWER)};
const messages = [{ role: "system" as const, content: "Be brief." }, { role: "user" as const, content: "pancakes" }];
const responses = [{ text: JSON.stringify(answer), chunkSize: 3 }];

const anthropicServer = await startFakeAnthropic({ responses });
const anthropic = new Anthropic({ apiKey: "test", baseURL: anthropicServer.baseURL });
const geminiServer = await startFakeGemini({ responses });
const gemini = new GoogleGenAI({ apiKey: "test", httpOptions: { baseUrl: geminiServer.baseURL } });

const results: Record<string, { value: Recipe; snapshots: number }> = {};
for (const [name, stream] of [
  ["anthropic", streamRecipe({ client: anthropic, model: "m", messages, request: { max_tokens: 1024 } })],
  ["gemini", streamRecipe({ client: gemini, model: "m", messages, request: { maxOutputTokens: 1024 } })],
] as const) {
  const snapshots: PartialRecipe[] = [];
  for await (const snapshot of stream) snapshots.push(snapshot);
  results[name] = { value: await stream.final(), snapshots: snapshots.length };
}
await anthropicServer.close();
await geminiServer.close();
console.log(JSON.stringify(results));

export function misuse(): void {
  // @ts-expect-error request parameters are typed by the installed @anthropic-ai/sdk
  streamRecipe({ client: anthropic, model: "m", messages, request: { max_token: 9 } });
  // @ts-expect-error an OpenAI parameter beside an Anthropic client
  streamRecipe({ client: anthropic, model: "m", messages, request: { max_completion_tokens: 9 } });
  // @ts-expect-error request parameters are typed by the installed @google/genai
  streamRecipe({ client: gemini, model: "m", messages, request: { maxOutputToken: 9 } });
  // @ts-expect-error a GoogleGenAI client has no tools mode
  streamRecipe({ client: gemini, model: "m", messages, mode: "tools" });
}
`;

describe("an app on @anthropic-ai/sdk and @google/genai (no openai)", () => {
  let app: string;

  beforeAll(() => {
    app = project("providers", {
      name: "app-on-anthropic-and-gemini",
      version: "1.0.0",
      private: true,
      type: "module",
      dependencies: {
        "@partialgen/runtime": `file:${tarballs.runtime}`,
        "@anthropic-ai/sdk": ROOT_PACKAGE.devDependencies["@anthropic-ai/sdk"],
        "@google/genai": ROOT_PACKAGE.devDependencies["@google/genai"],
      },
      devDependencies: {
        partialgen: `file:${tarballs.generator}`,
        typescript: ROOT_PACKAGE.devDependencies.typescript,
        "@types/node": ROOT_PACKAGE.devDependencies["@types/node"],
      },
    });
    run(app, "npm", ["install"]);
  }, 5 * MINUTES);

  it("generates, compiles under tsc --strict with each SDK's request types, and streams through both SDKs", () => {
    expect(existsSync(join(app, "node_modules/openai")), "openai is an optional peer").toBe(false);
    mkdirSync(join(app, "schemas"), { recursive: true });
    mkdirSync(join(app, "src"), { recursive: true });
    writeFileSync(join(app, "schemas/recipe.json"), JSON.stringify(RECIPE_SCHEMA, null, 2));
    writeFileSync(join(app, "src/main.ts"), PROVIDERS_MAIN);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG_NODENEXT, null, 2));

    run(app, "npx", ["--no-install", "partialgen", "generate", "schemas", "--out", "src/generated"]);
    const generated = readFileSync(join(app, "src/generated/recipe.ts"), "utf8");
    expect(generated).toContain("recipeProviderSchemas");

    run(app, "npx", ["--no-install", "tsc", "-p", "tsconfig.json"]);
    const results = JSON.parse(run(app, "node", ["dist/main.js"])) as Record<
      string,
      { value: unknown; snapshots: number }
    >;
    expect(Object.keys(results)).toEqual(["anthropic", "gemini"]);
    for (const [name, result] of Object.entries(results)) {
      expect(result.value, name).toEqual(ANSWER);
      expect(result.snapshots, name).toBeGreaterThan(5);
    }
  });
});

/** Every entry of both packages, from their manifests: what `require()` must resolve. */
function entries(): string[] {
  const exportsOf = (manifest: string, name: string) =>
    Object.keys((JSON.parse(readFileSync(join(ROOT, manifest), "utf8")) as { exports: object }).exports)
      .filter((key) => key !== "./package.json")
      .map((key) => (key === "." ? name : `${name}/${key.slice(2)}`));
  return [...exportsOf("runtime/package.json", "@partialgen/runtime"), ...exportsOf("package.json", "partialgen")];
}

// require(esm): Node ≥ 20.19 loads our ES modules from CommonJS, through the `default` condition of `exports`.
const REQUIRE_EVERY_ENTRY = `const entries = ${JSON.stringify(entries())};
(async () => {
  const result = {};
  for (const entry of entries) {
    const required = require(entry);
    const imported = await import(entry);
    result[entry] = { required: Object.keys(required).sort(), imported: Object.keys(imported).sort() };
  }
  console.log(JSON.stringify(result));
})();
`;

// A .cts file and generated modules compiled to CommonJS: test/integration/commonjs.test.ts (apps/commonjs).
describe("a CommonJS app (Node ≥ 20.19 require(esm))", () => {
  let app: string;

  beforeAll(() => {
    app = project("commonjs", {
      name: "commonjs-app",
      version: "1.0.0",
      private: true,
      dependencies: {
        "@partialgen/runtime": `file:${tarballs.runtime}`,
        openai: "^6.0.0",
        // Every framework an entry binds (optional peers), so that each entry can be required.
        react: ROOT_PACKAGE.devDependencies.react,
        vue: ROOT_PACKAGE.devDependencies.vue,
        svelte: ROOT_PACKAGE.devDependencies.svelte,
        "solid-js": ROOT_PACKAGE.devDependencies["solid-js"],
        "@angular/core": ROOT_PACKAGE.devDependencies["@angular/core"],
        rxjs: ROOT_PACKAGE.devDependencies.rxjs,
      },
      devDependencies: { partialgen: `file:${tarballs.generator}` },
    });
    run(app, "npm", ["install"]);
  }, 5 * MINUTES);

  it("require() resolves every entry of both packages, with the exports import() gives", () => {
    writeFileSync(join(app, "every-entry.cjs"), REQUIRE_EVERY_ENTRY);
    const result = JSON.parse(run(app, "node", ["every-entry.cjs"])) as Record<
      string,
      { required: string[]; imported: string[] }
    >;
    expect(Object.keys(result)).toEqual(entries());
    for (const [entry, { required, imported }] of Object.entries(result)) {
      expect(required.length, entry).toBeGreaterThan(0);
      expect(required, entry).toEqual(imported.filter((name) => name !== "module.exports"));
    }
  });
});
