import type { StreamHintTable } from "../../runtime/hints/schema-hints.js";
import { PartialJSONParser } from "../../runtime/parse/lenient-parser.js";

/** A small seeded PRNG (mulberry32), so that every sampled run is reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` items of `list` chosen without replacement, in their original order. */
export function sample<T>(list: readonly T[], count: number, random: () => number): T[] {
  if (list.length <= count) return [...list];
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * list.length));
  return [...picked].sort((a, b) => a - b).map((i) => list[i] as T);
}

/** Splits text into chunks of 1 to `max` characters (sometimes one chunk: models send either). */
export function randomChunks(text: string, random: () => number, max = 8): string[] {
  if (random() < 0.1) return [text];
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const size = 1 + Math.floor(random() * max);
    out.push(text.slice(i, i + size));
    i += size;
  }
  return out;
}

/**
 * Every snapshot a strict-mode parser shows while `text` arrives in the chunks `cuts` make (offsets taken modulo the
 * text's length + 1), read with `hints` (a schema or a compiled table), and the final value.
 */
export function chunkedSnapshots(hints: unknown, text: string, cuts: readonly number[]) {
  const parser = new PartialJSONParser({ schema: hints as StreamHintTable, strict: true });
  const shown: unknown[] = [];
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)) {
    if (parser.write(text.slice(at, cut))) shown.push(parser.value);
    at = cut;
  }
  parser.write(text.slice(at));
  return { shown, final: parser.end() };
}
