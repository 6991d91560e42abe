import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { compile } from "json-schema-to-typescript";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../generator/cli/run.js";
import { generate, schemaName } from "../../generator/generate.js";
import { MAX_DEPTH } from "../../generator/load/schema-files.js";
import { GenerateError } from "../../generator/schema/errors.js";
import { runInChild } from "./child.js";
import { FIXTURES, OUTPUT } from "./helpers.js";

const NAMES = join(FIXTURES, "hostile-names");
const ERRORS = join(FIXTURES, "hostile-errors");
/** A file of ERRORS as messages name it (relative to the working directory). */
const shown = (file: string) => relative(process.cwd(), join(ERRORS, file));
const WORK = join(OUTPUT, "hostile");

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function declaredName(title: string): Promise<string | undefined> {
  const out = await compile({ title, type: "object" }, "", { bannerComment: "", format: false });
  return /^export interface (\S+)/m.exec(out)?.[1];
}

beforeEach(() => mkdirSync(WORK, { recursive: true }));
afterEach(() => rmSync(WORK, { recursive: true, force: true }));

describe("names that collide with globals, our imports, reserved words or each other", () => {
  it("every hostile-names module imports in a fresh process and its validators run", () => {
    // The reviewed output (fixtures.test.ts keeps it current; fixtures.compile.test.ts compiles it under tsc --strict).
    const index = join(NAMES, "expected", "index.ts");
    const result = runInChild(
      WORK,
      `
      const mods = await import(${JSON.stringify(index)});
      const out = { pwned: Object.keys(globalThis).filter((k) => k.startsWith("pwned")), checks: [] };
      for (const [name, value] of Object.entries(mods)) {
        if (typeof value !== "function") continue;
        if (name.startsWith("validatePartial")) out.checks.push([name, value({}), value({ n: "x" })]);
        else if (name.startsWith("validate")) out.checks.push([name, value({ n: 1 }), value({ n: "x" })]);
        else if (name.startsWith("stream")) out.checks.push([name, true, false]);
      }
      console.log(JSON.stringify(out));
    `,
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const out = JSON.parse(result.stdout) as { pwned: string[]; checks: [string, boolean, boolean][] };
    expect(out.pwned).toEqual([]);
    const schemas = readdirSync(join(NAMES, "schemas")).length;
    expect(out.checks.length).toBe(schemas * 3);
    for (const [name, accepts, rejects] of out.checks) expect([name, accepts, rejects]).toEqual([name, true, false]);
  });

  it("names are json-schema-to-typescript's: E2EResult, Oauth2Client, S3Bucket; titles without letters fall back to the file name", async () => {
    const index = readFileSync(join(NAMES, "expected", "index.ts"), "utf8");
    for (const name of ["E2EResult", "Oauth2Client", "S3Bucket", "Array", "Object", "RegExp", "JSONSchema", "Index"])
      expect(index).toContain(`  type ${name},\n`);
    expect(index).toContain("type TitleDigits,"); // title "123"
    expect(index).toContain("type TitleCjk,"); // title "日本語"
    expect(index).toContain('from "./index-schema.js"'); // title "Index" does not overwrite index.ts
    // A 300-character title: the identifier is whole, the file name short enough for any file system.
    for (const file of readdirSync(join(NAMES, "expected"))) expect(Buffer.byteLength(file)).toBeLessThan(140);
  });

  it("property: for any title, the name partialgen references is the one json-schema-to-typescript declares", async () => {
    const title = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 24 }),
      fc.stringMatching(/^[a-zA-Z0-9_$ -]{1,16}$/),
      fc.constantFrom("e2e-result", "oauth2client", "s3bucket", "ab_Test", "$x", "_a_b", "3d", "a1b2c3"),
    );
    await fc.assert(
      fc.asyncProperty(title, async (t) => {
        const name = schemaName({ path: "/x/fallback-name.json", displayPath: "x.json", schema: { title: t } });
        // json-schema-to-typescript's own output for the schema as the user wrote it. Where nothing of the
        // title survives it says "NoName" (or, for "", declares nothing); partialgen then takes the file name, again by its naming.
        const fromTitle = await declaredName(t);
        if (fromTitle === "NoName" || fromTitle === undefined)
          expect(["NoName", await declaredName("fallback-name")]).toContain(name);
        else expect(name).toBe(fromTitle);
      }),
      { numRuns: 150 },
    );
  });

  it("two schemas whose names collide after naming stop the run, naming both files, before anything is written", async () => {
    const out = join(WORK, "out");
    for (const [dir, exported] of [
      ["collide-case", '"abTestJsonSchema"'],
      ["collide-partial", '"PartialFoo"'],
    ] as const) {
      const result = await cli("generate", join(ERRORS, dir), "--out", out);
      expect(result.code, dir).toBe(1);
      expect(result.err).toContain(exported);
      const files = readdirSync(join(ERRORS, dir));
      for (const f of files) expect(result.err).toContain(f);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe("odd inputs end with exit 1, a message naming file and position, and the previous output untouched", () => {
  const cases: [string, string, string][] = [
    ["missing-pointer.json", "missing-pointer.json#/properties/a/$ref", "nothing at /$defs/Nope"],
    ["missing-in-other.json", "missing-in-other.json#/properties/a/$ref", "other.json has nothing at /$defs/missing"],
    ["bad-percent.json", "bad-percent.json#/properties/a/$ref", "malformed %-escape"],
    ["u-flag-pattern.json", "u-flag-pattern.json#/properties/code/pattern", '"u" (Unicode) flag'],
    [
      "backreference-pattern.json",
      "backreference-pattern.json#/properties/pair/propertyNames/pattern",
      "cannot run on the linear-time engine the validators use on model-written text: backreferences are not supported",
    ],
    ["cyclic-alias.yaml", "cyclic-alias.yaml#/properties/self/properties", "a cycle"],
    [
      "dangling-colon.yaml",
      "dangling-colon.yaml:3:6",
      "invalid YAML: Nested mappings are not allowed in compact mappings",
    ],
    ["trailing-comma.json", "trailing-comma.json:5:3", "invalid JSON"],
    ["infinite-number.yaml", "infinite-number.yaml#/properties/n/maximum", "not a JSON number"],
    ["self-ref-root.json", "self-ref-root.json#/$ref", "leads into a loop of $refs with no schema in it (# → #)"],
    ["ref-loop.json", "ref-loop.json#/properties/a/$ref", "#/$defs/A → #/$defs/B → #/$defs/A)"],
    [
      "cross-loop-a.json",
      "cross-loop-a.json#/$ref",
      `(${shown("cross-loop-a.json")}# → ${shown("cross-loop-b.json")}# → ${shown("cross-loop-a.json")}#)`,
    ],
    [
      "cross-loop-into.json",
      "cross-loop-into.json#/properties/note/$ref",
      `(${shown("cross-loop-into.json")}#/properties/note → ${shown("cross-loop-defs.json")}#/$defs/Note → ` +
        `${shown("cross-loop-defs.json")}#/$defs/Text → ${shown("cross-loop-into.json")}#/properties/note)`,
    ],
  ];
  it.each(cases)("%s", async (file, where, what) => {
    const out = join(WORK, "out");
    expect((await cli("generate", join(FIXTURES, "basic", "schemas"), "--out", out)).code).toBe(0);
    const before = readdirSync(out).map((f) => readFileSync(join(out, f), "utf8"));
    const result = await cli("generate", join(ERRORS, file), "--out", out, "--root", ERRORS);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${where}: `);
    expect(result.err).toContain(what);
    expect(result.err).not.toMatch(/[:\s]$/); // no dangling ":" from a library message
    expect(readdirSync(out).map((f) => readFileSync(join(out, f), "utf8"))).toEqual(before);
  });

  it("10k-level JSON and YAML schemas are refused at the depth limit without a stack overflow", async () => {
    const depth = 10_000;
    const json = `${'{"type":"object","properties":{"a":'.repeat(depth)}{}${"}}".repeat(depth)}`;
    writeFileSync(join(WORK, "deep.json"), json);
    writeFileSync(join(WORK, "deep.yaml"), `${"[".repeat(depth)}${"]".repeat(depth)}`);
    for (const file of ["deep.json", "deep.yaml"]) {
      const result = await cli("generate", join(WORK, file), "--out", join(WORK, "out"));
      expect(result.code, file).toBe(1);
      expect(result.err).toContain(file);
      expect(result.err).not.toContain("Maximum call stack");
      expect(result.err).toMatch(/nest/);
    }
  });

  it("a schema just inside the depth limit generates", async () => {
    const levels = Math.floor((MAX_DEPTH - 2) / 2);
    const schema = `${'{"type":"object","properties":{"a":'.repeat(levels)}{"type":"string"}${"}}".repeat(levels)}`;
    writeFileSync(join(WORK, "nested.json"), schema);
    const result = await generate([join(WORK, "nested.json")], { strict: false });
    expect(result.files.map((f) => f.path)).toContain("nested.ts");
  });

  it("a schema whose validator would never return is refused, naming the file and the $dynamicRef", async () => {
    // Ajv compiles this one (JSON-Schema-Test-Suite, draft 2020-12 dynamicRef.json) to references that cycle
    // without reading into the value: every call would end in a RangeError, on the model's answer.
    const cycling = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "https://example.com/base",
      $ref: "first#/$defs/stuff",
      $defs: {
        first: { $id: "first", $defs: { stuff: { $ref: "second#/$defs/stuff" } } },
        second: {
          $id: "second",
          $defs: { stuff: { $ref: "third#/$defs/stuff" }, length: { $dynamicAnchor: "length", maxLength: 2 } },
        },
        third: {
          $id: "third",
          $defs: { stuff: { $dynamicRef: "#length" }, length: { $dynamicAnchor: "length", maxLength: 3 } },
        },
      },
    };
    writeFileSync(join(WORK, "cycling.json"), JSON.stringify(cycling));
    const error = await generate([join(WORK, "cycling.json")]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenerateError);
    expect((error as GenerateError).message).toContain("cycling.json#/$defs/third/$defs/stuff");
    expect((error as GenerateError).message).toContain("never returns");
    // A recursive schema that descends into the value on every cycle generates as before.
    const tree = {
      type: "object",
      properties: { children: { type: "array", items: { $ref: "#" } } },
    };
    writeFileSync(join(WORK, "tree.json"), JSON.stringify(tree));
    expect((await generate([join(WORK, "tree.json")])).files.map((f) => f.path)).toContain("tree.ts");
  });

  it("a UTF-8 byte order mark is accepted", async () => {
    const bom = readFileSync(join(NAMES, "schemas", "bom.json"));
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const result = await generate([join(NAMES, "schemas", "bom.json")]);
    expect(result.files.map((f) => f.path)).toContain("byte-order-mark.ts");
  });

  it("the --no-strict warning does not advise --no-strict", async () => {
    const result = await cli(
      "generate",
      join(FIXTURES, "non-strict", "schemas"),
      "--out",
      join(WORK, "o"),
      "--no-strict",
    );
    expect(result.code).toBe(0);
    expect(result.err).toContain("generated without a strict schema");
    expect(result.err).not.toContain("--no-strict");
  });
});

describe("code-producing json-schema-to-typescript extensions", () => {
  it("tsType, tsEnumNames and extends are ignored with a warning naming each JSON Pointer", async () => {
    const result = await generate([join(NAMES, "schemas", "ts-extensions.json")]);
    const pointers = result.warnings.filter((w) => w.message.includes("ignored")).map((w) => w.pointer);
    expect(pointers).toEqual([
      "/properties/injected/tsType",
      "/properties/named/tsEnumNames",
      "/properties/inherits/extends",
    ]);
    const module = result.files.find((f) => f.path === "ts-extensions.ts")?.content ?? "";
    const types = module.slice(0, module.indexOf("JsonSchema"));
    expect(types).not.toContain("pwnedByTsType");
    expect(types).not.toContain("process.exit");
    expect(types).toContain('named?: ("a" | "b")');
  });
});

describe("CLI", () => {
  it("an unknown command suggests the one meant", async () => {
    const result = await cli("gen", "schemas", "--out", "x");
    expect(result.code).toBe(2);
    expect(result.err).toContain('did you mean "generate"');
  });

  it("--check fails where generate would refuse: a file partialgen did not write in the output directory", async () => {
    const out = join(WORK, "out");
    cpSync(join(FIXTURES, "basic", "expected"), out, { recursive: true });
    const schemas = join(FIXTURES, "basic", "schemas");
    expect((await cli("generate", schemas, "--out", out, "--check")).code).toBe(0);
    writeFileSync(join(out, "notes.md"), "mine\n");
    const check = await cli("generate", schemas, "--out", out, "--check");
    expect(check.code).toBe(1);
    expect(check.err).toContain("notes.md");
    expect((await cli("generate", schemas, "--out", out)).code).toBe(1);
  });
});
