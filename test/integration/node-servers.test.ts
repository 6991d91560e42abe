// Node servers built from apps/node-servers (node:http, Express, Hono), each answering toResponse(), read by the
// app's own readObjectStream client, all against a local OpenAI-compatible server.
import { type FakeOpenAI, startFakeOpenAI } from "@partialgen/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedApp, MINUTES, REVIEW, REVIEW_TEXT, SECRET, UNAUTHORIZED } from "./apps.js";
import { cleanEnv, freePorts, run, type Server, startServer } from "./processes.js";

interface Line {
  snapshot?: Partial<typeof REVIEW>;
  final?: typeof REVIEW;
  error?: { name: string; message: string; status?: number };
}

let app: string;
let fake: FakeOpenAI;

beforeAll(async () => {
  app = await installedApp("node-servers");
  await run(app, "npm", ["run", "build"]);
  fake = await startFakeOpenAI({ responses: [] });
}, 10 * MINUTES);

afterAll(async () => {
  await fake?.close();
});

describe.each(["http", "express", "hono"])("the %s server", (name) => {
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    const [port] = await freePorts(1);
    endpoint = `http://127.0.0.1:${port}/api/review`;
    server = await startServer(app, "npm", ["run", `start:${name}`], {
      url: `http://127.0.0.1:${port}/`,
      env: cleanEnv({ PORT: String(port), OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: fake.baseURL }),
    });
  }, MINUTES);

  afterAll(async () => {
    await server?.stop();
  });

  async function read(env: NodeJS.ProcessEnv = {}): Promise<Line[]> {
    const out = await run(app, "node", ["dist/read-review.js", endpoint, REVIEW_TEXT], cleanEnv(env));
    return out
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Line);
  }

  it("streams growing snapshots to readObjectStream, then the validated value", async () => {
    // Spread in time: chunks arriving together are one network read, whose snapshots a client sees merged.
    fake.push({ text: JSON.stringify(REVIEW), chunkSize: 5, delayMs: 5 });
    const lines = await read();
    const snapshots = lines.flatMap((l) => (l.snapshot ? [l.snapshot] : []));
    expect(lines.at(-1)).toEqual({ final: REVIEW });
    expect(snapshots.length).toBeGreaterThan(10);
    for (const s of snapshots) {
      expect(REVIEW.title.startsWith(s.title ?? "")).toBe(true);
      expect(REVIEW.summary.startsWith(s.summary ?? "")).toBe(true);
      // An enum value shows only once complete.
      if (s.rating !== undefined) expect(s.rating).toBe(REVIEW.rating);
    }
    expect(snapshots.some((s) => s.title !== undefined && s.title !== REVIEW.title)).toBe(true);
    expect(JSON.stringify(fake.requests.at(-1))).toContain(REVIEW_TEXT);
  });

  it("a client that leaves mid-stream cancels the model's request", async () => {
    fake.push({ text: JSON.stringify(REVIEW), chunkSize: 3, delayMs: 25 });
    const lines = await read({ STOP_AFTER: "3" });
    expect(lines.length).toBe(3);
    await expect.poll(() => fake.received.at(-1)?.closedByClient, { timeout: 10_000 }).toBe(true);
  });

  it("an upstream 401 reaches the client as a ConnectionError with its status, without the provider's text", async () => {
    fake.push(UNAUTHORIZED);
    const lines = await read();
    expect(lines.at(-1)?.error).toMatchObject({ name: "ConnectionError", status: 401 });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });
});
