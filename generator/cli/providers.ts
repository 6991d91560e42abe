import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WARNING_PROVIDERS, type WarningProvider } from "../schema/errors.js";

/** The npm packages whose presence says an app calls a provider (their SDKs, which streamX() takes as `client`). */
const SDK_PACKAGES: Record<string, WarningProvider> = {
  openai: "openai",
  "@anthropic-ai/sdk": "anthropic",
  "@anthropic-ai/vertex-sdk": "anthropic",
  "@anthropic-ai/bedrock-sdk": "anthropic",
  "@google/genai": "gemini",
};

/** The providers whose schema warnings the CLI shows, and why those. */
export interface ProviderChoice {
  providers: ReadonlySet<WarningProvider>;
  /** For the note on hidden warnings: where the choice came from. */
  source: "option" | "package.json" | "default";
}

/**
 * `--provider` when given; else the providers whose SDKs the project's package.json lists (any dependency field),
 * so that an app calling OpenAI only is not told what Gemini would lose; else all of them.
 */
export function chooseProviders(option: readonly WarningProvider[] | undefined, root: string): ProviderChoice {
  if (option !== undefined && option.length > 0) return { providers: new Set(option), source: "option" };
  const listed = sdkProviders(join(root, "package.json"));
  if (listed.size > 0) return { providers: listed, source: "package.json" };
  return { providers: new Set(WARNING_PROVIDERS), source: "default" };
}

function sdkProviders(packageJson: string): Set<WarningProvider> {
  const found = new Set<WarningProvider>();
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(packageJson, "utf8"));
  } catch {
    return found; // no package.json, or one that is not JSON: npm reports that, not us
  }
  for (const field of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
    const deps = (manifest as Record<string, unknown> | null)?.[field];
    if (deps === null || typeof deps !== "object") continue;
    for (const name of Object.keys(deps)) {
      const provider = Object.hasOwn(SDK_PACKAGES, name) ? SDK_PACKAGES[name] : undefined;
      if (provider !== undefined) found.add(provider);
    }
  }
  return found;
}
