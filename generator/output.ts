import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { GENERATED_HEADER } from "../templates/header.js";
import type { GeneratedFile } from "./generate.js";

export interface CheckResult {
  stale: string[];
  missing: string[];
  /** Generated files on disk that would no longer be generated. */
  extra: string[];
}

/** Files in `dir` (recursively), relative to it. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

async function isGenerated(path: string): Promise<boolean> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.startsWith(GENERATED_HEADER);
}

/** What `--check` reports: the differences between the files on disk and what would be generated. */
export async function checkOutput(outDir: string, files: readonly GeneratedFile[]): Promise<CheckResult> {
  const result: CheckResult = { stale: [], missing: [], extra: [] };
  const expected = new Set(files.map((f) => f.path));
  for (const file of files) {
    const onDisk = await readFile(join(outDir, file.path), "utf8").catch(() => undefined);
    if (onDisk === undefined) result.missing.push(file.path);
    else if (onDisk !== file.content) result.stale.push(file.path);
  }
  for (const path of await listFiles(outDir)) {
    if (!expected.has(path) && (await isGenerated(join(outDir, path)))) result.extra.push(path);
  }
  return result;
}

/**
 * Replaces `outDir` with exactly `files`. Everything is written to a sibling temporary directory first
 * and swapped in with renames, so a failed run leaves the previous output untouched. A directory holding
 * files partialgen did not generate is never replaced.
 */
export async function writeOutput(outDir: string, files: readonly GeneratedFile[]): Promise<void> {
  const target = resolve(outDir);
  const foreign: string[] = [];
  for (const path of await listFiles(target)) if (!(await isGenerated(join(target, path)))) foreign.push(path);
  if (foreign.length > 0) {
    throw new Error(
      `refusing to replace ${outDir}: it holds files partialgen did not generate (${foreign.slice(0, 5).join(", ")}${foreign.length > 5 ? ", ..." : ""}); choose an output directory of its own`,
    );
  }
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = join(parent, `.${basename(target)}.partialgen-new-${stamp}`);
  const previous = join(parent, `.${basename(target)}.partialgen-old-${stamp}`);
  try {
    for (const file of files) {
      const path = join(staging, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content);
    }
    if (existsSync(target)) await rename(target, previous);
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (existsSync(previous) && !existsSync(target)) await rename(previous, target);
    throw error;
  }
  await rm(previous, { recursive: true, force: true });
}
