// Every in-document form of `$ref` (anchors, plain-name $ids, nested $id resources, pointers into them, an
// anchor of another file) generated, validated and compiled: the pointer partialgen resolves each to must name
// the subschema Ajv resolves, and the generated types and validators must follow it. In each row `value` names
// an integer schema while a decoy nearby (same name, another resource) is a string, so a wrong resolution shows.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { generateFromFiles } from "../../generator/index.js";
import type { SchemaFile } from "../../generator/load/schema-files.js";
import { createAjv, dialectOf } from "../../generator/schema/ajv.js";
import { documentNames, resolvePointer } from "../../generator/schema/pointer.js";
import { walkSchemas } from "../../generator/schema/walk.js";
import { OUTPUT, typeCheck, writeFiles } from "./helpers.js";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";
const DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema";

interface Row {
  name: string;
  /** root.json, and any other file it names. */
  files: Record<string, Record<string, unknown>>;
  valid: unknown[];
  invalid: unknown[];
  /** A value of the root type TypeScript must refuse (the target's type, not a decoy's or `unknown`). */
  mistyped: string;
}

const root = (schema: string, extra: Record<string, unknown>, properties: Record<string, unknown>) => ({
  $schema: schema,
  title: "Root",
  type: "object",
  properties,
  required: Object.keys(properties),
  ...extra,
});

const ROWS: Row[] = [
  {
    name: '2020-12 $anchor ("#count")',
    files: {
      "root.json": root(
        DRAFT_2020,
        { $defs: { n: { $anchor: "count", type: "integer" }, count: { type: "string" } } },
        { value: { $ref: "#count" } },
      ),
    },
    valid: [{ value: 3 }],
    invalid: [{ value: "three" }, { value: 2.5 }],
    mistyped: '{ value: "three" }',
  },
  {
    name: 'draft-07 plain-name $id ("$id": "#count")',
    files: {
      "root.json": root(
        DRAFT_07,
        { definitions: { n: { $id: "#count", type: "integer" }, count: { type: "string" } } },
        { value: { $ref: "#count" } },
      ),
    },
    valid: [{ value: 3 }],
    invalid: [{ value: "three" }],
    mistyped: '{ value: "three" }',
  },
  {
    name: "a nested $id relative to the root's, named relatively",
    files: {
      "root.json": root(
        DRAFT_2020,
        {
          $id: "https://example.com/schemas/root.json",
          $defs: { n: { $id: "count.json", type: "integer" }, count: { type: "string" } },
        },
        { value: { $ref: "count.json" } },
      ),
    },
    valid: [{ value: 3 }],
    invalid: [{ value: "three" }],
    mistyped: '{ value: "three" }',
  },
  {
    name: "a nested absolute $id in a root without one, named absolutely",
    files: {
      "root.json": root(
        DRAFT_07,
        { definitions: { n: { $id: "https://example.com/elsewhere/count.json", type: "integer" } } },
        { value: { $ref: "https://example.com/elsewhere/count.json" } },
      ),
    },
    valid: [{ value: 3 }],
    invalid: [{ value: "three" }],
    mistyped: '{ value: "three" }',
  },
  {
    name: "a nested relative $id in a root without one (resolved against the file)",
    files: {
      "root.json": root(
        DRAFT_2020,
        { $defs: { n: { $id: "count.json", type: "integer" } } },
        { value: { $ref: "count.json" } },
      ),
    },
    valid: [{ value: 3 }],
    invalid: [{ value: "three" }],
    mistyped: '{ value: "three" }',
  },
  {
    name: 'a nested $id + "#/…", and "#/…" inside it (its own pointer, not the root\'s)',
    files: {
      "root.json": root(
        DRAFT_2020,
        {
          $id: "https://example.com/schemas/root.json",
          $defs: {
            count: { type: "string" },
            box: {
              $id: "inner/box.json",
              type: "object",
              properties: { value: { $ref: "#/$defs/count" } },
              required: ["value"],
              $defs: { count: { type: "integer" } },
            },
          },
        },
        { value: { $ref: "inner/box.json#/$defs/count" }, box: { $ref: "inner/box.json" } },
      ),
    },
    valid: [{ value: 3, box: { value: 4 } }],
    invalid: [
      { value: 3, box: { value: "four" } },
      { value: "three", box: { value: 4 } },
    ],
    mistyped: '{ value: 3, box: { value: "four" } }',
  },
  {
    name: "a nested $id inside a nested $id, resolved against its nearest parent",
    files: {
      "root.json": root(
        DRAFT_07,
        {
          $id: "https://example.com/a/root.json",
          definitions: {
            x: { $id: "b/x.json", definitions: { y: { $id: "y.json", type: "integer" } } },
            y: { $id: "y.json", type: "string" },
          },
        },
        { value: { $ref: "b/y.json" } },
      ),
    },
    valid: [{ value: 3 }],
    invalid: [{ value: "three" }],
    mistyped: '{ value: "three" }',
  },
  {
    name: 'an $anchor inside a nested $id ("inner.json#count"), beside one of the root\'s',
    files: {
      "root.json": root(
        DRAFT_2020,
        {
          $id: "https://example.com/root.json",
          $defs: {
            decoy: { $anchor: "count", type: "string" },
            inner: { $id: "inner.json", $defs: { n: { $anchor: "count", type: "integer" } } },
          },
        },
        { value: { $ref: "inner.json#count" }, decoy: { $ref: "#count" } },
      ),
    },
    valid: [{ value: 3, decoy: "d" }],
    invalid: [
      { value: "three", decoy: "d" },
      { value: 3, decoy: 4 },
    ],
    mistyped: '{ value: "three", decoy: "d" }',
  },
  {
    name: 'an $anchor of another file ("other.json#count"), which uses it itself',
    files: {
      "root.json": root(DRAFT_2020, {}, { value: { $ref: "other.json#count" }, other: { $ref: "other.json" } }),
      "other.json": root(
        DRAFT_2020,
        { title: "Other", $defs: { n: { $anchor: "count", type: "integer" }, count: { type: "string" } } },
        { own: { $ref: "#count" } },
      ),
    },
    valid: [{ value: 3, other: { own: 4 } }],
    invalid: [
      { value: "three", other: { own: 4 } },
      { value: 3, other: { own: "four" } },
    ],
    mistyped: '{ value: 3, other: { own: "four" } }',
  },
  {
    name: 'a draft-07 plain-name $id of another file ("other.json#count")',
    files: {
      "root.json": root(DRAFT_07, {}, { value: { $ref: "other.json#count" } }),
      "other.json": root(
        DRAFT_07,
        { title: "Other", definitions: { n: { $id: "#count", type: "integer" }, count: { type: "string" } } },
        { own: { $ref: "#count" } },
      ),
    },
    valid: [{ value: 3 }],
    invalid: [{ value: "three" }],
    mistyped: '{ value: "three" }',
  },
];

/** Ajv itself, with every file of the row added under its location; the root's validator. */
function ajvFor(row: Row, dir: string) {
  const ajv = createAjv(dialectOf(row.files["root.json"]));
  for (const [name, schema] of Object.entries(row.files)) ajv.addSchema(schema, pathToFileURL(join(dir, name)).href);
  return ajv;
}

describe("in-document $refs (anchors, nested $id resources) mean what Ajv says, in types and validators", () => {
  it("each $ref's pointer names Ajv's subschema; generated validators agree with Ajv; types compile and refuse the decoy's type", async () => {
    const dir = join(OUTPUT, "in-document-refs");
    const roots: string[] = [];
    for (const [i, row] of ROWS.entries()) {
      const caseDir = join(dir, `case${i}`);
      const ajv = ajvFor(row, caseDir);
      let resolved = 0;
      for (const [name, schema] of Object.entries(row.files)) {
        const location = pathToFileURL(join(caseDir, name)).href;
        const names = documentNames(schema, new URL(typeof schema.$id === "string" ? schema.$id : "", location).href);
        walkSchemas(schema, null, (s, pointer) => {
          if (typeof s.$ref !== "string") return null;
          const base = names.baseAt(pointer);
          const target = names.pointerOf(s.$ref, base);
          if (target === undefined) return null; // another file: the bundler's
          resolved++;
          const uri = new URL(s.$ref, base).href;
          expect(resolvePointer(schema, target), `${row.name}: ${name}#${pointer} ${s.$ref}`).toBe(
            ajv.getSchema(uri)?.schema,
          );
          return null;
        });
      }
      expect(resolved, row.name).toBeGreaterThan(0);

      const files: SchemaFile[] = Object.entries(row.files).map(([name, schema]) => ({
        path: join(caseDir, name),
        displayPath: name,
        schema,
      }));
      const result = await generateFromFiles(files);
      writeFiles(caseDir, result.files);
      const generated = await import(join(caseDir, "index.ts"));
      const original = ajv.getSchema(pathToFileURL(join(caseDir, "root.json")).href);
      for (const [data, valid] of [...row.valid.map((d) => [d, true]), ...row.invalid.map((d) => [d, false])]) {
        expect(original?.(data), `${row.name}: Ajv on ${JSON.stringify(data)}`).toBe(valid);
        expect(generated.validateRoot(data), `${row.name}: validateRoot(${JSON.stringify(data)})`).toBe(valid);
      }
      const probe = join(caseDir, "probe.ts");
      writeFileSync(
        probe,
        [
          'import type { Root, PartialRoot } from "./index.js";',
          ...row.valid.map((d, j) => `export const valid${j}: Root = ${JSON.stringify(d)};`),
          `export const partial: PartialRoot = {};`,
          "// @ts-expect-error the decoy's type, not the target's",
          `export const mistyped: Root = ${row.mistyped};`,
          "",
        ].join("\n"),
      );
      roots.push(probe, ...result.files.map((f) => join(caseDir, f.path)));
    }
    expect(typeCheck(roots)).toEqual([]);
  });
});
