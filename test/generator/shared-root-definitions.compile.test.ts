import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { generateFromFiles } from "../../generator/index.js";
import type { SchemaFile } from "../../generator/load/schema-files.js";
import { OUTPUT, ROOT, typeCheck, writeFiles } from "./helpers.js";
import { recipeNamings, rootNamingFiles } from "./root-naming-table.js";
import { EXPECTED, typesOf } from "./shared-root-fixture.js";

describe("definitions of a file with a root type are declared once, in its module", () => {
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
      paths: { "@partialgen/runtime": ["runtime/index.ts"], "@partialgen/runtime/client": ["runtime/client/index.ts"] },
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

describe("every way to name a file's root gives the same types and validators, from the file and from another directory", () => {
  it("each row of the table generates, types each $ref as what it names, validates by it, and all compiles", async () => {
    const dir = join(OUTPUT, "shared-root-definitions-naming");
    const roots: string[] = [];
    const recipe = { title: "Bread", root_self: { title: "Toast" }, variants: [{ root_deep: { title: "Rye" } }] };
    for (const [i, naming] of recipeNamings.entries()) {
      const caseDir = join(dir, `case${i}`);
      const { recipe: recipeFile, menu: menuFile } = rootNamingFiles(naming, caseDir);
      const result = await generateFromFiles([recipeFile, menuFile]);
      const text = (path: string) => typesOf(result.files.find((f) => f.path === path)?.content ?? "");
      for (const property of ["root_self", "root_local", "root_deep"])
        expect(text("recipe.ts"), `${naming.name}: ${property}`).toContain(`  ${property}?: Recipe\n`);
      for (const property of ["unit_self", "unit_local", "unit_deep"])
        expect(text("recipe.ts"), `${naming.name}: ${property}`).toContain(`  ${property}?: Unit\n`);
      expect(text("menu.ts"), naming.name).toContain(
        'import type { Recipe, Unit, PartialRecipe, PartialUnit } from "./recipe.js";',
      );
      expect(text("menu.ts"), naming.name).toMatch(/^ {2}root_menu: Recipe\n {2}unit_menu\?: Unit\n/m);
      writeFiles(caseDir, result.files);
      roots.push(...result.files.map((f) => join(caseDir, f.path)));
      const generated = await import(join(caseDir, "index.ts"));
      const menu = { root_menu: recipe, unit_menu: "kg" };
      expect(generated.validateRecipe(recipe), naming.name).toBe(true);
      expect(generated.validateMenu(menu), naming.name).toBe(true);
      expect(generated.validateRecipe({ ...recipe, variants: [{ root_deep: { title: 1 } }] }), naming.name).toBe(false);
      expect(generated.validateRecipe({ ...recipe, unit_self: "cup" }), naming.name).toBe(false);
      expect(generated.validateMenu({ ...menu, root_menu: { ...recipe, root_self: {} } }), naming.name).toBe(false);
      expect(generated.validateMenu({ ...menu, unit_menu: "cup" }), naming.name).toBe(false);
    }
    expect(typeCheck(roots)).toEqual([]);
  });
});
