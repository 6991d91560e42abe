import { createObjectStream } from "@partialgen/runtime/svelte";
import { get } from "svelte/store";
import { describe, expect, it } from "vitest";
import { type Binding, runCases } from "./cases.js";

// A component reading `$stream` subscribes once; its destruction is the last unsubscribe.
const svelte: Binding = {
  name: "svelte",
  async mount(options) {
    const store = createObjectStream<unknown, unknown, string>(options);
    const unsubscribes: (() => void)[] = [];
    let shown = get(store);
    unsubscribes.push(store.subscribe((state) => (shown = state)));
    return {
      read: () => ({ ...shown }),
      isComplete: store.isComplete,
      elements(pattern) {
        let current: readonly unknown[] = [];
        unsubscribes.push(store.elements(pattern).subscribe((items) => (current = items)));
        return () => current;
      },
      submit: (input) => store.submit(input),
      stop: store.stop,
      unmount: () => {
        for (const unsubscribe of unsubscribes) unsubscribe();
      },
    };
  },
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

runCases(svelte);

describe("svelte: the store contract", () => {
  it("subscribe calls back synchronously with the current value and returns an unsubscribe function", () => {
    const store = createObjectStream<{ a?: string }, { a: string }>({ api: "/x" });
    const values: unknown[] = [];
    const unsubscribe = store.subscribe((v) => values.push(v));
    expect(values).toHaveLength(1);
    const [state] = values as { completedPaths: ReadonlySet<string> }[];
    expect({ ...state, completedPaths: [...state!.completedPaths] }).toEqual({
      value: undefined,
      status: "idle",
      error: undefined,
      completedPaths: [],
      attempt: 0,
    });
    expect(typeof unsubscribe).toBe("function");
    unsubscribe();
    const elements: unknown[] = [];
    const stopElements = store.elements("/a").subscribe((v) => elements.push(v));
    expect(elements).toEqual([[]]);
    expect(typeof stopElements).toBe("function");
    stopElements();
  });

  it("a subscriber after the last one left starts again: a new request streams", async () => {
    let requests = 0;
    const store = createObjectStream<{ a?: string }, { a: string }>({
      api: () => {
        requests++;
        return new Response('\u001e{"partialgen":1,"nulls":"keep"}\n{"a": "x"}\u001f\u001e{"type":"done"}\n');
      },
    });
    const first = store.subscribe(() => {});
    first();
    let shown = get(store);
    const second = store.subscribe((v) => (shown = v));
    store.submit();
    for (let i = 0; i < 200 && shown.status !== "done"; i++) await new Promise((r) => setTimeout(r, 5));
    second();
    expect([requests, shown.status, shown.value]).toEqual([1, "done", { a: "x" }]);
  });
});
