import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { packageRoot } from "../package-info.js";
import type { CliIO } from "./io.js";

/** Runnable examples `partialgen example pull` prints, by slug. */
export const EXAMPLES: readonly { slug: string; file: string; description: string }[] = [
  {
    slug: "partial_streaming",
    file: "examples/meeting/partial-streaming.ts",
    description:
      "Meeting notes → MeetingInfo, printed snapshot by snapshot as it streams (replays a recorded answer without an API key)",
  },
];

export function exampleCommand(io: CliIO, setCode: (code: number) => void): CommandModule {
  return {
    command: "example <action> [slug]",
    describe:
      "List the runnable examples, or print one (partialgen example pull partial_streaming > partial_streaming.ts)",
    builder: (y) =>
      y
        .positional("action", {
          choices: ["list", "pull"] as const,
          describe: "list: show the examples; pull: print one to stdout",
        })
        .positional("slug", { type: "string", describe: "The example to pull (see list)" })
        .example(
          "$0 example pull partial_streaming > partial_streaming.ts",
          "Save the example, then: npx tsx partial_streaming.ts",
        ),
    handler: (args) => {
      if (args.action === "list") {
        for (const e of EXAMPLES) io.out(`${e.slug.padEnd(20)} ${e.description}`);
        return;
      }
      const example = EXAMPLES.find((e) => e.slug === args.slug);
      if (!example) {
        io.err(
          `partialgen: ${args.slug === undefined ? "name an example" : `no example "${args.slug}"`}; available: ${EXAMPLES.map((e) => e.slug).join(", ")}`,
        );
        setCode(2);
        return;
      }
      io.out(readFileSync(join(packageRoot(), example.file), "utf8").trimEnd());
    },
  };
}
