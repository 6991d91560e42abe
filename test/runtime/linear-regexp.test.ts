import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linearRegExp, MAX_STATES, UnsupportedPatternError } from "../../runtime/util/linear-regexp.js";

/** Text drawn from characters that the atoms below tell apart (word/non-word, digit, space, newline, astral). */
const char = fc.constantFrom("a", "b", "c", "1", "_", " ", "-", "\n", "😀", "\uD83D", "é");
const text = fc.array(char, { maxLength: 8 }).map((chars) => chars.join(""));

const atom = fc.constantFrom(
  "a",
  "b",
  ".",
  "[ab]",
  "[^a]",
  "[\\d-]",
  "\\d",
  "\\w",
  "\\W",
  "\\s",
  "\\p{L}",
  "\\u{1F600}",
  "\\uD83D\\uDE00",
  "\\uD83D",
  "\\-",
  "é",
  "😀",
);
const assertion = fc.constantFrom("^", "$", "\\b", "\\B");
const quantifier = fc.constantFrom("*", "+", "?", "{2}", "{0,2}", "{1,}", "*?", "{1,3}?");

/** Random Unicode-mode patterns: sequences, alternatives, groups of every kind, quantifiers, lookarounds. */
const { pattern } = fc.letrec<{ pattern: string; term: string }>((tie) => ({
  pattern: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.array(tie("term"), { maxLength: 4 }).map((terms) => terms.join("")),
    fc.tuple(tie("pattern"), tie("pattern")).map(([a, b]) => `${a}|${b}`),
  ),
  term: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atom,
    assertion,
    fc.tuple(atom, quantifier).map(([a, q]) => a + q),
    fc
      .tuple(fc.constantFrom("(", "(?:", "(?<g>"), tie("pattern"), fc.option(quantifier))
      .map(([open, body, q]) => `${open}${body})${q ?? ""}`),
    fc.tuple(fc.constantFrom("(?=", "(?!", "(?<=", "(?<!"), tie("pattern")).map(([open, body]) => `${open}${body})`),
  ),
}));

function compiles(source: string): boolean {
  try {
    new RegExp(source, "u");
    return true;
  } catch {
    return false;
  }
}

describe("linearRegExp", () => {
  it('agrees with JavaScript\'s RegExp ("u" flag) on random patterns and texts', () => {
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 1, maxLength: 10 }), (source, texts) => {
        fc.pre(compiles(source));
        const ours = linearRegExp(source);
        const native = new RegExp(source, "u");
        for (const t of texts) {
          // V8 also tries the position inside a surrogate pair in Unicode mode (`/\B/u.exec("_😀1").index` is 2),
          // which ECMA-262 skips; an answer that rests on such a match is no reference.
          const found = native.exec(t);
          if (
            found &&
            /[\uD800-\uDBFF]$/.test(t.slice(0, found.index)) &&
            /^[\uDC00-\uDFFF]/.test(t.slice(found.index))
          )
            continue;
          expect(ours.test(t), `${source} on ${JSON.stringify(t)}`).toBe(found !== null);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("agrees on the patterns schemas use in the wild", () => {
    const cases: [string, string[]][] = [
      // Pydantic's Decimal pattern: a negative lookahead
      ["^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$", ["1.5", "-", "+.", "007", "-0.50", "1e5", ""]],
      ["^[A-Z]{2}\\d{2}$", ["AB12", "ab12", "ABC1"]],
      ["^\\+[0-9 ]+$", ["+33 1 23", "33"]],
      ["^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$", ["jane@example.com", "jane@", "@x.io"]],
      ["^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2})?)?$", ["2024-03-15", "2024-03-15T10:00", "2024-3-15"]],
      ["^(?<scheme>https?)://[^\\s/$.?#].[^\\s]*$", ["https://a.io/x", "ftp://a.io", "http:// x"]],
      ["^\\p{Lu}\\p{Ll}+$", ["Émile", "émile", "É"]],
    ];
    for (const [source, texts] of cases) {
      const ours = linearRegExp(source);
      for (const t of texts) expect(ours.test(t), `${source} on ${t}`).toBe(new RegExp(source, "u").test(t));
    }
  });

  it("answers the issue's ^(a+)+$ on a 30-character adversarial key at once (JavaScript's RegExp: over 10 s)", () => {
    const evil = linearRegExp("^(a+)+$");
    const started = performance.now();
    expect(evil.test(`${"a".repeat(30)}!`)).toBe(false);
    expect(evil.test("a".repeat(30))).toBe(true);
    // Linear: 100,000 characters under nested quantifiers and a lookahead, still well under a second.
    expect(linearRegExp("^(?=(a|aa)*$)(a*)*b").test("a".repeat(100_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("refuses what no automaton matches, and automata past the size bound", () => {
    for (const source of ["(a)\\1", "(?<x>a)\\k<x>", "(?:a|b){20000}", `(?:${"a{100}".repeat(101)})`]) {
      expect(compiles(source), source).toBe(true);
      expect(() => linearRegExp(source), source).toThrow(UnsupportedPatternError);
    }
    expect(() => linearRegExp("a".repeat(MAX_STATES - 1))).not.toThrow();
  });

  it("throws RegExp's SyntaxError on what JavaScript rejects in Unicode mode", () => {
    for (const source of ["\\-", "(", "a{", "[b-a]", "\\p{Nope}"]) {
      expect(() => linearRegExp(source), source).toThrow(SyntaxError);
    }
  });
});
