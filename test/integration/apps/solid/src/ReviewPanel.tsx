import { ConnectionError } from "@partialgen/runtime/client";
import { createSignal, Index, Show } from "solid-js";
import { createProductReviewStream } from "./generated/product-review.solid.ts";

export default function ReviewPanel() {
  const [text, setText] = createSignal("");
  const { value, status, error, submit, stop } = createProductReviewStream<{ text: string }>({ api: "/api/review" });

  return (
    <section>
      <textarea id="review-text" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
      <button type="button" id="submit" onClick={() => submit({ text: text() })} disabled={status() === "streaming"}>
        Summarise
      </button>
      <button type="button" id="stop" onClick={() => stop()} disabled={status() !== "streaming"}>
        Stop
      </button>
      <p id="status" data-state={status()}>
        {status()}
      </p>
      <Show when={error()}>
        {(e) => (
          <p id="error" role="alert">
            {e().name}
            {e() instanceof ConnectionError && (e() as ConnectionError).status !== undefined
              ? ` (HTTP ${(e() as ConnectionError).status})`
              : ""}
            : {e().message}
          </p>
        )}
      </Show>
      <h2 data-field="title">{value()?.title}</h2>
      <p data-field="rating">{value()?.rating}</p>
      {/* Index: a streamed element's position is its identity */}
      <ul data-field="pros">
        <Index each={value()?.pros}>{(pro) => <li>{pro()}</li>}</Index>
      </ul>
      <ul data-field="cons">
        <Index each={value()?.cons}>{(con) => <li>{con()}</li>}</Index>
      </ul>
      <p data-field="summary">{value()?.summary}</p>
    </section>
  );
}
