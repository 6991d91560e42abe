// biome-ignore-all lint/correctness/noComponentHookFactories: the component closes over its test's request log
import { describe, expect, it } from "vitest";

// Server-side rendering: the hook module and the generated hook are imported and rendered where there is no
// window, no document and no request to make (Next.js, Remix and friends render pages on the server first).
describe("useObjectStream under server-side rendering", () => {
  it("imports without a DOM and renders the idle state without requesting anything", async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe("undefined");
    expect(typeof (globalThis as { document?: unknown }).document).toBe("undefined");
    const { useObjectStream } = await import("@partialgen/runtime/react");
    const { useMeetingInfoStream } = await import("../../examples/web/generated/meeting-info.react.js");
    const { renderToString } = await import("react-dom/server");
    const requests: unknown[] = [];
    function App() {
      const generic = useObjectStream<{ a?: string }, { a: string }>({
        api: () => {
          requests.push("generic");
          return new Response("");
        },
      });
      const typed = useMeetingInfoStream({ api: "/api/extract" });
      return (
        <p>
          {generic.status}/{typed.status}/{String(typed.value?.location ?? "none")}/{typed.elements("/users/*").length}/
          {String(typed.isComplete(""))}
        </p>
      );
    }
    expect(renderToString(<App />)).toBe(
      "<p>idle<!-- -->/<!-- -->idle<!-- -->/<!-- -->none<!-- -->/<!-- -->0<!-- -->/<!-- -->false</p>",
    );
    expect(requests).toEqual([]);
  });
});
