import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import App from "./App.tsx";

// Closing the page's component unmounts it, which cancels its request in flight.
function Closable() {
  const [open, setOpen] = useState(true);
  return (
    <>
      <button type="button" id="close" onClick={() => setOpen(false)}>
        Close
      </button>
      {open && <App />}
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Closable />
  </StrictMode>,
);
