import { spawnSync } from "node:child_process";
import { join } from "node:path";
import xterm from "@xterm/headless";
import { describe, expect, it } from "vitest";
import { displayWidth, fitFrame, fitLine } from "../../examples/meeting/render.js";
import { ROOT } from "../generator/helpers.js";

const PTY = join(ROOT, "test/examples/pty-run.py");

/** Runs `npm run demo` in a pseudo-terminal of the given size; returns its raw output and exit status. */
function demoInPty(columns: number, rows: number, options: { interruptWhen?: string; delayMs?: number } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, PARTIALGEN_REPLAY_DELAY_MS: String(options.delayMs ?? 2) };
  delete env.OPENAI_API_KEY;
  delete env.ANTHROPIC_API_KEY;
  delete env.GEMINI_API_KEY;
  delete env.NO_COLOR;
  const result = spawnSync(
    "python3",
    [
      PTY,
      String(columns),
      String(rows),
      options.interruptWhen ?? "",
      process.execPath,
      "--import",
      "tsx",
      "examples/meeting/demo.ts",
    ],
    { cwd: ROOT, env, encoding: "buffer", timeout: 60_000 },
  );
  return { output: result.stdout.toString("utf8"), status: result.stderr.toString("utf8").trim() };
}

/** What a terminal of that size shows, scrollback included, after the output: one string per row. */
async function screen(output: string, columns: number, rows: number): Promise<string[]> {
  const term = new xterm.Terminal({ cols: columns, rows, scrollback: 10_000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(output, resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
  term.dispose();
  return lines;
}

const count = (lines: string[], pattern: RegExp) => lines.filter((l) => pattern.test(l)).length;
const cursorRestored = (output: string) =>
  output.includes("\u001b[?25l") && output.lastIndexOf("\u001b[?25h") > output.lastIndexOf("\u001b[?25l");

describe("npm run demo in a terminal: no duplicate frames in the scrollback, at any size", () => {
  for (const [columns, rows] of [
    [80, 24],
    [40, 20],
  ] as const) {
    it(`${columns}×${rows}`, async () => {
      const { output, status } = demoInPty(columns, rows);
      expect(status).toBe("exit: 0");
      const lines = await screen(output, columns, rows);
      // Exactly one copy of the value: the final one, printed once after the live frames are erased.
      expect(count(lines, /^\s*"users": \[$/)).toBe(1);
      expect(count(lines, /"name": "John Doe"/)).toBe(1);
      expect(count(lines, /lines? above/)).toBe(0);
      expect(count(lines, /← writing/)).toBe(0);
      expect(count(lines, /^partialgen demo/)).toBe(1);
      expect(count(lines, /✓ valid MeetingInfo: 3 users/)).toBe(1);
      expect(cursorRestored(output)).toBe(true);
    });
  }

  it("Ctrl-C mid-stream: stops, shows what arrived once, restores the cursor, exits 130", async () => {
    // Ctrl-C once the second participant is being written.
    const { output, status } = demoInPty(80, 24, { interruptWhen: "Jane", delayMs: 40 });
    expect(status).toBe("exit: 130");
    const lines = await screen(output, 80, 24);
    expect(lines.join("\n")).toMatch(/StreamAbortedError: .*interrupted/);
    expect(count(lines, /^\s*"users": \[/)).toBe(1);
    expect(count(lines, /"name": "John Doe"/)).toBe(1);
    expect(count(lines, /✓ valid/)).toBe(0);
    expect(count(lines, /← writing/)).toBe(0);
    expect(cursorRestored(output)).toBe(true);
  });
});

describe("fitting a frame to the terminal", () => {
  it("cuts lines to the width (colour codes and wide characters counted right), never wrapping", () => {
    expect(fitLine("abcdef", 6)).toBe("abcdef");
    expect(fitLine("abcdefg", 6)).toBe("abcde…\u001b[0m");
    expect(displayWidth(fitLine('\u001b[32m"日本語のテキスト"\u001b[0m', 9))).toBeLessThanOrEqual(9);
    expect(fitLine("a\u001b[2Jb\u0007", 10)).toBe("a?[2Jb?");
  });

  it("keeps at most rows - 1 lines, the line being written in view", () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const frame = fitFrame(lines, { columns: 40, rows: 10 }, 5);
    expect(frame).toHaveLength(9);
    expect(frame).toContain("line 5");
    const atEnd = fitFrame(lines, { columns: 40, rows: 10 }, 29);
    expect(atEnd[0]).toBe("… 22 lines above");
    expect(atEnd.at(-1)).toBe("line 29");
  });
});
