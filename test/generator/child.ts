import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

/**
 * Runs a script in a fresh Node process (tsx, from the repository root so "@partialgen/runtime" resolves to
 * the sources), so nothing the test process did can mask what imported modules do.
 */
export function runInChild(dir: string, script: string): { status: number | null; stdout: string; stderr: string } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `driver-${process.pid}-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(file, script);
  const child = spawnSync(process.execPath, ["--import", "tsx", file], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}
