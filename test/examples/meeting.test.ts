import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeAnthropic, startFakeGemini } from "@partialgen/runtime/testing";
import { describe, expect, it } from "vitest";
import { meetingClient } from "../../examples/meeting/client.js";
import { streamMeetingInfo } from "../../examples/meeting/generated/index.js";
import { meetingMessages } from "../../examples/meeting/prompt.js";
import { changedPointer, renderValue } from "../../examples/meeting/render.js";
import { recordedResponse } from "../../examples/meeting/replay.js";
import { runCli } from "../../generator/cli/run.js";
import { OUTPUT, ROOT } from "../generator/helpers.js";

/** Runs a TypeScript entry point the way `npm run demo` does, without a TTY and without an API key. */
function run(file: string): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, PARTIALGEN_REPLAY_DELAY_MS: "0", NO_COLOR: "1" };
  delete env.OPENAI_API_KEY;
  delete env.ANTHROPIC_API_KEY;
  delete env.GEMINI_API_KEY;
  const result = spawnSync(process.execPath, ["--import", "tsx", file], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run demo", () => {
  it("without an API key, replays a recorded answer and says so; one line per snapshot in a non-TTY", () => {
    const { status, stdout } = run("examples/meeting/demo.ts");
    expect(status).toBe(0);
    expect(stdout).toContain("No OPENAI_API_KEY: replaying a recorded model answer");
    const lines = stdout.split("\n").filter((l) => l.startsWith("["));
    expect(lines.length).toBeGreaterThan(50);
    const firstName = lines.findIndex((l) => l.includes("(writing /users/0/name)"));
    const budget = lines.findIndex((l) => l.includes("(writing /budget)"));
    expect(firstName).toBeGreaterThanOrEqual(0);
    expect(budget).toBeGreaterThan(firstName);
    expect(stdout).toContain("✓ valid MeetingInfo: 3 users, budget $50,000");
    expect(stdout).toMatch(
      /first field after \d+ ms · complete after \d+ ms · \d+ snapshots · tokens: \d+ prompt \+ \d+ completion \(replay\)/,
    );
  });
});

describe("the examples' client", () => {
  it("with ANTHROPIC_API_KEY (and no OPENAI_API_KEY) calls Anthropic's Messages API", async () => {
    const fake = await startFakeAnthropic({ responses: [recordedResponse(0)] });
    try {
      const mc = await meetingClient({ ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: fake.baseURL });
      expect(mc).toMatchObject({ replay: false, baseURL: fake.baseURL, model: "claude-haiku-4-5" });
      const stream = streamMeetingInfo({ client: mc.client, model: mc.model, messages: meetingMessages() });
      expect((await stream.final()).budget).toBe(50000);
      expect(fake.received[0]?.path).toBe("/v1/messages");
    } finally {
      await fake.close();
    }
  });
});

describe("the examples' client with GEMINI_API_KEY", () => {
  it("calls Gemini's streamGenerateContent (when no OpenAI or Anthropic key is set)", async () => {
    const fake = await startFakeGemini({ responses: [recordedResponse(0)] });
    try {
      const mc = await meetingClient({ GEMINI_API_KEY: "k", GEMINI_BASE_URL: fake.baseURL });
      expect(mc).toMatchObject({ replay: false, baseURL: fake.baseURL, model: "gemini-2.5-flash" });
      const stream = streamMeetingInfo({ client: mc.client, model: mc.model, messages: meetingMessages() });
      expect((await stream.final()).budget).toBe(50000);
      expect(fake.received[0]?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    } finally {
      await fake.close();
    }
  });
});

describe("partialgen example", () => {
  it("lists the examples", async () => {
    const out: string[] = [];
    expect(await runCli(["example", "list"], { out: (l) => out.push(l), err: () => {} })).toBe(0);
    expect(out.join("\n")).toContain("partial_streaming");
  });

  it("pull prints a file that runs as written against the replay", async () => {
    const out: string[] = [];
    expect(await runCli(["example", "pull", "partial_streaming"], { out: (l) => out.push(l), err: () => {} })).toBe(0);
    expect(out.join("\n")).toBe(readFileSync(join(ROOT, "examples/meeting/partial-streaming.ts"), "utf8").trimEnd());
    const dir = join(OUTPUT, "pulled");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "partial_streaming.ts"), `${out.join("\n")}\n`);
    const { status, stdout, stderr } = run(join(dir, "partial_streaming.ts"));
    expect(stderr).not.toContain("Error");
    expect(status).toBe(0);
    expect(stdout).toContain("3 users, budget 50000, on 2024-03-15");
  });

  it("an unknown example is a usage error naming the available ones", async () => {
    const err: string[] = [];
    expect(await runCli(["example", "pull", "nope"], { out: () => {}, err: (l) => err.push(l) })).toBe(2);
    expect(err.join("\n")).toContain("available: partial_streaming");
  });
});

describe("terminal rendering", () => {
  it("finds the field being written by following changed identities", () => {
    const users = [{ name: "Ada" }];
    const before = { users, date: "2024" };
    expect(changedPointer(before, { users, date: "2024-0" })).toBe("/date");
    expect(changedPointer(before, { users: [{ name: "Ada L" }], date: "2024" })).toBe("/users/0/name");
    expect(changedPointer(undefined, { a: {} })).toBe("");
    expect(changedPointer(before, before)).toBeUndefined();
  });

  it("marks the field being written and prints plain text without colour", () => {
    const lines = renderValue({ users: [{ name: "Ada" }], budget: 5 }, "/users/0/name", false);
    expect(lines.join("\n")).toBe(
      ["{", '  "users": [', "    {", '      "name": "Ada"   ← writing', "    }", "  ],", '  "budget": 5', "}"].join(
        "\n",
      ),
    );
  });
});
