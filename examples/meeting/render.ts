/** Terminal rendering of a partial object: indented, coloured, the field being written marked. */

const ESC = "\u001b[";
const paint = (code: string) => (text: string, color: boolean) => (color ? `${ESC}${code}m${text}${ESC}0m` : text);
const cyan = paint("36");
const green = paint("32");
const yellow = paint("33");
const magenta = paint("35");
const dim = paint("2");
const inverse = paint("7");

/**
 * The JSON Pointer of what changed between two snapshots, followed down to the deepest changed value.
 * Snapshots share unchanged subtrees, so only the changed path is walked.
 */
export function changedPointer(prev: unknown, next: unknown, pointer = ""): string | undefined {
  if (prev === next) return undefined;
  if (
    next === null ||
    typeof next !== "object" ||
    prev === null ||
    typeof prev !== "object" ||
    Array.isArray(prev) !== Array.isArray(next)
  ) {
    return pointer;
  }
  const keys = Object.keys(next);
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i] as string;
    const a = (prev as Record<string, unknown>)[key];
    const b = (next as Record<string, unknown>)[key];
    if (a !== b) return changedPointer(a, b, `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`) ?? pointer;
  }
  return pointer;
}

/** Lines of an indented view of `value`; the value at `writing` gets a caret and a label. */
export function renderValue(value: unknown, writing: string | undefined, color: boolean): string[] {
  const lines: string[] = [];
  const walk = (v: unknown, pointer: string, indent: string, label: string, last: boolean) => {
    const comma = last ? "" : ",";
    const mark = pointer === writing ? ` ${inverse(" ", color)} ${magenta("← writing", color)}` : "";
    if (v !== null && typeof v === "object") {
      const isArray = Array.isArray(v);
      const entries = Object.entries(v);
      const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
      if (entries.length === 0) {
        lines.push(`${indent}${label}${open}${close}${comma}${mark}`);
        return;
      }
      lines.push(`${indent}${label}${open}${mark}`);
      entries.forEach(([k, child], i) => {
        const childLabel = isArray ? "" : `${cyan(JSON.stringify(k), color)}: `;
        walk(
          child,
          `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`,
          `${indent}  `,
          childLabel,
          i === entries.length - 1,
        );
      });
      lines.push(`${indent}${close}${comma}`);
      return;
    }
    const text = typeof v === "string" ? green(JSON.stringify(v), color) : yellow(String(v), color);
    lines.push(`${indent}${label}${text}${comma}${mark}`);
  };
  if (value === undefined) lines.push(dim("(waiting for the first field)", color));
  else walk(value, "", "", "", true);
  return lines;
}

/** The terminal's size as the block sees it at each draw (a resize takes effect at the next frame). */
export interface TerminalSize {
  columns: number;
  rows: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
const ANSI = /\u001b\[[0-9;]*m/g; // colour (SGR) codes: the only escapes a frame keeps

/** Columns a code point takes: 2 for East Asian wide characters and emoji, 0 for combining marks. */
function cellWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Columns a string takes on screen (colour codes take none). */
export function displayWidth(line: string): number {
  let width = 0;
  for (const ch of line.replace(ANSI, "")) width += cellWidth(ch.codePointAt(0) as number);
  return width;
}

/**
 * Cuts a line (with colour codes) to at most `width` columns, ending in "…" when cut, so that it never wraps:
 * a wrapped line takes two rows, and the redraw would then move up too few of them. Control characters (model
 * text is untrusted, and they would move the cursor), escapes other than colours included, are shown as "?".
 */
export function fitLine(line: string, width: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  const safe = line.replace(/\u001b(?!\[[0-9;]*m)|[\u0000-\u001a\u001c-\u001f\u007f]/g, "?");
  if (displayWidth(safe) <= width) return safe;
  const room = width - 1; // for the "…"
  let out = "";
  let used = 0;
  let at = 0;
  const take = (text: string): boolean => {
    for (const ch of text) {
      const w = cellWidth(ch.codePointAt(0) as number);
      if (used + w > room) return false;
      out += ch;
      used += w;
    }
    return true;
  };
  for (const match of safe.matchAll(ANSI)) {
    if (!take(safe.slice(at, match.index))) return `${out}…${ESC}0m`;
    out += match[0];
    at = match.index + match[0].length;
  }
  take(safe.slice(at));
  return `${out}…${ESC}0m`;
}

/**
 * The lines of a frame that fit the terminal: each cut to the width, and at most `rows - 1` of them (the
 * cursor's line stays free), keeping the line being written (`focus`) in view with a note of what is above.
 */
export function fitFrame(lines: readonly string[], size: TerminalSize, focus = lines.length - 1): string[] {
  const width = Math.max(1, size.columns - 1);
  const height = Math.max(1, size.rows - 1);
  if (lines.length <= height) return lines.map((l) => fitLine(l, width));
  const shown = height - 1; // one row for the note
  const end = Math.min(lines.length, Math.max(focus + 1, shown));
  const start = end - shown;
  const note = `… ${start} line${start === 1 ? "" : "s"} above`;
  return [fitLine(note, width), ...lines.slice(start, end).map((l) => fitLine(l, width))];
}

const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;

/**
 * Redraws a block of lines in place (TTY). Every frame fits the terminal (no line wraps, no more lines than
 * rows), so moving up over the previous frame always reaches its first line and nothing is left behind in
 * the scrollback. The cursor is hidden while drawing; finish() (also on exit and Ctrl-C) shows it again.
 */
export class LiveBlock {
  private height = 0;
  private hidden = false;
  private readonly restore = () => this.showCursor();

  constructor(
    private readonly write: (text: string) => void,
    private readonly size: () => TerminalSize,
  ) {}

  draw(lines: readonly string[], focus?: number): void {
    if (!this.hidden) {
      this.hidden = true;
      this.write(HIDE_CURSOR);
      process.once("exit", this.restore);
    }
    const frame = fitFrame(lines, this.size(), focus);
    this.write(`${this.clear()}${frame.join("\n")}\n`);
    this.height = frame.length;
  }

  /** Replaces the live frame with `lines` printed once in full (they may scroll: nothing redraws them). */
  finish(lines: readonly string[] = []): void {
    this.write(`${this.clear()}${lines.map((l) => `${l}\n`).join("")}`);
    this.height = 0;
    this.showCursor();
  }

  private clear(): string {
    return this.height > 0 ? `\r${ESC}${this.height}A${ESC}J` : "";
  }

  private showCursor(): void {
    if (!this.hidden) return;
    this.hidden = false;
    process.removeListener("exit", this.restore);
    this.write(SHOW_CURSOR);
  }
}

export const style = { cyan, green, yellow, magenta, dim, bold: paint("1"), red: paint("31") };
