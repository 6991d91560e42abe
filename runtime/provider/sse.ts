/**
 * An event-stream (SSE) decoder, per the WHATWG rules: UTF-8 (a leading BOM dropped), lines ending at CRLF, LF or
 * CR, `data:` lines joined with "\n", one optional space after the colon, comments (`:`) ignored, an event
 * dispatched at a blank line, an unterminated event at the end dropped.
 *
 * Why by hand, when the openai SDK decodes the same stream: its decoder copies every network chunk into a new
 * buffer (twice), walks it byte by byte for line ends and decodes each line separately, with an async generator
 * step per event. At 1,000 concurrent streams that was about half of all CPU time (profiles of
 * `npm run bench:stream-load`), five times partialgen's own work. Here each chunk is decoded to text once, in
 * windows ending at line ends, and scanned with indexOf; no promise but the caller's own per event.
 */

/** An unterminated line or event is read up to this many characters; past it the stream is refused. */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/** The stream broke the event-stream format in a way that cannot be read (an event past MAX_EVENT_CHARS). */
export class EventStreamError extends Error {
  override name = "EventStreamError";
}

const LF = 10;
const CR = 13;
const BOM = 0xfeff;

/** One decoder for every stream: each window decoded ends at a line end, never inside a character. */
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * How much of a chunk is decoded to text at once. A chunk is often tens of KB, and its events are read out one by
 * one across waits for the stream's readers: decoded whole, its text (and the slices of it) would be held all that
 * time. A window of a few KB bounds what a stream holds, and is still one decode() call for dozens of events.
 */
export const DEFAULT_WINDOW_BYTES = 4096;

/**
 * Decodes a body pushed chunk by chunk; next() reads the events out one at a time, so that the caller can let
 * the stream's readers see each before the next. Dispatches as the openai SDK does: also an event with a name but
 * no `data:` line (its data is then "").
 */
export class EventStreamDecoder {
  /** The chunk being read: its bytes from `pos` up to `end` (its last line end) are not decoded yet. */
  private bytes: Uint8Array | undefined;
  private pos = 0;
  private end = 0;
  /** The window decoded from it, and where in it. */
  private text = "";
  private start = 0;
  /** The next LF and CR in `text` at or after `start`, -1 for none: each searched again only once passed. */
  private lf = -1;
  private cr = -1;
  /**
   * The bytes after the last line end, waiting for theirs: copies, so that no chunk (often tens of KB) is kept
   * alive by a few bytes of it while a stream waits for the next, and no character is split.
   */
  private tail: Uint8Array[] = [];
  private tailBytes = 0;
  private atStart = true;
  /** The last window ended with a CR: an LF at the start of the next one belongs to it. */
  private afterCR = false;
  private eventName: string | null = null;
  private dataText = "";
  private dataLines = 0;
  /** Characters of the event being read, for MAX_EVENT_CHARS. */
  private eventChars = 0;
  /** The event next() found: its `event:` name (null without one) and its data. */
  event: string | null = null;
  data = "";

  constructor(private readonly windowBytes = DEFAULT_WINDOW_BYTES) {}

  /** Takes the next chunk of the body; call once next() returned false. */
  push(chunk: Uint8Array): void {
    const cut = Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR)) + 1;
    if (cut === 0) {
      this.keep(chunk);
      return;
    }
    let pos = 0;
    if (this.tailBytes > 0) {
      // The kept bytes end with the chunk's first line: decoded first, as a window of their own.
      const lf = chunk.indexOf(LF);
      const cr = chunk.indexOf(CR);
      pos = (lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)) + 1;
      this.decode(this.joinTail(chunk.subarray(0, pos)));
    }
    if (cut < chunk.length) this.keep(chunk.subarray(cut));
    this.bytes = chunk;
    this.pos = pos;
    this.end = cut;
  }

  /** Reads up to the next event of the chunks pushed (then in `event` and `data`); false when they hold none. */
  next(): boolean {
    this.event = null;
    this.data = "";
    for (;;) {
      if (this.start === this.text.length && !this.nextWindow()) return false;
      const text = this.text;
      const end = text.length;
      let start = this.start;
      while (start < end) {
        if (this.lf !== -1 && this.lf < start) this.lf = text.indexOf("\n", start);
        if (this.cr !== -1 && this.cr < start) this.cr = text.indexOf("\r", start);
        const { lf, cr } = this;
        // Every window ends with a line end.
        const lineEnd = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
        const line = text.slice(start, lineEnd);
        start = lineEnd + 1;
        if (lineEnd === cr) {
          if (start === end) this.afterCR = true;
          else if (text.charCodeAt(start) === LF) start++;
        }
        if (this.line(line)) {
          this.start = start;
          return true;
        }
      }
      this.start = end;
    }
  }

  /** Decodes the chunk's next window (up to a line end); false when the chunk is read. */
  private nextWindow(): boolean {
    const bytes = this.bytes;
    if (bytes === undefined || this.pos === this.end) {
      this.bytes = undefined;
      this.text = "";
      this.start = 0;
      return false;
    }
    const pos = this.pos;
    let stop = this.end;
    if (stop - pos > this.windowBytes) {
      const last = pos + this.windowBytes - 1;
      stop = Math.max(bytes.lastIndexOf(LF, last), bytes.lastIndexOf(CR, last)) + 1;
      if (stop <= pos) {
        // A line longer than the window: up to its end.
        const lf = bytes.indexOf(LF, pos);
        const cr = bytes.indexOf(CR, pos);
        stop = (lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)) + 1;
      }
    }
    this.pos = stop;
    this.decode(stop - pos === bytes.length ? bytes : bytes.subarray(pos, stop));
    return true;
  }

  /** Makes `bytes` (whole lines) the text read next. */
  private decode(bytes: Uint8Array): void {
    const text = utf8.decode(bytes);
    this.text = text;
    this.start = 0;
    if (this.atStart) {
      this.atStart = false;
      if (text.charCodeAt(0) === BOM) this.start = 1;
    }
    if (this.afterCR) {
      this.afterCR = false;
      if (text.charCodeAt(this.start) === LF) this.start++;
    }
    this.lf = text.indexOf("\n", this.start);
    this.cr = text.indexOf("\r", this.start);
  }

  private keep(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.tail.push(bytes.slice());
    this.tailBytes += bytes.length;
    if (this.tailBytes + this.eventChars > MAX_EVENT_CHARS) {
      throw new EventStreamError(`an event stream line or event longer than ${MAX_EVENT_CHARS} characters`);
    }
  }

  private joinTail(lines: Uint8Array): Uint8Array {
    const joined = new Uint8Array(this.tailBytes + lines.length);
    let at = 0;
    for (const part of this.tail) {
      joined.set(part, at);
      at += part.length;
    }
    joined.set(lines, at);
    this.tail = [];
    this.tailBytes = 0;
    return joined;
  }

  /** Reads one whole line; true when it ended an event. */
  private line(line: string): boolean {
    if (line === "") return this.dispatch();
    const colon = line.indexOf(":");
    if (colon === 0) return false; // a comment
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== "data" && field !== "event") return false; // id, retry and unknown fields: the SDK uses none
    const valueStart = colon === -1 ? line.length : line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
    const value = line.slice(valueStart);
    if (field === "event") {
      this.eventName = value;
      return false;
    }
    this.dataText = this.dataLines === 0 ? value : `${this.dataText}\n${value}`;
    this.dataLines++;
    this.eventChars += line.length + 1;
    if (this.eventChars > MAX_EVENT_CHARS) {
      throw new EventStreamError(`an event longer than ${MAX_EVENT_CHARS} characters`);
    }
    return false;
  }

  private dispatch(): boolean {
    const name = this.eventName;
    this.eventName = null;
    // As the SDK: an empty `event:` counts as none.
    if (!name && this.dataLines === 0) return false;
    this.event = name;
    this.data = this.dataText;
    this.dataText = "";
    this.dataLines = 0;
    this.eventChars = 0;
    return true;
  }
}
