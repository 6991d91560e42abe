import { Buffer } from "node:buffer";
import { PartialJSONParser, streamObject, toResponse } from "@partialgen/runtime";
import { readObjectStream, SnapshotParser } from "@partialgen/runtime/client";
import { useObjectStream } from "@partialgen/runtime/react";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkBy, thrown } from "./helpers.js";

/** What each public entry is called with, options last, as a caller writes it. */
const entries: Record<string, { known: string[]; call: (options: unknown) => unknown }> = {
  PartialJSONParser: {
    known: ["maxDepth", "maxLength", "maxStringLength", "freeze", "optionalNulls", "schema", "strict"],
    call: (options) => new PartialJSONParser(options as never),
  },
  SnapshotParser: {
    known: ["maxDepth", "maxLength", "maxStringLength", "freeze", "optionalNulls", "hints", "rawLineBreaks"],
    call: (options) => new SnapshotParser(options as never),
  },
  streamObject: {
    known: ["model", "messages", "client", "mode", "request", "maxRetries", "idleTimeoutMs", "schema", "validate"],
    call: (options) => streamObject(options as never),
  },
  readObjectStream: {
    known: ["hints", "validate", "signal"],
    call: (options) => readObjectStream(new ReadableStream(), options as never),
  },
  // The option check runs before any React hook, so it throws outside a component just as in one.
  useObjectStream: {
    known: ["api", "hints", "validate", "onFinish", "onError"],
    call: (options) => useObjectStream(options as never),
  },
  toResponse: {
    known: ["status", "headers", "usage", "errorMessage"],
    call: (options) =>
      toResponse(
        { events: () => (async function* () {})() },
        { strict: true, optionalNulls: "keep" },
        options as never,
      ),
  },
};

describe("write() takes only text", () => {
  const notText = fc.oneof(
    fc.integer(),
    fc.constantFrom(null, undefined, true, {}, [], Symbol("s"), 10n, () => "x"),
    fc.uint8Array().map((bytes) => Buffer.from(bytes)),
    fc.uint8Array(),
  );

  it("anything else is a TypeError naming what it got, and the parser goes on as if it never happened", () => {
    const text = 'Here:\n{"users": [{"name": "Ada"}], "n": 12}';
    fc.assert(
      fc.property(notText, fc.nat(), fc.nat({ max: 12 }), (bad, at, size) => {
        for (const strict of [false, true]) {
          const source = strict ? text.slice(text.indexOf("{")) : text;
          const chunks = chunkBy(source, size + 1);
          const parser = new PartialJSONParser({ strict });
          chunks.forEach((chunk, i) => {
            if (i === at % chunks.length) {
              const before = parser.value;
              const error = thrown(() => parser.write(bad as never));
              expect(error).toBeInstanceOf(TypeError);
              expect(error.message).toMatch(/^partialgen: write\(\) takes a string, got /);
              expect(parser.value).toBe(before);
            }
            parser.write(chunk);
          });
          expect(parser.end()).toEqual({ users: [{ name: "Ada" }], n: 12 });
        }
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    [Buffer.from("{}"), "got a Buffer (decode bytes with a TextDecoder)"],
    [new Uint8Array(2), "got a Uint8Array (decode bytes with a TextDecoder)"],
    [5, "got number 5"],
    [null, "got null"],
    [{ text: "{}" }, "got an object"],
  ])("%o: %s", (bad, words) => {
    for (const parser of [new PartialJSONParser(), new SnapshotParser()]) {
      expect(() => parser.write(bad as never)).toThrow(words);
      expect(parser.write("[1]")).toBe(true);
      expect(parser.end()).toEqual([1]);
    }
  });
});

describe("options are checked when the entry is called", () => {
  it("an unknown name is a TypeError naming the entry and the name, with the known name it is close to", () => {
    const misspelt = fc
      .constantFrom(...Object.keys(entries))
      .chain((entry) =>
        fc.tuple(
          fc.constant(entry),
          fc.constantFrom(...(entries[entry]?.known ?? [])),
          fc.nat(),
          fc.constantFrom("drop", "double", "swap", "case"),
        ),
      );
    fc.assert(
      fc.property(misspelt, ([entry, name, at, edit]) => {
        const i = at % (name.length - 1);
        const typo =
          edit === "drop"
            ? name.slice(0, i) + name.slice(i + 1)
            : edit === "double"
              ? name.slice(0, i) + name[i] + name.slice(i)
              : edit === "swap"
                ? name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2)
                : name.toUpperCase();
        if (typo === name || entries[entry]?.known.includes(typo)) return;
        const error = thrown(() => entries[entry]?.call({ [typo]: 1 }));
        expect(error).toBeInstanceOf(TypeError);
        expect(error.message).toContain(`partialgen: ${entry} has no option ${typo} (did you mean `);
      }),
      { numRuns: 300 },
    );
  });

  it("the guess is the known name the fewest edits away (at most 2, and 1 for names of 3 letters or fewer)", () => {
    const known = entries.SnapshotParser?.known ?? []; // all of its options (streamObject's list is a part)
    const name = fc
      .tuple(fc.constantFrom(...known), fc.array(fc.tuple(fc.nat(), fc.constantFrom(..."aeimnrstxy"))))
      .map(([start, edits]) =>
        edits.slice(0, 3).reduce((s, [at, c], k) => {
          const i = at % (s.length + 1);
          return k % 2 === 0 ? s.slice(0, i) + c + s.slice(i + 1) : s.slice(0, i) + s.slice(i + 1);
        }, start),
      )
      .filter((n) => n.length > 0 && !known.includes(n));
    fc.assert(
      fc.property(name, (typo) => {
        const message = thrown(() => entries.SnapshotParser?.call({ [typo]: 1 })).message;
        const guess = /\(did you mean (\w+)\?\)$/.exec(message)?.[1];
        const nearest = Math.min(...known.map((k) => editsBetween(typo.toLowerCase(), k.toLowerCase())));
        const allowed = Math.min(2, Math.max(1, typo.length / 3));
        if (nearest > allowed) expect(guess).toBeUndefined();
        else expect(editsBetween(typo.toLowerCase(), (guess ?? "").toLowerCase())).toBe(nearest);
      }),
      { numRuns: 500 },
    );
  });

  it("a name far from every option is an error too, without a guess", () => {
    for (const [entry, { call }] of Object.entries(entries)) {
      expect(() => call({ temperature: 0 })).toThrow(new TypeError(`partialgen: ${entry} has no option temperature`));
    }
  });

  it("an unknown name whose value is undefined changes nothing and passes (conditional spreads write those)", () => {
    expect(new PartialJSONParser({ extra: undefined } as never).write("[]")).toBe(true);
  });

  it("a limit must be a non-negative integer or Infinity; the error names the option and the value", () => {
    const notLimit = fc.oneof(
      fc.integer({ max: -1 }),
      fc.double({ noInteger: true }).filter((n) => n !== Number.POSITIVE_INFINITY),
      fc.constantFrom("5", null, true, Number.NEGATIVE_INFINITY, Number.NaN),
    );
    fc.assert(
      fc.property(
        fc.constantFrom("maxDepth", "maxLength", "maxStringLength"),
        notLimit,
        fc.constantFrom("PartialJSONParser", "SnapshotParser"),
        (option, value, entry) => {
          const error = thrown(() => entries[entry]?.call({ [option]: value }));
          expect(error).toBeInstanceOf(TypeError);
          expect(error.message).toMatch(
            new RegExp(`^partialgen: ${entry}'s option ${option} must be an integer >= 0 or Infinity, got `),
          );
        },
      ),
      { numRuns: 300 },
    );
    for (const ok of [0, 1, 512, Number.POSITIVE_INFINITY])
      expect(new PartialJSONParser({ maxDepth: ok })).toBeTruthy();
    expect(() => new PartialJSONParser({ maxDepth: -1 })).toThrow(
      "option maxDepth must be an integer >= 0 or Infinity, got number -1",
    );
  });

  it.each([
    ["PartialJSONParser", { strict: "yes" }, 'PartialJSONParser\'s option strict must be a boolean, got "yes"'],
    ["PartialJSONParser", { optionalNulls: "skip" }, 'option optionalNulls must be one of keep, drop, got "skip"'],
    ["PartialJSONParser", 5, "PartialJSONParser's options must be an object, got number 5"],
    ["streamObject", { maxRetries: 1.5 }, "streamObject's option maxRetries must be an integer >= 0, got number 1.5"],
    ["streamObject", { idleTimeoutMs: Number.POSITIVE_INFINITY }, "idleTimeoutMs must be a finite number >= 0"],
    [
      "streamObject",
      { mode: "json_object" },
      "option mode must be one of json_schema, tools, json, md_json, responses",
    ],
    ["streamObject", { validate: {} }, "streamObject's option validate must be a function, got an object"],
    ["readObjectStream", { signal: true }, "readObjectStream's option signal must be an AbortSignal, got boolean true"],
    ["useObjectStream", { api: 3 }, "useObjectStream's option api must be a URL or a function, got number 3"],
    ["toResponse", { status: "200" }, 'toResponse\'s option status must be an integer >= 0, got "200"'],
  ])("%s(%o): %s", (entry, options, message) => {
    expect(() => entries[entry]?.call(options)).toThrow(message);
  });
});

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`: the textbook table. */
function editsBetween(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i + j));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      row[j] = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}
