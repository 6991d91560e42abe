import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PartialJSONParser, type PartialJSONParserOptions } from "../../runtime/index.js";

export const DOCUMENTS_DIR = fileURLToPath(new URL("../fixtures/documents/", import.meta.url));

export function fixtureDocuments(): { name: string; text: string }[] {
  return readdirSync(DOCUMENTS_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((name) => ({ name, text: readFileSync(DOCUMENTS_DIR + name, "utf8") }));
}

/** The snapshot after every character of `text` (index i: after text[0..i]). */
export function snapshotAfterEachChar(text: string, options?: PartialJSONParserOptions): unknown[] {
  const parser = new PartialJSONParser(options);
  const out: unknown[] = [];
  for (const ch of text.split("")) {
    parser.write(ch);
    out.push(parser.value);
  }
  return out;
}

/** Feeds `chunks` and returns every snapshot handed out (on change) plus the final value. */
export function collect(
  chunks: readonly string[],
  options?: PartialJSONParserOptions,
): { snapshots: unknown[]; final: unknown } {
  const parser = new PartialJSONParser(options);
  const snapshots: unknown[] = [];
  for (const chunk of chunks) if (parser.write(chunk)) snapshots.push(parser.value);
  return { snapshots, final: parser.end() };
}

export function chunkBy(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The error `fn` throws (fails the test when it throws nothing). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error to be thrown");
}
