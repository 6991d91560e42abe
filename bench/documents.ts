/** Deterministic LLM-style JSON documents and chunkings for the benchmarks (no fixtures to ship). */

/** mulberry32: a tiny seeded PRNG, so every run streams the same bytes in the same chunks. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  "the model streams structured output field by field while the interface renders every partial snapshot as soon as it arrives with names dates budgets and locations ünïcödé 日本語 emoji 😀".split(
    " ",
  );

function sentence(rand: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)] as string);
  return out.join(" ");
}

/**
 * A report of chapters of sections of items: the shape structured-output answers have (objects of short
 * strings, numbers, booleans, nulls, arrays of records, longer text fields), about `targetBytes` long.
 * Containers stay at most a few dozen members wide as the document grows; see generateWideArray for the
 * case where one array holds everything.
 */
export function generateDocument(targetBytes: number, seed = 1): string {
  const rand = prng(seed);
  const chapters: { title: string; sections: unknown[] }[] = [];
  const doc = { title: sentence(rand, 6), summary: sentence(rand, 40), chapters };
  let size = JSON.stringify(doc).length;
  while (size < targetBytes) {
    let chapter = chapters.at(-1);
    if (chapter === undefined || chapter.sections.length === 12) {
      chapter = { title: sentence(rand, 5), sections: [] };
      chapters.push(chapter);
    }
    const items = Array.from({ length: 3 + Math.floor(rand() * 8) }, (_, i) => ({
      id: `item-${i}-${Math.floor(rand() * 1e6)}`,
      name: sentence(rand, 3),
      email: `user${Math.floor(rand() * 1e4)}@example.com`,
      score: Math.round(rand() * 1e4) / 100,
      active: rand() > 0.5,
      tags: Array.from({ length: Math.floor(rand() * 4) }, () => sentence(rand, 1)),
      notes: rand() > 0.7 ? sentence(rand, 12) : null,
    }));
    const section = { heading: sentence(rand, 4), body: sentence(rand, 30 + Math.floor(rand() * 40)), items };
    chapter.sections.push(section);
    size += JSON.stringify(section).length + 1;
  }
  return JSON.stringify(doc, null, 1);
}

/** One flat array of records: the widest container a document can have (worst case for copy-on-write). */
export function generateWideArray(targetBytes: number, seed = 2): string {
  const rand = prng(seed);
  const rows: unknown[] = [];
  let size = 2;
  while (size < targetBytes) {
    const row = { id: rows.length, name: sentence(rand, 2), score: Math.round(rand() * 100) };
    rows.push(row);
    size += JSON.stringify(row).length + 1;
  }
  return JSON.stringify(rows);
}

/** An answer dominated by one long text field (a summary, an essay): one string, streamed for its whole length. */
export function generateLongText(targetBytes: number, seed = 4): string {
  const rand = prng(seed);
  const words: string[] = [];
  let size = 0;
  while (size < targetBytes) {
    const w = sentence(rand, 1);
    words.push(w);
    size += w.length + 1;
  }
  return JSON.stringify({ title: sentence(rand, 5), body: words.join(" ") });
}

/** Splits text into chunks of 1 to 8 characters, as token streams arrive. */
export function chunk(text: string, seed = 3): string[] {
  const rand = prng(seed);
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(rand() * 8);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}
