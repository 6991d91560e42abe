// The apps under apps/ are data: each is copied to the tier's work directory, its partialgen dependencies
// pointed at the packed tarballs (all else comes from the registry), installed, and its own `generate` script
// run (partialgen's default options). The files are not changed otherwise.
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { run } from "./processes.js";

export const APPS = fileURLToPath(new URL("./apps/", import.meta.url));
export const MINUTES = 60_000;

type Dependencies = Record<string, string>;
interface PackageJson {
  dependencies?: Dependencies;
  devDependencies?: Dependencies;
}

/** The scripted answer every app streams: what the model "writes" for the schema in apps/schemas. */
export const REVIEW = {
  title: "Quiet, comfortable, and the battery lasts all week",
  rating: "good",
  pros: ["Noise cancelling that blocks out a train", "Light enough to forget you wear them", "Six days per charge"],
  cons: ["The case scratches easily", "No multipoint pairing"],
  summary:
    "A comfortable, quiet pair for commuters. The battery outlasts every rival tested; the case and the missing " +
    "multipoint pairing are the only complaints worth knowing before buying.",
} as const;

export const REVIEW_TEXT = "Bought these for the train. Quiet, light, the battery is great. Case scratches though.";

/** A marker in an upstream error's message: a secret that must never reach a page or a client by default. */
export const SECRET = "sk-proj-SECRET-MARKER-5f3a";

/** An upstream 401 as OpenAI sends it, whose message quotes (part of) the key. */
export const UNAUTHORIZED = {
  rawBody: {
    status: 401,
    contentType: "application/json",
    body: JSON.stringify({
      error: {
        message: `Incorrect API key provided: ${SECRET}.`,
        type: "invalid_request_error",
        code: "invalid_api_key",
      },
    }),
  },
} as const;

const installing = new Map<string, Promise<string>>();

/** The app installed and generated in the tier's work directory (done once per run). Returns its directory. */
export function installedApp(name: string): Promise<string> {
  let app = installing.get(name);
  if (!app) {
    app = install(name);
    installing.set(name, app);
  }
  return app;
}

async function install(name: string): Promise<string> {
  const { work, runtimeTarball, generatorTarball } = inject("integration");
  const dir = join(work, name);
  const marker = join(dir, ".partialgen-installed");
  if (existsSync(marker)) return dir; // installed by an earlier test file of this run
  cpSync(join(APPS, name), dir, { recursive: true });
  cpSync(join(APPS, "schemas"), join(dir, "schemas"), { recursive: true });
  const pkgPath = join(dir, "package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as PackageJson;
  for (const deps of [pkg.dependencies, pkg.devDependencies]) {
    if (deps?.["@partialgen/runtime"]) deps["@partialgen/runtime"] = `file:${runtimeTarball}`;
    if (deps?.partialgen) deps.partialgen = `file:${generatorTarball}`;
  }
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  await run(dir, "npm", ["install"]);
  await run(dir, "npm", ["run", "generate"]);
  writeFileSync(marker, "");
  return dir;
}
