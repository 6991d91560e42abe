import { watch } from "node:fs";
import type { CliIO } from "./io.js";

/**
 * Regenerates on every change under `inputs` (debounced: editors write files in several steps). Errors
 * are printed and watching goes on; the previous output stays in place until a run succeeds.
 * Resolves with 0 when the process is interrupted.
 */
export async function watchInputs(
  inputs: readonly string[],
  regenerate: () => Promise<number>,
  io: CliIO,
): Promise<number> {
  await regenerate();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(async () => {
        await regenerate();
      });
    }, 100);
  };
  const watchers = inputs.map((input) => watch(input, { recursive: true }, schedule));
  io.out(`partialgen: watching ${inputs.join(", ")} (Ctrl+C to stop)`);
  return new Promise((resolve) => {
    const stop = () => {
      for (const w of watchers) w.close();
      clearTimeout(timer);
      resolve(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
