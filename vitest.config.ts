import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources; the package's own names point at them as they point at dist/ when installed.
    alias: {
      "partialgen/runtime": here("./runtime/index.ts"),
      "partialgen/testing": here("./testing/index.ts"),
      "partialgen/examples/meeting": here("./examples/meeting/index.ts"),
    },
  },
  test: {
    include: ["test/**/*.test.ts", "generator/**/*.test.ts", "runtime/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
