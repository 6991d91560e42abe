import {
  isHintNode,
  isStreamHintTable,
  type HintNode as SchemaNode,
  type StreamHintTable,
  tableHints,
} from "../hints/hint-table.js";
import { appendPointer } from "../util/json-pointer.js";
import { checkOptions, describeValue, type OptionRules } from "../util/options-check.js";
import { PartialJSONError } from "./parse-error.js";

/** The limits and snapshot options every parser takes. */
export interface ParserLimits {
  /** Deepest container nesting accepted (default 512; any non-negative integer or Infinity: nothing recurses on it). */
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

export interface SnapshotParserOptions extends ParserLimits {
  /** The stream hints: the generated `xStreamHints` table, or a position of schemaHints(schema). */
  hints?: StreamHintTable | SchemaNode | undefined;
  /**
   * Accept raw line feeds, carriage returns and tabs in strings inside a container, as lenient mode does
   * (what the browser needs to read the value text a lenient server parser found).
   */
  rawLineBreaks?: boolean | undefined;
}

/** The options of ParserLimits, checked at construction. */
export const PARSER_LIMIT_RULES: OptionRules = {
  maxDepth: "limit",
  maxLength: "limit",
  maxStringLength: "limit",
  freeze: "boolean",
  optionalNulls: ["keep", "drop"],
};

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
  /** Narrowed when a discriminated union's tag completes (selectBranch). */
  node: SchemaNode | undefined;
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
// PROSE and TAIL are lenient mode's (lenient-parser.ts): consume() returns there, for the subclass to read on.
export const PROSE = 0; // lenient mode: before the top-level value
export const VALUE = 1; // a value must start
const VALUE_OR_CLOSE = 2; // just after "["
const KEY_OR_CLOSE = 3; // just after "{"
const KEY = 4; // after "," in an object
const COLON = 5;
const AFTER_VALUE = 6; // "," or a closing bracket
const STRING = 7;
const NUMBER = 8;
const LITERAL = 9;
export const END = 10; // the top-level value is complete
export const TAIL = 11; // lenient mode: after a bare scalar, only whitespace (or a closing fence) may follow

// Number sub-states (RFC 8259 grammar): the first four may end the number, the others need a digit (or a sign).
const N_ZERO = 0;
const N_INT = 1;
const N_FRAC = 2;
const N_EXP_DIGITS = 3;
const N_MINUS = 4;
const N_DOT = 5;
const N_EXP = 6;
const N_EXP_SIGN = 7;

/** maxLength's default: 64 Mi characters. */
export const DEFAULT_MAX_LENGTH = 64 * 1024 * 1024;

export const SNAPSHOT_NOT_STARTED = Symbol("partialgen.noValue");
/** Shared by every write() that completes nothing (most of them): no allocation per chunk. */
export const NONE_COMPLETED = Object.freeze([]) as unknown as string[];

/**
 * Incremental JSON parser that turns text chunks into immutable, structurally shared snapshots: plain
 * RFC 8259 JSON, with stream hints. PartialJSONParser (lenient-parser.ts) adds lenient mode and raw-schema hints on
 * top by overriding the protected methods (the hooks at the end, publish(), consume(), fail()); none of lenient
 * mode's code is here, because this class alone is what the browser bundle carries.
 *
 * Written by hand rather than re-running a partial-JSON library on the whole buffer: that is quadratic in
 * the text (every chunk re-parses everything), and none of those libraries keeps object identity for
 * unchanged subtrees. Here every character is looked at once and, per write(), only the containers on the
 * path being written are copied (copy-on-write against the last handed-out snapshot).
 */
export class SnapshotParser<T = unknown> {
  readonly #rawLineBreaks: boolean;
  readonly #maxDepth: number;
  readonly #maxLength: number;
  readonly #maxStringLength: number;
  readonly #freeze: boolean;
  readonly #dropOptionalNulls: boolean;
  readonly #rootNode: SchemaNode | undefined;

  protected readonly frames: Frame[] = [];
  protected root: unknown = SNAPSHOT_NOT_STARTED;
  protected state = VALUE;
  protected offset = 0; // characters consumed before the current chunk
  protected changed = false;
  protected completed: string[] = NONE_COMPLETED;
  protected failure: PartialJSONError | undefined;
  #ended = false;

  // The scalar being read (strings, keys, numbers, literals).
  #scalarSlot: string | number = "";
  #scalarNode: SchemaNode | undefined;
  #readingKey = false;
  protected str = "";
  #strAttached = false;
  protected strDirty = false;
  #strShown = ""; // what the snapshot shows of the string being read
  // A raw high surrogate that ended a chunk, held back until its low half arrives. Kept out of `str`: that
  // is a rope of small pieces, and reading or slicing it would flatten it, making each write cost the whole
  // string's length.
  protected strHeldHigh = "";
  protected escape = 0; // 0: none, 1: after "\\", 2..5: reading \u hex digits
  #hex = 0;
  protected highSurrogate = -1; // an escaped high surrogate waiting for its low half
  protected num = "";
  #numState = N_MINUS;
  #literal = "";
  #literalAt = 0;
  #stringEnd = 0; // chunk index just after the closing quote of the string being finished

  constructor(options: SnapshotParserOptions = {}) {
    // In development only (see options-check.ts): the browser's page carries this parser.
    if (typeof process === "object" && process.env.NODE_ENV !== "production") {
      // The rules spelled out here, not in a module-level constant: a spread there would stay in production builds.
      checkOptions("SnapshotParser", options, { ...PARSER_LIMIT_RULES, hints: "object", rawLineBreaks: "boolean" });
      checkHints(options.hints);
    }
    this.#rawLineBreaks = options.rawLineBreaks ?? false;
    this.#maxDepth = options.maxDepth ?? 512;
    this.#maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    this.#maxStringLength = options.maxStringLength ?? this.#maxLength;
    this.#freeze = options.freeze ?? false;
    this.#dropOptionalNulls = options.optionalNulls === "drop";
    const hints = options.hints;
    this.#rootNode = hints === undefined || !isStreamHintTable(hints) ? hints : tableHints(hints);
  }

  /** The current snapshot: `undefined` until some part of the value can be shown. Never mutated later. */
  get value(): T | undefined {
    return this.root === SNAPSHOT_NOT_STARTED ? undefined : (this.root as T);
  }

  /** JSON Pointers of the values that became complete during the last write() or end(). */
  get completedPaths(): readonly string[] {
    return this.completed;
  }

  /** Feeds the next chunk. Returns true when the snapshot changed. Throws PartialJSONError on bad input. */
  write(chunk: string): boolean {
    if (typeof chunk !== "string") notText(chunk);
    if (this.failure) throw this.failure;
    if (this.#ended) throw new PartialJSONError("write() after end()", this.offset, "");
    this.changed = false;
    this.completed = NONE_COMPLETED;
    try {
      if (this.offset + chunk.length > this.#maxLength) {
        this.fail(`text longer than the limit of ${this.#maxLength} characters`, this.#maxLength - this.offset, true);
      }
      this.consume(chunk, 0);
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
    if (!this.#ended) {
      this.#ended = true;
      this.changed = false;
      this.completed = NONE_COMPLETED;
      try {
        this.finishText();
        if (this.state !== END) {
          throw new PartialJSONError("unexpected end of JSON text", this.offset, this.currentPointer());
        }
      } catch (error) {
        if (error instanceof PartialJSONError) this.failure = error;
        throw error;
      }
      this.publish();
    }
    return this.root as T;
  }

  /** The text ended (end()): a top-level number ends with it. */
  protected finishText(): void {
    if (this.state === NUMBER && this.frames.length === 0) this.#finishNumber(0);
  }

  /** Reads `chunk` from index `from`; returns where it stopped: the chunk's end, or where lenient mode reads on. */
  protected consume(chunk: string, from: number): number {
    const n = chunk.length;
    let i = from;
    while (i < n) {
      switch (this.state) {
        case STRING:
          i = this.#readString(chunk, i);
          continue;
        case NUMBER:
          i = this.#readNumber(chunk, i);
          continue;
        case PROSE:
        case TAIL:
          return i;
        case LITERAL: {
          const c = chunk.charCodeAt(i);
          if (c !== this.#literal.charCodeAt(this.#literalAt)) {
            this.syntaxError(`invalid literal, expected "${this.#literal}"`, i);
            continue; // abandoned: c is read again as prose
          }
          i++;
          if (++this.#literalAt === this.#literal.length) {
            const text = this.#literal;
            this.#finishScalar(text === "true" ? true : text === "false" ? false : null, i);
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
          if (!this.#startValue(c, i)) {
            this.syntaxError("expected a JSON value", i);
            continue;
          }
          break;
        case VALUE_OR_CLOSE:
          if (c === 0x5d) this.#closeContainer(true, i);
          else if (!this.#startValue(c, i)) {
            this.syntaxError("expected a JSON value", i);
            continue;
          }
          break;
        case KEY_OR_CLOSE:
          if (c === 0x7d) this.#closeContainer(false, i);
          else if (c === 0x22) this.#startKey();
          else {
            this.syntaxError("expected a property name or '}'", i);
            continue;
          }
          break;
        case KEY:
          if (c === 0x22) this.#startKey();
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
          else if (c === 0x5d && top.isArray) this.#closeContainer(true, i);
          else if (c === 0x7d && !top.isArray) this.#closeContainer(false, i);
          else {
            this.syntaxError(top.isArray ? "expected ',' or ']'" : "expected ',' or '}'", i);
            continue;
          }
          break;
        }
        case END:
          if (this.textAfterValue(i)) return n; // lenient: a closing fence or trailing prose is ignored
      }
      i++;
    }
    return n;
  }

  // ---- values -------------------------------------------------------------------------------------------

  /** Where the value starting now goes, and what the schema says about it. */
  #prepareSlot(): void {
    const top = this.frames[this.frames.length - 1];
    if (top === undefined) {
      this.#scalarSlot = "";
      this.#scalarNode = this.#rootNode;
    } else if (top.isArray) {
      this.#scalarSlot = top.length;
      this.#scalarNode = top.node?.item(top.length);
      top.length++;
    } else {
      this.#scalarSlot = top.key;
      this.#scalarNode = top.node?.property(top.key);
    }
  }

  /** Starts the value whose first character is `c`; false when `c` cannot start one. */
  #startValue(c: number, i: number): boolean {
    this.#prepareSlot();
    if (c === 0x22) {
      this.valueShown();
      this.#readingKey = false;
      this.state = STRING;
      this.str = "";
      this.#strShown = "";
      this.strHeldHigh = "";
      this.#strAttached = false;
      const node = this.#scalarNode;
      if (node === undefined || (!node.whole && !node.atomicString)) {
        this.#strAttached = true;
        this.#setSlot(this.#scalarSlot, "");
      }
    } else if (c === 0x7b || c === 0x5b) {
      this.valueShown();
      this.#openContainer(c === 0x5b, i);
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.state = NUMBER;
      this.num = String.fromCharCode(c);
      this.#numState = c === 0x2d ? N_MINUS : c === 0x30 ? N_ZERO : N_INT;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      this.state = LITERAL;
      this.#literal = c === 0x74 ? "true" : c === 0x66 ? "false" : "null";
      this.#literalAt = 1;
    } else {
      return false;
    }
    return true;
  }

  #startKey(): void {
    this.#readingKey = true;
    this.state = STRING;
    this.str = "";
    this.#strAttached = false;
  }

  #openContainer(isArray: boolean, i: number): void {
    if (this.frames.length >= this.#maxDepth) this.fail(`nesting deeper than the limit of ${this.#maxDepth}`, i, true);
    const parent = this.frames[this.frames.length - 1];
    const node = this.#scalarNode;
    const slot = this.#scalarSlot;
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
    if (!whole && notNull === undefined) this.#attachTop();
    this.state = isArray ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
  }

  #closeContainer(isArray: boolean, i: number): void {
    const frame = this.frames[this.frames.length - 1] as Frame;
    if (frame.isArray !== isArray) this.fail("mismatched closing bracket", i);
    if (!frame.attached) this.#attachTop();
    if (frame.owned && this.#freeze) Object.freeze(frame.container);
    this.frames.pop();
    this.#valueDone(frame.pointer, frame.container, i + 1);
  }

  /** A string, number or literal is complete; `end` is the chunk index just after it. */
  #finishScalar(value: unknown, end: number): void {
    const slot = this.#scalarSlot;
    const parent = this.frames[this.frames.length - 1];
    const absent =
      value === null &&
      this.#dropOptionalNulls &&
      parent !== undefined &&
      !parent.isArray &&
      parent.node?.nullMeansAbsent(parent.key);
    if (!absent) {
      this.#setSlot(slot, value);
      if (parent !== undefined && !parent.isArray) this.#selectBranch(parent, slot as string, value);
    }
    this.#valueDone(parent === undefined ? "" : appendPointer(parent.pointer, slot), value, end);
  }

  /** A tag completed in object `frame`: what follows in it reads the hints of the branches it selects. */
  #selectBranch(frame: Frame, key: string, value: unknown): void {
    const node = frame.node?.select?.(key, value);
    if (node === undefined) return;
    frame.node = node;
    // A nested union's tag may have come first: the other members select in turn (each selection rules
    // out branches, so this ends).
    const members = frame.container as Record<string, unknown>;
    for (const k of Object.keys(members)) {
      if (k === key) continue;
      // A null read before the tag was kept (some branch could take it); where the selected branches read it as
      // absent (an optional property's nullable stand-in), it goes now, as it would have after the tag. The
      // frame is the innermost one: copy-on-write as for any member, then the copy loses it.
      if (members[k] === null && this.#dropOptionalNulls && node.nullMeansAbsent(k)) {
        this.#writeInto(this.frames.length - 1, k, undefined);
        delete (frame.container as Record<string, unknown>)[k];
      } else this.#selectBranch(frame, k, members[k]);
    }
    // The not-null properties of branches ruled out no longer hold the object back.
    const missing = frame.missing?.filter((k) => node.notNullKeys.includes(k));
    frame.missing = missing?.length === 0 ? undefined : missing;
    if (missing?.length === 0 && !frame.whole) this.#attachTop();
  }

  /** Bookkeeping once any value is complete: completion events, held-back parents, next state. */
  #valueDone(pointer: string, value: unknown, end: number): void {
    if (this.completed === NONE_COMPLETED) this.completed = [];
    this.completed.push(pointer);
    const parent = this.frames[this.frames.length - 1];
    if (parent === undefined) {
      this.topLevelDone(value, end);
      return;
    }
    this.state = AFTER_VALUE;
    this.valueShown(); // a number or literal shows only now
    const missing = parent.missing;
    if (missing !== undefined && value !== null && !parent.isArray) {
      const at = missing.indexOf(parent.key);
      if (at !== -1) {
        missing.splice(at, 1);
        if (missing.length === 0) {
          parent.missing = undefined;
          if (!parent.whole) this.#attachTop();
        }
      }
    }
  }

  // ---- snapshot bookkeeping ------------------------------------------------------------------------------

  /** Places the top frame's container in its parent (or makes it the root). */
  #attachTop(): void {
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
      this.#writeInto(depth - 1, frame.slot, frame.container);
    }
  }

  /** Sets a member of the top container (or the root), copying handed-out containers first. */
  #setSlot(slot: string | number, value: unknown): void {
    const depth = this.frames.length - 1;
    if (depth < 0) {
      if (Object.is(this.root, value)) return;
      this.root = value;
      this.changed = true;
    } else {
      this.#writeInto(depth, slot, value);
    }
  }

  /**
   * Sets member `slot` of frame `depth`'s container, copying handed-out containers first: copy-on-write down
   * the path from the shallowest handed-out one. A loop, not a recursion up the path: nesting may be as deep
   * as maxDepth allows, past what the call stack holds.
   */
  #writeInto(depth: number, slot: string | number, value: unknown): void {
    const frames = this.frames;
    const current = (frames[depth] as Frame).container;
    // Re-setting what is already there (a string completing as shown) must not copy the path.
    if (Object.hasOwn(current, slot) && Object.is((current as Record<string | number, unknown>)[slot], value)) return;
    const target = frames[depth] as Frame;
    // A handed-out array gaining an element (every element of a wide array, one write() each): copy it with the
    // element in one allocation of the exact size. A copy then a store past its end allocates twice.
    const appending = !target.owned && target.isArray && slot === (current as unknown[]).length;
    let d = depth;
    while (d >= 0 && !(frames[d] as Frame).owned) d--;
    for (d++; d <= depth; d++) {
      const frame = frames[d] as Frame;
      if (!frame.isArray) frame.container = { ...frame.container };
      else if (d === depth && appending) frame.container = (frame.container as unknown[]).concat([value]);
      else frame.container = (frame.container as unknown[]).slice();
      frame.owned = true;
      if (d === 0) this.root = frame.container;
      else this.#put(frames[d - 1] as Frame, frame.slot, frame.container); // owned: copied just before, or already
    }
    if (!appending) this.#put(target, slot, value);
    else if (target.shown) this.changed = true;
  }

  /** Sets a member of a container the parser owns. */
  #put(frame: Frame, slot: string | number, value: unknown): void {
    const container = frame.container;
    if (frame.isArray) (container as unknown[])[slot as number] = value;
    else if (slot === "__proto__") {
      // A plain assignment would call Object.prototype's __proto__ setter: define an own data property.
      Object.defineProperty(container, slot, { value, enumerable: true, writable: true, configurable: true });
    } else (container as Record<string, unknown>)[slot as string] = value;
    if (frame.shown) this.changed = true;
  }

  /** Ends a write() or end(): shows the string being read, freezes what is handed out; true if it changed. */
  protected publish(): boolean {
    if (this.state === STRING && this.strDirty && this.#strAttached) {
      this.strDirty = false;
      const shown = this.str;
      if (shown !== this.#strShown) {
        this.#strShown = shown;
        this.#setSlot(this.#scalarSlot, shown);
      }
    }
    if (!this.changed) return false;
    for (const frame of this.frames) {
      if (!frame.shown || !frame.owned) continue;
      frame.owned = false;
      if (this.#freeze) Object.freeze(frame.container);
    }
    return true;
  }

  // ---- strings ------------------------------------------------------------------------------------------

  #readString(chunk: string, i: number): number {
    const n = chunk.length;
    while (i < n) {
      if (this.escape !== 0) {
        i = this.#readEscape(chunk, i);
        continue;
      }
      // Fast path: copy the run up to the next quote, backslash or control character in one slice.
      let j = i;
      let c = 0;
      for (;;) {
        while (j < n) {
          c = chunk.charCodeAt(j);
          if (c === 0x22 || c === 0x5c || c < 0x20) break;
          j++;
        }
        // Lenient mode accepts raw newlines and tabs in strings inside a container, as models write them (a
        // bare top-level string keeps JSON's rule, so that a stray quote before the value stays prose).
        // Checked out here: a second test inside the loop above costs ~10% on long strings.
        if (
          j < n &&
          c < 0x20 &&
          this.#rawLineBreaks &&
          this.frames.length > 0 &&
          (c === 0x0a || c === 0x09 || c === 0x0d)
        ) {
          j++;
          continue;
        }
        break;
      }
      if (j > i) {
        this.#flushHighSurrogate();
        this.#appendString(chunk.slice(i, j), i);
      }
      if (j === n) return n;
      if (c === 0x22) {
        this.#stringEnd = j + 1;
        this.#finishString();
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

  #readEscape(chunk: string, i: number): number {
    const c = chunk.charCodeAt(i);
    if (this.escape === 1) {
      if (c === 0x75) {
        this.escape = 2;
        this.#hex = 0;
        return i + 1;
      }
      const decoded = ESCAPES[c];
      if (decoded === undefined) this.fail("invalid escape sequence", i);
      this.escape = 0;
      this.#flushHighSurrogate();
      this.#appendString(decoded as string, i);
      return i + 1;
    }
    const digit = hexValue(c);
    if (digit < 0) this.fail("invalid \\u escape", i);
    this.#hex = this.#hex * 16 + digit;
    if (this.escape < 5) {
      this.escape++;
      return i + 1;
    }
    this.escape = 0;
    const unit = this.#hex;
    if (this.highSurrogate >= 0 && unit >= 0xdc00 && unit <= 0xdfff) {
      const high = this.highSurrogate;
      this.highSurrogate = -1;
      this.#appendString(String.fromCharCode(high, unit), i);
    } else {
      this.#flushHighSurrogate();
      // A high surrogate is held until the next character tells whether its low half follows.
      if (unit >= 0xd800 && unit <= 0xdbff) this.highSurrogate = unit;
      else this.#appendString(String.fromCharCode(unit), i);
    }
    return i + 1;
  }

  /** A held high surrogate that is not followed by its low half stays lone, as JSON.parse keeps it. */
  #flushHighSurrogate(): void {
    if (this.highSurrogate < 0) return;
    const unit = this.highSurrogate;
    this.highSurrogate = -1;
    this.str += this.strHeldHigh + String.fromCharCode(unit); // a lone escaped surrogate, kept as JSON.parse keeps it
    this.strHeldHigh = "";
  }

  #appendString(piece: string, i: number): void {
    const held = this.strHeldHigh;
    let text = held === "" ? piece : held + piece;
    this.strHeldHigh = "";
    const last = text.charCodeAt(text.length - 1);
    // A chunk that ends between the halves of a surrogate pair shows the pair only once whole: a raw high
    // surrogate ending the piece waits for its low half. (Written out rather than a helper: V8's inlining
    // budget in consume() is spent before it reaches a call here, and this runs once per chunk.)
    if (last >= 0xd800 && last <= 0xdbff) {
      this.strHeldHigh = text.slice(-1);
      text = text.slice(0, -1);
    }
    this.str += text;
    if (this.str.length > this.#maxStringLength) this.#stringTooLong(i, piece.length, held.length, text.length);
    this.strDirty = true;
  }

  /** Kept out of appendString(), which must stay small enough for V8 to inline what it calls. */
  #stringTooLong(i: number, pieceLength: number, heldLength: number, added: number): never {
    // At the first character past the limit, wherever the chunks end.
    const room = this.#maxStringLength - (this.str.length - added);
    const at = i + Math.min(Math.max(room - heldLength, 0), pieceLength - 1);
    this.fail(`string longer than the limit of ${this.#maxStringLength} characters`, at, true);
  }

  #finishString(): void {
    this.#flushHighSurrogate();
    const text = this.str + this.strHeldHigh; // a raw high surrogate that never got its pair stays, as in JSON.parse
    this.strHeldHigh = "";
    this.str = "";
    this.strDirty = false;
    if (this.#readingKey) {
      const top = this.frames[this.frames.length - 1] as Frame;
      top.key = text;
      this.state = COLON;
      return;
    }
    this.#finishScalar(text, this.#stringEnd);
  }

  // ---- numbers ------------------------------------------------------------------------------------------

  #readNumber(chunk: string, i: number): number {
    const start = i;
    const n = chunk.length;
    let s = this.#numState;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c >= 0x30 && c <= 0x39) {
        if (s === N_ZERO) this.fail("invalid number: leading zero", i);
        if (s >= N_MINUS) s = s === N_MINUS ? (c === 0x30 ? N_ZERO : N_INT) : s === N_DOT ? N_FRAC : N_EXP_DIGITS;
      } else if (s >= N_MINUS) {
        if (s === N_EXP && (c === 0x2b || c === 0x2d)) s = N_EXP_SIGN;
        else {
          const expected = s === N_MINUS ? "a digit after '-'" : s === N_DOT ? "a digit after '.'" : "an exponent";
          this.fail(`invalid number: expected ${expected}`, i);
        }
      } else if (c === 0x2e && s <= N_INT) s = N_DOT;
      else if ((c === 0x65 || c === 0x45) && s !== N_EXP_DIGITS) s = N_EXP;
      else break;
    }
    this.#numState = s;
    const room = this.#maxStringLength - this.num.length;
    this.num += chunk.slice(start, i);
    if (this.num.length > this.#maxStringLength) this.fail("number longer than the limit", start + room, true);
    if (i < n) this.#finishNumber(i);
    return i;
  }

  /** Numbers end at the first character that cannot continue them (or at end()). */
  #finishNumber(chunkIndex: number): void {
    if (this.#numState >= N_MINUS) this.fail("incomplete number", chunkIndex);
    this.#finishScalar(Number(this.num), chunkIndex);
  }

  // ---- errors -------------------------------------------------------------------------------------------

  /** The JSON Pointer of what is being written, for error messages. */
  protected currentPointer(): string {
    const top = this.frames[this.frames.length - 1];
    if (top === undefined) return "";
    switch (this.state) {
      case STRING:
        return this.#readingKey ? top.pointer : appendPointer(top.pointer, this.#scalarSlot);
      case NUMBER:
      case LITERAL:
        return appendPointer(top.pointer, this.#scalarSlot);
      case COLON:
        return appendPointer(top.pointer, top.key);
      case VALUE:
        return appendPointer(top.pointer, top.isArray ? top.length : top.key);
      default:
        return top.pointer;
    }
  }

  /** Raises a syntax error at chunk index `chunkIndex`; `limit`: a configured limit was exceeded. */
  protected fail(message: string, chunkIndex: number, _limit?: boolean): never {
    throw new PartialJSONError(message, this.offset + chunkIndex, this.currentPointer());
  }

  // ---- hooks: lenient mode (lenient-parser.ts) overrides them; as written here, the text is plain JSON -------------

  /**
   * fail(), for callers that go on reading at `chunkIndex` when it returns: lenient mode abandons an uncommitted
   * candidate there, without the cost of throwing (prose such as "{name}" fails often).
   */
  protected syntaxError(message: string, chunkIndex: number): void {
    this.fail(message, chunkIndex);
  }

  /** Text after the complete top-level value: true to ignore it, else this fails. */
  protected textAfterValue(i: number): boolean {
    this.fail("unexpected text after the JSON value", i);
  }

  /** The top-level value completed at chunk index `end` (exclusive). */
  protected topLevelDone(_value: unknown, _end: number): void {
    this.state = END;
  }

  /**
   * A string or container started, or a value in a container completed: it shows now (in the top frame, if
   * any). Lenient mode commits a candidate that starts a line once an object member shows.
   */
  protected valueShown(): void {}
}

/**
 * write() of something that is not text: the parser is left as it was. Always a TypeError; what it got is
 * described in development only (see options-check.ts), where a production page gets its typeof.
 */
function notText(chunk: unknown): never {
  const bytes = ArrayBuffer.isView(chunk) || chunk instanceof ArrayBuffer;
  const got =
    typeof process === "object" && process.env.NODE_ENV !== "production" ? describeValue(chunk) : typeof chunk;
  throw new TypeError(
    `partialgen: write() takes a string, got ${got}${bytes ? " (decode bytes with a TextDecoder)" : ""}`,
  );
}

/** Hints as SnapshotParser takes them; a JSON Schema (what PartialJSONParser also takes) is a TypeError. */
function checkHints(hints: unknown): void {
  if (hints !== undefined && !isStreamHintTable(hints) && !isHintNode(hints)) {
    throw new TypeError(
      "partialgen: hints must be a stream hint table (the generated xStreamHints) or schemaHints(schema); this looks like a JSON Schema",
    );
  }
}

/** What each escape stands for, by the character code after the backslash. */
const ESCAPES: (string | undefined)[] = [];
for (let k = 0; k < 8; k++) ESCAPES['"\\/bfnrt'.charCodeAt(k)] = '"\\/\b\f\n\r\t'[k];

function hexValue(c: number): number {
  const lower = c | 0x20; // "A"-"F" as "a"-"f" (only they and "a"-"f" land there)
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}
