import { type HintNode, isStreamHintTable } from "../hints/hint-table.js";
import { type JSONSchema, RefResolver, type StreamHintTable } from "../hints/schema-hints.js";
import { checkOptions, type OptionRules } from "../util/options-check.js";
import { COMMIT_AFTER_CHARS, ProseScanner } from "./lenient-text.js";
import { PartialJSONError } from "./parse-error.js";
import {
  END,
  NONE_COMPLETED,
  PARSER_LIMIT_RULES,
  type ParserLimits,
  PROSE,
  SNAPSHOT_NOT_STARTED,
  SnapshotParser,
  TAIL,
  VALUE,
} from "./snapshot-parser.js";

export interface PartialJSONParserOptions extends ParserLimits {
  /**
   * JSON Schema of the whole value; enables `enum`/`const` and `x-stream` hints. Generated code passes
   * the same hints precomputed (a StreamHintTable, the `xStreamHints` export).
   */
  schema?: JSONSchema | StreamHintTable;
  /**
   * true: the text is plain RFC 8259 JSON (whitespace around the value only), as APIs that guarantee JSON
   * send it. false (the default), lenient mode: the value is found in a model's text — prose, a Markdown
   * fence or a think block around it are skipped and raw newlines and tabs inside strings are accepted; see
   * lenient-text.ts for the exact rule (it never depends on how the text is chunked).
   */
  strict?: boolean;
  /**
   * Lenient mode only: the text starts inside a think block whose opening tag the model never writes, as a
   * model whose chat template puts `<think>` into the prompt does (DeepSeek-R1 and its distills served
   * without a reasoning parser). Everything up to the first `</think>` (or `</thinking>`) is reasoning,
   * skipped, so a JSON draft in it is never taken for the answer. Default false.
   */
  startsInThinkBlock?: boolean;
}

/**
 * Thrown (and caught in consume()) when an uncommitted candidate fails deep inside the parser: a shared value,
 * not an Error, so that abandoning prose like "{name" costs no stack trace.
 */
const ABANDON = Symbol("partialgen.abandonCandidate");

const PARTIAL_JSON_PARSER_RULES: OptionRules = {
  ...PARSER_LIMIT_RULES,
  schema: "schema",
  strict: "boolean",
  startsInThinkBlock: "boolean",
};

/**
 * The incremental parser of partialgen's streams: SnapshotParser (plain JSON, immutable snapshots), plus
 * lenient mode, where the value is found in a model's text (the rule is in lenient-text.ts), and hints
 * read from a raw JSON Schema as well as from the generated table.
 */
export class PartialJSONParser<T = unknown> extends SnapshotParser<T> {
  private readonly strict: boolean;
  private readonly prose: ProseScanner | undefined;
  private readonly startedInThinkBlock: boolean;
  // The candidate: the value is committed once it is shown (strict mode: from the start).
  private committed = true;
  private candidateStart = -1; // offset of the candidate's first character, -1 while scanning prose
  /** The completions of an uncommitted candidate, reported when it is committed (write() starts a new list). */
  private candidateCompleted: string[] = NONE_COMPLETED;
  private abandonAt = 0; // chunk index where an abandoned candidate failed
  /** Offset just past the complete top-level value, -1 before. */
  private valueEnd = -1;
  private candidateFenced = false;
  private candidateBlock = false; // starts a line: an object member showing commits it
  private candidateHasMember = false; // an object member became visible (it is committed if it starts a line)
  private fallbackHasMember = false;
  private tailNewline = false; // a line break after a bare scalar
  private fallback: unknown = SNAPSHOT_NOT_STARTED; // the first uncommitted container that completed
  private fallbackCompleted: string[] = NONE_COMPLETED;
  // The abandoned candidate that got furthest: its error is reported when no value is found at all.
  private likeliestFailure: PartialJSONError | undefined;
  private likeliestLength = 0;
  // Where the value shown was read in the text (see valueTextStart): its first character, and the end of the
  // top-level value of the candidate and of the fallback.
  private shownStart = 0;
  private candidateEnd = -1;
  private fallbackStart = -1;
  private fallbackEnd = -1;

  constructor(options: PartialJSONParserOptions = {}) {
    checkOptions("PartialJSONParser", options, PARTIAL_JSON_PARSER_RULES);
    const strict = options.strict ?? false;
    if (strict && options.startsInThinkBlock)
      throw new TypeError("partialgen: startsInThinkBlock needs lenient parsing (strict: false)");
    // The rest is ParserLimits only: checkOptions let nothing else through (but names set to undefined).
    const { schema, strict: _, startsInThinkBlock: __, ...limits } = options;
    super({ ...limits, hints: schema === undefined ? undefined : hintsOf(schema), rawLineBreaks: !strict });
    this.strict = strict;
    this.startedInThinkBlock = options.startsInThinkBlock ?? false;
    if (!strict) {
      this.state = PROSE;
      this.committed = false;
      this.prose = new ProseScanner(options.startsInThinkBlock ?? false);
      this.shownStart = -1;
    }
  }

  /**
   * The part of the text the value is read from, as offsets: this start is -1 until a value is shown, and
   * valueTextEnd -1 until it is complete. In lenient mode the text around it (prose, fences) is outside; in
   * strict mode it starts at 0. What toResponse() forwards to the browser, whose parser then reads plain JSON.
   */
  get valueTextStart(): number {
    return this.shownStart;
  }

  /** Just past the complete value's text (see valueTextStart), -1 before. */
  get valueTextEnd(): number {
    return this.valueEnd;
  }

  // Read after every write(): written out rather than through super.value, a slower call.
  override get value(): T | undefined {
    return this.committed && this.root !== SNAPSHOT_NOT_STARTED ? (this.root as T) : undefined;
  }

  override get completedPaths(): readonly string[] {
    return this.committed ? super.completedPaths : NONE_COMPLETED;
  }

  // ---- lenient mode (the rule is described in lenient-text.ts) --------------------------------------------

  /**
   * Until a candidate is committed: reads prose and candidates, going on reading prose where a candidate was
   * abandoned (deep inside the parser, or where it returned).
   */
  protected override consume(chunk: string, from: number): number {
    if (this.committed) return super.consume(chunk, from); // the hot path: nothing can be abandoned any more
    this.completed = this.candidateCompleted;
    const n = chunk.length;
    let i = from;
    while (i < n) {
      try {
        if (this.state === PROSE) i = this.seekCandidate(chunk, i);
        else if (this.state === TAIL) i = this.readTail(chunk, i);
        else i = super.consume(chunk, i);
      } catch (error) {
        if (error !== ABANDON) throw error;
        i = this.abandonAt;
        this.dropCandidate();
      }
    }
    this.candidateCompleted = this.completed;
    return n;
  }

  /** Settles an uncommitted candidate at the end of the text (a bare scalar, a fallback), or fails. */
  protected override finishText(): void {
    if (this.committed) {
      super.finishText();
      return;
    }
    this.completed = this.candidateCompleted;
    try {
      super.finishText();
    } catch (error) {
      if (error !== ABANDON) throw error;
      this.dropCandidate();
    }
    if (this.state === TAIL) this.commitTopLevel(); // a bare scalar, then only whitespace: the value
    if (!this.committed && this.fallback !== SNAPSHOT_NOT_STARTED) {
      const value = this.fallback;
      const completed = this.fallbackCompleted;
      this.dropCandidate();
      this.root = value;
      this.completed = completed;
      this.candidateStart = this.fallbackStart;
      this.candidateEnd = this.fallbackEnd;
      this.commitTopLevel();
    }
    if (this.state === PROSE) throw this.noValueError();
  }

  /**
   * Only a committed candidate is shown. An uncommitted one read for COMMIT_AFTER_CHARS characters is committed
   * here (a complete scalar waiting in TAIL is not: what follows it decides).
   */
  protected override publish(): boolean {
    if (!this.committed) {
      if (this.candidateStart < 0 || this.state === TAIL || this.candidateLength(0) < COMMIT_AFTER_CHARS) return false;
      this.commit();
    }
    return super.publish();
  }

  private seekCandidate(chunk: string, i: number): number {
    const prose = this.prose as ProseScanner;
    const at = prose.scan(chunk, i);
    if (at < chunk.length) {
      this.candidateStart = this.offset + at;
      this.candidateFenced = prose.fenced;
      this.candidateBlock = prose.block;
      this.candidateHasMember = false;
      this.tailNewline = false;
      this.state = VALUE;
      // An object, array or string that starts the text or a fence's content has nothing to be confused
      // with: it is the value from its first character, as in strict mode.
      if (prose.leading && startsShownValue(chunk.charCodeAt(at))) this.commit();
    }
    return at;
  }

  /** After a bare scalar: whitespace, then the end of the text or a closing fence; anything else drops it. */
  private readTail(chunk: string, i: number): number {
    const n = chunk.length;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0x0a) this.tailNewline = true;
      else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    }
    if (i === n) return n;
    if (this.candidateFenced && chunk.charCodeAt(i) === (this.prose as ProseScanner).fenceChar) {
      this.commitTopLevel(); // the fence closes right after the scalar
      return n; // what follows the value is ignored
    }
    this.dropCandidate(); // a scalar followed by more text was prose ("3 users:")
    (this.prose as ProseScanner).lineBlank = this.tailNewline;
    return i;
  }

  /** Characters of the candidate read before chunk index `i`. */
  private candidateLength(i: number): number {
    return this.offset + i - this.candidateStart;
  }

  /** The candidate is the value from now on; what was read of it appears with this write(). */
  private commit(): void {
    this.committed = true;
    this.shownStart = this.candidateStart;
    this.fallback = SNAPSHOT_NOT_STARTED;
    this.fallbackCompleted = NONE_COMPLETED;
    if (this.root !== SNAPSHOT_NOT_STARTED) this.changed = true;
  }

  private commitTopLevel(): void {
    if (!this.committed) this.commit();
    this.state = END;
    this.valueEnd = this.candidateEnd;
  }

  /** The top-level value completed at chunk index `end` (exclusive): an uncommitted candidate may be kept. */
  protected override topLevelDone(value: unknown, end: number): void {
    if (this.committed) {
      this.state = END;
      this.valueEnd = this.offset + end;
      return;
    }
    const container = value !== null && typeof value === "object";
    this.candidateEnd = this.offset + end;
    if (this.candidateLength(end) >= COMMIT_AFTER_CHARS || (container && this.candidateFenced)) {
      this.commitTopLevel();
    } else if (!container) {
      this.state = TAIL;
    } else {
      // The first fallback stays, unless a later one has an object member and it had none ("[1]", then
      // an inline {"a": 1}).
      if (this.fallback === SNAPSHOT_NOT_STARTED || (this.candidateHasMember && !this.fallbackHasMember)) {
        this.fallback = this.root;
        this.fallbackCompleted = this.completed;
        this.fallbackHasMember = this.candidateHasMember;
        this.fallbackStart = this.candidateStart;
        this.fallbackEnd = this.candidateEnd;
      }
      this.dropCandidate();
    }
  }

  /** Forgets the candidate being read (abandoned, or kept as the fallback) and goes back to prose. */
  private dropCandidate(): void {
    this.frames.length = 0;
    this.root = SNAPSHOT_NOT_STARTED;
    this.completed = NONE_COMPLETED;
    this.changed = false;
    this.candidateStart = -1;
    this.state = PROSE;
    this.str = "";
    this.strHeldHigh = "";
    this.strDirty = false;
    this.escape = 0;
    this.highSurrogate = -1;
    this.num = "";
  }

  /** Lenient mode: a member of an object becoming visible commits a candidate that starts a line. */
  protected override valueShown(): void {
    if (this.committed) return;
    const top = this.frames[this.frames.length - 1];
    if (top === undefined || top.isArray) return;
    this.candidateHasMember = true;
    if (this.candidateBlock) this.commit();
  }

  /**
   * Lenient mode: whether a syntax error at `chunkIndex` abandons the candidate (it was not committed, not
   * even by its length before that character). Keeps the error of the candidate that got furthest.
   */
  private abandons(message: string, chunkIndex: number): boolean {
    if (this.committed || this.candidateStart < 0) return false;
    const length = this.candidateLength(chunkIndex);
    if (length >= COMMIT_AFTER_CHARS) {
      this.commit();
      return false;
    }
    if (length > this.likeliestLength) {
      this.likeliestLength = length;
      this.likeliestFailure = new PartialJSONError(
        `no JSON value found; the likeliest candidate failed: ${message}`,
        this.offset + chunkIndex,
        this.currentPointer(),
      );
    }
    return true;
  }

  /** A syntax error abandons an uncommitted candidate (unless `limit`: exceeding a limit is always an error). */
  protected override fail(message: string, chunkIndex: number, limit?: boolean): never {
    if (!limit && this.abandons(message, chunkIndex)) {
      this.abandonAt = chunkIndex;
      throw ABANDON;
    }
    return super.fail(message, chunkIndex);
  }

  protected override syntaxError(message: string, chunkIndex: number): void {
    if (this.abandons(message, chunkIndex)) this.dropCandidate();
    else super.fail(message, chunkIndex);
  }

  protected override textAfterValue(i: number): boolean {
    if (this.strict) this.fail("unexpected text after the JSON value", i);
    return true;
  }

  /** The error of a text that held no value at all. */
  private noValueError(): PartialJSONError {
    if (this.startedInThinkBlock && this.prose?.inThinkBlock)
      return new PartialJSONError(
        "no JSON value found: the text ended inside a think block, no </think> arrived (with startsInThinkBlock the text starts in one)",
        this.offset,
        "",
      );
    return this.likeliestFailure ?? new PartialJSONError("no JSON value found", this.offset, "");
  }
}

/** `{`, `[` or `"`: what a leading candidate shows from its first character (a number or literal waits). */
function startsShownValue(c: number): boolean {
  return c === 0x7b || c === 0x5b || c === 0x22;
}

/** The parser's hints: a precomputed table as it is, a raw schema's by the same rules, derived lazily. */
function hintsOf(schema: JSONSchema | StreamHintTable): StreamHintTable | HintNode | undefined {
  return isStreamHintTable(schema) ? schema : new RefResolver(schema).rootNode();
}
