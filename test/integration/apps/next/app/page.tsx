"use client";

import { ConnectionError } from "@partialgen/runtime/client";
import { useState } from "react";
import { useProductReviewStream } from "@/generated/product-review.react";

export default function Home() {
  const [text, setText] = useState("");
  const { value, status, error, submit, stop } = useProductReviewStream<{ text: string }>({ api: "/api/review" });

  return (
    <main>
      <textarea id="review-text" value={text} onChange={(e) => setText(e.target.value)} />
      <button type="button" id="submit" onClick={() => submit({ text })} disabled={status === "streaming"}>
        Summarise
      </button>
      <button type="button" id="stop" onClick={stop} disabled={status !== "streaming"}>
        Stop
      </button>
      <p id="status" data-state={status}>
        {status}
      </p>
      {error && (
        <p id="error" role="alert">
          {error.name}
          {error instanceof ConnectionError && error.status !== undefined && ` (HTTP ${error.status})`}: {error.message}
        </p>
      )}
      <h2 data-field="title">{value?.title}</h2>
      <p data-field="rating">{value?.rating}</p>
      <ul data-field="pros">
        {value?.pros?.map((pro, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a streamed element's position is its identity
          <li key={i}>{pro}</li>
        ))}
      </ul>
      <ul data-field="cons">
        {value?.cons?.map((con, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a streamed element's position is its identity
          <li key={i}>{con}</li>
        ))}
      </ul>
      <p data-field="summary">{value?.summary}</p>
    </main>
  );
}
