/**
 * Raised for text that is not (or cannot become) valid JSON, and for input past the configured limits.
 * `offset` is the character offset in the whole text written so far; `pointer` is the JSON Pointer of
 * the value being written when the problem was found ("" for the root).
 */
export class PartialJSONError extends Error {
  override name = "PartialJSONError";
  readonly offset: number;
  readonly pointer: string;
  /** Set by streamObject(): the last snapshot shown and the raw text received, so nothing is lost. */
  partial?: unknown;
  text?: string;

  constructor(message: string, offset: number, pointer: string) {
    super(`${message} at offset ${offset}${pointer === "" ? "" : ` (in ${pointer})`}`);
    this.offset = offset;
    this.pointer = pointer;
  }
}
