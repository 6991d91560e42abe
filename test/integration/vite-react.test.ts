// apps/vite-react (create-vite's react-ts template with a page on the generated hook): `npm run build`
// (tsc -b && vite build), `vite preview` forwarding /api to apps/node-servers' Express server, the page in Chromium.
import { type FakeOpenAI, startFakeOpenAI } from "@partialgen/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedApp, MINUTES } from "./apps.js";
import { cleanEnv, freePorts, run, type Server, startServer } from "./processes.js";
import { componentScenarios, reviewPageScenarios } from "./review-page.js";

describe("a Vite + React app", () => {
  let fake: FakeOpenAI;
  let api: Server | undefined;
  let preview: Server | undefined;
  let built = "";

  beforeAll(async () => {
    const [app, servers] = await Promise.all([installedApp("vite-react"), installedApp("node-servers")]);
    built = await run(app, "npm", ["run", "build"]);
    await run(servers, "npm", ["run", "build"]);
    fake = await startFakeOpenAI({ responses: [] });
    const [apiPort, previewPort] = await freePorts(2);
    api = await startServer(servers, "npm", ["run", "start:express"], {
      url: `http://127.0.0.1:${apiPort}/`,
      env: cleanEnv({ PORT: String(apiPort), OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: fake.baseURL }),
    });
    const url = `http://127.0.0.1:${previewPort}/`;
    preview = await startServer(
      app,
      "npm",
      ["run", "preview", "--", "--host", "127.0.0.1", "--port", String(previewPort), "--strictPort"],
      { url, env: cleanEnv({ API_ORIGIN: `http://127.0.0.1:${apiPort}` }) },
    );
  }, 15 * MINUTES);

  afterAll(async () => {
    await preview?.stop();
    await api?.stop();
    await fake?.close();
  });

  it("builds with the template's own type check (tsc -b) and vite build", () => {
    expect(built).toMatch(/built in/);
  });

  const target = () => ({ url: preview?.url ?? "", fake });
  reviewPageScenarios(target);
  componentScenarios(target);
});
