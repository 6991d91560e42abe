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
 * stream's own, so cancellation is unchanged. With `head`, the first chunks are also kept there. Returns false, leaving the body alone, for a body without an
 * async iterator (older browsers): the timer then counts events.
 */
export function watchBodyBytes(
  body: ReadableStream<Uint8Array> | null | undefined,
  onBytes: () => void,
  head?: BodyHead,
): boolean {
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
        const step = next.apply(iterator, a);
        // Only while the head is not full: one promise for each of the first chunks, none after.
        if (head === undefined || head.full) return step;
        return step.then((result) => {
          if (!result.done) head.add(result.value);
          return result;
        });
      };
      return iterator;
    },
  });
  return true;
}

/**
 * The first bytes of a body, kept for the error message when a stream carries no answer: a server that labels a
 * JSON error or a plain-text page `text/event-stream`, or writes an SSE field the SDK drops (llama.cpp's
 * `error: {...}` line), leaves no event behind, only these bytes. Bounded, and only the first chunks pay for it.
 */
export class BodyHead {
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  constructor(readonly max: number) {}

  get full(): boolean {
    return this.size >= this.max;
  }

  add(chunk: unknown): void {
    if (!(chunk instanceof Uint8Array) || this.full) return;
    // A copy: a view would keep the whole chunk (often tens of KB) alive as long as the stream.
    const part = chunk.slice(0, this.max - this.size);
    this.parts.push(part);
    this.size += part.length;
  }

  text(): string {
    const decoder = new TextDecoder();
    let text = "";
    for (const part of this.parts) text += decoder.decode(part, { stream: true });
    return text + decoder.decode();
  }
}
