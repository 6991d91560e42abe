import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { MeetingInfo, PartialMeetingInfo } from "../../examples/web/generated/meeting-info.js";
import type { useMeetingInfoStream } from "../../examples/web/generated/meeting-info.react.js";
import { runCli } from "../../generator/cli/run.js";
import { generate } from "../../generator/index.js";
import { OUTPUT, ROOT } from "../generator/helpers.js";

const SCHEMAS = join(ROOT, "examples/meeting/schemas");

describe("partialgen generate --react", () => {
  it("emits a typed reader (no React) and hook per schema, only when asked", async () => {
    const plain = await generate([SCHEMAS]);
    const react = await generate([SCHEMAS], { react: true });
    expect(plain.files.map((f) => f.path)).toEqual([
      "index.ts",
      "meeting-info.hints.ts",
      "meeting-info.ts",
      "meeting-info.validators.ts",
    ]);
    expect(react.files.map((f) => f.path)).toEqual([
      "index.ts",
      "meeting-info.client.ts",
      "meeting-info.hints.ts",
      "meeting-info.react.ts",
      "meeting-info.ts",
      "meeting-info.validators.ts",
    ]);
    for (const f of plain.files) expect(f.content).not.toMatch(/react/i);
    // The other files are the same with or without the flag.
    for (const f of plain.files) expect(react.files.find((r) => r.path === f.path)?.content).toBe(f.content);
    const client = react.files.find((f) => f.path === "meeting-info.client.ts")!.content;
    expect(client).not.toContain("react");
    expect(client).toContain("export function readMeetingInfoStream(");
    expect(react.files.find((f) => f.path === "meeting-info.react.ts")!.content).toContain(
      "export function useMeetingInfoStream<I = void>(",
    );
    // Deterministic: a second run is byte-identical.
    expect((await generate([SCHEMAS], { react: true })).files).toEqual(react.files);
  });

  it("the hook is typed by the schema's types", () => {
    type State = ReturnType<typeof useMeetingInfoStream<string>>;
    expectTypeOf<State["value"]>().toEqualTypeOf<PartialMeetingInfo | undefined>();
    expectTypeOf<State["submit"]>().parameters.toEqualTypeOf<[input: string]>();
    const elementsOf = (s: State) => s.elements("/users/*");
    expectTypeOf(elementsOf).returns.toEqualTypeOf<readonly MeetingInfo["users"][number][]>();
  });

  it("a page importing the hook module gets no validator, Ajv or openai code", async () => {
    const result = await build({
      entryPoints: [join(ROOT, "examples/web/generated/meeting-info.react.ts")],
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "browser",
      external: ["react"],
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /validators|ajv|openai|node_modules/.test(i))).toEqual([]);
  });

  it("the CLI takes --react", async () => {
    const out = join(OUTPUT, "react-cli");
    const io = { out: () => {}, err: () => {} };
    expect(await runCli(["generate", SCHEMAS, "--out", out, "--react", "--quiet"], io)).toBe(0);
    expect(await runCli(["generate", SCHEMAS, "--out", out, "--react", "--check", "--quiet"], io)).toBe(0);
    expect(await runCli(["generate", SCHEMAS, "--out", out, "--check", "--quiet"], io)).toBe(1);
  });
});
