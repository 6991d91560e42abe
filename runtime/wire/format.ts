/**
 * The wire format between toResponse() (server) and readObjectStream() (browser): the model's text as it
 * wrote it, plus a few control records. Sending text rather than snapshots keeps the body O(n) in the answer,
 * and the browser re-runs the same parser on the same writes, so its snapshots equal the server's.
 *
 *   body    = start *( text / FLUSH / record )
 *   start   = RS '{"partialgen":1,"nulls":"drop"|"keep"[,"lenient":true]}' LF   the server parser's options
 *   text    = the model's text in UTF-8, verbatim
 *   FLUSH   = US (0x1F): the text since the previous FLUSH made one server snapshot; write it to the parser now
 *   record  = RS <JSON object with "type"> LF                          (RS = 0x1E, as in RFC 7464 JSON sequences)
 *     {"type":"text","text":"..."}       text that cannot go verbatim: RS, US or a lone surrogate half
 *     {"type":"retry","attempt":2,"errors":[...]}   the next attempt starts: the parser restarts from empty
 *     {"type":"done"} / {"type":"done","usage":{...}}   the final value passed the server's validation
 *                                                  ("attempts":n when the body began after a retry)
 *     {"type":"error","name":"ConnectionError","message":"...", ...}   the stream failed; the page keeps its last snapshot
 *
 * SSE or NDJSON would wrap every delta (8+ bytes of framing and JSON escaping per 2–5 character token); here
 * the framing is one byte per snapshot. Nothing here depends on Node or on a validator: browsers import it.
 */
import type { Usage } from "../stream/usage.js";
import type { ValidationError } from "../validate/validation.js";

/** Starts a control record (ASCII record separator); the record is one line of JSON. */
export const RECORD_START = "\u001e";
/** Ends one server write (ASCII unit separator). */
export const FLUSH = "\u001f";
/** The format's version, in the start record. */
export const WIRE_VERSION = 1;
/** Longest control record a reader accepts (bounded memory against a hostile or broken server). */
export const MAX_RECORD_LENGTH = 1024 * 1024;

/** What the browser's parser must do exactly as the server's did. */
export interface WireParserOptions {
  strict: boolean;
  optionalNulls: "keep" | "drop";
}

/** The server's parser options: the wire's, and lenient mode's own (the browser reads only the value's text). */
export interface ServerParserOptions extends WireParserOptions {
  startsInThinkBlock?: boolean;
}

export interface StartRecord {
  partialgen: number;
  nulls: "keep" | "drop";
  /** Present (true) only for lenient parsing: prose and Markdown fences around the JSON are skipped. */
  lenient?: true;
}

export type WireRecord =
  | { type: "text"; text: string }
  /** `error` is why the previous attempt was rejected; `errors` its Ajv errors when it failed validation. */
  | { type: "retry"; attempt: number; error: ErrorDescription; errors: readonly ValidationError[] }
  /** `attempts` only where the page's count is not the server's (a body made after a retry). */
  | { type: "done"; usage?: Usage; attempts?: number }
  | ErrorRecord;

/** A StreamError as JSON: its class name and message, and the fields of its class. */
export interface ErrorDescription {
  name: string;
  message: string;
  attempts?: number;
  /** ValidationFailedError's Ajv errors. */
  errors?: readonly ValidationError[];
  /** RefusalError's text. */
  refusal?: string;
  /** MalformedJSONError's position, and its parser error's own message. */
  offset?: number;
  pointer?: string;
  parse?: string;
  /** ConnectionError's code and HTTP status. */
  code?: string;
  status?: number;
  /** TruncationError's reason. */
  reason?: string;
}

export interface ErrorRecord extends ErrorDescription {
  type: "error";
}

/**
 * What the start record asks of the page's parser: the server parser's options, where lenient mode becomes raw
 * line breaks (the server sends lenient mode's value text only, as plain JSON but for those: to-response.ts).
 */
export interface PageParserOptions {
  optionalNulls: "keep" | "drop";
  rawLineBreaks: boolean;
}

/** What a WireDecoder reports, in order. */
export interface WireHandler {
  start(options: PageParserOptions): void;
  text(text: string): void;
  flush(): void;
  record(record: WireRecord): void;
}

/**
 * Splits decoded text into the format's parts, across network chunks of any size: text runs as they
 * arrive, records once their line is complete. Throws an Error (message for the page) on a body that is
 * not this format: an HTML error page, a proxy's answer, a record that is not JSON. A closure rather than
 * a class: minifiers shorten local names, not property names, and this ships to browsers.
 */
export function wireDecoder(handler: WireHandler): {
  /**
   * Reads `chunk` from `from` up to and including its next flush (so that the caller can let readers take
   * that snapshot before the next), or to its end; returns where it stopped.
   */
  push(chunk: string, from?: number): number;
} {
  let started = false;
  let inRecord = false;
  let line = "";
  const finishRecord = () => {
    let parsed: { type?: unknown; partialgen?: unknown; nulls?: unknown; lenient?: unknown } | null = null;
    try {
      parsed = JSON.parse(line);
    } catch {}
    if (!started) {
      if (typeof parsed?.partialgen !== "number") notThisFormat(line);
      if (parsed.partialgen !== WIRE_VERSION) {
        throw new Error(`the server sends stream format ${parsed.partialgen}, this reader ${WIRE_VERSION}`);
      }
      started = true;
      handler.start({
        optionalNulls: parsed.nulls === "drop" ? "drop" : "keep",
        rawLineBreaks: parsed.lenient === true,
      });
    } else if (wellFormed(parsed)) handler.record(parsed as WireRecord);
    else throw new Error(`bad control record: ${line.slice(0, 80)}`);
    line = "";
  };
  return {
    push(chunk, from = 0) {
      const n = chunk.length;
      for (let i = from; i < n; ) {
        if (inRecord) {
          const end = chunk.indexOf("\n", i);
          line += chunk.slice(i, end === -1 ? n : end);
          if (line.length > MAX_RECORD_LENGTH) throw new Error(`a control record is longer than ${MAX_RECORD_LENGTH}`);
          if (end === -1) return n;
          inRecord = false;
          finishRecord();
          i = end + 1;
        } else if (!started) {
          if (chunk.charCodeAt(i) !== 0x1e) notThisFormat(chunk.slice(i));
          inRecord = true;
          i++;
        } else {
          let j = i;
          let c = 0;
          for (; j < n; j++) {
            c = chunk.charCodeAt(j);
            if (c === 0x1e || c === 0x1f) break;
          }
          if (j > i) handler.text(chunk.slice(i, j));
          if (j === n) return n;
          i = j + 1;
          if (c === 0x1e) inRecord = true;
          else {
            handler.flush();
            return i;
          }
        }
      }
      return n;
    },
  };
}

/** A record whose fields this reader uses have their types (kinds it does not know pass). */
function wellFormed(r: { type?: unknown; text?: unknown; attempt?: unknown; error?: unknown } | null): boolean {
  const type = r?.type;
  return type === "text"
    ? typeof r?.text === "string"
    : type === "retry"
      ? Number.isInteger(r?.attempt) && typeof r?.error === "object" && r?.error !== null
      : typeof type === "string";
}

function notThisFormat(start: string): never {
  throw new Error(
    `the response is not a partialgen stream (return stream.toResponse()); it starts with ${JSON.stringify(start.slice(0, 80))}`,
  );
}
