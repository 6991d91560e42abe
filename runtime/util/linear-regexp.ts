/**
 * A linear-time matcher for JSON Schema's regular expressions (ECMA-262 syntax with the "u" flag, as Ajv
 * compiles them), for patterns that run on text a model wrote: property names under `patternProperties` and
 * `propertyNames`, string values under `pattern`. JavaScript's own engine backtracks, so `^(a+)+$` takes
 * seconds on 30 characters; this one simulates the pattern's automaton over the text (Thompson's construction,
 * every state at once), in time proportional to text length × pattern size whatever the text.
 *
 * Why our own and not a library: RE2 (`re2`) is a native addon that no browser can load, and its pure-JS
 * port is ~45 kB min+gzip with RE2's syntax (`\s`, `.`, lookahead differ from JavaScript's); the runtime is
 * a few kB and must keep JSON Schema's ECMA-262 meaning. Here each single-character atom (a literal, `.`, a
 * class, `\d`, `\p{L}`...) is still tested by a native `RegExp` on one code point, which cannot backtrack, so
 * character semantics are JavaScript's exactly; only the structure (sequence, `|`, quantifiers, groups,
 * `^ $ \b \B`, lookaround) is simulated. Lookarounds are evaluated for every position in one extra pass each
 * (a lookahead backwards, a lookbehind forwards), which keeps them linear too.
 *
 * Refused (`UnsupportedPatternError`): backreferences (`\1`, `\k<name>`: no automaton matches them) and
 * patterns whose automaton would exceed `MAX_STATES` (large counted repetitions such as `(a|b){5000}`).
 */

/** The largest automaton we build: bounds both compile time and the work per character of text. */
export const MAX_STATES = 10_000;

/** The pattern is valid JavaScript but cannot be matched in linear time (or not within MAX_STATES). */
export class UnsupportedPatternError extends Error {
  override name = "UnsupportedPatternError";
}

export interface LinearRegExp {
  readonly source: string;
  readonly flags: string;
  /** Whether the pattern matches somewhere in `text`, as `RegExp.prototype.test` without the `g`/`y` flags. */
  test(text: string): boolean;
  toString(): string;
}

/**
 * Compiles `pattern` as `new RegExp(pattern, flags)` would (a `SyntaxError` where it would throw one), for
 * linear-time `test`. Only the "u" flag (or none, read as "u": Ajv's default) is accepted.
 */
export function linearRegExp(pattern: string, flags = "u"): LinearRegExp {
  if (flags !== "u" && flags !== "") throw new UnsupportedPatternError(`flags "${flags}" are not supported`);
  new RegExp(pattern, "u"); // the syntax check: the parser below reads only valid Unicode-mode patterns
  const looks: Look[] = [];
  const root = new Parser(pattern, looks).parse();
  const builder = new Builder();
  const main = builder.automaton(root, false);
  main.anchored = anchoredAtStart(root);
  const lookAutomata = looks.map((look) => ({ look, nfa: builder.automaton(look.body, look.ahead) }));
  return {
    source: pattern,
    flags: "u",
    test(text: string): boolean {
      const chars = Array.from(text); // code points, as the "u" flag reads the text (lone surrogates alone)
      const tables: boolean[][] = [];
      // Inner lookarounds come first in `looks`, so the tables an automaton reads are ready before it runs.
      for (const { look, nfa } of lookAutomata) {
        const reached = scan(nfa, chars, tables, look.ahead ? -1 : 1, false);
        tables.push(look.negate ? reached.map((r) => !r) : reached);
      }
      return scan(main, chars, tables, 1, true).includes(true);
    },
    toString: () => `/${pattern}/u`,
  };
}

type Assertion = "^" | "$" | "b" | "B";

type Node =
  | { kind: "char"; test: (c: string) => boolean }
  | { kind: "seq"; items: Node[] }
  | { kind: "alt"; items: Node[] }
  | { kind: "repeat"; body: Node; min: number; max: number }
  | { kind: "assert"; at: Assertion }
  | { kind: "look"; index: number };

interface Look {
  ahead: boolean;
  negate: boolean;
  body: Node;
}

/** A recursive-descent reader of Unicode-mode pattern syntax, already checked valid by `RegExp`. */
class Parser {
  private pos = 0;
  constructor(
    private readonly src: string,
    private readonly looks: Look[],
  ) {}

  parse(): Node {
    const node = this.disjunction();
    if (this.pos !== this.src.length) throw new SyntaxError(`unexpected "${this.src[this.pos]}" at ${this.pos}`);
    return node;
  }

  private disjunction(): Node {
    const items = [this.alternative()];
    while (this.src[this.pos] === "|") {
      this.pos++;
      items.push(this.alternative());
    }
    return items.length === 1 ? (items[0] as Node) : { kind: "alt", items };
  }

  private alternative(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      items.push(this.quantified(this.term()));
    }
    return items.length === 1 ? (items[0] as Node) : { kind: "seq", items };
  }

  private term(): Node {
    const src = this.src;
    const c = src[this.pos] as string;
    if (c === "^" || c === "$") {
      this.pos++;
      return { kind: "assert", at: c };
    }
    if (c === "(") return this.group();
    if (c === "[") return this.atom(this.classEnd());
    if (c === "\\") {
      const next = src[this.pos + 1] as string;
      if (next === "b" || next === "B") {
        this.pos += 2;
        return { kind: "assert", at: next };
      }
      if (/[1-9]/.test(next) || next === "k") throw new UnsupportedPatternError("backreferences are not supported");
      return this.atom(this.escapeEnd(this.pos));
    }
    if (c === ".") return this.atom(this.pos + 1);
    const literal = String.fromCodePoint(src.codePointAt(this.pos) as number);
    this.pos += literal.length;
    return { kind: "char", test: (ch) => ch === literal };
  }

  private group(): Node {
    const src = this.src;
    let look: Omit<Look, "body"> | undefined;
    if (src.startsWith("(?:", this.pos)) this.pos += 3;
    else if (src.startsWith("(?=", this.pos) || src.startsWith("(?!", this.pos)) {
      look = { ahead: true, negate: src[this.pos + 2] === "!" };
      this.pos += 3;
    } else if (src.startsWith("(?<=", this.pos) || src.startsWith("(?<!", this.pos)) {
      look = { ahead: false, negate: src[this.pos + 3] === "!" };
      this.pos += 4;
    } else if (src.startsWith("(?<", this.pos))
      this.pos = src.indexOf(">", this.pos) + 1; // a named group
    else if (src.startsWith("(?", this.pos)) throw new UnsupportedPatternError(`group syntax at ${this.pos}`);
    else this.pos++;
    const body = this.disjunction();
    this.pos++; // ")"
    if (!look) return body;
    this.looks.push({ ...look, body });
    return { kind: "look", index: this.looks.length - 1 };
  }

  /** Where the character class starting here ends (no nesting without the "v" flag). */
  private classEnd(): number {
    let i = this.pos + 1;
    while (this.src[i] !== "]") i += this.src[i] === "\\" ? 2 : 1;
    return i + 1;
  }

  /** Where the character escape (or class escape) starting at `at` ends. */
  private escapeEnd(at: number): number {
    const src = this.src;
    const c = src[at + 1] as string;
    if ((c === "p" || c === "P" || c === "u") && src[at + 2] === "{") return src.indexOf("}", at) + 1;
    if (c === "u") {
      const lead = Number.parseInt(src.slice(at + 2, at + 6), 16);
      const trail = src.startsWith("\\u", at + 6) ? Number.parseInt(src.slice(at + 8, at + 12), 16) : Number.NaN;
      // "\uD83D\uDE00" is one code point in Unicode mode: one atom.
      return lead >= 0xd800 && lead <= 0xdbff && trail >= 0xdc00 && trail <= 0xdfff ? at + 12 : at + 6;
    }
    if (c === "x") return at + 4;
    if (c === "c") return at + 3;
    return at + 1 + String.fromCodePoint(src.codePointAt(at + 1) as number).length;
  }

  /** A single-character atom, src[pos, end): tested on one code point by a native RegExp, which cannot backtrack. */
  private atom(end: number): Node {
    const native = new RegExp(`^(?:${this.src.slice(this.pos, end)})$`, "u");
    this.pos = end;
    // Most text is ASCII: its answers are remembered (0 unknown, 1 no, 2 yes), the rest asked each time.
    const ascii = new Uint8Array(128);
    return {
      kind: "char",
      test: (ch) => {
        const code = ch.charCodeAt(0);
        if (code >= 128 || ch.length !== 1) return native.test(ch);
        if (ascii[code] === 0) ascii[code] = native.test(ch) ? 2 : 1;
        return ascii[code] === 2;
      },
    };
  }

  private quantified(node: Node): Node {
    const src = this.src;
    const c = src[this.pos];
    let min: number;
    let max: number;
    if (c === "*" || c === "+" || c === "?") {
      this.pos++;
      [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
    } else if (c === "{") {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(this.pos)) as RegExpExecArray;
      this.pos += match[0].length;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === "" ? Infinity : Number(match[3]);
    } else return node;
    if (src[this.pos] === "?") this.pos++; // lazy or greedy: the same strings match
    return { kind: "repeat", body: node, min, max };
  }
}

type State =
  | { op: "char"; test: (c: string) => boolean; next: number }
  | { op: "split"; a: number; b: number }
  | { op: "assert"; at: Assertion; next: number }
  | { op: "look"; index: number; next: number }
  | { op: "match" };

interface Automaton {
  states: State[];
  start: number;
  /** Every match starts at position 0 (the pattern begins with `^`): no attempt starts later. */
  anchored?: boolean;
}

function anchoredAtStart(node: Node): boolean {
  if (node.kind === "assert") return node.at === "^";
  if (node.kind === "seq") return node.items.length > 0 && anchoredAtStart(node.items[0] as Node);
  if (node.kind === "alt") return node.items.every(anchoredAtStart);
  return false;
}

/** Thompson's construction; all automata of one pattern share MAX_STATES. */
class Builder {
  private total = 0;

  /** `reversed`: the automaton reads the text backwards (for a lookahead, evaluated at every position at once). */
  automaton(root: Node, reversed: boolean): Automaton {
    const states: State[] = [];
    const push = (state: State): number => {
      if (++this.total > MAX_STATES) {
        throw new UnsupportedPatternError(`the pattern needs more than ${MAX_STATES} automaton states`);
      }
      states.push(state);
      return states.length - 1;
    };
    const build = (node: Node, next: number): number => {
      switch (node.kind) {
        case "char":
          return push({ op: "char", test: node.test, next });
        case "assert":
          return push({ op: "assert", at: node.at, next });
        case "look":
          return push({ op: "look", index: node.index, next });
        case "seq": {
          let entry = next;
          const items = reversed ? node.items : [...node.items].reverse();
          for (const item of items) entry = build(item, entry);
          return entry;
        }
        case "alt": {
          const entries = node.items.map((item) => build(item, next));
          let entry = entries.pop() as number;
          while (entries.length > 0) entry = push({ op: "split", a: entries.pop() as number, b: entry });
          return entry;
        }
        case "repeat": {
          if (node.min > MAX_STATES || (node.max !== Infinity && node.max > MAX_STATES)) {
            throw new UnsupportedPatternError(`the pattern repeats more than ${MAX_STATES} times`);
          }
          let entry = next;
          if (node.max === Infinity) {
            const loop = push({ op: "split", a: -1, b: next });
            (states[loop] as { a: number }).a = build(node.body, loop);
            entry = loop;
          } else {
            for (let i = node.min; i < node.max; i++)
              entry = push({ op: "split", a: build(node.body, entry), b: next });
          }
          for (let i = 0; i < node.min; i++) entry = build(node.body, entry);
          return entry;
        }
      }
    };
    const start = build(root, push({ op: "match" }));
    return { states, start };
  }
}

const WORD = /^[A-Za-z0-9_]$/;

/**
 * Runs the automaton over the text in `direction` (1: from position 0 forwards, -1: from the end backwards),
 * starting a new attempt at every position. Returns, per position, whether an attempt reached the match state
 * there; with `stopAtFirst`, it returns at the first such position.
 */
function scan(
  nfa: Automaton,
  chars: string[],
  tables: boolean[][],
  direction: 1 | -1,
  stopAtFirst: boolean,
): boolean[] {
  const n = chars.length;
  const { states } = nfa;
  const reached: boolean[] = new Array(n + 1).fill(false);
  const marks = new Uint32Array(states.length); // marks[i] === generation: state i is in this position's list
  let generation = 1;
  let current: number[] = [];
  let next: number[] = [];
  const holds = (at: Assertion, p: number): boolean => {
    if (at === "^") return p === 0;
    if (at === "$") return p === n;
    const boundary = WORD.test(chars[p - 1] ?? "") !== WORD.test(chars[p] ?? "");
    return at === "b" ? boundary : !boundary;
  };
  const closeStack: number[] = [];
  // Adds `entry` and every state reachable from it without reading a character, at position p.
  const close = (entry: number, p: number, list: number[]): boolean => {
    let matched = false;
    const stack = closeStack;
    stack.push(entry);
    while (stack.length > 0) {
      const i = stack.pop() as number;
      if (marks[i] === generation) continue;
      marks[i] = generation;
      const s = states[i] as State;
      if (s.op === "char") list.push(i);
      else if (s.op === "match") matched = true;
      else if (s.op === "split") stack.push(s.b, s.a);
      else if (s.op === "assert") {
        if (holds(s.at, p)) stack.push(s.next);
      } else if (tables[s.index]?.[p]) stack.push(s.next);
    }
    return matched;
  };
  let p = direction === 1 ? 0 : n;
  for (;;) {
    if ((p === 0 || !nfa.anchored) && close(nfa.start, p, current)) reached[p] = true;
    if (stopAtFirst && reached[p]) return reached;
    if (nfa.anchored && current.length === 0) return reached; // no attempt left, and none can start
    if (direction === 1 ? p === n : p === 0) return reached;
    const ch = chars[direction === 1 ? p : p - 1] as string;
    p += direction;
    generation++;
    next.length = 0;
    for (const i of current) {
      const s = states[i] as { test: (c: string) => boolean; next: number };
      if (s.test(ch) && close(s.next, p, next)) reached[p] = true;
    }
    [current, next] = [next, current];
  }
}
