import { useObjectStream } from "@partialgen/runtime/vue";
import { describe, expect, it } from "vitest";
import { effectScope, isRef } from "vue";
import { type Binding, runCases } from "./cases.js";

// The composable in an effect scope, as a component's setup() runs it; stopping the scope is the unmount.
const vue: Binding = {
  name: "vue",
  async mount(options) {
    const scope = effectScope();
    const s = scope.run(() => useObjectStream<unknown, unknown, string>(options))!;
    return {
      read: () => ({
        value: s.value.value,
        status: s.status.value,
        error: s.error.value,
        completedPaths: s.completedPaths.value,
        attempt: s.attempt.value,
      }),
      isComplete: s.isComplete,
      elements(pattern) {
        const elements = scope.run(() => s.elements(pattern))!;
        return () => elements.value;
      },
      submit: (input) => s.submit(input),
      stop: s.stop,
      unmount: () => scope.stop(),
    };
  },
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

runCases(vue);

describe("vue: refs", () => {
  it("returns refs and a computed elements ref", () => {
    const scope = effectScope();
    const s = scope.run(() => useObjectStream<{ a?: string }, { a: string }>({ api: "/x" }))!;
    for (const ref of [s.value, s.status, s.error, s.completedPaths, s.attempt, s.elements("/a")]) {
      expect(isRef(ref)).toBe(true);
    }
    scope.stop();
  });
});
