import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnectionError } from "../../runtime/stream/errors.js";
import type { StreamEvent } from "../../runtime/stream/event-log.js";
import { type WireRecord, wireDecoder } from "../../runtime/wire/format.js";
import { WireEncoder } from "../../runtime/wire/to-response.js";

type Event = StreamEvent<unknown, unknown>;
type Decoded = { text: string; flushes: number; records: WireRecord[] };

/** The encoder's output read back by the page's decoder. */
function decode(out: string): Decoded {
  const decoded: Decoded = { text: "", flushes: 0, records: [] };
  const decoder = wireDecoder({
    start: () => {},
    text: (t) => {
      decoded.text += t;
    },
    flush: () => {
      decoded.flushes++;
    },
    record: (r) => {
      decoded.records.push(r);
    },
  });
  for (let at = 0; at < out.length; ) at = decoder.push(out, at);
  return decoded;
}

const strict = { strict: true, optionalNulls: "keep" as const };
const snapshot = (value: unknown): Event => ({ type: "snapshot", value, completedPaths: [], attempt: 1 });
const delta = (text: string, attempt = 1): Event => ({ type: "delta", text, attempt });

describe("WireEncoder: stream events in, the browser format out", () => {
  it("strict: the text arrives verbatim (control characters as records), flushed once per snapshot, then done", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 6 }), { maxLength: 12 }), (deltas) => {
        const wire = new WireEncoder(strict, {}, () => undefined);
        let out = "";
        for (const d of deltas) out += wire.encode(delta(d)) + wire.encode(snapshot({}));
        out += wire.encode({ type: "done", value: {}, completedPaths: [], attempts: 1, usage: undefined });
        out += wire.end();
        const decoded = decode(out);
        expect(decoded.text).toBe(deltas.join(""));
        expect(decoded.flushes).toBe(deltas.filter((d) => d !== "").length);
        expect(decoded.records.map((r) => r.type).filter((t) => t !== "text")).toEqual(["done"]);
      }),
    );
  });

  it("events that end without a verdict close with an error record; a cancelled body writes none", () => {
    const ended = new WireEncoder(strict, {}, () => undefined);
    expect(decode(ended.encode(delta("{")) + ended.end()).records).toEqual([
      { type: "error", name: "StreamError", message: "partialgen: the stream ended without a result" },
    ]);
    const cancelled = new WireEncoder(strict, {}, () => undefined);
    cancelled.cancel();
    expect(decode(cancelled.end()).records).toEqual([]);
  });

  it("a retry sends the attempt's text, the error by its class's row, and done corrects the page's attempt count", () => {
    const wire = new WireEncoder(strict, { onWithheldError: () => {} }, () => undefined);
    const error = new ConnectionError("upstream at 10.1.2.3 reset", {
      partial: undefined,
      text: "",
      attempts: 1,
      code: "reset",
    });
    let out = wire.encode(delta('{"a"')) + wire.encode(snapshot({}));
    out += wire.encode({ type: "retry", attempt: 2, reason: "reset", error, errors: [] });
    out += wire.encode(delta("{}", 2)) + wire.encode(snapshot({}));
    out += wire.encode({ type: "done", value: {}, completedPaths: [], attempts: 3, usage: undefined }) + wire.end();
    const decoded = decode(out);
    expect(decoded.text).toBe('{"a"{}');
    const [retry, done] = decoded.records;
    expect(retry).toMatchObject({ type: "retry", attempt: 2, error: { name: "ConnectionError", code: "reset" } });
    expect(JSON.stringify(retry)).not.toContain("10.1.2.3");
    expect(done).toEqual({ type: "done", attempts: 3 });
  });
});
