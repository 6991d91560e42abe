// apps/next (what create-next-app writes: App Router, its tsconfig with moduleResolution "bundler") with a route
// handler returning toResponse() and a page on the generated hook: `next build` with Turbopack (the default) and
// with --webpack from one install, each served by `next start` and driven in Chromium.
import { type FakeOpenAI, startFakeOpenAI } from "@partialgen/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedApp, MINUTES } from "./apps.js";
import { cleanEnv, freePorts, run, type Server, startServer } from "./processes.js";
import { reviewPageScenarios } from "./review-page.js";

let app: string;
let fake: FakeOpenAI;

beforeAll(async () => {
  app = await installedApp("next");
  fake = await startFakeOpenAI({ responses: [] });
}, 10 * MINUTES);

afterAll(async () => {
  await fake?.close();
});

describe.each([
  { bundler: "Turbopack", flags: [] },
  { bundler: "webpack", flags: ["--", "--webpack"] },
])("a Next.js app built with $bundler", ({ bundler, flags }) => {
  let server: Server | undefined;
  let built = "";

  beforeAll(async () => {
    built = await run(app, "npm", ["run", "build", ...flags]);
    const [port] = await freePorts(1);
    server = await startServer(app, "npm", ["run", "start", "--", "-H", "127.0.0.1", "-p", String(port)], {
      url: `http://127.0.0.1:${port}/`,
      env: cleanEnv({ OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: fake.baseURL }),
    });
  }, 10 * MINUTES);

  afterAll(async () => {
    await server?.stop();
  });

  it(`next build (${bundler}) type-checks and builds the generated code as generated`, () => {
    expect(built).toContain(`(${bundler})`);
    expect(built).toMatch(/\/api\/review/);
  });

  reviewPageScenarios(() => ({ url: server?.url ?? "", fake }));
});
