/** Prints a Markdown table (so a run can be pasted into docs/performance.md as is). */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Wall-clock timings of `runs` calls: the best (least disturbed on a shared, noisy machine) and the median. */
export async function timings(
  runs: number,
  fn: () => unknown | Promise<unknown>,
): Promise<{ best: number; median: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { best: times[0] ?? Number.NaN, median: times[Math.floor(times.length / 2)] ?? Number.NaN };
}

export async function bestOf(runs: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  return (await timings(runs, fn)).best;
}
