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

/** Redraws a block of lines in place (TTY), remembering how tall the last frame was. */
export class LiveBlock {
  private height = 0;
  constructor(private readonly write: (text: string) => void) {}

  draw(lines: readonly string[]): void {
    const up = this.height > 0 ? `${ESC}${this.height}F` : "";
    this.write(`${up}${ESC}J${lines.join("\n")}\n`);
    this.height = lines.length;
  }
}

export const style = { cyan, green, yellow, magenta, dim, bold: paint("1"), red: paint("31") };
