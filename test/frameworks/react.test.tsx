import { type ObjectStreamState, useObjectStream } from "@partialgen/runtime/react";
import { Window } from "happy-dom";
import { act } from "react";
import { createRoot } from "react-dom/client";
import { type Binding, runCases } from "./cases.js";

// A DOM for react-dom (see test/react/use-object-stream.test.tsx); the hook in a component, unmounting its root.
const window = new Window();
for (const name of ["window", "document", "navigator", "HTMLElement", "HTMLIFrameElement", "Node", "Event"] as const) {
  if (!(name in globalThis) || name === "window" || name === "document") {
    Object.defineProperty(globalThis, name, { value: name === "window" ? window : window[name], configurable: true });
  }
}
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const react: Binding = {
  name: "react",
  async mount(options) {
    let latest: ObjectStreamState<unknown, unknown, string> | undefined;
    function App() {
      latest = useObjectStream<unknown, unknown, string>(options);
      return null;
    }
    const root = createRoot(document.createElement("div"));
    await act(async () => root.render(<App />));
    const s = () => latest as ObjectStreamState<unknown, unknown, string>;
    return {
      read: () => ({
        value: s().value,
        status: s().status,
        error: s().error,
        completedPaths: s().completedPaths,
        attempt: s().attempt,
      }),
      isComplete: (pointer) => s().isComplete(pointer),
      elements: (pattern) => () => s().elements(pattern),
      submit: (input) => void act(() => s().submit(input)),
      stop: () => void act(() => s().stop()),
      unmount: () => act(async () => root.unmount()),
    };
  },
  wait: (ms) => act(() => new Promise<void>((resolve) => setTimeout(resolve, ms))),
};

runCases(react);
