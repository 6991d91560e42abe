// One app per bound framework, each made with that framework's own tool (create-vite's vue-ts, svelte-ts and
// solid-ts templates; the Angular CLI's application builder) on the binding `partialgen generate --framework`
// writes: built with the template's build script, served by its preview server forwarding /api to apps/node-servers'
// Express server, and driven in Chromium through the same table of scenarios, so the bindings cannot drift apart.
// Angular is at 21, the last major whose CLI runs on Node 20.
import { type FakeOpenAI, startFakeOpenAI } from "@partialgen/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedApp, MINUTES } from "./apps.js";
import { cleanEnv, freePorts, run, type Server, startServer } from "./processes.js";
import { componentScenarios, reviewPageScenarios } from "./review-page.js";

interface FrameworkApp {
  name: string;
  /** The template's scripts that type-check and build the app, in order. */
  build: string[];
  /** What the build prints when it succeeded. */
  built: RegExp;
  /** npm's arguments serving the built app on a port, /api forwarded to the origin in API_ORIGIN. */
  serve(port: string): string[];
}

const vitePreview = (port: string) => ["run", "preview", "--", "--host", "127.0.0.1", "--port", port, "--strictPort"];
// The Angular CLI has no preview server: ng serve, production build, nothing watched.
const ngServe = (port: string) => [
  ...["start", "--", "--configuration", "production", "--host", "127.0.0.1", "--port", port],
  ...["--watch=false", "--live-reload=false", "--hmr=false"],
];

const APPS: FrameworkApp[] = [
  { name: "vue", build: ["build"], built: /built in/, serve: vitePreview }, // vue-tsc -b && vite build
  { name: "svelte", build: ["check", "build"], built: /built in/, serve: vitePreview }, // svelte-check, then vite build
  { name: "solid", build: ["build"], built: /built in/, serve: vitePreview }, // tsc -b && vite build
  { name: "angular", build: ["build"], built: /Application bundle generation complete/, serve: ngServe }, // ng build
];

describe.each(APPS)("the $name app", (framework) => {
  let fake: FakeOpenAI;
  let api: Server | undefined;
  let preview: Server | undefined;
  let built = "";

  beforeAll(async () => {
    const started = Date.now();
    const [app, servers] = await Promise.all([installedApp(framework.name), installedApp("node-servers")]);
    const installed = Date.now();
    for (const script of framework.build) built += await run(app, "npm", ["run", script]);
    await run(servers, "npm", ["run", "build"]);
    fake = await startFakeOpenAI({ responses: [] });
    const [apiPort, previewPort] = await freePorts(2);
    api = await startServer(servers, "npm", ["run", "start:express"], {
      url: `http://127.0.0.1:${apiPort}/`,
      env: cleanEnv({ PORT: String(apiPort), OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: fake.baseURL }),
    });
    preview = await startServer(app, "npm", framework.serve(String(previewPort)), {
      url: `http://127.0.0.1:${previewPort}/`,
      env: cleanEnv({ API_ORIGIN: `http://127.0.0.1:${apiPort}` }),
    });
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    console.info(
      `${framework.name}: install + generate ${seconds(installed - started)} s, check, build and servers up ${seconds(Date.now() - installed)} s`,
    );
  }, 15 * MINUTES);

  afterAll(async () => {
    await preview?.stop();
    await api?.stop();
    await fake?.close();
  });

  it("type-checks and builds with the template's own scripts", () => {
    expect(built).toMatch(framework.built);
  });

  const target = () => ({ url: preview?.url ?? "", fake });
  reviewPageScenarios(target);
  componentScenarios(target);
});
