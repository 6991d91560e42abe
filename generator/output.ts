import { constants, existsSync } from "node:fs";
import { lstat, mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { GENERATED_HEADER } from "../templates/header.js";
import type { GeneratedFile } from "./generate.js";
import { kindOf } from "./load/schema-files.js";

export interface CheckResult {
  stale: string[];
  missing: string[];
  /** Generated files on disk that would no longer be generated. */
  extra: string[];
  /** Files partialgen did not generate: `generate` refuses to replace a directory holding any. */
  foreign: string[];
}

/** Files in `dir` (recursively), relative to it; symbolic links are listed, never followed. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const info = await lstat(dir).catch(() => undefined);
  if (!info) return [];
  if (!info.isDirectory()) {
    throw new Error(
      prefix === ""
        ? `the output ${dir} is ${kindOf(info)} (not a directory): choose an output directory`
        : `${dir} is not a directory`,
    );
  }
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

/** Whether a file starts with our header. Only regular files are opened, and without blocking. */
async function isGenerated(path: string): Promise<boolean> {
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isFile()) return false;
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return false;
  try {
    const header = Buffer.from(GENERATED_HEADER);
    const buffer = Buffer.alloc(header.length);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return bytesRead === header.length && buffer.equals(header);
  } finally {
    await handle.close();
  }
}

/** Files under `dir` that partialgen did not generate (one verdict for `generate` and `--check`). */
async function foreignFiles(dir: string): Promise<string[]> {
  const foreign: string[] = [];
  for (const path of await listFiles(dir)) if (!(await isGenerated(join(dir, path)))) foreign.push(path);
  return foreign;
}

/** What `--check` reports: the differences between the files on disk and what would be generated. */
export async function checkOutput(outDir: string, files: readonly GeneratedFile[]): Promise<CheckResult> {
  const target = resolve(outDir);
  const result: CheckResult = { stale: [], missing: [], extra: [], foreign: await foreignFiles(target) };
  const expected = new Set(files.map((f) => f.path));
  const foreign = new Set(result.foreign);
  for (const file of files) {
    // A foreign file in a generated file's place is never read (it could be a FIFO): it is reported as foreign.
    if (foreign.has(file.path)) continue;
    const onDisk = await readFile(join(target, file.path), "utf8").catch(() => undefined);
    if (onDisk === undefined) result.missing.push(file.path);
    else if (onDisk !== file.content) result.stale.push(file.path);
  }
  for (const path of await listFiles(target)) {
    if (!expected.has(path) && !foreign.has(path)) result.extra.push(path);
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
  const foreign = await foreignFiles(target);
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
