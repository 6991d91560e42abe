import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate, generateFromFiles } from "../../generator/index.js";
import { findSchemaFiles, loadSchemaFile } from "../../generator/load/schema-files.js";
import {
  menuJsonSchema,
  validateMenu,
  validatePartialMenu,
  validateRecipe,
  validateSupplierDirectory,
} from "../fixtures/generator/shared-root-definitions/expected/index.js";
import { CASE, EXPECTED, read, typesOf } from "./shared-root-fixture.js";

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
