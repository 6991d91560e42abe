/**
 * Lenient mode (the parser's default, `strict: false`): where in a model's text the JSON value starts.
 *
 * Every decision depends only on the characters read so far, never on where chunks begin or end, so any
 * chunking of a text gives the snapshots the same text gives one character at a time, and the same final
 * value or error as the whole text in one chunk.
 *
 * Candidates (places where the value may start):
 * - text start: the first character that is not whitespace or in a think block, if it can start a JSON
 *   value (`{`, `[`, `"`, `-`, a digit, `t`, `f`, `n`);
 * - a fenced block: a run of three or more backticks (or tildes, as Markdown allows) opens it; its info
 *   string runs to the end of that line (or up to a `{` or `[` on it); the first non-whitespace character of
 *   the content is a candidate if it can start a JSON value. The next run of three or more of the same
 *   character closes the block;
 * - any `{` or `[` in prose (in a fenced block's content too, once its own candidate failed).
 * `<think>…</think>` and `<thinking>…</thinking>` (either closing tag, any letter case) are skipped wherever
 * prose is scanned; they do not end "text start". With `startsInThinkBlock` the text starts inside one, as
 * the text of a model whose chat template writes the opening tag into the prompt does (DeepSeek-R1 served
 * without a reasoning parser): everything up to the first closing tag is skipped.
 *
 * An object, array or string that starts the text or a fence's content (only whitespace or think blocks before
 * it) is committed at its first character: there is nothing there it could be confused with, so it is shown
 * exactly as strict mode shows it, and its syntax errors are errors. Any other candidate is parsed as JSON
 * (raw newlines and tabs are accepted in strings inside a container) but held back, not shown, until it is
 * committed, which happens as soon as
 * - it starts a line (text start, a fence's content, or only whitespace before it on its line) and an
 *   object member becomes visible: its value is a string or container that has started, or a number or
 *   literal that is complete (`{"a": "`, `[{"a": 1,`); an inline `{"name": "..."}` in a sentence is not
 *   plausible enough by itself;
 * - {@link COMMIT_AFTER_CHARS} characters of it were read;
 * - it is a fenced block's number or literal, complete (at the closing fence or the end of text).
 * Once committed, a candidate is the value: it is shown, its syntax errors are errors, text after it is
 * ignored. A candidate that fails before it was committed is abandoned: what was read of it counts as plain
 * prose and the search goes on at the character where it failed (nothing is read twice, skipped text is not
 * kept). A bare number or literal (text start or fenced) must be followed by nothing but whitespace up to the
 * end of the text or, in a fence, the closing backticks; anything else makes it prose ("3 users:"). An uncommitted
 * container that completes outside a fence (`[1]`, an inline `{"a": 1}`) is kept as a fallback while the
 * search goes on: a later committed candidate replaces it, otherwise the value is the first fallback with an
 * object member, or else the first fallback.
 * With no value, the error is that of the abandoned candidate that got furthest ("no JSON value found" if
 * there was none, "unexpected end" if the text ends inside a candidate). Limits (`maxDepth`, `maxLength`,
 * `maxStringLength`) are errors for uncommitted candidates too.
 */

/** Characters of an uncommitted candidate after which it is committed (valid JSON for that long is JSON). */
export const COMMIT_AFTER_CHARS = 256;

// Scanner states.
const TEXT = 0; // plain prose
const TICKS = 1; // a run of backticks or tildes
const INFO = 2; // a fence's info string
const FENCE_START = 3; // whitespace before a fence's content
const TAG = 4; // a "<" that may open a think block
const THINK = 5; // inside a think block
const CLOSE_TAG = 6; // a "<" inside a think block that may close it

const OPEN_WORD = "<think";
const CLOSE_WORD = "</think";
const LONG_SUFFIX = "ing";

/** Finds the next candidate start in prose; keeps O(1) state across chunks and never retains text. */
export class ProseScanner {
  /** Whether the candidate the last scan() found is the content of a fenced block. */
  fenced = false;
  /** Whether it starts a line: the text's start, a fence's content, or only whitespace before it on its line. */
  block = false;
  /** Whether it starts the text or a fence's content (only whitespace or think blocks before it). */
  leading = false;
  /** Only whitespace since the last line break (or the text's start, or a think block's end). */
  lineBlank = true;
  /** The character of the open (or last) fence: a backtick or a tilde; what closes it. */
  fenceChar = 0x60;
  private state = TEXT;
  private atTextStart = true;
  private inFence = false;
  private ticks = 0;
  private tickChar = 0x60; // the character of the run being read
  private tagAt = 0; // characters of the tag matched so far

  constructor(startsInThinkBlock = false) {
    if (startsInThinkBlock) this.state = THINK;
  }

  /** Inside a think block (the text ended there, if this is asked at its end). */
  get inThinkBlock(): boolean {
    return this.state === THINK || this.state === CLOSE_TAG;
  }

  /**
   * Scans `chunk` from `i`. Returns the index of the next candidate's first character (the scanner then
   * stands after it, as if it were prose), or `chunk.length` when the chunk holds none.
   */
  scan(chunk: string, i: number): number {
    const n = chunk.length;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case TEXT:
          if (c === 0x7b || c === 0x5b)
            return this.found(i, false, this.atTextStart || this.lineBlank, this.atTextStart);
          if (this.atTextStart) {
            if (isWhitespace(c)) {
              i++;
              continue;
            }
            if (isScalarStart(c)) return this.found(i, false, true, true);
          }
          if (c === 0x60 || c === 0x7e) {
            this.state = TICKS;
            this.ticks = 1;
            this.tickChar = c;
            this.lineBlank = false;
            i++;
            continue;
          }
          if (c === 0x3c) {
            this.state = TAG;
            this.tagAt = 1;
            i++;
            continue;
          }
          this.atTextStart = false;
          // Fast path through ordinary prose.
          while (i < n) {
            const d = chunk.charCodeAt(i);
            if (d === 0x7b || d === 0x5b || d === 0x60 || d === 0x7e || d === 0x3c) break;
            if (d === 0x0a) this.lineBlank = true;
            else if (d !== 0x20 && d !== 0x09 && d !== 0x0d) this.lineBlank = false;
            i++;
          }
          continue;
        case TICKS:
          if (c === this.tickChar) {
            this.ticks++;
            i++;
            continue;
          }
          this.atTextStart = false;
          if (this.ticks < 3 || (this.inFence && this.tickChar !== this.fenceChar)) this.state = TEXT;
          else if (this.inFence) {
            this.inFence = false;
            this.state = TEXT;
          } else {
            this.fenceChar = this.tickChar;
            this.state = INFO;
          }
          continue; // c is read again in the new state
        case INFO:
          if (c === 0x7b || c === 0x5b) {
            this.state = TEXT;
            this.inFence = true;
            return this.found(i, true, true, true);
          }
          if (c === 0x0a) this.state = FENCE_START;
          i++;
          continue;
        case FENCE_START:
          if (isWhitespace(c)) {
            i++;
            continue;
          }
          this.state = TEXT;
          this.inFence = true;
          this.lineBlank = true;
          if (c === 0x7b || c === 0x5b || isScalarStart(c)) return this.found(i, true, true, true);
          continue; // not JSON: the content is prose (c may be the closing fence)
        case TAG:
        case CLOSE_TAG: {
          const verdict = matchTag(this.state === TAG ? OPEN_WORD : CLOSE_WORD, this.tagAt, c);
          if (verdict === MORE) {
            this.tagAt++;
            i++;
          } else if (verdict === DONE) {
            if (this.state === CLOSE_TAG) this.lineBlank = true; // what follows a think block starts afresh
            this.state = this.state === TAG ? THINK : TEXT;
            i++;
          } else if (this.state === TAG) {
            this.state = TEXT; // a "<" of prose; c is read again
            this.atTextStart = false;
            this.lineBlank = false;
          } else this.state = THINK;
          continue;
        }
        case THINK: {
          const lt = chunk.indexOf("<", i);
          if (lt === -1) return n;
          this.state = CLOSE_TAG;
          this.tagAt = 1;
          i = lt + 1;
          continue;
        }
      }
    }
    return n;
  }

  private found(i: number, fenced: boolean, block: boolean, leading: boolean): number {
    this.fenced = fenced;
    this.block = block;
    this.leading = leading;
    this.atTextStart = false;
    this.lineBlank = false; // if the candidate is dropped, its text is prose on this line
    return i;
  }
}

const MORE = 0;
const DONE = 1;
const MISMATCH = 2;

/** One more character of `<think>` / `<thinking>` (or their closing tags), `at` characters matched so far. */
function matchTag(word: string, at: number, c: number): number {
  const lower = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
  if (at < word.length) return lower === word.charCodeAt(at) ? MORE : MISMATCH;
  const suffix = at - word.length; // characters of "ing" matched
  if (c === 0x3e && (suffix === 0 || suffix === LONG_SUFFIX.length)) return DONE;
  return suffix < LONG_SUFFIX.length && lower === LONG_SUFFIX.charCodeAt(suffix) ? MORE : MISMATCH;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** `"`, `-`, a digit, or the first letter of true/false/null. */
function isScalarStart(c: number): boolean {
  return c === 0x22 || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
}
