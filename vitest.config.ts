import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The slow tiers, each a Vitest project (`npm run test:<name>`); every other test file is `unit`.
 * test/README.md says what each holds and why it is slow.
 */
const slowTiers = {
  /** Whole TypeScript programs over generated code (`*.compile.test.ts`, beside the area they test). */
  compile: ["test/**/*.compile.test.ts"],
  /** Every snapshot of generated and corpus values against the generated types and validators. */
  soundness: ["test/soundness/**/*.test.ts"],
  /** Public suites nobody on this project wrote, read from ../shared/corpora. */
  conformance: ["test/conformance/**/*.test.ts"],
  /** Both packages packed and installed from the registry into fresh projects. */
  package: ["test/package/**/*.test.ts"],
  /** Headless Chromium driving examples/web. */
  browser: ["test/**/*.browser.test.ts"],
  /** The examples run as users run them: npm scripts, a pseudo-terminal, child processes. */
  examples: ["test/examples/**/*.test.ts"],
  /** End-to-end tests under test/integration/. */
  integration: ["test/integration/**/*.test.ts"],
};
const slowFiles = Object.values(slowTiers).flat();

export default defineConfig({
  resolve: {
    // Tests run against the sources; the packages' names point at them as they point at dist/ when installed.
    // Exact matches (regexps): a string alias would also rewrite "@partialgen/runtime/testing" by prefix.
    alias: [
      { find: /^@partialgen\/runtime$/, replacement: here("./runtime/index.ts") },
      { find: /^@partialgen\/runtime\/testing$/, replacement: here("./runtime/testing/index.ts") },
      { find: /^@partialgen\/runtime\/client$/, replacement: here("./runtime/client/index.ts") },
      { find: /^@partialgen\/runtime\/client\/schema-hints$/, replacement: here("./runtime/client/schema-hints.ts") },
      { find: /^@partialgen\/runtime\/react$/, replacement: here("./runtime/react/index.ts") },
      { find: /^@partialgen\/runtime\/vue$/, replacement: here("./runtime/vue/index.ts") },
      { find: /^@partialgen\/runtime\/svelte$/, replacement: here("./runtime/svelte/index.ts") },
      { find: /^@partialgen\/runtime\/solid$/, replacement: here("./runtime/solid/index.ts") },
      { find: /^@partialgen\/runtime\/angular$/, replacement: here("./runtime/angular/index.ts") },
      // Solid's "node" export is its server build, whose signals do not react: test the browser's build.
      { find: /^solid-js$/, replacement: here("./node_modules/solid-js/dist/solid.js") },
      { find: /^partialgen\/runtime$/, replacement: here("./reexports/runtime.ts") },
      { find: /^partialgen\/testing$/, replacement: here("./reexports/testing.ts") },
      { find: /^partialgen\/examples\/meeting$/, replacement: here("./examples/meeting/index.ts") },
    ],
  },
  test: {
    // An unhandled rejection fails at once, wherever it comes from (streams must never leave one behind).
    execArgv: ["--unhandled-rejections=strict"],
    // Generous: the heavy suites (whole-corpus tsc programs, fresh npm installs) share two cores with the rest,
    // and a timeout is only a guard against hangs, never a speed check (bench/ measures speed).
    testTimeout: 240_000,
    hookTimeout: 300_000,
    // `extends: true`: every project shares the aliases and options above. Each file is in exactly one project:
    // unit excludes every slow tier, and examples excludes the browser's.
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: [
            "test/**/*.test.ts",
            "test/**/*.test.tsx",
            "generator/**/*.test.ts",
            "runtime/**/*.test.ts",
            "examples/**/*.test.ts",
          ],
          exclude: [...configDefaults.exclude, ...slowFiles],
        },
      },
      ...Object.entries(slowTiers).map(([name, include]) => ({
        extends: true as const,
        test: {
          name,
          include,
          exclude: [...configDefaults.exclude, ...(name === "examples" ? slowTiers.browser : [])],
          // Fresh apps built and run from the packed tarballs: one file at a time, after every other tier (they
          // want the whole machine), with one work directory and one pack for the run.
          ...(name === "integration"
            ? { globalSetup: ["test/integration/global-setup.ts"], fileParallelism: false, sequence: { groupOrder: 1 } }
            : { sequence: { groupOrder: 0 } }),
        },
      })),
    ],
  },
});
