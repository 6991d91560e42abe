import { afterEach, describe, expect, it } from "vitest";
import { PartialJSONError, PartialJSONParser } from "../../runtime/index.js";
import { chunkBy, collect, thrown } from "./helpers.js";

const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

afterEach(() => {
  // Nothing a model writes may reach Object.prototype.
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe("keys that name prototype machinery become plain own data properties", () => {
  const text =
    '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "prototype": 1, "a": [{"__proto__": {"polluted": 1}}]}';

  it.each([1, 3, 1000])("in chunks of %i", (size) => {
    const { snapshots, final } = collect(chunkBy(text, size));
    for (const value of [...snapshots, final] as Record<string, unknown>[]) {
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    }
    const v = final as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(["__proto__", "constructor", "prototype", "a"]);
    expect(Object.getOwnPropertyDescriptor(v, "__proto__")?.value).toEqual({ polluted: true });
    expect(v.polluted).toBeUndefined();
    const inner = (v.a as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
    expect(Object.hasOwn(inner, "__proto__")).toBe(true);
  });
});

describe("limits raise PartialJSONError instead of crashing", () => {
  it("nesting past the default limit of 512 (100,000 opening brackets)", () => {
    const parser = new PartialJSONParser();
    const error = thrown(() => parser.write("[".repeat(100_000)));
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as PartialJSONError).offset).toBe(512);
    expect((error as Error).message).toContain("nesting deeper than the limit of 512");
  });

  it("nesting limit is configurable, and the limit itself is accepted", () => {
    const ok = `${"[".repeat(3)}${"]".repeat(3)}`;
    expect(collect([ok], { maxDepth: 3 }).final).toEqual([[[]]]);
    expect(() => collect([`{"a": {"b": {"c": {}}}}`], { maxDepth: 3 })).toThrow(PartialJSONError);
  });

  it("a string past maxStringLength, across chunks", () => {
    const parser = new PartialJSONParser({ maxStringLength: 10 });
    parser.write('{"k": "0123456');
    expect(() => parser.write("789abc")).toThrow(PartialJSONError);
    expect(() => parser.write("x")).toThrow(/string longer than the limit of 10/);
  });

  it.each([true, false])(
    "string and number limits fail at the first character past the limit, whatever the chunking (strict: %s)",
    (strict) => {
      for (const [text, offset] of [
        ['{"k": "0123456789abcdef", "n": 1}', 17],
        ['{"k": "01234\\u00e9789abcdef"}', 22],
        ["[1234567890123456]", 11],
      ] as const) {
        for (let size = 1; size <= text.length; size++) {
          const error = thrown(() => collect(chunkBy(text, size), { strict, maxStringLength: 10 }));
          expect(error, `${text} in chunks of ${size}`).toBeInstanceOf(PartialJSONError);
          expect((error as PartialJSONError).offset, `${text} in chunks of ${size}`).toBe(offset);
        }
      }
    },
  );

  it("a key past maxStringLength", () => {
    expect(() => collect([`{"${"k".repeat(20)}": 1}`], { maxStringLength: 10 })).toThrow(PartialJSONError);
  });

  it("a document past maxLength", () => {
    const parser = new PartialJSONParser({ maxLength: 16 });
    parser.write('{"a": "12345');
    const error = thrown(() => parser.write("67890"));
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as PartialJSONError).offset).toBe(16);
  });

  it("control characters and bad escapes inside strings", () => {
    expect(() => collect(['["a\u0001"]'])).toThrow(PartialJSONError);
    expect(() => collect(['["\\x41"]'])).toThrow(PartialJSONError);
    expect(() => collect(['["\\u12G4"]'])).toThrow(PartialJSONError);
  });
});
