import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { generate, generateFromFiles } from "../../generator/index.js";
import { findSchemaFiles, loadSchemaFile, type SchemaFile } from "../../generator/load/schema-files.js";
import {
  menuJsonSchema,
  validateMenu,
  validatePartialMenu,
  validateRecipe,
  validateSupplierDirectory,
} from "../fixtures/generator/shared-root-definitions/expected/index.js";
import { FIXTURES, OUTPUT, ROOT, typeCheck, writeFiles } from "./helpers.js";

const CASE = join(FIXTURES, "shared-root-definitions");
const EXPECTED = join(CASE, "expected");
const read = (file: string) => readFileSync(join(EXPECTED, file), "utf8");
/** The type declarations of a generated module (its schema literals and code left out). */
const typesOf = (text: string) => text.split("/** The JSON Schema")[0] as string;
const modules = () => readdirSync(EXPECTED).filter((f) => !f.endsWith(".validators.ts") && f !== "index.ts");
/** Which modules declare `name` at the top level, and how often. */
const declaring = (name: string) =>
  modules().flatMap((f) =>
    Array.from(typesOf(read(f)).matchAll(new RegExp(`^export (?:interface|type) ${name}\\b`, "gm")), () => f),
  );

describe("definitions of a file with a root type are declared once, in its module", () => {
  it("each shared definition and its partial type is declared by its owner only", () => {
    for (const [name, owner] of [
      ["Note", "recipe.ts"], // reached by $id (https://example.com/kitchen/recipe.json#/$defs/Note), not by its root
      ["Portion", "recipe.ts"],
      ["Amount", "recipe.ts"],
      ["Course", "menu.ts"], // menu -> supplier -> menu: a cycle across files
      ["Supplier", "supplier-directory.ts"], // draft-07 "definitions"
      ["Offer", "supplier-directory.ts"],
    ] as const) {
      expect(declaring(name), name).toEqual([owner]);
      expect(declaring(`Partial${name}`), `Partial${name}`).toEqual([owner]);
    }
    // Ingredient: recipe's, and the menu's own (a different type, which keeps its name there).
    expect(declaring("Ingredient").sort()).toEqual(["menu.ts", "recipe.ts"]);
    expect(typesOf(read("menu.ts"))).toContain(
      'import type { Ingredient as Ingredient2, Note, Portion, Recipe, PartialIngredient as PartialIngredient2, PartialNote, PartialPortion, PartialRecipe } from "./recipe.js";',
    );
    expect(typesOf(read("supplier-directory.ts"))).toContain(
      'import type { Ingredient, PartialIngredient } from "./recipe.js";',
    );
    expect(typesOf(read("supplier-directory.ts"))).toContain('import type { Course, PartialCourse } from "./menu.js";');
  });

  it("the owner keeps the pinned names: a nested title and a $ref copy take other names", () => {
    const recipe = typesOf(read("recipe.ts"));
    expect(recipe).toMatch(/^export interface Amount \{\n {2}value: number\n {2}unit: Unit\n\}/m);
    expect(recipe).toMatch(/^export interface Amount1 \{\n {2}servings: number\n\}/m); // the nested "Amount"
    expect(recipe).toContain("export type Portion = Amount"); // an alias definition stays an alias
    expect(recipe).toContain("garnish?: Ingredient1"); // "$ref" + "readOnly": a copy, named apart
    expect(recipe).toContain("main?: Ingredient\n"); // "$ref" + "description": the definition itself
    expect(recipe).toContain("variants?: Recipe[]"); // "#" still names the root
  });

  it("a $ref to a deeper pointer is declared by the module that makes it, importing what it reaches", () => {
    const menu = typesOf(read("menu.ts"));
    expect(menu).toMatch(/firstStep\?: Items\n/);
    expect(menu).toMatch(/^export interface Items \{\n {2}text: string\n {2}uses\?: Ingredient2\[\]\n\}/m);
  });

  it("importers use the owner's declarations themselves, not structural copies", () => {
    const probe = join(OUTPUT, "shared-root-definitions-probe.ts");
    const rel = (file: string) => `../${join("test/fixtures/generator/shared-root-definitions/expected", file)}`;
    const text = `import type { Menu, PartialMenu, Course } from "${rel("menu.js")}";
import type { Ingredient, PartialIngredient } from "${rel("recipe.js")}";
import type { Supplier, Offer } from "${rel("supplier-directory.js")}";
export declare const shopping: Menu["shopping"][number];
export declare const partialShopping: NonNullable<PartialMenu["shopping"]>[number];
export declare const offered: Offer["ingredient"];
export declare const signature: NonNullable<Supplier["signature"]>;
export declare const supplier: NonNullable<Course["supplier"]>;
export declare const own: NonNullable<Menu["pantryItem"]>;
export declare const firstStep: NonNullable<Menu["firstStep"]>;
declare const ingredient: Ingredient;
export const roundTrip: Ingredient = ((x: Menu["shopping"][number]) => x)(ingredient);
export const partial: PartialIngredient = partialShopping;
`;
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(probe, text);
    const roots = [probe, ...readdirSync(EXPECTED).map((f) => join(EXPECTED, f))];
    expect(typeCheck(roots)).toEqual([]);
    const program = ts.createProgram(roots, {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      baseUrl: ROOT,
      paths: { "@partialgen/runtime": ["runtime/index.ts"] },
    });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(probe) as ts.SourceFile;
    const declaredIn = (name: string) => {
      const statement = source.statements.find(
        (s) => ts.isVariableStatement(s) && s.declarationList.declarations[0]?.name.getText(source) === name,
      ) as ts.VariableStatement;
      const type = checker.getTypeAtLocation(statement.declarationList.declarations[0] as ts.VariableDeclaration);
      const symbol = type.aliasSymbol ?? type.getSymbol();
      return symbol?.declarations?.map((d) => `${d.getSourceFile().fileName.split("/").pop()}:${symbol.getName()}`);
    };
    expect(declaredIn("shopping")).toEqual(["recipe.ts:Ingredient"]);
    expect(declaredIn("partialShopping")).toEqual(["recipe.ts:PartialIngredient"]);
    expect(declaredIn("offered")).toEqual(["recipe.ts:Ingredient"]);
    expect(declaredIn("signature")).toEqual(["menu.ts:Course"]);
    expect(declaredIn("supplier")).toEqual(["supplier-directory.ts:Supplier"]);
    // What a module declares itself is found there: the probe tells the two apart.
    expect(declaredIn("own")).toEqual(["menu.ts:Ingredient"]);
    expect(declaredIn("firstStep")).toEqual(["menu.ts:Items"]);
  });

  it("validators keep the bundled schemas: they still check the shared definitions", () => {
    const ingredient = { name: "flour", amount: { value: 500, unit: "g" } };
    const recipe = { title: "Bread", ingredients: [ingredient], steps: [{ text: "Knead", uses: [ingredient] }] };
    const menu = {
      courses: [{ name: "Main", recipe, supplier: { name: "Mill", offers: [{ ingredient, price: 2 }] } }],
      shopping: [ingredient],
      note: { text: "Buy early", replies: [{ text: "ok" }] },
      firstStep: { text: "Preheat" },
      portion: { value: 1, unit: "piece" },
      pantryItem: { label: "salt" },
    };
    expect(validateRecipe(recipe)).toBe(true);
    expect(validateMenu(menu)).toBe(true);
    expect(validateSupplierDirectory({ suppliers: [{ name: "Mill", offers: [], signature: menu.courses[0] }] })).toBe(
      true,
    );
    const wrongUnit = { name: "milk", amount: { value: 1, unit: "cup" } };
    expect(validateMenu({ ...menu, shopping: [wrongUnit] })).toBe(false);
    expect(validateMenu({ ...menu, pantryItem: ingredient })).toBe(false); // the menu's own Ingredient
    expect(validateMenu({ ...menu, note: { text: "x", replies: [{}] } })).toBe(false);
    expect(validateMenu({ ...menu, courses: [{ ...menu.courses[0], supplier: { name: "M", offers: [{}] } }] })).toBe(
      false,
    );
    expect(validatePartialMenu({ shopping: [{ name: "fl" }], note: {} })).toBe(true);
    expect(validatePartialMenu({ shopping: [{ amount: { unit: "cup" } }] })).toBe(false);
    expect(JSON.stringify(menuJsonSchema)).toContain('"Ingredient":{"type":"object"');
  });

  it("a file whose definitions no other module uses is generated as before (its unused definitions left out)", async () => {
    const alone = await generate([join(CASE, "schemas", "recipe.json")]);
    const recipe = typesOf(alone.files.find((f) => f.path === "recipe.ts")?.content ?? "");
    expect(recipe).not.toMatch(/^export interface Note\b/m);
    expect(recipe).not.toMatch(/PartialgenSharedTypes|partialgen-root/);
    expect(typesOf(read("recipe.ts"))).not.toMatch(/PartialgenSharedTypes|partialgen-root|partialgen\$/);
  });

  it("output is deterministic whatever the input order", async () => {
    const first = await generate([join(CASE, "schemas")]);
    const paths = await findSchemaFiles([join(CASE, "schemas")]);
    const files = await Promise.all([...paths].reverse().map(loadSchemaFile));
    const again = await generateFromFiles(files);
    expect(again.files).toEqual(first.files);
  });
});

/**
 * Names that collide once json-schema-to-typescript has named them ("item" and "Item" are both Item, "Item1"
 * is what it numbers a second "Item"), and the names of partialgen's own wrapper.
 */
const NAMES = [
  "Item",
  "item",
  "Item1",
  "Item11",
  "Amount",
  "Owner",
  "Owner1",
  "User",
  "thing-a",
  "ThingA",
  "PartialgenSharedTypes",
  "partialgen-root",
];

interface OwnerDef {
  key: string;
  title: string | null;
  refs: number[];
  alias: boolean;
  readOnly: boolean;
}

const ownerDefs = fc.uniqueArray(
  fc.record({
    key: fc.constantFrom(...NAMES),
    title: fc.option(fc.constantFrom(...NAMES)),
    refs: fc.array(fc.nat(5), { maxLength: 2 }),
    alias: fc.boolean(),
    /** An alias with a keyword beside its `$ref` that is not an annotation. */
    readOnly: fc.boolean(),
  }),
  { minLength: 1, maxLength: 4, selector: (d) => d.key },
);

const sample = fc.record({
  keyword: fc.constantFrom("$defs", "definitions"),
  defs: ownerDefs,
  rootRefs: fc.array(fc.record({ def: fc.nat(5), beside: fc.constantFrom("none", "description", "readOnly") }), {
    maxLength: 3,
  }),
  rootTitles: fc.array(fc.constantFrom(...NAMES), { maxLength: 2 }),
  userRefs: fc.uniqueArray(fc.record({ def: fc.nat(5), beside: fc.constantFrom("none", "description") }), {
    minLength: 1,
    maxLength: 3,
    selector: (r) => r.def,
  }),
  userDefs: fc.uniqueArray(fc.record({ key: fc.constantFrom(...NAMES), title: fc.option(fc.constantFrom(...NAMES)) }), {
    maxLength: 2,
    selector: (d) => d.key,
  }),
  /** The owner refers back to the user's first definition: a cycle across the two files. */
  backRef: fc.boolean(),
  /** The owner's root is a `$ref` to its first definition (its other properties are left out). */
  rootAlias: fc.boolean(),
});

type Sample = typeof sample extends fc.Arbitrary<infer T> ? T : never;

/** A definition is an alias of definition 0 (never of an alias); the others are objects with a marker. */
function ownerSchema({ keyword, defs, rootRefs, rootTitles, userDefs, backRef, rootAlias }: Sample) {
  const key = (i: number) => (defs[i % defs.length] as OwnerDef).key;
  const definitions: Record<string, unknown> = {};
  defs.forEach((d, i) => {
    const title = d.title === null ? {} : { title: d.title };
    if (d.alias && i > 0) {
      definitions[d.key] = { $ref: `#/${keyword}/${key(0)}`, ...title, ...(d.readOnly ? { readOnly: true } : {}) };
      return;
    }
    const properties: Record<string, unknown> = { [`marker_${i}`]: { type: "string" } };
    d.refs.forEach((r, j) => {
      properties[`ref_${j}`] = { $ref: `#/${keyword}/${key(r)}` };
    });
    definitions[d.key] = {
      type: "object",
      properties,
      required: [`marker_${i}`],
      additionalProperties: false,
      ...title,
    };
  });
  const properties: Record<string, unknown> = {};
  rootRefs.forEach((r, j) => {
    const beside =
      r.beside === "description" ? { description: "d" } : r.beside === "readOnly" ? { readOnly: true } : {};
    properties[`use_${j}`] = { $ref: `#/${keyword}/${key(r.def)}`, ...beside };
  });
  rootTitles.forEach((t, j) => {
    properties[`nested_${j}`] = { title: t, type: "object", properties: { nested: { type: "number" } } };
  });
  if (backRef && userDefs[0]) properties.back = { $ref: `user.json#/$defs/${userDefs[0].key}` };
  if (rootAlias)
    return { title: "Owner", description: "an alias", $ref: `#/${keyword}/${key(0)}`, [keyword]: definitions };
  return { title: "Owner", type: "object", properties, [keyword]: definitions };
}

function userSchema({ keyword, defs, userRefs, userDefs }: Sample) {
  const properties: Record<string, unknown> = {};
  userRefs.forEach((r, j) => {
    const ref = `owner.json#/${keyword}/${(defs[r.def % defs.length] as OwnerDef).key}`;
    properties[`shared_${j}`] = r.beside === "description" ? { $ref: ref, description: "shared" } : { $ref: ref };
  });
  const $defs: Record<string, unknown> = {};
  userDefs.forEach((d, j) => {
    $defs[d.key] = {
      type: "object",
      properties: { [`own_${j}`]: { type: "string" } },
      required: [`own_${j}`],
      ...(d.title === null ? {} : { title: d.title }),
    };
    properties[`own_${j}`] = { $ref: `#/$defs/${d.key}` };
  });
  return { title: "User", type: "object", properties, $defs };
}

/** Top-level declarations of a module's types, by name (each name once). */
function declarationsOf(types: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of types.split(/^(?=export )/m)) {
    const name = /^export (?:interface|type) ([\w$]+)/.exec(block)?.[1];
    if (name === undefined) continue;
    expect(out.has(name), `${name} declared twice`).toBe(false);
    out.set(name, block);
  }
  return out;
}

/**
 * The type of `property` in `importer` is imported from `module`, and there it is declared once, as the
 * schema holding `marker` (following aliases).
 */
function expectImported(importer: string, exporter: string, module: string, property: string, marker: string) {
  const imports = new RegExp(`^import type \\{ (.*) \\} from "\\./${module}\\.js";$`, "m").exec(importer);
  expect(imports, `${module} imported`).not.toBeNull();
  const imported = new Map(
    (imports?.[1] ?? "").split(", ").map((entry) => {
      const [name, alias] = entry.split(" as ") as [string, string | undefined];
      return [alias ?? name, name];
    }),
  );
  const local = new RegExp(`^ {2}${property}\\??: ([\\w$]+)$`, "m").exec(importer)?.[1] as string;
  const name = imported.get(local);
  expect(name, `${property}: ${local} is imported`).toBeDefined();
  const declarations = declarationsOf(exporter);
  const markerOf = (n: string, seen = new Set<string>()): string | undefined => {
    const block = declarations.get(n) ?? "";
    const alias = /^export type [\w$]+ = ([\w$]+)$/.exec(block.trim())?.[1];
    if (alias !== undefined && !seen.has(alias)) return markerOf(alias, seen.add(alias));
    return /(?:marker|own)_\d+/.exec(block)?.[0];
  };
  expect(markerOf(name as string), `${property}: ${name}`).toBe(marker);
}

describe("a definitions-only file and a file with a root type", () => {
  it("the definitions-only module imports the other file's definition, and the other file declares it", async () => {
    const dir = join(OUTPUT, "shared-root-definitions-common");
    const file = (name: string, schema: SchemaFile["schema"]): SchemaFile => ({
      path: join(dir, name),
      displayPath: name,
      schema,
    });
    const result = await generateFromFiles([
      file("common.json", {
        $defs: {
          Shelf: { type: "object", properties: { boxes: { type: "array", items: { $ref: "store.json#/$defs/Box" } } } },
        },
      }),
      file("store.json", {
        title: "Store",
        type: "object",
        properties: { name: { type: "string" } },
        $defs: { Box: { type: "object", properties: { label: { type: "string" } }, required: ["label"] } },
      }),
    ]);
    const text = (path: string) => result.files.find((f) => f.path === path)?.content ?? "";
    expect(text("common.ts")).toContain('import type { Box, PartialBox } from "./store.js";');
    expect(text("common.ts")).toContain("boxes?: Box[]");
    expect(typesOf(text("store.ts"))).toMatch(/^export interface Box \{\n {2}label: string\n/m);
    expect(typesOf(text("store.ts"))).toMatch(/^export interface PartialBox \{/m);
    writeFiles(dir, result.files);
    expect(typeCheck(result.files.map((f) => join(dir, f.path)))).toEqual([]);
  });
});

describe("a shared definition that names its file's root", () => {
  it("is an alias of the root type, imported like any other", async () => {
    const dir = join(OUTPUT, "shared-root-definitions-self");
    const file = (name: string, schema: SchemaFile["schema"]): SchemaFile => ({
      path: join(dir, name),
      displayPath: name,
      schema,
    });
    const result = await generateFromFiles([
      file("tree.json", {
        title: "Tree",
        type: "object",
        properties: { children: { type: "array", items: { $ref: "#/$defs/Subtree" } } },
        $defs: { Subtree: { $ref: "#" } },
      }),
      file("forest.json", {
        title: "Forest",
        type: "object",
        properties: { trees: { type: "array", items: { $ref: "tree.json#/$defs/Subtree" } } },
      }),
    ]);
    const text = (path: string) => typesOf(result.files.find((f) => f.path === path)?.content ?? "");
    expect(text("tree.ts")).toContain("export type Subtree = Tree\n");
    expect(text("tree.ts")).toContain("export type PartialSubtree = PartialTree\n");
    expect(text("tree.ts")).toContain("children?: Subtree[]");
    expect(text("forest.ts")).toContain('import type { Subtree, PartialSubtree } from "./tree.js";');
    expect(text("forest.ts")).toContain("trees?: Subtree[]");
    writeFiles(dir, result.files);
    expect(typeCheck(result.files.map((f) => join(dir, f.path)))).toEqual([]);
  });
});

describe("shared definitions of a file with a root type, for any naming", () => {
  it("every definition another module uses is declared by its owner under the name imported, and all compiles", async () => {
    const dir = join(OUTPUT, "shared-root-definitions-property");
    const roots: string[] = [];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(sample, async (input) => {
        const caseDir = join(dir, `case${n++}`);
        const file = (name: string, schema: SchemaFile["schema"]): SchemaFile => ({
          path: join(caseDir, name),
          displayPath: name,
          schema,
        });
        const result = await generateFromFiles([
          file("owner.json", ownerSchema(input)),
          file("user.json", userSchema(input)),
        ]);
        const text = (path: string) => typesOf(result.files.find((f) => f.path === path)?.content ?? "");
        const ownerTypes = text("owner.ts");
        const userTypes = text("user.ts");
        // Neither module declares the other's definitions: each imports them.
        expect(userTypes).not.toMatch(/marker_/);
        declarationsOf(ownerTypes);
        input.userRefs.forEach((r, j) => {
          const i = r.def % input.defs.length;
          const target = (input.defs[i] as OwnerDef).alias && i > 0 ? 0 : i;
          expectImported(userTypes, ownerTypes, "owner", `shared_${j}`, `marker_${target}`);
        });
        if (input.backRef && input.userDefs[0] && !input.rootAlias) {
          expect(ownerTypes).not.toMatch(/own_/);
          expectImported(ownerTypes, userTypes, "user", "back", "own_0");
        }
        writeFiles(caseDir, result.files);
        roots.push(...result.files.map((f) => join(caseDir, f.path)));
      }),
      { numRuns: 40, seed: 12 },
    );
    expect(typeCheck(roots)).toEqual([]);
  });
});
