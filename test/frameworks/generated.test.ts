import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../generator/cli/run.js";
import { generate } from "../../generator/index.js";
import { FRAMEWORKS } from "../../templates/framework-modules.js";
import { anyKeywords, OUTPUT, ROOT, typeCheck, writeFiles } from "../generator/helpers.js";

const SCHEMAS = join(ROOT, "examples/meeting/schemas");
const FUNCTIONS = {
  react: "useMeetingInfoStream",
  vue: "useMeetingInfoStream",
  svelte: "createMeetingInfoStream",
  solid: "createMeetingInfoStream",
  angular: "injectMeetingInfoStream",
} as const;

/** A page per framework using its generated binding: the value, elements and a misspelt pattern, type-checked. */
const USES = {
  react: ["s.value", 's.elements("/users/*")', 's.elements("/userz/*")'],
  vue: ["s.value.value", 's.elements("/users/*").value', 's.elements("/userz/*")'],
  svelte: ["get(s).value", 'get(s.elements("/users/*"))', 's.elements("/userz/*")'],
  solid: ["s.value()", 's.elements("/users/*")()', 's.elements("/userz/*")'],
  angular: ["s.value()", 's.elements("/users/*")()', 's.elements("/userz/*")'],
} as const;

function page(framework: (typeof FRAMEWORKS)[number]): string {
  const [value, users, misspelt] = USES[framework];
  return `import type { MeetingInfo, PartialMeetingInfo } from "./meeting-info.js";
import { ${FUNCTIONS[framework]} } from "./meeting-info.${framework}.js";
${framework === "svelte" ? 'import { get } from "svelte/store";\n' : ""}
export function use(): void {
  const s = ${FUNCTIONS[framework]}<string>({ api: "/api/extract" });
  s.submit("notes");
  const value: PartialMeetingInfo | undefined = ${value};
  const users: readonly MeetingInfo["users"][number][] = ${users};
  // @ts-expect-error a pattern that names no value of MeetingInfo
  ${misspelt};
  // @ts-expect-error the input is a string
  s.submit(1);
  void [value, users];
}
`;
}

describe("partialgen generate --framework", () => {
  it("emits the client module once and one typed binding per framework; the other files unchanged", async () => {
    const plain = await generate([SCHEMAS]);
    const all = await generate([SCHEMAS], { frameworks: [...FRAMEWORKS] });
    expect(all.files.map((f) => f.path).sort()).toEqual(
      [
        ...plain.files.map((f) => f.path),
        "meeting-info.client.ts",
        ...FRAMEWORKS.map((f) => `meeting-info.${f}.ts`),
      ].sort(),
    );
    for (const f of plain.files) expect(all.files.find((a) => a.path === f.path)?.content).toBe(f.content);
    for (const framework of FRAMEWORKS) {
      const content = all.files.find((f) => f.path === `meeting-info.${framework}.ts`)!.content;
      expect(content).toContain(`export function ${FUNCTIONS[framework]}<I = void>(`);
      expect(content).toContain(`from "@partialgen/runtime/${framework}"`);
      // Types only from the schema module: its values would bring the validators into the page.
      expect(content).toContain('import type { MeetingInfo, PartialMeetingInfo } from "./meeting-info.js";');
      expect(content).not.toMatch(/validators/);
    }
    // The hint table is emitted once, in a module that imports runtime types only (so a page gets no validators);
    // the schema module and every browser module import it from there.
    const tables = all.files.filter((f) => f.content.includes('"$partialgen": "stream-hints"')).map((f) => f.path);
    expect(tables).toEqual(["meeting-info.hints.ts"]);
    const hints = all.files.find((f) => f.path === "meeting-info.hints.ts")!.content;
    expect(hints.match(/^import .*$/gm)).toEqual(['import type * as partialgen from "@partialgen/runtime/client";']);
    for (const f of all.files.filter((f) => /^meeting-info\.(?!hints|validators)/.test(f.path)))
      expect(f.content, f.path).toContain('import { meetingInfoStreamHints } from "./meeting-info.hints.js";');
    // --react is --framework react: the same files.
    expect((await generate([SCHEMAS], { react: true })).files).toEqual(
      (await generate([SCHEMAS], { frameworks: ["react"] })).files,
    );
  });

  it("the emitted modules compile under tsc --strict with no any, typed by the schema", async () => {
    const dir = join(OUTPUT, "framework-generated");
    const { files } = await generate([SCHEMAS], { frameworks: [...FRAMEWORKS] });
    const pages = FRAMEWORKS.map((f) => ({ path: `page.${f}.ts`, content: page(f) }));
    writeFiles(dir, [...files, ...pages]);
    for (const f of files) expect(anyKeywords(f.path, f.content)).toBe(0);
    const entries = ["client", ...FRAMEWORKS].map((e) => [`@partialgen/runtime/${e}`, [`runtime/${e}/index.ts`]]);
    const diagnostics = typeCheck(
      [...files, ...pages].map((f) => join(dir, f.path)),
      { paths: { "@partialgen/runtime": ["runtime/index.ts"], ...Object.fromEntries(entries) } },
    );
    expect(diagnostics).toEqual([]);
  });

  it("the CLI takes --framework repeated or comma-separated, and --react", async () => {
    const out = join(OUTPUT, "framework-cli");
    const io = { out: () => {}, err: () => {} };
    const args = ["generate", SCHEMAS, "--out", out, "--quiet"];
    expect(await runCli([...args, "--framework", "vue,svelte", "--framework", "solid", "--react"], io)).toBe(0);
    const same = ["--framework", "react,vue", "--framework", "svelte,solid", "--check"];
    expect(await runCli([...args, ...same], io)).toBe(0);
    expect(await runCli([...args, "--framework", "vue", "--check"], io)).toBe(1);
    const errors: string[] = [];
    expect(await runCli([...args, "--framework", "preact"], { out: () => {}, err: (e) => errors.push(e) })).toBe(2);
    expect(errors.join("\n")).toContain('unknown framework "preact"');
  });
});
