import { PartialJSONError } from "./errors.js";
import { appendPointer } from "./json-pointer.js";
import { COMMIT_AFTER_CHARS, ProseScanner } from "./lenient-text.js";
import { type JSONSchema, rootHints, type HintNode as SchemaNode, type StreamHintTable } from "./schema-hints.js";

export interface PartialJSONParserOptions {
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
  /** Deepest container nesting accepted (default 512). */
  maxDepth?: number;
  /** Most characters accepted in the whole text (default 64 Mi). */
  maxLength?: number;
  /** Longest string or key accepted, in UTF-16 code units (default: `maxLength`). */
  maxStringLength?: number;
  /**
   * Object.freeze every snapshot node so that accidental mutation by the caller throws (default false).
   * The parser itself never mutates a handed-out snapshot either way; freezing is a development aid, and
   * it is not free: V8 copies frozen arrays on a slow path (about 15× slower streaming on wide arrays).
   */
  freeze?: boolean;
  /**
   * "drop": with a schema, `null` in a property the schema makes optional and not nullable is read as
   * absent — what OpenAI strict mode's optional-made-nullable properties mean (default "keep").
   */
  optionalNulls?: "keep" | "drop";
}

type JSONContainer = Record<string, unknown> | unknown[];

/** One open object or array. */
interface Frame {
  readonly isArray: boolean;
  container: JSONContainer;
  /** Not yet part of a handed-out snapshot, so it may be mutated in place. */
  owned: boolean;
  /** Placed in its parent container (or is the root). */
  attached: boolean;
  /** Attached, and so are all its ancestors: changes here change the snapshot. */
  shown: boolean;
  readonly slot: string | number;
  readonly pointer: string;
  readonly node: SchemaNode | undefined;
  /** `x-stream: done`: attached only when complete. */
  readonly whole: boolean;
  /** `x-stream: not-null` properties still waiting for a complete value. */
  missing: string[] | undefined;
  /** Object: name of the member being parsed. */
  key: string;
  /** Array: number of elements started. */
  length: number;
}

// Lexical states.
const PROSE = 0; // lenient mode: before the top-level value
const VALUE = 1; // a value must start
const VALUE_OR_CLOSE = 2; // just after "["
const KEY_OR_CLOSE = 3; // just after "{"
const KEY = 4; // after "," in an object
const COLON = 5;
const AFTER_VALUE = 6; // "," or a closing bracket
const STRING = 7;
const NUMBER = 8;
const LITERAL = 9;
const END = 10; // the top-level value is complete
const TAIL = 11; // lenient mode: after a bare scalar, only whitespace (or a closing fence) may follow

// Number sub-states (RFC 8259 grammar); the ones marked (ok) may end the number.
const N_MINUS = 0;
const N_ZERO = 1; // (ok)
const N_INT = 2; // (ok)
const N_DOT = 3;
const N_FRAC = 4; // (ok)
const N_EXP = 5;
const N_EXP_SIGN = 6;
const N_EXP_DIGITS = 7; // (ok)

const SNAPSHOT_NOT_STARTED = Symbol("partialgen.noValue");
/** Shared by every write() that completes nothing (most of them): no allocation per chunk. */
const NONE_COMPLETED = Object.freeze([]) as unknown as string[];
/**
 * Thrown (and caught in write()) when an uncommitted lenient-mode candidate fails: a shared value, not an
 * Error, so that abandoning prose like "{name}" costs no stack trace.
 */
const ABANDON = Symbol("partialgen.abandonCandidate");

/**
 * Incremental JSON parser that turns text chunks into immutable, structurally shared snapshots.
 *
 * Written by hand rather than re-running a partial-JSON library on the whole buffer: that is quadratic in
 * the text (every chunk re-parses everything), and none of those libraries keeps object identity for
 * unchanged subtrees. Here every character is looked at once and, per write(), only the containers on the
 * path being written are copied (copy-on-write against the last handed-out snapshot).
 */
export class PartialJSONParser<T = unknown> {
  private readonly strict: boolean;
  private readonly maxDepth: number;
  private readonly maxLength: number;
  private readonly maxStringLength: number;
  private readonly freeze: boolean;
  private readonly dropOptionalNulls: boolean;
  private readonly rootNode: SchemaNode | undefined;

  private readonly frames: Frame[] = [];
  private root: unknown = SNAPSHOT_NOT_STARTED;
  private state: number;
  private offset = 0; // characters consumed before the current chunk
  private changed = false;
  private completed: string[] = NONE_COMPLETED;
  private failure: PartialJSONError | undefined;
  private ended = false;

  // Lenient mode (lenient-text.ts): the candidate being read is held back until committed.
  private readonly prose: ProseScanner | undefined;
  private committed: boolean; // always true in strict mode
  private justCommitted = false;
  private candidateStart = -1; // offset of the candidate's first character, -1 while scanning prose
  private candidateFenced = false;
  private candidateBlock = false; // starts a line: an object member showing commits it
  private candidateHasMember = false; // an object member became visible (it is committed if it starts a line)
  private fallbackHasMember = false;
  private tailNewline = false; // a line break after a bare scalar
  private abandonAt = 0; // chunk index where an abandoned candidate failed
  private fallback: unknown = SNAPSHOT_NOT_STARTED; // the first uncommitted container that completed
  private fallbackCompleted: string[] = NONE_COMPLETED;
  // The abandoned candidate that got furthest: its error is reported when no value is found at all.
  private likeliestFailure: PartialJSONError | undefined;
  private likeliestLength = 0;

  // The scalar being read (strings, keys, numbers, literals).
  private scalarSlot: string | number = "";
  private scalarNode: SchemaNode | undefined;
  private readingKey = false;
  private str = "";
  private strAttached = false;
  private strDirty = false;
  private strShown = ""; // what the snapshot shows of the string being read
  // A raw high surrogate that ended a chunk, held back until its low half arrives. Kept out of `str`: that
  // is a rope of small pieces, and reading or slicing it would flatten it, making each write cost the whole
  // string's length.
  private strHeldHigh = "";
  private escape = 0; // 0: none, 1: after "\\", 2..5: reading \u hex digits
  private hex = 0;
  private highSurrogate = -1; // an escaped high surrogate waiting for its low half
  private num = "";
  private numState = N_MINUS;
  private literal = "";
  private literalAt = 0;
  private stringEnd = 0; // chunk index just after the closing quote of the string being finished

  constructor(options: PartialJSONParserOptions = {}) {
    this.strict = options.strict ?? false;
    this.maxDepth = options.maxDepth ?? 512;
    this.maxLength = options.maxLength ?? 64 * 1024 * 1024;
    this.maxStringLength = options.maxStringLength ?? this.maxLength;
    this.freeze = options.freeze ?? false;
    this.dropOptionalNulls = options.optionalNulls === "drop";
    this.rootNode = options.schema === undefined ? undefined : rootHints(options.schema);
    this.state = this.strict ? VALUE : PROSE;
    this.committed = this.strict;
    this.prose = this.strict ? undefined : new ProseScanner();
  }

  /** The current snapshot: `undefined` until some part of the value can be shown. Never mutated later. */
  get value(): T | undefined {
    return this.root === SNAPSHOT_NOT_STARTED || !this.committed ? undefined : (this.root as T);
  }

  /** JSON Pointers of the values that became complete during the last write() or end(). */
  get completedPaths(): readonly string[] {
    return this.committed ? this.completed : NONE_COMPLETED;
  }

  /** Feeds the next chunk. Returns true when the snapshot changed. Throws PartialJSONError on bad input. */
  write(chunk: string): boolean {
    if (this.failure) throw this.failure;
    if (this.ended) throw new PartialJSONError("write() after end()", this.offset, "");
    this.changed = false;
    // An uncommitted candidate's completions are reported when it is committed.
    if (this.committed || this.candidateStart < 0) this.completed = NONE_COMPLETED;
    try {
      if (this.offset + chunk.length > this.maxLength) {
        this.fail(`text longer than the limit of ${this.maxLength} characters`, this.maxLength - this.offset, true);
      }
      let from = 0;
      for (;;) {
        try {
          this.consume(chunk, from);
          break;
        } catch (error) {
          if (error !== ABANDON) throw error;
          from = this.abandonAt;
          this.dropCandidate();
        }
      }
    } catch (error) {
      if (error instanceof PartialJSONError) this.failure = error;
      throw error;
    }
    this.offset += chunk.length;
    return this.publish();
  }

  /** Declares the text complete. Returns the complete value; throws PartialJSONError if it is not. */
  end(): T {
    if (this.failure) throw this.failure;
    if (!this.ended) {
      this.ended = true;
      this.changed = false;
      if (this.committed || this.candidateStart < 0) this.completed = NONE_COMPLETED;
      try {
        if (this.state === NUMBER && this.frames.length === 0) this.finishNumber(0);
      } catch (error) {
        if (error !== ABANDON) {
          if (error instanceof PartialJSONError) this.failure = error;
          throw error;
        }
        this.dropCandidate();
      }
      if (this.state === TAIL) this.commitTopLevel(); // a bare scalar, then only whitespace: the value
      if (!this.committed && this.fallback !== SNAPSHOT_NOT_STARTED) {
        const value = this.fallback;
        const completed = this.fallbackCompleted;
        this.dropCandidate();
        this.root = value;
        this.completed = completed;
        this.commitTopLevel();
      }
      if (this.state !== END) {
        this.failure =
          this.state !== PROSE
            ? new PartialJSONError("unexpected end of JSON text", this.offset, this.currentPointer())
            : (this.likeliestFailure ?? new PartialJSONError("no JSON value found", this.offset, ""));
        throw this.failure;
      }
      this.publish();
    }
    return this.root as T;
  }

  private consume(chunk: string, from: number): void {
    const n = chunk.length;
    let i = from;
    while (i < n) {
      switch (this.state) {
        case PROSE:
          i = this.seekCandidate(chunk, i);
          continue;
        case TAIL:
          i = this.readTail(chunk, i);
          continue;
        case STRING:
          i = this.readString(chunk, i);
          continue;
        case NUMBER:
          i = this.readNumber(chunk, i);
          continue;
        case LITERAL: {
          const c = chunk.charCodeAt(i);
          if (c !== this.literal.charCodeAt(this.literalAt)) {
            this.syntaxError(`invalid literal, expected "${this.literal}"`, i);
            continue; // abandoned: c is read again as prose
          }
          i++;
          if (++this.literalAt === this.literal.length) {
            const text = this.literal;
            this.finishScalar(text === "true" ? true : text === "false" ? false : null, i);
          }
          continue;
        }
      }
      const c = chunk.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      switch (this.state) {
        // Each syntax error below either throws or (an uncommitted lenient candidate) abandons the candidate,
        // and then c is read again as prose: the `continue`s. The common failures of prose ("{name}",
        // "[see above]") are handled here without throwing, which is much cheaper.
        case VALUE:
          if (!this.startValue(c, i)) {
            this.syntaxError("expected a JSON value", i);
            continue;
          }
          break;
        case VALUE_OR_CLOSE:
          if (c === 0x5d) this.closeContainer(true, i);
          else if (!this.startValue(c, i)) {
            this.syntaxError("expected a JSON value", i);
            continue;
          }
          break;
        case KEY_OR_CLOSE:
          if (c === 0x7d) this.closeContainer(false, i);
          else if (c === 0x22) this.startKey();
          else {
            this.syntaxError("expected a property name or '}'", i);
            continue;
          }
          break;
        case KEY:
          if (c === 0x22) this.startKey();
          else {
            this.syntaxError("expected a property name", i);
            continue;
          }
          break;
        case COLON:
          if (c === 0x3a) this.state = VALUE;
          else {
            this.syntaxError("expected ':'", i);
            continue;
          }
          break;
        case AFTER_VALUE: {
          const top = this.frames[this.frames.length - 1] as Frame;
          if (c === 0x2c) this.state = top.isArray ? VALUE : KEY;
          else if (c === 0x5d && top.isArray) this.closeContainer(true, i);
          else if (c === 0x7d && !top.isArray) this.closeContainer(false, i);
          else {
            this.syntaxError(top.isArray ? "expected ',' or ']'" : "expected ',' or '}'", i);
            continue;
          }
          break;
        }
        case END:
          if (this.strict) this.fail("unexpected text after the JSON value", i);
          return; // lenient: a closing fence or trailing prose is ignored
      }
      i++;
    }
  }

  // ---- lenient mode (the rule is described in lenient-text.ts) --------------------------------------------

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
    if (this.candidateFenced && chunk.charCodeAt(i) === 0x60) {
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

  private commit(): void {
    this.committed = true;
    this.justCommitted = true;
    this.fallback = SNAPSHOT_NOT_STARTED;
    this.fallbackCompleted = NONE_COMPLETED;
  }

  private commitTopLevel(): void {
    if (!this.committed) this.commit();
    this.state = END;
  }

  /** The top-level value of an uncommitted candidate completed at chunk index `end` (exclusive). */
  private candidateDone(value: unknown, end: number): void {
    const container = value !== null && typeof value === "object";
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

  // ---- values -------------------------------------------------------------------------------------------

  /** Where the value starting now goes, and what the schema says about it. */
  private prepareSlot(): void {
    const top = this.frames[this.frames.length - 1];
    if (top === undefined) {
      this.scalarSlot = "";
      this.scalarNode = this.rootNode;
    } else if (top.isArray) {
      this.scalarSlot = top.length;
      this.scalarNode = top.node?.item(top.length);
      top.length++;
    } else {
      this.scalarSlot = top.key;
      this.scalarNode = top.node?.property(top.key);
    }
  }

  /** Starts the value whose first character is `c`; false when `c` cannot start one. */
  private startValue(c: number, i: number): boolean {
    this.prepareSlot();
    if (!this.committed && (c === 0x22 || c === 0x7b || c === 0x5b)) this.commitIfMember();
    if (c === 0x22) {
      this.readingKey = false;
      this.state = STRING;
      this.str = "";
      this.strShown = "";
      this.strHeldHigh = "";
      this.strAttached = false;
      const node = this.scalarNode;
      if (node === undefined || (!node.whole && !node.atomicString)) {
        this.strAttached = true;
        this.setSlot(this.scalarSlot, "");
      }
    } else if (c === 0x7b || c === 0x5b) {
      this.openContainer(c === 0x5b, i);
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.state = NUMBER;
      this.num = String.fromCharCode(c);
      this.numState = c === 0x2d ? N_MINUS : c === 0x30 ? N_ZERO : N_INT;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      this.state = LITERAL;
      this.literal = c === 0x74 ? "true" : c === 0x66 ? "false" : "null";
      this.literalAt = 1;
    } else {
      return false;
    }
    return true;
  }

  private startKey(): void {
    this.readingKey = true;
    this.state = STRING;
    this.str = "";
    this.strAttached = false;
  }

  private openContainer(isArray: boolean, i: number): void {
    if (this.frames.length >= this.maxDepth) this.fail(`nesting deeper than the limit of ${this.maxDepth}`, i, true);
    const parent = this.frames[this.frames.length - 1];
    const node = this.scalarNode;
    const slot = this.scalarSlot;
    const whole = node?.whole ?? false;
    const notNull =
      !isArray && node !== undefined && node.notNullKeys.length > 0 ? node.notNullKeys.slice() : undefined;
    const frame: Frame = {
      isArray,
      container: isArray ? [] : {},
      owned: true,
      attached: false,
      shown: false,
      slot,
      pointer: parent === undefined ? "" : appendPointer(parent.pointer, slot),
      node,
      whole,
      missing: notNull,
      key: "",
      length: 0,
    };
    this.frames.push(frame);
    if (!whole && notNull === undefined) this.attachTop();
    this.state = isArray ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
  }

  private closeContainer(isArray: boolean, i: number): void {
    const frame = this.frames[this.frames.length - 1] as Frame;
    if (frame.isArray !== isArray) this.fail("mismatched closing bracket", i);
    if (!frame.attached) this.attachTop();
    if (frame.owned && this.freeze) Object.freeze(frame.container);
    this.frames.pop();
    this.valueDone(frame.pointer, frame.container, i + 1);
  }

  /** Lenient mode: a member of an object becoming visible commits a candidate that starts a line. */
  private commitIfMember(): void {
    const top = this.frames[this.frames.length - 1];
    if (top === undefined || top.isArray) return;
    this.candidateHasMember = true;
    if (this.candidateBlock) this.commit();
  }

  /** A string, number or literal is complete; `end` is the chunk index just after it. */
  private finishScalar(value: unknown, end: number): void {
    if (!this.committed) this.commitIfMember();
    const slot = this.scalarSlot;
    const parent = this.frames[this.frames.length - 1];
    const absent =
      value === null &&
      this.dropOptionalNulls &&
      parent !== undefined &&
      !parent.isArray &&
      parent.node?.nullMeansAbsent(parent.key);
    if (!absent) this.setSlot(slot, value);
    this.valueDone(parent === undefined ? "" : appendPointer(parent.pointer, slot), value, end);
  }

  /** Bookkeeping once any value is complete: completion events, held-back parents, next state. */
  private valueDone(pointer: string, value: unknown, end: number): void {
    if (this.completed === NONE_COMPLETED) this.completed = [];
    this.completed.push(pointer);
    const parent = this.frames[this.frames.length - 1];
    if (parent === undefined) {
      if (this.committed) this.state = END;
      else this.candidateDone(value, end);
      return;
    }
    this.state = AFTER_VALUE;
    const missing = parent.missing;
    if (missing !== undefined && value !== null && !parent.isArray) {
      const at = missing.indexOf(parent.key);
      if (at !== -1) {
        missing.splice(at, 1);
        if (missing.length === 0) {
          parent.missing = undefined;
          if (!parent.whole) this.attachTop();
        }
      }
    }
  }

  // ---- snapshot bookkeeping ------------------------------------------------------------------------------

  /** Places the top frame's container in its parent (or makes it the root). */
  private attachTop(): void {
    const depth = this.frames.length - 1;
    const frame = this.frames[depth] as Frame;
    const parent = this.frames[depth - 1];
    frame.attached = true;
    if (parent === undefined) {
      frame.shown = true;
      this.root = frame.container;
      this.changed = true;
    } else {
      frame.shown = parent.shown;
      this.writeInto(depth - 1, frame.slot, frame.container);
    }
  }

  /** Sets a member of the top container (or the root), copying handed-out containers first. */
  private setSlot(slot: string | number, value: unknown): void {
    const depth = this.frames.length - 1;
    if (depth < 0) {
      if (Object.is(this.root, value)) return;
      this.root = value;
      this.changed = true;
    } else {
      this.writeInto(depth, slot, value);
    }
  }

  private writeInto(depth: number, slot: string | number, value: unknown): void {
    const current = (this.frames[depth] as Frame).container;
    // Re-setting what is already there (a string completing as shown) must not copy the path.
    if (Object.hasOwn(current, slot) && Object.is((current as Record<string | number, unknown>)[slot], value)) return;
    const frame = this.own(depth);
    const container = frame.container;
    if (frame.isArray) (container as unknown[])[slot as number] = value;
    else if (slot === "__proto__") {
      // A plain assignment would call Object.prototype's __proto__ setter: define an own data property.
      Object.defineProperty(container, slot, { value, enumerable: true, writable: true, configurable: true });
    } else (container as Record<string, unknown>)[slot as string] = value;
    if (frame.shown) this.changed = true;
  }

  /** Makes frame `depth` safe to mutate: copy-on-write up the path while containers were handed out. */
  private own(depth: number): Frame {
    const frame = this.frames[depth] as Frame;
    if (frame.owned) return frame;
    const copy = frame.isArray ? (frame.container as unknown[]).slice() : { ...frame.container };
    frame.container = copy;
    frame.owned = true;
    if (depth === 0) this.root = copy;
    else this.writeInto(depth - 1, frame.slot, copy);
    return frame;
  }

  /** Ends a write(): shows the string being read, freezes what is handed out. */
  private publish(): boolean {
    if (!this.committed) {
      // An uncommitted candidate read for COMMIT_AFTER_CHARS characters is committed (a complete scalar
      // waiting in TAIL is not: what follows it decides).
      if (this.candidateStart < 0 || this.state === TAIL || this.candidateLength(0) < COMMIT_AFTER_CHARS) {
        return false;
      }
      this.commit();
    }
    if (this.justCommitted) {
      this.justCommitted = false;
      if (this.root !== SNAPSHOT_NOT_STARTED) this.changed = true;
    }
    if (this.state === STRING && this.strDirty && this.strAttached) {
      this.strDirty = false;
      const shown = this.str;
      if (shown !== this.strShown) {
        this.strShown = shown;
        this.setSlot(this.scalarSlot, shown);
      }
    }
    if (!this.changed) return false;
    for (const frame of this.frames) {
      if (!frame.shown || !frame.owned) continue;
      frame.owned = false;
      if (this.freeze) Object.freeze(frame.container);
    }
    return true;
  }

  // ---- strings ------------------------------------------------------------------------------------------

  private readString(chunk: string, i: number): number {
    const n = chunk.length;
    while (i < n) {
      if (this.escape !== 0) {
        i = this.readEscape(chunk, i);
        continue;
      }
      // Fast path: copy the run up to the next quote, backslash or control character in one slice.
      let j = i;
      let c = 0;
      while (j < n) {
        c = chunk.charCodeAt(j);
        if (c === 0x22 || c === 0x5c) break;
        // Lenient mode accepts raw newlines and tabs in strings inside a container, as models write them
        // (a bare top-level string keeps JSON's rule, so that a stray quote before the value stays prose).
        if (c < 0x20 && (this.strict || this.frames.length === 0 || (c !== 0x0a && c !== 0x09 && c !== 0x0d))) {
          break;
        }
        j++;
      }
      if (j > i) {
        this.flushHighSurrogate();
        this.appendString(chunk.slice(i, j), i);
      }
      if (j === n) return n;
      if (c === 0x22) {
        this.stringEnd = j + 1;
        this.finishString();
        return j + 1;
      }
      if (c === 0x5c) {
        this.escape = 1;
        i = j + 1;
        continue;
      }
      this.fail("unescaped control character in string", j);
    }
    return i;
  }

  private readEscape(chunk: string, i: number): number {
    const c = chunk.charCodeAt(i);
    if (this.escape === 1) {
      if (c === 0x75) {
        this.escape = 2;
        this.hex = 0;
        return i + 1;
      }
      const decoded = ESCAPES[c];
      if (decoded === undefined) this.fail("invalid escape sequence", i);
      this.escape = 0;
      this.flushHighSurrogate();
      this.appendString(decoded as string, i);
      return i + 1;
    }
    const digit = hexValue(c);
    if (digit < 0) this.fail("invalid \\u escape", i);
    this.hex = this.hex * 16 + digit;
    if (this.escape < 5) {
      this.escape++;
      return i + 1;
    }
    this.escape = 0;
    const unit = this.hex;
    if (this.highSurrogate >= 0 && unit >= 0xdc00 && unit <= 0xdfff) {
      const high = this.highSurrogate;
      this.highSurrogate = -1;
      this.appendString(String.fromCharCode(high, unit), i);
    } else {
      this.flushHighSurrogate();
      // A high surrogate is held until the next character tells whether its low half follows.
      if (unit >= 0xd800 && unit <= 0xdbff) this.highSurrogate = unit;
      else this.appendString(String.fromCharCode(unit), i);
    }
    return i + 1;
  }

  /** A held high surrogate that is not followed by its low half stays lone, as JSON.parse keeps it. */
  private flushHighSurrogate(): void {
    if (this.highSurrogate < 0) return;
    const unit = this.highSurrogate;
    this.highSurrogate = -1;
    this.str += this.strHeldHigh + String.fromCharCode(unit); // a lone escaped surrogate, kept as JSON.parse keeps it
    this.strHeldHigh = "";
  }

  private appendString(piece: string, i: number): void {
    const held = this.strHeldHigh.length;
    let text = held === 0 ? piece : this.strHeldHigh + piece;
    this.strHeldHigh = "";
    if (isHighSurrogate(text.charCodeAt(text.length - 1))) {
      this.strHeldHigh = text.slice(-1);
      text = text.slice(0, -1);
    }
    const room = this.maxStringLength - this.str.length;
    this.str += text;
    if (this.str.length > this.maxStringLength) {
      // At the first character past the limit, wherever the chunks end.
      const at = i + Math.min(Math.max(room - held, 0), piece.length - 1);
      this.fail(`string longer than the limit of ${this.maxStringLength} characters`, at, true);
    }
    this.strDirty = true;
  }

  private finishString(): void {
    this.flushHighSurrogate();
    const text = this.str + this.strHeldHigh; // a raw high surrogate that never got its pair stays, as in JSON.parse
    this.strHeldHigh = "";
    this.str = "";
    this.strDirty = false;
    if (this.readingKey) {
      const top = this.frames[this.frames.length - 1] as Frame;
      top.key = text;
      this.state = COLON;
      return;
    }
    this.finishScalar(text, this.stringEnd);
  }

  // ---- numbers ------------------------------------------------------------------------------------------

  private readNumber(chunk: string, i: number): number {
    const start = i;
    const n = chunk.length;
    let s = this.numState;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      const digit = c >= 0x30 && c <= 0x39;
      if (s === N_MINUS) {
        if (c === 0x30) s = N_ZERO;
        else if (digit) s = N_INT;
        else this.fail("invalid number: expected a digit after '-'", i);
      } else if (s === N_ZERO || s === N_INT) {
        if (digit && s === N_INT) continue;
        if (digit) this.fail("invalid number: leading zero", i);
        if (c === 0x2e) s = N_DOT;
        else if (c === 0x65 || c === 0x45) s = N_EXP;
        else break;
      } else if (s === N_DOT) {
        if (digit) s = N_FRAC;
        else this.fail("invalid number: expected a digit after '.'", i);
      } else if (s === N_FRAC) {
        if (digit) continue;
        if (c === 0x65 || c === 0x45) s = N_EXP;
        else break;
      } else if (s === N_EXP) {
        if (c === 0x2b || c === 0x2d) s = N_EXP_SIGN;
        else if (digit) s = N_EXP_DIGITS;
        else this.fail("invalid number: expected an exponent", i);
      } else if (s === N_EXP_SIGN) {
        if (digit) s = N_EXP_DIGITS;
        else this.fail("invalid number: expected an exponent", i);
      } else if (!digit) break;
    }
    this.numState = s;
    const room = this.maxStringLength - this.num.length;
    this.num += chunk.slice(start, i);
    if (this.num.length > this.maxStringLength) this.fail("number longer than the limit", start + room, true);
    if (i < n) this.finishNumber(i);
    return i;
  }

  /** Numbers end at the first character that cannot continue them (or at end()). */
  private finishNumber(chunkIndex: number): void {
    const s = this.numState;
    if (s !== N_ZERO && s !== N_INT && s !== N_FRAC && s !== N_EXP_DIGITS) this.fail("incomplete number", chunkIndex);
    this.finishScalar(Number(this.num), chunkIndex);
  }

  // ---- errors -------------------------------------------------------------------------------------------

  /** The JSON Pointer of what is being written, for error messages. */
  private currentPointer(): string {
    const top = this.frames[this.frames.length - 1];
    if (top === undefined) return "";
    switch (this.state) {
      case STRING:
        return this.readingKey ? top.pointer : appendPointer(top.pointer, this.scalarSlot);
      case NUMBER:
      case LITERAL:
        return appendPointer(top.pointer, this.scalarSlot);
      case COLON:
        return appendPointer(top.pointer, top.key);
      case VALUE:
        return appendPointer(top.pointer, top.isArray ? top.length : top.key);
      default:
        return top.pointer;
    }
  }

  /**
   * Raises a syntax error at chunk index `chunkIndex`. In lenient mode an uncommitted candidate is abandoned
   * instead, unless `limit` (exceeding a configured limit is always an error) or the candidate was long
   * enough to be committed before that character.
   */
  private fail(message: string, chunkIndex: number, limit = false): never {
    if (!limit && this.abandons(message, chunkIndex)) {
      this.abandonAt = chunkIndex;
      throw ABANDON;
    }
    throw new PartialJSONError(message, this.offset + chunkIndex, this.currentPointer());
  }

  /** fail(), for callers that go on reading prose at `chunkIndex` when it returns (the candidate was abandoned). */
  private syntaxError(message: string, chunkIndex: number): void {
    if (this.abandons(message, chunkIndex)) this.dropCandidate();
    else throw new PartialJSONError(message, this.offset + chunkIndex, this.currentPointer());
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
}

const ESCAPES: (string | undefined)[] = [];
ESCAPES[0x22] = '"';
ESCAPES[0x5c] = "\\";
ESCAPES[0x2f] = "/";
ESCAPES[0x62] = "\b";
ESCAPES[0x66] = "\f";
ESCAPES[0x6e] = "\n";
ESCAPES[0x72] = "\r";
ESCAPES[0x74] = "\t";

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** A chunk that ends between the halves of a surrogate pair shows the pair only once whole. */
function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
