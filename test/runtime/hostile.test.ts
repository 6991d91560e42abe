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

  describe("nesting far deeper than the call stack, with maxDepth raised to allow it: a value or a PartialJSONError", () => {
    const depth = 100_000;
    const options = (strict: boolean) => ({ strict, maxDepth: 200_000 });
    const nested = (open: string, close: string, inner = "1") => open.repeat(depth) + inner + close.repeat(depth);
    const texts = {
      arrays: nested("[", "]"),
      objects: nested('{"a":', "}"),
    };
    /** How deep `value` nests, walked without recursion. */
    const depthOf = (value: unknown) => {
      let n = 0;
      for (let v = value; typeof v === "object" && v !== null; n++) v = Object.values(v)[0];
      return n;
    };
    const innermost = (value: unknown) => {
      let v = value as unknown[];
      while (Array.isArray(v[0])) v = v[0];
      return v;
    };
    // Each write() copies the path being written (100,000 containers): a few chunks are "many" enough.
    const inPieces = (text: string) => chunkBy(text, Math.ceil(text.length / 8));
    const outcome = (chunks: readonly string[], strict: boolean) => {
      try {
        return collect(chunks, options(strict)).final;
      } catch (error) {
        return error;
      }
    };

    it.each([
      ["arrays", true],
      ["arrays", false],
      ["objects", true],
      ["objects", false],
    ] as const)("%s (strict: %s), in one chunk and in many", (kind, strict) => {
      const text = texts[kind];
      for (const chunks of [[text], inPieces(text)]) {
        expect(depthOf(outcome(chunks, strict)), `${chunks.length} chunk(s)`).toBe(depth);
      }
      // Cut short, or broken at the deepest point: a PartialJSONError (compared by its class only: a failing
      // expect() would print the 100,000-deep value, which overflows the stack of the printer).
      const mismatched = kind === "arrays" ? "}" : "]";
      for (const bad of [text.slice(0, -1), text.replace("1", mismatched), text.replace("1", "@")]) {
        expect(outcome(inPieces(bad), strict) instanceof PartialJSONError).toBe(true);
      }
      if (!strict) expect(depthOf(outcome(inPieces(`Here it is:\n${text}\nDone.`), false))).toBe(depth);
    });

    it("with the hints of a recursive schema (a hint node per level)", () => {
      const schema = {
        $ref: "#/$defs/node",
        $defs: {
          node: { anyOf: [{ type: "object", properties: { a: { $ref: "#/$defs/node" } } }, { type: "number" }] },
        },
      };
      // 20,000 levels in one chunk (past what a recursion per level survives): deriving each level's hint
      // node costs some 15-40 µs, and the path is the same in any chunking.
      const parser = new PartialJSONParser({ strict: true, maxDepth: 200_000, schema });
      parser.write(`${'{"a":'.repeat(depth / 5)}1${"}".repeat(depth / 5)}`);
      expect(depthOf(parser.end())).toBe(depth / 5);
    });

    it("snapshots along the way keep their identity rule at that depth (copy-on-write up a long path)", () => {
      const parser = new PartialJSONParser({ maxDepth: 200_000 });
      parser.write("[".repeat(depth));
      const first = parser.value as unknown[];
      expect(parser.write('"')).toBe(true); // a string starts at the deepest point
      const second = parser.value as unknown[];
      expect(second === first).toBe(false); // every container on the path is new
      expect(innermost(first)).toEqual([]); // the snapshot handed out before is untouched
      expect(innermost(second)).toEqual([""]);
      parser.write('"');
      parser.write("]".repeat(depth));
      expect(depthOf(parser.end())).toBe(depth);
    });
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
