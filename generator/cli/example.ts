import type { CommandModule } from "yargs";
import type { CliIO } from "./run.js";

/** `partialgen example list|pull <slug>`: filled in with the runnable examples (see examples/). */
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
        .positional("slug", { type: "string", describe: "The example to pull" }),
    handler: () => {
      io.err("partialgen: no examples are available yet");
      setCode(1);
    },
  };
}
