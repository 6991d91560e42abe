import { createObjectStream } from "@partialgen/runtime/solid";
import { createRoot } from "solid-js";
import { type Binding, runCases } from "./cases.js";

// The primitive in a reactive root, as a component's body runs it; disposing the root is the cleanup.
const solid: Binding = {
  name: "solid",
  async mount(options) {
    const { s, dispose } = createRoot((dispose) => ({
      s: createObjectStream<unknown, unknown, string>(options),
      dispose,
    }));
    return {
      read: () => ({
        value: s.value(),
        status: s.status(),
        error: s.error(),
        completedPaths: s.completedPaths(),
        attempt: s.attempt(),
      }),
      isComplete: s.isComplete,
      elements: (pattern) => s.elements(pattern),
      submit: (input) => s.submit(input),
      stop: s.stop,
      unmount: dispose,
    };
  },
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

runCases(solid);
