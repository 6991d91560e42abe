/**
 * An event-stream (SSE) decoder, per the WHATWG rules: UTF-8 (a leading BOM dropped), lines ending at CRLF, LF or
 * CR, `data:` lines joined with "\n", one optional space after the colon, comments (`:`) ignored, an event
 * dispatched at a blank line, an unterminated event at the end dropped.
 *
 * Why by hand, when the openai SDK decodes the same stream: its decoder copies every network chunk into a new
 * buffer (twice), walks it byte by byte for line ends and decodes each line separately, with an async generator
 * step per event. At 1,000 concurrent streams that was about half of all CPU time (profiles of
 * `npm run bench:stream-load`), five times partialgen's own work. Here each chunk is decoded to text once and
 * scanned with indexOf; no promise but the caller's own per event.
 */

/** An unterminated line or event is read up to this many characters; past it the stream is refused. */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/** The stream broke the event-stream format in a way that cannot be read (an event past MAX_EVENT_CHARS). */
export class EventStreamError extends Error {
  override name = "EventStreamError";
}

const LF = 10;

/**
 * Decodes a body pushed chunk by chunk; next() reads the events out one at a time, so that the caller can let
 * the stream's readers see each before the next. Dispatches as the openai SDK does: also an event with a name but
 * no `data:` line (its data is then "").
 */
export class EventStreamDecoder {
  private readonly decoder = new TextDecoder();
  /** The chunk being read, and where in it. */
  private text = "";
  private start = 0;
  /** The next LF and CR in `text` at or after `start`, -1 for none: each searched again only once passed. */
  private lf = -1;
  private cr = -1;
  /** The text of a line whose end has not arrived yet. */
  private rest = "";
  /** The last chunk ended with a CR: an LF at the start of the next one belongs to it. */
  private afterCR = false;
  private eventName: string | null = null;
  private dataText = "";
  private dataLines = 0;
  /** Characters of the event being read, for MAX_EVENT_CHARS. */
  private eventChars = 0;
  /** The event next() found: its `event:` name (null without one) and its data. */
  event: string | null = null;
  data = "";

  /** Takes the next chunk of the body; call once next() returned false. */
  push(chunk: Uint8Array): void {
    const text = this.decoder.decode(chunk, { stream: true });
    // An empty text (an empty chunk, the first bytes of a character): an LF may still follow a CR.
    if (text === "") return;
    this.text = text;
    this.start = 0;
    if (this.afterCR) {
      this.afterCR = false;
      if (text.charCodeAt(0) === LF) this.start = 1;
    }
    this.lf = text.indexOf("\n", this.start);
    this.cr = text.indexOf("\r", this.start);
  }

  /** Reads up to the next event of the chunks pushed (then in `event` and `data`); false when they hold none. */
  next(): boolean {
    const text = this.text;
    const end = text.length;
    let start = this.start;
    while (start < end) {
      if (this.lf !== -1 && this.lf < start) this.lf = text.indexOf("\n", start);
      if (this.cr !== -1 && this.cr < start) this.cr = text.indexOf("\r", start);
      const { lf, cr } = this;
      const lineEnd = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (lineEnd === -1) {
        this.keep(start === 0 ? text : text.slice(start));
        break;
      }
      let line = text.slice(start, lineEnd);
      if (this.rest !== "") {
        line = this.rest + line;
        this.rest = "";
      }
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
    this.text = "";
    this.start = 0;
    return false;
  }

  private keep(partial: string): void {
    this.rest = this.rest === "" ? partial : this.rest + partial;
    if (this.rest.length + this.eventChars > MAX_EVENT_CHARS) {
      throw new EventStreamError(`an event stream line or event longer than ${MAX_EVENT_CHARS} characters`);
    }
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
