// apps/commonjs: a CommonJS TypeScript package (no "type": "module", module nodenext), as many Node services
// still are. tsc compiles its code and the generated modules to require() calls, which must load and run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeOpenAI, startFakeOpenAI } from "@partialgen/runtime/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { installedApp, MINUTES, REVIEW } from "./apps.js";
import { cleanEnv, run } from "./processes.js";

let app: string;
let fake: FakeOpenAI;

beforeAll(async () => {
  app = await installedApp("commonjs");
  await run(app, "npm", ["run", "build"]);
  fake = await startFakeOpenAI({ responses: [] });
}, 10 * MINUTES);

afterAll(async () => {
  await fake?.close();
});

it("require() loads every entry of both packages, typed", async () => {
  const loaded = JSON.parse(await run(app, "node", ["dist/entries.cjs"])) as Record<string, string>;
  expect(loaded).toEqual({
    "@partialgen/runtime": "function",
    "@partialgen/runtime/client": "function",
    "@partialgen/runtime/client/schema-hints": "function",
    "@partialgen/runtime/react": "function",
    "@partialgen/runtime/testing": "function",
    partialgen: "function",
    "partialgen/runtime": "function",
    "partialgen/testing": "function",
    "partialgen/examples/meeting": "object",
  });
});

it("the generated modules, compiled to CommonJS, stream the answer", async () => {
  fake.push({ text: JSON.stringify(REVIEW), chunkSize: 5 });
  const env = cleanEnv({ OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: fake.baseURL });
  const out = await run(app, "npm", ["start", "--silent", "--", "a review"], env);
  const result = JSON.parse(out) as { snapshots: number; final: unknown };
  expect(result.final).toEqual(REVIEW);
  expect(result.snapshots).toBeGreaterThan(5);
  expect(readFileSync(join(app, "dist/generated/product-review.js"), "utf8")).toContain(
    'require("@partialgen/runtime")',
  );
});
