// Once per run of the integration tier: one work directory for every app (each installed at most once, however
// many test files use it) and the two packed tarballs. Removed at the end, whatever happened.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ROOT } from "../generator/helpers.js";
import { cleanEnv, run } from "./processes.js";

function findTarball(dir: string, pattern: RegExp): string {
  const name = readdirSync(dir).find((f) => pattern.test(f));
  if (!name) throw new Error(`no tarball matching ${pattern} in ${dir}`);
  return join(dir, name);
}

export default async function setup(project: TestProject): Promise<() => void> {
  const work = mkdtempSync(join(tmpdir(), "partialgen-apps-"));
  const remove = () => {
    if (!process.env.PARTIALGEN_KEEP_APPS) rmSync(work, { recursive: true, force: true });
  };
  try {
    let packs = process.env.PARTIALGEN_PACKS;
    if (!packs) {
      for (const built of ["dist/generator/cli/main.js", "runtime/dist/index.js"]) {
        if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
      }
      packs = join(work, "packs");
      mkdirSync(packs);
      // --ignore-scripts: prepack would rebuild dist/ under other test files' feet; CI packs with prepack.
      for (const workspace of [[], ["-w", "@partialgen/runtime"]]) {
        await run(ROOT, "npm", ["pack", "--ignore-scripts", "--pack-destination", packs, ...workspace], cleanEnv());
      }
    }
    project.provide("integration", {
      work,
      runtimeTarball: findTarball(packs, /^partialgen-runtime-.*\.tgz$/),
      generatorTarball: findTarball(packs, /^partialgen-\d.*\.tgz$/),
    });
  } catch (error) {
    remove();
    throw error;
  }
  return remove;
}

declare module "vitest" {
  export interface ProvidedContext {
    integration: { work: string; runtimeTarball: string; generatorTarball: string };
  }
}
