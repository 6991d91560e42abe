import { createSignal, Show } from "solid-js";
import ReviewPanel from "./ReviewPanel.tsx";

export default function App() {
  // Closing the panel cleans up its owner, which cancels its request in flight.
  const [open, setOpen] = createSignal(true);
  return (
    <main>
      <button type="button" id="close" onClick={() => setOpen(false)}>
        Close
      </button>
      <Show when={open()}>
        <ReviewPanel />
      </Show>
    </main>
  );
}
