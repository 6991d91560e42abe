/**
 * Raised for text that is not (or cannot become) valid JSON, and for input past the configured limits.
 * `offset` is the character offset in the whole text written so far; `pointer` is the JSON Pointer of
 * the value being written when the problem was found ("" for the root). A stream that fails this way ends
 * with a MalformedJSONError carrying this one as `cause`, with the stream's `partial` and `text`.
 */
export class PartialJSONError extends Error {
  override name = "PartialJSONError";
  // Set by the constructor: the same own properties as class fields, fewer bytes in browser bundles.
  declare readonly offset: number;
  declare readonly pointer: string;

  constructor(message: string, offset: number, pointer: string) {
    super(`${message} at offset ${offset}${pointer === "" ? "" : ` (in ${pointer})`}`);
    this.offset = offset;
    this.pointer = pointer;
  }
}
