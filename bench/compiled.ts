// The benchmarks run partialgen compiled, as users run it; this checks that the build is the sources' own.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The newest modification time of the files in `dir` ending in `ext` (not recursive). */
function newest(dir: string, ext: string): number {
  return Math.max(
    ...readdirSync(dir)
      .filter((name) => name.endsWith(ext) && !name.endsWith(".d.ts"))
      .map((name) => statSync(join(dir, name)).mtimeMs),
  );
}

/** The compiled code must be what the sources say, or the run measures something else. */
export function checkBuild(root: string): void {
  const pairs = [
    ["runtime", "runtime/dist"],
    ["examples/meeting/generated", "dist/examples/meeting/generated"],
  ];
  for (const [source, built] of pairs as [string, string][]) {
    let stale: boolean;
    try {
      stale = newest(join(root, source), ".ts") > newest(join(root, built), ".js");
    } catch {
      stale = true;
    }
    if (stale) {
      throw new Error(
        `${built} is older than ${source} (or missing): run \`npm run build\` first, or pass --source to run the TypeScript sources`,
      );
    }
  }
}
