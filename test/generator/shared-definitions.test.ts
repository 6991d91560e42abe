import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../generator/index.js";
import { validatePantry, validateRecipe } from "../fixtures/generator/shared-definitions/expected/index.js";
import { FIXTURES } from "./helpers.js";

const CASE = join(FIXTURES, "shared-definitions");
const read = (file: string) => readFileSync(join(CASE, "expected", file), "utf8");
const declarations = (text: string, name: string) =>
  (text.match(new RegExp(`^export (interface|type) ${name}\\b`, "gm")) ?? []).length;

describe("shared definitions are declared once and imported", () => {
  it("a definition of a definitions-only file is declared in its module only; the others import it", () => {
    const modules = readdirSync(join(CASE, "expected")).filter(
      (f) => !f.endsWith(".validators.ts") && f !== "index.ts",
    );
    const owners = modules.filter((f) => declarations(read(f), "Quantity") + declarations(read(f), "Unit") > 0);
    expect(owners).toEqual(["kitchen-common.ts"]);
    expect(read("recipe.ts")).toContain('import type { Ingredient, PartialIngredient } from "./kitchen-common.js";');
    expect(declarations(read("recipe.ts"), "Ingredient")).toBe(0);
  });

  it("a root type referenced by another schema is imported from its module", () => {
    expect(read("pantry.ts")).toContain('import type { Recipe, PartialRecipe } from "./recipe.js";');
    expect(declarations(read("pantry.ts"), "Recipe")).toBe(0);
  });

  it("an imported name that the module declares itself is imported under an alias", () => {
    const pantry = read("pantry.ts");
    expect(pantry).toMatch(/Ingredient as Ingredient2/);
    expect(declarations(pantry, "Ingredient")).toBe(1); // its own
    expect(pantry).toContain("stock: Ingredient2[]");
  });

  it("a definitions-only file gets types, no validators and no streamX()", async () => {
    const result = await generate([join(CASE, "schemas")]);
    const paths = result.files.map((f) => f.path);
    expect(paths).toContain("kitchen-common.ts");
    expect(paths).not.toContain("kitchen-common.validators.ts");
    const module = read("kitchen-common.ts");
    expect(module).not.toMatch(/stream|validate|@partialgen\/runtime/);
    const index = read("index.ts");
    expect(index).toContain("type Ingredient,");
    expect(index).not.toContain("streamKitchenCommon");
  });

  it("validators still check the shared definitions (the schemas stay bundled)", () => {
    const ingredient = { name: "flour", amount: { value: 500, unit: "g" } };
    expect(validateRecipe({ title: "Bread", ingredients: [ingredient], serves: 4 })).toBe(true);
    expect(
      validateRecipe({
        title: "Bread",
        ingredients: [{ ...ingredient, amount: { value: 1, unit: "cup" } }],
        serves: 4,
      }),
    ).toBe(false);
    const recipe = { title: "Bread", ingredients: [], serves: 1 };
    expect(validatePantry({ stock: [ingredient], wanted: [{ label: "salt" }], unit: "kg", favourite: recipe })).toBe(
      true,
    );
    expect(validatePantry({ stock: [ingredient], wanted: [ingredient], unit: "kg", favourite: recipe })).toBe(false);
  });
});
