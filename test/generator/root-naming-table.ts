import type { SchemaFile } from "../../generator/load/schema-files.js";

/**
 * The ways a `$ref` can name a schema file's root (and a pointer into it), as a table: read by the bundle's
 * unit test and, generating and compiling every row, by shared-root-definitions.compile.test.ts.
 * kitchen/recipe.json names itself; menus/menu.json, in another directory, names it too. Each `$ref` sits in
 * a property saying what it must mean: "root_…" the recipe's root, "unit_…" its `$defs/Unit`.
 */
export const RECIPE_ID = "https://example.com/kitchen/recipe.json";

export interface RootNaming {
  name: string;
  /** The recipe's root `$id`, if any. */
  id: string | undefined;
  /** How the recipe names its own document, and how the menu does (neither with a fragment). */
  fromRecipe: string;
  fromMenu: string;
  /** What follows the document for its root: nothing, or an empty fragment. */
  rootSuffix: "" | "#";
}

const ids = [
  ["an absolute $id", RECIPE_ID],
  ['a relative $id ("recipe.json")', "recipe.json"],
  ["no $id", undefined],
] as const;

export const recipeNamings: RootNaming[] = ids.flatMap(([idName, id]) =>
  [
    { by: "its path", fromRecipe: "recipe.json", fromMenu: "../kitchen/recipe.json" },
    ...(id === RECIPE_ID ? [{ by: "its absolute $id", fromRecipe: RECIPE_ID, fromMenu: RECIPE_ID }] : []),
  ].flatMap(({ by, fromRecipe, fromMenu }) =>
    (["", "#"] as const).map((rootSuffix) => ({
      name: `${idName}, named by ${by}${rootSuffix === "#" ? ' + "#"' : ""} (and by it + "#/$defs/Unit")`,
      id,
      fromRecipe,
      fromMenu,
      rootSuffix,
    })),
  ),
);

/** The two files of a row, under `dir`. */
export function rootNamingFiles(naming: RootNaming, dir: string): { recipe: SchemaFile; menu: SchemaFile } {
  const root = (doc: string) => ({ $ref: `${doc}${naming.rootSuffix}` });
  const unit = (doc: string) => ({ $ref: `${doc}#/$defs/Unit` });
  const recipe = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    ...(naming.id === undefined ? {} : { $id: naming.id }),
    title: "Recipe",
    type: "object",
    properties: {
      title: { type: "string" },
      root_self: root(naming.fromRecipe),
      root_local: { $ref: "#" },
      unit_self: unit(naming.fromRecipe),
      unit_local: { $ref: "#/$defs/Unit" },
      variants: { type: "array", items: { $ref: "#/$defs/Variant" } },
    },
    required: ["title"],
    additionalProperties: false,
    $defs: {
      Unit: { enum: ["g", "kg"] },
      Variant: {
        type: "object",
        properties: { root_deep: root(naming.fromRecipe), unit_deep: unit(naming.fromRecipe) },
        additionalProperties: false,
      },
    },
  };
  const menu = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "Menu",
    type: "object",
    properties: { root_menu: root(naming.fromMenu), unit_menu: unit(naming.fromMenu) },
    required: ["root_menu"],
    additionalProperties: false,
  };
  const file = (path: string, schema: SchemaFile["schema"]): SchemaFile => ({
    path: `${dir}/${path}`,
    displayPath: path,
    schema,
  });
  return { recipe: file("kitchen/recipe.json", recipe), menu: file("menus/menu.json", menu) };
}
