import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { GenerateError, generate } from "../../generator/index.js";
import { runInChild } from "./child.js";
import { OUTPUT, typeCheck, writeFiles } from "./helpers.js";

const WORK = join(OUTPUT, "hostile-fuzz");
const CASES = 24;

/** Text that ends a comment, a string or a template, starts a script, or runs code if it ever becomes code. */
const PAYLOADS = [
  "*/ globalThis.pwned = 1; /*",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the payload
  "`${globalThis.pwned = 2}`",
  '"; globalThis.pwned = 3; "',
  "'; globalThis.pwned = 4; '",
  "\n globalThis.pwned = 5; //",
  "\u2028 globalThis.pwned = 6; \u2029",
  "</script><script>globalThis.pwned = 7</script>",
  "process.exit(42)",
  "}); process.exit(43); ({",
  "string }; process.exit(44); interface D { x: string",
  "${",
  "\\",
  "\r\n",
  "<!-- -->",
  "\u0000",
  "#/%~1",
  "__proto__",
  "constructor",
  "hasOwnProperty",
];

const payload = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.array(fc.constantFrom(...PAYLOADS), { minLength: 1, maxLength: 3 }).map((p) => p.join(" ")),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 12 }) },
  // Alone, as keys and keywords: names Object.prototype has (tools that call schema.hasOwnProperty() break).
  { weight: 1, arbitrary: fc.constantFrom("hasOwnProperty", "__proto__", "constructor", "toString") },
);

// Only syntax characters: in Unicode mode (the validators' "u" flag) escaping anything else is an error.
const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
const pointerRef = (key: string) =>
  `#${encodeURI(`/$defs/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`).replace(/#/g, "%23")}`;

/** A schema with a payload in every string position: keys and values of every keyword partialgen's tools read. */
const hostileSchema = fc
  .record({
    title: payload,
    // Half the schemas have no title: their names then come from the file name, which holds a payload too.
    rootTitle: fc.boolean(),
    fileName: payload,
    description: payload,
    comment: payload,
    id: payload,
    format: payload,
    pattern: payload,
    value: payload,
    keys: fc.uniqueArray(
      payload.filter((k) => !["n", "choice", "fixed", "nested"].includes(k)),
      { minLength: 4, maxLength: 4 },
    ),
    enums: fc.uniqueArray(payload, { minLength: 2, maxLength: 3 }),
    tsType: payload,
    unknownKeyword: payload,
  })
  .map((p) => {
    const [propKey, defKey, patternKey, nestedKey] = p.keys as [string, string, string, string];
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      // "%" alone is a malformed URI and "#" starts a fragment, which a root $id may not have (clear refusals, tested
      // in bundle.test.ts); everything else stays raw.
      $id: `https://example.com/${p.id.replace(/%/g, "%25").replace(/#/g, "%23")}`,
      ...(p.rootTitle ? { title: p.title } : {}),
      description: p.description,
      $comment: p.comment,
      // A keyword no tool knows, named by a payload (extensions and typos are kept in the emitted schema).
      [p.unknownKeyword]: p.value,
      [`x-${p.unknownKeyword}`]: { [p.value]: [p.value] },
      type: "object",
      properties: {
        n: { type: "number", title: p.title, description: p.description, default: 1, examples: [p.value] },
        [propKey]: {
          type: "string",
          title: p.value,
          description: p.description,
          $comment: p.comment,
          format: p.format,
          pattern: escapeRegExp(p.pattern),
          default: p.value,
          examples: [p.value, { [p.value]: p.value }],
          deprecated: true,
          tsType: p.tsType,
        },
        choice: { enum: p.enums, tsEnumNames: p.enums.map((e) => `${e}${p.tsType}`), default: p.enums[0] },
        fixed: { const: p.value, description: p.value },
        nested: { $ref: pointerRef(defKey) },
      },
      patternProperties: { [escapeRegExp(patternKey)]: { type: "boolean", description: p.description } },
      $defs: {
        [defKey]: {
          title: p.title,
          description: p.description,
          type: "object",
          properties: { [nestedKey]: { type: "string", default: p.value, tsType: p.tsType } },
          additionalProperties: false,
        },
      },
    };
    // Any character a file name may hold (not "/" or NUL), within the 255 bytes file systems allow.
    const fileName = `${p.fileName.replace(/[/\0]/g, "_").slice(0, 60)}.json`;
    return { schema, fileName };
  });

afterAll(() => rmSync(WORK, { recursive: true, force: true }));

describe("fuzz: schema text in any position never becomes code", () => {
  it("generated modules compile under tsc --strict, and importing them and running their validators runs no payload", async () => {
    rmSync(WORK, { recursive: true, force: true });
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const schemas = fc.sample(hostileSchema, { numRuns: CASES, seed });
    const generated: { dir: string; schema: (typeof schemas)[number]["schema"] }[] = [];
    const refused: string[] = [];
    const roots: string[] = [];
    for (const [i, { schema, fileName }] of schemas.entries()) {
      const dir = join(WORK, `case-${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, fileName), JSON.stringify(schema, null, 2));
      try {
        const result = await generate([join(dir, fileName)], { strict: false });
        writeFiles(join(dir, "out"), result.files);
        for (const f of result.files) roots.push(join(dir, "out", f.path));
        generated.push({ dir, schema });
      } catch (error) {
        // Refusing is allowed only as a GenerateError naming the file; anything else is a crash.
        expect(error, `seed ${seed}, ${dir}`).toBeInstanceOf(GenerateError);
        expect((error as Error).message, `seed ${seed}`).toContain(`case-${i}`);
        refused.push((error as Error).message);
      }
    }
    // Payloads are text: almost every schema must generate (refusals are for real schema errors).
    expect(generated.length, `seed ${seed}; refused: ${refused.join("\n")}`).toBeGreaterThanOrEqual(CASES - 2);
    expect(typeCheck(roots), `seed ${seed}`).toEqual([]);

    const probes = generated.map(({ dir, schema }) => ({
      index: join(dir, "out", "index.ts"),
      // A value that reaches the validators' error paths: payload keys and the wrong types.
      value: Object.fromEntries(Object.keys(schema.properties).map((k) => [k, k])),
    }));
    const child = runInChild(
      WORK,
      `
      const probes = ${JSON.stringify(probes)};
      let ran = 0;
      for (const { index, value } of probes) {
        const mods = await import(index);
        for (const [name, fn] of Object.entries(mods)) {
          if (typeof fn !== "function" || !name.startsWith("validate")) continue;
          fn(value); fn({ n: 1 }); fn(null); ran++;
        }
      }
      console.log(JSON.stringify({ ran, pwned: globalThis.pwned ?? null }));
    `,
    );
    expect(child.stderr, `seed ${seed}`).toBe("");
    expect(child.status, `seed ${seed}`).toBe(0);
    expect(JSON.parse(child.stdout), `seed ${seed}`).toEqual({ ran: generated.length * 2, pwned: null });
  });
});
