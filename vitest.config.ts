import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

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
          exclude: [...configDefaults.exclude, "test/integration/**"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Fresh apps built and run from the packed tarballs: one file at a time,
        // after the rest, as installs and framework builds want the whole machine.
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/integration/global-setup.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
