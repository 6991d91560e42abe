// Once per run of the integration tier: one work directory for every app (each installed at most once, however
// many test files use it) and the two packed tarballs. Removed at the end, whatever happened.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { packedTarballs } from "../packs.js";

export default function setup(project: TestProject): () => void {
  const packedHere = !process.env.PARTIALGEN_PACKS;
  const work = mkdtempSync(join(tmpdir(), "partialgen-apps-"));
  const remove = () => {
    if (process.env.PARTIALGEN_KEEP_APPS) return;
    rmSync(work, { recursive: true, force: true });
    if (packedHere && process.env.PARTIALGEN_PACKS)
      rmSync(process.env.PARTIALGEN_PACKS, { recursive: true, force: true });
  };
  try {
    const tarballs = packedTarballs();
    project.provide("integration", { work, runtimeTarball: tarballs.runtime, generatorTarball: tarballs.generator });
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
