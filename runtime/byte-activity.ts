/**
 * Body bytes as the idle timeout sees them. The openai SDK's stream yields SSE events only: the comments that
 * servers and proxies send to keep a quiet connection open (": keep-alive", ": PROCESSING" while a reasoning
 * model thinks) never reach us as events, yet they are bytes, and a connection that still sends them is not
 * idle. So the attempt watches the body of the response the SDK hands back (`withResponse()`), before the SDK
 * starts reading it: the request itself goes through the caller's own client, untouched (a copy of the client
 * made for each request cost about 4 KB and tens of microseconds, and AzureOpenAI could not be copied at all).
 */

/**
 * Calls `onBytes` for each chunk the body's async iterator (how the SDK reads a body) hands out, when the SDK
 * asks for the next one: a `next()` after the first means the previous one gave a chunk (a reader never calls
 * `next()` again after the end or an error, nor twice at once), and the SDK asks at once, as soon as that
 * chunk's events are read. So nothing is added to the read itself: piping the body through a TransformStream
 * costs several promises and a queue per chunk (23% more CPU time for 300 concurrent meeting answers, the local
 * server's included), and a `then` on each read one promise per chunk. `return()` and errors stay the
 * stream's own, so cancellation is unchanged. Returns false, leaving the body alone, for a body without an
 * async iterator (older browsers): the timer then counts events.
 */
export function watchBodyBytes(body: ReadableStream<Uint8Array> | null | undefined, onBytes: () => void): boolean {
  const iterate = (body as { [Symbol.asyncIterator]?: () => AsyncIterator<Uint8Array> } | null | undefined)?.[
    Symbol.asyncIterator
  ];
  if (typeof iterate !== "function") return false;
  Object.defineProperty(body, Symbol.asyncIterator, {
    configurable: true,
    value(this: unknown, ...args: unknown[]): AsyncIterator<Uint8Array> {
      const iterator = (iterate as (...a: unknown[]) => AsyncIterator<Uint8Array>).apply(body, args);
      const next = iterator.next;
      let asked = false;
      iterator.next = (...a: [] | [unknown]) => {
        if (asked) onBytes();
        asked = true;
        return next.apply(iterator, a);
      };
      return iterator;
    },
  });
  return true;
}
