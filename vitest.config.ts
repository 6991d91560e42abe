import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

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
    include: [
      "test/**/*.test.ts",
      "test/**/*.test.tsx",
      "generator/**/*.test.ts",
      "runtime/**/*.test.ts",
      "examples/**/*.test.ts",
    ],
    // An unhandled rejection fails at once, wherever it comes from (streams must never leave one behind).
    execArgv: ["--unhandled-rejections=strict"],
    // Generous: the heavy suites (whole-corpus tsc programs, fresh npm installs) share two cores with the rest,
    // and a timeout is only a guard against hangs, never a speed check (bench/ measures speed).
    testTimeout: 240_000,
    hookTimeout: 300_000,
  },
});
