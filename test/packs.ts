// The two packed tarballs every install test uses: CI's (PARTIALGEN_PACKS, packed by .ci/run from its clean
// clone), else packed here once by scripts/pack.mjs (one build, then both packs) and shared through the same
// variable with whatever runs later in this process and its workers.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./generator/helpers.js";

export interface Tarballs {
  generator: string;
  runtime: string;
}

function find(dir: string, pattern: RegExp): string {
  const name = readdirSync(dir).find((f) => pattern.test(f));
  if (!name) throw new Error(`no tarball matching ${pattern} in ${dir} (PARTIALGEN_PACKS)`);
  return join(dir, name);
}

export function packedTarballs(): Tarballs {
  let dir = process.env.PARTIALGEN_PACKS;
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), "partialgen-packs-"));
    execFileSync("node", [join(ROOT, "scripts/pack.mjs"), dir], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    process.env.PARTIALGEN_PACKS = dir;
  }
  return { generator: find(dir, /^partialgen-\d.*\.tgz$/), runtime: find(dir, /^partialgen-runtime-\d.*\.tgz$/) };
}
