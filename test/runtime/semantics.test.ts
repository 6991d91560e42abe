import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SnapshotParser } from "../../runtime/client/index.js";
import { PartialJSONError, PartialJSONParser, partialSnapshots } from "../../runtime/index.js";
import { chunkBy, collect, snapshotAfterEachChar, thrown } from "./helpers.js";

describe("strings", () => {
  it("appear at their opening quote and grow as they stream", () => {
    const text = '{"name": "Ada"}';
    const ours = snapshotAfterEachChar(text);
    expect(ours[text.indexOf('"Ada')]).toEqual({ name: "" });
    expect(ours[text.indexOf("A")]).toEqual({ name: "A" });
    expect(ours[text.indexOf("d")]).toEqual({ name: "Ad" });
  });

  it("show an escape sequence only once complete: never a backslash or half an escape", () => {
    const text = '["a\\n\\u00e9\\ud83d\\ude00\\"b"]';
    const shown = snapshotAfterEachChar(text, { strict: true }).map((s) => (s as string[] | undefined)?.[0] ?? "");
    for (const s of shown) expect(s).not.toMatch(/\\|[\ud800-\udbff]$/);
    expect(new Set(shown)).toEqual(new Set(["", "a", "a\n", "a\né", "a\né😀", 'a\né😀"', 'a\né😀"b']));
  });

  it("decode every escape as JSON.parse does, and fail at the first character that cannot continue one", () => {
    const escapeChar = fc.oneof(
      fc.constantFrom(...'"\\/bfnrtu0aAfFgG xU'),
      fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 }),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    );
    const hexDigits = fc.array(fc.constantFrom(..."0123456789abcdefABCDEFgG xé-"), { maxLength: 4 });
    fc.assert(
      fc.property(escapeChar, hexDigits, fc.integer({ min: 1, max: 4 }), (c, hex, size) => {
        const text = `["\\${c}${c === "u" ? hex.join("") : ""}"]`;
        const parser = new SnapshotParser();
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          const error = thrown(() => {
            for (const chunk of chunkBy(text, size)) parser.write(chunk);
            parser.end();
          });
          expect(error).toBeInstanceOf(PartialJSONError);
          // The first character that is not an escape letter (or, after \u, not a hex digit).
          const bad = c === "u" ? 4 + hex.findIndex((h) => !/[0-9a-fA-F]/.test(h)) : 3;
          if (c === "u" && hex.length < 4 && hex.every((h) => /[0-9a-fA-F]/.test(h))) {
            expect(error.message).toMatch(/^invalid \\u escape at offset /); // the closing quote is no hex digit
          } else expect((error as PartialJSONError).offset).toBe(c === "u" ? bad : 3);
          return;
        }
        for (const chunk of chunkBy(text, size)) parser.write(chunk);
        expect(parser.end()).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("keep a lone escaped surrogate as JSON.parse does", () => {
    expect(collect(['["\\ud800x"]']).final).toEqual(JSON.parse('["\\ud800x"]'));
    expect(collect(['["\\ud800"]']).final).toEqual(JSON.parse('["\\ud800"]'));
    expect(collect(['["\\ud800\\u0041"]']).final).toEqual(JSON.parse('["\\ud800\\u0041"]'));
  });
});

describe("numbers and literals", () => {
  it("appear only once complete: 12 is never shown while 1234 streams", () => {
    const { snapshots } = collect(chunkBy('{"n": 1234, "x": -0.5e-3, "t": true, "f": false, "z": null}', 1));
    expect(snapshots).not.toContainEqual({ n: 12 });
    expect(snapshots).not.toContainEqual({ n: 1 });
    expect(snapshots).toContainEqual({ n: 1234 });
    for (const s of snapshots as Record<string, unknown>[]) {
      if ("x" in s) expect(s.x).toBe(-0.0005);
    }
    expect(snapshots.at(-1)).toEqual({ n: 1234, x: -0.0005, t: true, f: false, z: null });
  });

  it("a top-level number is complete at end()", () => {
    const parser = new PartialJSONParser({ strict: true });
    expect(parser.write("42")).toBe(false);
    expect(parser.value).toBeUndefined();
    expect(parser.end()).toBe(42);
  });
});

describe("containers", () => {
  it("a key appears only once its name is complete and its value has started", () => {
    const text = '{"title": [';
    const ours = snapshotAfterEachChar(text, { strict: true });
    expect(ours[text.indexOf(":")]).toEqual({});
    expect(ours.at(-1)).toEqual({ title: [] });
  });

  it("arrays show elements as they start", () => {
    const ours = snapshotAfterEachChar('[{"a": 1}, [', { strict: true });
    expect(ours[1]).toEqual([{}]);
    expect(ours.at(-1)).toEqual([{ a: 1 }, []]);
  });
});

describe("schema hints", () => {
  const schema = {
    type: "object",
    properties: {
      status: { enum: ["active", "archived"] },
      kind: { const: "user" },
      label: { type: "string" },
      summary: { type: "object", "x-stream": "done" },
      users: { type: "array", items: { $ref: "#/$defs/user" } },
    },
    $defs: {
      user: {
        type: "object",
        properties: { id: { type: "string", "x-stream": "not-null" }, name: { type: "string" } },
      },
    },
  };

  it("strings with enum or const appear only once complete", () => {
    const { snapshots } = collect(chunkBy('{"status": "archived", "kind": "user", "label": "ab"}', 1), { schema });
    const statuses = (snapshots as Record<string, unknown>[]).map((s) => s.status).filter((s) => s !== undefined);
    expect(new Set(statuses)).toEqual(new Set(["archived"]));
    const kinds = (snapshots as Record<string, unknown>[]).map((s) => s.kind).filter((s) => s !== undefined);
    expect(new Set(kinds)).toEqual(new Set(["user"]));
    expect(snapshots).toContainEqual({ status: "archived", kind: "user", label: "a" });
  });

  it('"x-stream": "done" shows the value only when the whole value is complete', () => {
    const { snapshots } = collect(chunkBy('{"summary": {"text": "long", "n": [1, 2]}, "label": "x"}', 1), { schema });
    const summaries = (snapshots as Record<string, unknown>[]).map((s) => s.summary).filter((s) => s !== undefined);
    expect(summaries.length).toBeGreaterThan(0);
    for (const s of summaries) expect(s).toEqual({ text: "long", n: [1, 2] });
  });

  it('"x-stream": "not-null" holds back the parent object until that property is complete', () => {
    const text = '{"users": [{"name": "Ada", "id": "u1"}, {"id": "u2", "name": "Bob"}]}';
    const { snapshots, final } = collect(chunkBy(text, 1), { schema });
    for (const s of snapshots as { users?: { id?: string }[] }[]) {
      for (const user of s.users ?? []) expect(["u1", "u2"]).toContain(user.id);
    }
    expect(snapshots).toContainEqual({
      users: [
        { name: "Ada", id: "u1" },
        { id: "u2", name: "B" },
      ],
    });
    expect(final).toEqual(JSON.parse(text));
  });

  it("an object whose not-null property never arrives is shown when it completes", () => {
    const { final } = collect(['{"users": [{"name": "Ada"}]}'], { schema });
    expect(final).toEqual({ users: [{ name: "Ada" }] });
  });
});

describe("snapshots are immutable and structurally shared", () => {
  it("keeps identity of unchanged subtrees and gives changed nodes new identities", () => {
    const parser = new PartialJSONParser<{ a?: { x?: number[] }; b?: string }>();
    parser.write('{"a": {"x": [1, 2]}, "b": "he');
    const first = parser.value!;
    parser.write("llo");
    const second = parser.value!;
    expect(second).not.toBe(first);
    expect(second.a).toBe(first.a);
    expect(first.b).toBe("he");
    expect(second.b).toBe("hello");
  });

  it.each([false, true])("never mutates a snapshot after handing it out (freeze: %s)", (freeze) => {
    const text = '{"list": [{"a": "xyz"}, {"b": [1, {"c": "d"}]}], "s": "tail"}';
    const parser = new PartialJSONParser({ freeze });
    const handedOut: { value: unknown; json: string }[] = [];
    for (const ch of text) {
      if (parser.write(ch)) handedOut.push({ value: parser.value, json: JSON.stringify(parser.value) });
    }
    parser.end();
    for (const { value, json } of handedOut) {
      expect(JSON.stringify(value)).toBe(json);
      expect(Object.isFrozen(value)).toBe(freeze);
    }
  });
});

describe("tolerated wrapping (lenient mode, the default)", () => {
  it.each([
    ["leading prose", 'Sure! Here is the JSON:\n{"a": 1}'],
    ["a Markdown fence", '```json\n{"a": 1}\n```'],
    ["prose before and after a fence", 'Result:\n```json\n  {"a": 1}  \n```\nHope this helps!'],
    ["surrounding whitespace", '\n\n  {"a": 1}\n  '],
  ])("%s", (_name, text) => {
    for (const size of [1, 3, 1000]) expect(collect(chunkBy(text, size)).final).toEqual({ a: 1 });
  });

  it("strict mode rejects what lenient mode skips", () => {
    expect(() => collect(['```json\n{"a": 1}\n```'], { strict: true })).toThrow(PartialJSONError);
    expect(() => collect(['{"a": 1} trailing'], { strict: true })).toThrow(PartialJSONError);
  });
});

describe("completedPaths", () => {
  it("lists the JSON Pointers completed during the last write", () => {
    const parser = new PartialJSONParser();
    parser.write('{"a/b": [1, "x"');
    expect(parser.completedPaths).toEqual(["/a~1b/0", "/a~1b/1"]);
    parser.write("]}");
    expect(parser.completedPaths).toEqual(["/a~1b", ""]);
  });
});

describe("end() and errors", () => {
  it.each([
    ["incomplete object", '{"a": 1', "unexpected end"],
    ["incomplete string", '["abc', "unexpected end"],
    ["no value", "just prose", "no JSON value"],
    ["trailing comma", "[1,]", "expected a JSON value"],
    ["bad literal", "[tru]", "invalid literal"],
    ["leading zero", "[012]", "leading zero"],
    ["unquoted key", "{a: 1}", "property name"],
  ])("%s", (_name, text, message) => {
    expect(() => collect([text])).toThrow(PartialJSONError);
    expect(() => collect([text])).toThrow(message);
  });

  it("errors carry the character offset and the JSON Pointer being written", () => {
    const parser = new PartialJSONParser();
    parser.write('{"users": [{"name": "Ada"}, {"name": ');
    const error = thrown(() => parser.write("@"));
    expect(error).toBeInstanceOf(PartialJSONError);
    expect((error as PartialJSONError).offset).toBe(37);
    expect((error as PartialJSONError).pointer).toBe("/users/1/name");
    expect(() => parser.write("1")).toThrow(error as Error);
  });
});

describe("partialSnapshots", () => {
  async function* slowly(text: string) {
    for (const chunk of chunkBy(text, 2)) {
      await new Promise((r) => setTimeout(r, 0));
      yield chunk;
    }
  }

  it("yields only on change, and the last yield is the complete value", async () => {
    const text = '{"a": [1, 22, 333], "b": {"c": "d"}}';
    const seen: unknown[] = [];
    for await (const snap of partialSnapshots(slowly(text))) seen.push(snap);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);
    expect(seen.at(-1)).toEqual(JSON.parse(text));
  });

  it("yields a top-level scalar once, at the end, from a plain iterable", async () => {
    const seen: unknown[] = [];
    for await (const snap of partialSnapshots(["1", "2", "3"], { strict: true })) seen.push(snap);
    expect(seen).toEqual([123]);
  });

  it("raises PartialJSONError after the last chunk when the text is incomplete", async () => {
    const consume = async () => {
      for await (const _ of partialSnapshots(['{"a": "b'])) {
        // drain
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(PartialJSONError);
  });
});
