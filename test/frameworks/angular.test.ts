import { Injector, isSignal, runInInjectionContext } from "@angular/core";
import { injectObjectStream } from "@partialgen/runtime/angular";
import { describe, expect, it } from "vitest";
import { type Binding, runCases } from "./cases.js";

// Called in an injection context (as in a component's field initializer), without zone.js or TestBed;
// destroying that injector is the component's destruction.
const angular: Binding = {
  name: "angular",
  async mount(options) {
    const injector = Injector.create({ providers: [] });
    const s = runInInjectionContext(injector, () => injectObjectStream<unknown, unknown, string>(options));
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
      unmount: () => injector.destroy(),
    };
  },
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

runCases(angular);

describe("angular: signals and the injection context", () => {
  it("returns signals; outside an injection context it says so", () => {
    const injector = Injector.create({ providers: [] });
    const s = runInInjectionContext(injector, () => injectObjectStream<{ a?: string }, { a: string }>({ api: "/x" }));
    for (const signal of [s.value, s.status, s.error, s.completedPaths, s.attempt, s.elements("/a")]) {
      expect(isSignal(signal)).toBe(true);
    }
    injector.destroy();
    expect(() => injectObjectStream({ api: "/x" })).toThrow(/injection context/);
  });
});
