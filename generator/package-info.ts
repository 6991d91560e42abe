import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface PackageJson {
  name?: string;
  version?: string;
}

function readPackageJson(dir: string): PackageJson | undefined {
  const path = join(dir, "package.json");
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
  } catch {
    return undefined;
  }
}

/**
 * partialgen's own package root, found from this file whether it runs from the sources or from dist/ (never the
 * consuming project's: yargs' own version lookup starts at the working directory).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (readPackageJson(dir)?.name !== "partialgen") {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the partialgen package root");
    dir = parent;
  }
  return dir;
}

export function packageVersion(): string {
  return readPackageJson(packageRoot())?.version ?? "unknown";
}
