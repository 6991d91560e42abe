import {
  ConnectionError,
  ContentFilterError,
  MalformedJSONError,
  RefusalError,
  readObjectStream,
  StreamAbortedError,
  StreamError,
  ToolNotCalledError,
  TruncationError,
  ValidationFailedError,
} from "@partialgen/runtime/client";
import { describe, expect, it } from "vitest";
import { encodeRecord, encodeStart } from "../../runtime/wire/to-response.js";
import { collectEvents } from "./helpers.js";

const start = encodeStart({ optionalNulls: "keep", strict: true });
const done = encodeRecord({ type: "done" });

/** A body that sends `parts`, then stays open until cancelled (a live server); records whether it was. */
function liveBody(...parts: string[]) {
  const state = { cancelled: false, reason: undefined as unknown };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
    },
    cancel(reason) {
      state.cancelled = true;
      state.reason = reason;
    },
  });
  return { body, state };
}

const failure = (stream: { final(): Promise<unknown> }) =>
  stream.final().then(
    () => {
      throw new Error("expected the stream to fail");
    },
    (e: unknown) => e as StreamError,
  );

describe("readObjectStream: a hostile or broken wire", () => {
  it("control records with fields of the wrong type are the server's fault (ConnectionError), not the model's", async () => {
    for (const record of [
      `\u001e{"type":"text","text":{"a":1}}\n`,
      `\u001e{"type":"text"}\n`,
      `\u001e{"type":"retry","attempt":"2","error":{"name":"X","message":"m"}}\n`,
      `\u001e{"type":"retry","attempt":2}\n`,
      `\u001e[1]\n`,
      `\u001enull\n`,
      `\u001e"done"\n`,
    ]) {
      const error = await failure(readObjectStream(new Response(`${start}{"a": 1${record}}${done}`)));
      expect(error, record).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).code, record).toBe("protocol");
      expect(error.message).toMatch(/bad control record/);
      expect(error.text).toBe('{"a": 1');
    }
  });

  it("prototype keys in the text and in control records stay plain data", async () => {
    const text = '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "prototype": 3}';
    const value = (await readObjectStream(new Response(`${start}${text}\u001f${done}`)).final()) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__", "constructor", "prototype"]);
    expect(value).toEqual(JSON.parse(text));
    const error = await failure(
      readObjectStream(
        new Response(
          `${start}{}\u001e{"type":"error","name":"__proto__","message":"m","__proto__":{"polluted":1},"attempts":1}\n`,
        ),
      ),
    );
    expect(error).toBeInstanceOf(StreamError);
    expect(error.name).toBe("__proto__");
    for (const name of ["constructor", "toString", "hasOwnProperty"]) {
      const e = await failure(
        readObjectStream(new Response(`${start}{}${encodeRecord({ type: "error", name, message: "m" })}`)),
      );
      expect(e).toBeInstanceOf(StreamError);
      expect(e.name).toBe(name);
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("every error class the server sends is the exported class in the page, with partial and text kept", async () => {
    const cases = [
      [{ name: "ConnectionError", message: "m", code: "reset" }, ConnectionError],
      [{ name: "TruncationError", message: "m", reason: "length" }, TruncationError],
      [{ name: "ContentFilterError", message: "m" }, ContentFilterError],
      [{ name: "RefusalError", message: "m", refusal: "no" }, RefusalError],
      [{ name: "ToolNotCalledError", message: "m" }, ToolNotCalledError],
      [{ name: "StreamAbortedError", message: "m" }, StreamAbortedError],
      [{ name: "ValidationFailedError", message: "m", errors: [] }, ValidationFailedError],
      [{ name: "MalformedJSONError", message: "m", offset: 3, pointer: "/a", parse: "p" }, MalformedJSONError],
      [{ name: "MyAppError", message: "m" }, StreamError],
    ] as const;
    for (const [description, Class] of cases) {
      const wire = `${start}{"a": "hel\u001f${encodeRecord({ type: "error", ...description })}`;
      const error = await failure(readObjectStream(new Response(wire)));
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(StreamError);
      expect(error.name).toBe(description.name);
      expect(error.partial).toEqual({ a: "hel" });
      expect(error.text).toBe('{"a": "hel');
    }
  });

  it("a body that is not a partialgen stream is cancelled at once (its connection closes)", async () => {
    for (const first of ["<!doctype html><title>502</title>", '{"error": "quota"}', '\u001e{"jsonseq": 1}\n']) {
      const { body, state } = liveBody(first);
      const error = await failure(readObjectStream(body));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toMatch(/not a partialgen stream/);
      expect(state.cancelled).toBe(true);
    }
    const { body, state } = liveBody('\u001e{"partialgen":2}\n');
    await expect(readObjectStream(body).final()).rejects.toThrow(/stream format 2, this reader 1/);
    expect(state.cancelled).toBe(true);
  });

  it("a verdict before the body ends cancels the rest of it", async () => {
    const { body, state } = liveBody(start, '{"a": 1}', done, "trailing junk");
    expect(await readObjectStream(body).final()).toEqual({ a: 1 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(state.cancelled).toBe(true);
  });

  it("signal aborted before reading: StreamAbortedError, and the body is cancelled though never read", async () => {
    for (const source of ["response", "body"] as const) {
      const { body, state } = liveBody(start, '{"a": 1');
      const controller = new AbortController();
      controller.abort(new Error("user left"));
      const stream = readObjectStream(source === "body" ? body : new Response(body), { signal: controller.signal });
      const error = await failure(stream);
      expect(error).toBeInstanceOf(StreamAbortedError);
      expect(error.message).toContain("user left");
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(state.cancelled).toBe(true);
    }
  });

  it("signal aborted while the hints module loads: the body is cancelled too", async () => {
    const { body, state } = liveBody(start, '{"a": 1');
    const controller = new AbortController();
    const stream = readObjectStream(body, { signal: controller.signal, hints: { type: "object" } });
    const result = failure(stream);
    controller.abort();
    expect(await result).toBeInstanceOf(StreamAbortedError);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(state.cancelled).toBe(true);
  });

  it("signal aborted after the end changes nothing", async () => {
    const controller = new AbortController();
    const stream = readObjectStream(new Response(`${start}{"a": 1}${done}`), { signal: controller.signal });
    expect(await stream.final()).toEqual({ a: 1 });
    controller.abort();
    expect(await stream.final()).toEqual({ a: 1 });
    expect(stream.error).toBeUndefined();
  });

  it("break out of the only loop: the body is cancelled, the stream ends aborted", async () => {
    const { body, state } = liveBody(start, '{"a": [1, 2, \u001f', "3");
    const stream = readObjectStream(body);
    for await (const _ of stream) break;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(state.cancelled).toBe(true);
    expect(stream.error).toBeInstanceOf(StreamAbortedError);
  });

  it("three readers (for await, events(), final()) see the same answer; one leaving does not stop the others", async () => {
    const wire = `${start}{"a": [1,\u001f 2],\u001f "b": "x"}\u001f${done}`;
    const stream = readObjectStream(new Response(wire));
    const snapshots: unknown[] = [];
    let first: unknown;
    const [events, final] = await Promise.all([
      collectEvents(stream.events()),
      stream.final(),
      (async () => {
        for await (const s of stream) snapshots.push(s);
      })(),
      (async () => {
        for await (const s of stream) {
          first = s;
          break;
        }
      })(),
    ]);
    expect(final).toEqual({ a: [1, 2], b: "x" });
    expect(snapshots).toEqual([{ a: [1] }, { a: [1, 2] }, { a: [1, 2], b: "x" }]);
    expect(first).toEqual({ a: [1] });
    expect(events.filter((e) => e.type === "snapshot").map((e) => e.value)).toEqual(snapshots);
  });

  it("a body that ends inside a record or a text run: ConnectionError 'closed', with partial and text", async () => {
    for (const tail of ['\u001e{"type":"do', "\u001e", ' "b"', ""]) {
      const error = await failure(readObjectStream(new Response(`${start}{"a": [1, 2]\u001f${tail}`)));
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).code).toBe("closed");
      expect(error.partial).toEqual({ a: [1, 2] });
      expect(error.text.startsWith('{"a": [1, 2]')).toBe(true);
    }
  });
});

describe("readObjectStream: bounded memory", () => {
  it("a server that sends text past the parser's limit without a flush is cut off (ConnectionError)", async () => {
    const mib = "x".repeat(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`${start}"`));
      },
      pull(controller) {
        sent++;
        controller.enqueue(new TextEncoder().encode(mib)); // endless, never flushed
      },
    });
    const error = await failure(readObjectStream(body));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/longer than 67108864 characters/);
    expect(sent).toBeLessThan(70);
  });
});
