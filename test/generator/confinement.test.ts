import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GenerateError, generate } from "../../generator/index.js";
import { MAX_FILE_BYTES } from "../../generator/load/schema-files.js";
import { OUTPUT } from "./helpers.js";

const WORK = join(OUTPUT, "confinement");
const PROJECT = join(WORK, "project");
const OUTSIDE = join(WORK, "outside");
const SECRET = "sk-secret-token-never-embedded";

function schemaWithRef(name: string, ref: string): string {
  const path = join(PROJECT, `${name}.json`);
  writeFileSync(path, JSON.stringify({ type: "object", properties: { a: { $ref: ref } } }));
  return path;
}

/** Generates one schema with the project root; returns the error, or the generated text. */
async function attempt(path: string, root = PROJECT): Promise<GenerateError | string> {
  try {
    const result = await generate([path], { root, strict: false });
    return result.files.map((f) => f.content).join("\n");
  } catch (error) {
    if (error instanceof GenerateError) return error;
    throw error;
  }
}

beforeAll(() => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(PROJECT, "shared"), { recursive: true });
  mkdirSync(OUTSIDE, { recursive: true });
  const secret = JSON.stringify({ type: "string", const: SECRET });
  writeFileSync(join(OUTSIDE, "creds.json"), secret);
  writeFileSync(join(OUTSIDE, "kubeconfig.yaml"), `type: string\nconst: ${SECRET}\n`);
  writeFileSync(join(PROJECT, "shared", "ok.json"), JSON.stringify({ type: "string", description: "shared" }));
  symlinkSync(join(OUTSIDE, "creds.json"), join(PROJECT, "leaving.json"));
  symlinkSync(join(PROJECT, "shared", "ok.json"), join(PROJECT, "staying.json"));
  execFileSync("mkfifo", [join(PROJECT, "pipe.json")]);
  symlinkSync("/dev/zero", join(PROJECT, "zero.json"));
  // Sparse: the size limit is checked from the file's metadata, so nothing this large is ever read.
  const large = openSync(join(PROJECT, "large.json"), "w");
  writeFileSync(large, "{", { flag: "w" });
  closeSync(large);
  execFileSync("truncate", ["-s", String(MAX_FILE_BYTES + 1), join(PROJECT, "large.json")]);
});
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

describe("a $ref reads only regular schema files in the inputs or under the project root", () => {
  it.each([
    ["a relative path leaving the root", "../outside/creds.json", "outside the project root"],
    ["an absolute path outside the root", join(OUTSIDE, "creds.json"), "outside the project root"],
    ["a file: URL outside the root", `file://${join(OUTSIDE, "creds.json")}`, "outside the project root"],
    ["a YAML file outside the root", "../outside/kubeconfig.yaml", "outside the project root"],
    ["file:///etc/passwd", "file:///etc/passwd", "outside the project root"],
    ["a file under the root that is no schema file", "notes.txt", "not a .json, .yaml or .yml file"],
    ["a symbolic link that leaves the root", "leaving.json", "a symbolic link to"],
    ["a FIFO (without blocking)", "pipe.json", "a FIFO"],
    ["a link to a device", "zero.json", "outside the project root"],
    ["a file over the size limit", "large.json", "over the"],
    ["a remote URL (never fetched)", "https://example.com/creds.json", "never fetches"],
  ])("refuses %s, naming the $ref, its JSON Pointer and the file", async (_name, ref, why) => {
    const error = await attempt(schemaWithRef("refs", ref));
    expect(error).toBeInstanceOf(GenerateError);
    const message = (error as GenerateError).message;
    expect(message).toContain("refs.json#/properties/a/$ref");
    expect(message).toContain(`$ref "${ref}"`);
    expect(message).toContain(why);
    expect(message).not.toContain(SECRET);
  });

  it("a device is refused as a device when the root is widened to include it", async () => {
    const error = await attempt(schemaWithRef("device", "zero.json"), "/");
    expect((error as GenerateError).message).toContain("a device");
  });

  it("files under the root, also through a link that stays inside, are read and bundled", async () => {
    const text = await attempt(schemaWithRef("inside", "staying.json"));
    expect(typeof text).toBe("string");
    expect(text).toContain('"description": "shared"');
  });

  it("--root widens what may be read; the input set is always readable", async () => {
    const widened = await attempt(schemaWithRef("widened", "../outside/creds.json"), WORK);
    expect(typeof widened).toBe("string");
    // Given as an input, a file outside the root is one of the inputs, not a file read on the side.
    const path = schemaWithRef("both", "../outside/creds.json");
    const result = await generate([path, join(OUTSIDE, "creds.json")], { root: PROJECT, strict: false });
    expect(result.files.map((f) => f.path)).toContain("creds.ts");
  });

  it("inputs that are FIFOs or devices are refused; a searched directory's links may not leave it", async () => {
    for (const input of [join(PROJECT, "pipe.json"), "/dev/zero"]) {
      const error = await generate([input]).catch((e: unknown) => e);
      expect(error, input).toBeInstanceOf(GenerateError);
      expect((error as Error).message).toMatch(/not a regular file/);
    }
    const dir = join(WORK, "walked");
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(OUTSIDE, "creds.json"), join(dir, "creds.json"));
    const error = await generate([dir]).catch((e: unknown) => e);
    expect((error as Error).message).toContain("outside");
    expect((error as Error).message).not.toContain(SECRET);
  });
});
