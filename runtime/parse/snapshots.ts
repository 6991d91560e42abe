import { PartialJSONParser, type PartialJSONParserOptions } from "./lenient-parser.js";

/**
 * Streams snapshots of the value while its JSON text arrives: yields only when the snapshot changed, and
 * its last yield is the complete value. Incomplete or malformed text throws PartialJSONError at the end.
 */
export async function* partialSnapshots<T = unknown>(
  chunks: Iterable<string> | AsyncIterable<string>,
  options: PartialJSONParserOptions = {},
): AsyncGenerator<T, T, undefined> {
  const parser = new PartialJSONParser<T>(options);
  let last: T | undefined;
  for await (const chunk of chunks) {
    if (parser.write(chunk)) {
      last = parser.value;
      yield last as T;
    }
  }
  const complete = parser.end();
  if (complete !== last || last === undefined) yield complete;
  return complete;
}
