import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PartialJSONError, PartialJSONParser, type PartialJSONParserOptions } from "../../runtime/index.js";
import { COMMIT_AFTER_CHARS } from "../../runtime/parse/lenient-text.js";
import { CORPORA_DIR, CORPORA_MISSING_MESSAGE, HAVE_CORPORA } from "../corpora.js";
import { chunkBy, collect, thrown } from "./helpers.js";

if (!HAVE_CORPORA) console.warn(CORPORA_MISSING_MESSAGE);

type Outcome = { ok: true; value: unknown } | { ok: false; message: string; offset: number; pointer: string };

interface Run {
  /** The snapshot after each write(), and the offset (characters written so far) it belongs to. */
  snapshots: { at: number; value: unknown; changed: boolean }[];
  /** completedPaths of every write() and of end(), in order. */
  completed: string[];
  outcome: Outcome;
}

function run(chunks: readonly string[], options?: PartialJSONParserOptions): Run {
  const parser = new PartialJSONParser(options);
  const snapshots: Run["snapshots"] = [];
  const completed: string[] = [];
  let at = 0;
  try {
    for (const chunk of chunks) {
      const before = parser.value;
      const changed = parser.write(chunk);
      at += chunk.length;
      expect(changed, `write() reports a change exactly when the snapshot changed (at ${at})`).toBe(
        !Object.is(before, parser.value),
      );
      snapshots.push({ at, value: parser.value, changed });
      completed.push(...parser.completedPaths);
    }
    const value = parser.end();
    completed.push(...parser.completedPaths);
    return { snapshots, completed, outcome: { ok: true, value } };
  } catch (error) {
    if (!(error instanceof PartialJSONError)) throw error;
    return {
      snapshots,
      completed,
      outcome: { ok: false, message: error.message, offset: error.offset, pointer: error.pointer },
    };
  }
}

const outcomeOf = (text: string, options?: PartialJSONParserOptions) => run([text], options).outcome;
const parsedValue = (text: string) => {
  const outcome = outcomeOf(text);
  if (!outcome.ok) throw new Error(`expected a value from ${JSON.stringify(text)}, got: ${outcome.message}`);
  return outcome.value;
};

/** "Prefix" order: strings may grow, containers may gain members, nothing else may change. */
function isPrefixOf(earlier: unknown, later: unknown): boolean {
  if (typeof earlier === "string") return typeof later === "string" && later.startsWith(earlier);
  if (Array.isArray(earlier)) {
    if (!Array.isArray(later) || earlier.length > later.length) return false;
    return earlier.every((item, i) => isPrefixOf(item, later[i]));
  }
  if (earlier !== null && typeof earlier === "object") {
    if (later === null || typeof later !== "object" || Array.isArray(later)) return false;
    const l = later as Record<string, unknown>;
    return Object.keys(earlier).every(
      (k) => Object.hasOwn(l, k) && isPrefixOf((earlier as Record<string, unknown>)[k], l[k]),
    );
  }
  return Object.is(earlier, later);
}

function cutAt(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let at = 0;
  for (const p of points) {
    chunks.push(text.slice(at, p));
    at = p;
  }
  chunks.push(text.slice(at));
  return chunks;
}

// ---- texts as models write them: prose, fences, think blocks, JSON and near-JSON, mixed -------------------

const json = fc
  .tuple(fc.jsonValue({ maxDepth: 3 }), fc.boolean())
  .map(([value, pretty]) => JSON.stringify(value, null, pretty ? 2 : undefined));
/** Texts long enough to be committed by length alone, also without any object member. */
const longJson = fc
  .array(fc.oneof(fc.integer(), fc.string({ maxLength: 12 }), fc.constant(null)), { minLength: 20, maxLength: 60 })
  .map((items) => JSON.stringify(items));
/** JSON text with one character dropped, duplicated or replaced: broken JSON, as models sometimes write. */
const brokenJson = fc
  .tuple(fc.oneof(json, longJson), fc.nat(), fc.constantFrom("", "x", ",", "}", "]", '"', "\n", "{"))
  .map(([text, at, insert]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + insert + text.slice(i + 1);
  });
const prose = fc.constantFrom(
  "Here",
  " is",
  " a",
  " well",
  "-formatted",
  " JSON",
  ":\n",
  "Here are",
  " 3",
  " users:\n",
  "Sure! ",
  "true",
  " null",
  "42",
  "-",
  "1.",
  '"quoted"',
  "Use {name} as a placeholder: ",
  "{{var}}",
  "[1]",
  "[x]",
  "[see above]",
  "{",
  "}",
  "[",
  "]",
  "`",
  "``",
  "```",
  "~~~",
  "~~~json\n",
  "~",
  "```json\n",
  "```JSON ",
  "```\n",
  "\n```\n",
  "<think>",
  "</think>",
  "<thinking>",
  "</thinking>",
  "<THINK>",
  "<b>",
  "<",
  ">",
  '{"a"',
  ": ",
  ",",
  '"',
  "\\",
  "\t",
  "\n",
  " ",
  "é😀",
);
const mixedText = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: prose },
      { weight: 2, arbitrary: json },
      { weight: 1, arbitrary: longJson },
      { weight: 1, arbitrary: brokenJson },
    ),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(""));
const textAndChunks = fc
  .tuple(mixedText, fc.array(fc.nat(), { maxLength: 30 }))
  .map(([text, cuts]) => ({ text, chunks: cutAt(text, cuts) }));

describe("chunking independence (lenient mode)", () => {
  it("any text, any chunking: the same final value or error as the whole text, and only snapshots the text shows one character at a time", () => {
    fc.assert(
      fc.property(textAndChunks, ({ text, chunks }) => {
        const whole = run([text]);
        const byChar = run(text.split(""));
        const chunked = run(chunks);
        expect(chunked.outcome).toEqual(whole.outcome);
        expect(byChar.outcome).toEqual(whole.outcome);
        // Snapshots are a function of the characters received, never of where chunks end.
        const afterChar = new Map(byChar.snapshots.map((s) => [s.at, s.value]));
        for (const s of chunked.snapshots) {
          expect(s.value, `after ${JSON.stringify(text.slice(0, s.at))}`).toEqual(
            s.at === 0 ? undefined : afterChar.get(s.at),
          );
        }
        // Field completion events arrive in the same order whatever the chunking (a write() that throws
        // reports none, so this holds for texts that give a value).
        if (whole.outcome.ok) {
          expect(chunked.completed).toEqual(byChar.completed);
          expect(whole.completed).toEqual(byChar.completed);
        }
        // Each snapshot extends the one before; with a value, every snapshot is a prefix of it. (A repeated
        // key, which JSON.parse reads as its last value, replaces what was shown; it completes its pointer twice.)
        if (new Set(byChar.completed).size !== byChar.completed.length) return;
        const shown = chunked.snapshots.map((s) => s.value).filter((v) => v !== undefined);
        for (let i = 1; i < shown.length; i++) expect(isPrefixOf(shown[i - 1], shown[i])).toBe(true);
        if (whole.outcome.ok)
          for (const v of shown) expect(isPrefixOf(v, (whole.outcome as { value: unknown }).value)).toBe(true);
      }),
      { numRuns: Number(process.env.LENIENT_RUNS ?? 1500) },
    );
  });

  it.each([
    [["Here", " is", " a", " well", "-formatted", " JSON", ":\n", '{"a": 1}'], { a: 1 }],
    [["Here are", " 3", " users:\n", '[{"a": 1}]'], [{ a: 1 }]],
    [["3", " users:\n", '[{"a": 1}]'], [{ a: 1 }]],
    [["Use {name} as", " a placeholder: ", '{"name": "Ada"}'], { name: "Ada" }],
  ])("%j gives the JSON, as in one chunk", (chunks, expected) => {
    expect(run(chunks).outcome).toEqual({ ok: true, value: expected });
    expect(outcomeOf(chunks.join(""))).toEqual({ ok: true, value: expected });
  });
});

describe("startsInThinkBlock: the text starts inside a think block whose opening tag it never writes", () => {
  const options = { startsInThinkBlock: true };

  it("any text, any chunking: the same outcome as the whole text, and what it shows one character at a time", () => {
    fc.assert(
      fc.property(textAndChunks, ({ text, chunks }) => {
        const whole = run([text], options);
        const byChar = run(text.split(""), options);
        const chunked = run(chunks, options);
        expect(chunked.outcome).toEqual(whole.outcome);
        expect(byChar.outcome).toEqual(whole.outcome);
        const afterChar = new Map(byChar.snapshots.map((s) => [s.at, s.value]));
        for (const s of chunked.snapshots) expect(s.value).toEqual(s.at === 0 ? undefined : afterChar.get(s.at));
      }),
      { numRuns: 300 },
    );
  });

  it("nothing before the first </think> is the value, or shown: not even a complete JSON draft on its own line", () => {
    const reasoning = 'The user wants a name.\n{"name": "draft", "age": 1}\nLet me check that again.\n';
    const text = `${reasoning}</think>\n\n\`\`\`json\n{"name": "Ada"}\n\`\`\``;
    for (const size of [1, 3, 11, text.length]) {
      const result = run(chunkBy(text, size), options);
      expect(result.outcome).toEqual({ ok: true, value: { name: "Ada" } });
      for (const s of result.snapshots) if (s.at <= reasoning.length) expect(s.value).toBeUndefined();
    }
    // Without the option the draft, which starts a line, is the value.
    expect(outcomeOf(text)).toEqual({ ok: true, value: { name: "draft", age: 1 } });
  });

  it.each([
    ["a bare value after the tag", '</think>{"a": 1}', { a: 1 }],
    ["the longer closing tag, any case", "thinking...</THINKING>\n[1, 2]", [1, 2]],
    ["a later think block is skipped too", '</think><think>{"x": 1}</think>\n{"a": 1}', { a: 1 }],
    ["a scalar after the tag", "the answer is 4</think>\n42\n", 42],
  ])("%s", (_name, text, expected) => {
    for (const size of [1, 2, text.length])
      expect(run(chunkBy(text, size), options).outcome).toEqual({ ok: true, value: expected });
  });

  it("a text with no </think> has no value, and the error says why", () => {
    const outcome = outcomeOf('{"a": 1}', options);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.message).toContain("ended inside a think block, no </think> arrived");
  });

  it("is refused with strict: true", () => {
    expect(() => new PartialJSONParser({ strict: true, startsInThinkBlock: true })).toThrow(/needs lenient parsing/);
  });
});

describe("every valid JSON text gives JSON.parse's value in lenient mode", () => {
  it("any JSON value (bare true, null, numbers and strings included), with whitespace around, in any chunking", () => {
    const valid = fc
      .tuple(
        fc.jsonValue({ maxDepth: 4 }),
        fc.boolean(),
        fc.constantFrom("", " ", "\n", "\r\n\t "),
        fc.constantFrom("", " ", "\n", "\n\n"),
        fc.array(fc.nat(), { maxLength: 20 }),
      )
      .map(([value, pretty, before, after, cuts]) => {
        const text = before + JSON.stringify(value, null, pretty ? 2 : undefined) + after;
        return { text, chunks: cutAt(text, cuts) };
      });
    fc.assert(
      fc.property(valid, ({ text, chunks }) => {
        expect(run(chunks).outcome).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 800 },
    );
  });

  it.skipIf(!HAVE_CORPORA)("JSONTestSuite's y_ files (all must parse), whole and one character at a time", () => {
    const dir = `${CORPORA_DIR}JSONTestSuite/test_parsing/`;
    const names = readdirSync(dir).filter((name) => name.startsWith("y_"));
    expect(names.length).toBeGreaterThan(90);
    for (const name of names) {
      const text = new TextDecoder().decode(readFileSync(dir + name));
      const expected = { ok: true, value: JSON.parse(text) };
      expect(outcomeOf(text), name).toEqual(expected);
      expect(run(text.split("")).outcome, name).toEqual(expected);
    }
  });

  it.each(["true", "false", "null", "0", "-0", "1e5", "-12.5E-3", '"abc"', '""', "[]", "{}", " 42 ", '"a\\"b"'])(
    "%s",
    (text) => {
      expect(parsedValue(text)).toStrictEqual(JSON.parse(text));
    },
  );
});

describe("a value that starts the text or a fence's content is shown as in strict mode", () => {
  const containerOrString = fc
    .tuple(
      fc.oneof(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        fc.array(fc.jsonValue({ maxDepth: 3 })),
        fc.string(),
      ),
      fc.boolean(),
    )
    .map(([value, pretty]) => JSON.stringify(value, null, pretty ? 2 : undefined));
  const leadingWhitespace = fc.constantFrom("", " ", "\n", "\r\n\t ");
  const fenceOpening = fc.constantFrom("```json\n", "```\n", "Here it is:\n```json\n", "~~~JSON \n", "````\n\n  ");
  const cuts = fc.array(fc.nat(), { maxLength: 20 });

  /** Lenient snapshots of `before + json + after` in `chunks` equal strict ones of `json` at the same character. */
  function showsAsStrict(before: string, json: string, after: string, chunks: readonly string[]): void {
    const strictByChar = run(json.split(""), { strict: true });
    const strictAt = (k: number) => (k <= 0 ? undefined : strictByChar.snapshots[Math.min(k, json.length) - 1]?.value);
    const lenient = run(chunks);
    for (const s of lenient.snapshots) {
      expect(s.value, `after ${JSON.stringify((before + json + after).slice(0, s.at))}`).toEqual(
        strictAt(s.at - before.length),
      );
    }
    expect(lenient.outcome).toEqual({ ok: true, value: JSON.parse(json) });
    expect(lenient.completed).toEqual(strictByChar.completed);
  }

  it("an object, array or string at the text's start (whitespace before it), in any chunking", () => {
    fc.assert(
      fc.property(leadingWhitespace, containerOrString, cuts, (before, json, at) => {
        const text = before + json;
        showsAsStrict(before, json, "", cutAt(text, at));
      }),
      { numRuns: 400 },
    );
  });

  it("an object, array or string that starts a fenced block's content, in any chunking", () => {
    fc.assert(
      fc.property(fenceOpening, containerOrString, cuts, (opening, json, at) => {
        const after = `\n${opening.includes("~") ? "~~~" : "```"}\nThat is all.`;
        showsAsStrict(opening, json, after, cutAt(opening + json + after, at));
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    ["[1, 2, 3]", 0, []],
    ['{"a": 1}', 0, {}],
    ['"abc"', 0, ""],
    ['  \n[{"a": 1}]', 3, []],
    ['<think>maybe [1]</think>\n{"a": 1}', 25, {}],
    ['```json\n{"a": 1}\n```', 8, {}],
    ['```json {"a": 1}```', 8, {}],
  ] as const)("%j shows at character %i: %j", (text, at, first) => {
    const shown = run(text.split("")).snapshots.find((s) => s.changed);
    expect(shown).toEqual({ at: at + 1, value: first, changed: true });
  });

  it("its errors are strict mode's errors (same message, offset and pointer)", () => {
    for (const text of ["[012]", "{a: 1}", '"a\nb"', "[1, 2 3]", '{"a": [1}', '"Sure! Here it is:\n{"a": 1}']) {
      expect(outcomeOf(text), text).toEqual(outcomeOf(text, { strict: true }));
    }
  });

  it("a number or literal at the start keeps the rule of bare scalars: it counts only if nothing else follows", () => {
    expect(outcomeOf('3 users:\n[{"name": "Ada"}]')).toEqual({ ok: true, value: [{ name: "Ada" }] });
    expect(outcomeOf("true story")).toMatchObject({ ok: false });
    expect(outcomeOf(" 42 \n")).toEqual({ ok: true, value: 42 });
  });
});

describe("prose around the value", () => {
  /** Prose that cannot start or contain a candidate. */
  const plainProse = fc
    .array(fc.constantFrom("Here", " is", " the", " answer", ":", "\n", " ", "Hope", " this", " helps", "!", "é"), {
      maxLength: 8,
    })
    .map((words) => words.join(""));
  const container = fc.oneof(
    fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
    fc.array(fc.jsonValue({ maxDepth: 2 })),
  );

  it("prose, then a JSON object or array, then prose: the JSON", () => {
    fc.assert(
      fc.property(
        plainProse,
        container,
        fc.boolean(),
        plainProse,
        fc.array(fc.nat(), { maxLength: 20 }),
        (before, value, pretty, after, cuts) => {
          const text = `${before}${JSON.stringify(value, null, pretty ? 2 : undefined)}${after}`;
          expect(run(cutAt(text, cuts)).outcome).toEqual({ ok: true, value: JSON.parse(JSON.stringify(value)) });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("prose with placeholders, citations and stray scalars, then an object on its own line: the object", () => {
    const junk = fc
      .array(
        fc.constantFrom("Use {name}.", " [1]", " [x]", " 3 users", " true", ' "q"', " {}", " [1, 2]", " text", "\n"),
        {
          maxLength: 6,
        },
      )
      .map((parts) => parts.join(""));
    const object = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 });
    fc.assert(
      fc.property(
        junk,
        object,
        fc.boolean(),
        fc.string(),
        fc.array(fc.nat(), { maxLength: 20 }),
        (before, value, pretty, after, cuts) => {
          // (After a word: a {} or "q" that starts the text would be the value.)
          const text = `Note:${before}\n${JSON.stringify(value, null, pretty ? 2 : undefined)}${after}`;
          expect(run(cutAt(text, cuts)).outcome).toEqual({ ok: true, value: JSON.parse(JSON.stringify(value)) });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a fenced block wins over the prose around it, whatever that prose holds", () => {
    const noise = fc
      .array(
        fc.constantFrom("Use {name} here.", " [1]", " [x]", " 3 users", " true", ' "q"', " {}", "\n", " text", " <b>"),
        {
          maxLength: 5,
        },
      )
      .map((parts) => parts.join(""));
    const trailing = fc.oneof(
      noise,
      json.map((t) => `\nFor example: ${t}`),
    );
    const info = fc.constantFrom("json", "JSON", "jsonc", "", "javascript", " json", "json title=x");
    fc.assert(
      fc.property(
        noise,
        info,
        fc.jsonValue({ maxDepth: 3 }),
        trailing,
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.constantFrom("```", "````", "~~~"),
        (before, infoString, value, after, cuts, fence) => {
          // (After a word: a {} or "q" that starts the text would be the value.)
          const text = `Sure.${before}\n${fence}${infoString}\n${JSON.stringify(value, null, 2)}\n${fence}${after}`;
          expect(run(cutAt(text, cuts)).outcome).toEqual({ ok: true, value: JSON.parse(JSON.stringify(value)) });
        },
      ),
      { numRuns: 400 },
    );
  });

  it.each([
    ["a fence with no newline after the info string", '```json {"a": 1}```', { a: 1 }],
    ["a tilde fence", 'Here:\n~~~json\n{"a": 1}\n~~~\nDone {x}.', { a: 1 }],
    ["a scalar in a tilde fence", "~~~\n42\n~~~ is it", 42],
    ["backticks do not close a tilde fence", '~~~\n"a```b"\n~~~', "a```b"],
    ["a tilde in prose is prose", '~3 users, ~ roughly:\n{"a": 1}', { a: 1 }],
    ["a fence right after the opener", '```{"a": 1}```', { a: 1 }],
    ["an unclosed fence", 'Result:\n```json\n{"a": 1}', { a: 1 }],
    ["a scalar in a fence", "```json\n42\n```\nThat is the answer.", 42],
    ["a string in a fence", 'Answer:\n```\n"yes"\n``` (done)', "yes"],
    ["a code fence that is not JSON, then JSON", '```python\nprint("hi")\n```\n{"a": 1}', { a: 1 }],
    ["JSON inside a fence after some prose", '```\nresult = {"a": 1}\n```', { a: 1 }],
    ["a think block holding JSON", '<think>maybe {"draft": true}?</think>\n{"a": 1}', { a: 1 }],
    ["a thinking block, case-insensitive", '<THINKING>{"x": [1</Thinking>```json\n{"a": 1}\n```', { a: 1 }],
    ["a scalar after a think block", "<think>the answer is 4</think>\n42\n", 42],
    ["tags that are not think blocks", '<b>bold</b> <thinker> {"a": 1}', { a: 1 }],
    ["a placeholder before the value", 'Use {name} as a placeholder: {"name": "Ada"}', { name: "Ada" }],
    ["a complete prose candidate loses to a later value", 'See [1] and {"a": 1}', { a: 1 }],
    ["a complete prose candidate loses to a later fence", "Steps [1], [2]:\n```json\n[3]\n```", [3]],
    ["the first complete prose candidate, when nothing better follows", "Pick [1] or [2].", [1]],
    ["an inline example loses to a later fence", 'Return {"a": 1} like this:\n```json\n{"b": 2}\n```', { b: 2 }],
    ["an inline example loses to a later value", 'Like {"a": 1}. Here:\n{"b": 2}', { b: 2 }],
    ["an inline value, when nothing better follows", 'Here it is: {"a": 1}. Done.', { a: 1 }],
    [
      "a committed value on its own line wins over a later fence",
      'First\n{"a": 1}\nthen ```json\n{"b": 2}\n```',
      { a: 1 },
    ],
    ["a stray quote in prose before the value", 'Sure! "Here it is:\n{"a": 1}', { a: 1 }],
    ["a bare scalar followed by prose is prose", 'Here are 3 users:\n["Ada"]', ["Ada"]],
    ["a bare scalar at text start followed by prose", '3 users:\n["Ada"]', ["Ada"]],
    ["a fallback, then a candidate the text ends in", 'See [1] then {"a"', [1]],
    ["a checkbox list", "- [ ] todo\n- [x] done", []],
    ["a markdown link", 'See [the docs](https://x.y) for {"a": 1}', { a: 1 }],
  ])("%s", (_name, text, expected) => {
    for (const size of [1, 2, 7, text.length])
      expect(run(chunkBy(text, size)).outcome).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["just prose", "Sorry, I cannot help with that.", "no JSON value found"],
    ["a bare scalar followed by prose", "true story", "no JSON value found"],
    ["an unclosed think block", '<think>{"a": 1}', "no JSON value found"],
    ["only a placeholder", "Use {name}.", "likeliest candidate failed: expected a property name or '}'"],
    [
      "broken JSON that never became plausible",
      "See [012].",
      "likeliest candidate failed: invalid number: leading zero",
    ],
    ["unquoted keys", "Try {a: 1}", "likeliest candidate failed: expected a property name"],
    ["text that ends inside a candidate", 'Here: {"a"', "unexpected end of JSON text"],
    ["a bare string with a raw line break (not JSON)", '"a\nb"', "unescaped control character"],
    // A value that starts the text or a fence is the value from its first character: its errors are errors.
    ["broken JSON at the text's start", "[012]", "invalid number: leading zero"],
    ["unquoted keys at the text's start", "{a: 1}", "expected a property name"],
    ["a stray quote at the text's start", '"Sure! Here it is:\n{"a": 1}', "unescaped control character"],
    ["a fence holding a placeholder", "```\n{name}\n```", "expected a property name"],
  ])("%s: an error", (_name, text, message) => {
    for (const size of [1, 3, text.length]) {
      const outcome = run(chunkBy(text, size)).outcome;
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.message).toContain(message);
    }
  });

  it("the error of a failed candidate keeps its offset and JSON Pointer in the whole text", () => {
    const error = thrown(() => collect(["Only {this}."]));
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as PartialJSONError).offset).toBe(6);
  });
});

describe("what is shown, and when", () => {
  it("nothing of a candidate is shown before it is committed; from then on it is the value", () => {
    const parser = new PartialJSONParser();
    expect(parser.write('Here:\n{"a"')).toBe(false);
    expect(parser.value).toBeUndefined();
    expect(parser.write(": ")).toBe(false);
    expect(parser.write('"x')).toBe(true); // a member became visible: committed
    expect(parser.value).toEqual({ a: "x" });
    const error = thrown(() => parser.write(' oops" ]'));
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as PartialJSONError).offset).toBe(21);
    expect((error as PartialJSONError).pointer).toBe("");
  });

  it("an inline candidate is shown only once long enough (or at the end)", () => {
    const value = { text: "x".repeat(300) };
    const text = `Here it is: ${JSON.stringify(value)}`;
    const shown = run(text.split("")).snapshots.filter((s) => s.changed);
    expect((shown[0] as { at: number }).at - text.indexOf("{")).toBe(COMMIT_AFTER_CHARS);
    expect(run(text.split("")).outcome).toEqual({ ok: true, value });
  });

  it("a committed value's syntax errors are errors (offset and pointer in the whole text), not a reason to search on", () => {
    const text = 'Sure:\n{"users": [{"name": "Ada"}, {"name": @}]} and {"b": 1}';
    const outcome = outcomeOf(text);
    expect(outcome).toEqual({
      ok: false,
      message: expect.stringContaining("expected a JSON value"),
      offset: text.indexOf("@"),
      pointer: "/users/1/name",
    });
  });

  it(`a candidate is committed after ${COMMIT_AFTER_CHARS} characters even without an object member`, () => {
    const numbers = Array.from({ length: 200 }, (_, i) => i);
    const text = `Numbers: ${JSON.stringify(numbers)}`;
    const shown = run(text.split("")).snapshots.filter((s) => s.changed);
    expect(shown.length).toBeGreaterThan(1);
    const first = shown[0] as { at: number; value: unknown };
    expect(first.at - text.indexOf("[")).toBe(COMMIT_AFTER_CHARS);
    // ... and a failure after that point is an error even though no value was shown yet in one chunk.
    const broken = `${text.slice(0, -1)}x]`;
    expect(outcomeOf(broken)).toMatchObject({ ok: false, message: expect.stringContaining("expected ',' or ']'") });
  });

  it("completion events of a held-back candidate are reported when it is committed", () => {
    const parser = new PartialJSONParser();
    parser.write('Then:\n[1, 2, {"a"');
    expect(parser.completedPaths).toEqual([]);
    parser.write(": 3");
    expect(parser.completedPaths).toEqual([]);
    expect(parser.write(",")).toBe(true); // the member "a" is complete: committed
    expect(parser.completedPaths).toEqual(["/0", "/1", "/2/a"]);
    expect(parser.value).toEqual([1, 2, { a: 3 }]);
  });

  it("the prose skipped is not kept: megabytes of prose with braces, then the value", () => {
    const parser = new PartialJSONParser();
    const prose = "Consider {x} and [y] and `code` and <tag> and 3 more. ".repeat(20_000);
    for (const piece of chunkBy(prose, 4096)) parser.write(piece);
    parser.write('{"a": 1}');
    expect(parser.end()).toEqual({ a: 1 });
  });
});

describe("with a schema", () => {
  it("hints apply to the value found in the text: an enum string appears only once complete", () => {
    const schema = {
      type: "object",
      properties: { status: { enum: ["active", "archived"] }, note: { type: "string" } },
    };
    const text = 'Sure! Here it is:\n```json\n{"status": "archived", "note": "ok"}\n```';
    const parser = new PartialJSONParser({ schema });
    const shown: unknown[] = [];
    for (const ch of text) if (parser.write(ch)) shown.push(parser.value);
    for (const s of shown as { status?: string }[]) expect([undefined, "archived"]).toContain(s.status);
    expect(shown).toContainEqual({ status: "archived", note: "o" });
    expect(parser.end()).toEqual({ status: "archived", note: "ok" });
  });
});

describe("raw control characters in strings", () => {
  it.each(['{"a": "line 1\nline 2\tend\r\n"}', '["\t"]'])("are accepted in lenient mode: %j", (text) => {
    expect(parsedValue(text)).toEqual(
      JSON.parse(text.replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r")),
    );
  });

  it("are rejected with strict: true", () => {
    expect(() => collect(['{"a": "line 1\nline 2"}'], { strict: true })).toThrow("unescaped control character");
    expect(() => collect(['["\t"]'], { strict: true })).toThrow("unescaped control character");
  });

  it("other control characters are rejected in lenient mode too", () => {
    expect(outcomeOf('{"a": "\u0001"}')).toMatchObject({
      ok: false,
      message: expect.stringContaining("control character"),
    });
  });
});

describe("strict: true is plain JSON", () => {
  it.each(['Here: {"a": 1}', '```json\n{"a": 1}\n```', "<think></think>1", '{"a": 1} trailing', "true story"])(
    "rejects %j",
    (text) => {
      expect(outcomeOf(text, { strict: true }).ok).toBe(false);
    },
  );
});
