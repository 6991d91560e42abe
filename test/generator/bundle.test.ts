import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { bundleSchema } from "../../generator/bundle/bundler.js";
import { SchemaRegistry } from "../../generator/bundle/registry.js";
import type { SchemaFile } from "../../generator/load/schema-files.js";
import { GenerateError } from "../../generator/schema/errors.js";
import { localPointer, resolvePointer } from "../../generator/schema/pointer.js";
import { walkSchemas } from "../../generator/schema/walk.js";
import { RECIPE_ID, recipeNamings, rootNamingFiles } from "./root-naming-table.js";

const file = (path: string, schema: SchemaFile["schema"]): SchemaFile => ({ path, displayPath: path.slice(1), schema });

describe("bundling references", () => {
  it("embeds other files under the root's definitions keyword and rewrites their references to local pointers", async () => {
    const root = file("/s/root.json", {
      $schema: "http://json-schema.org/draft-07/schema#",
      properties: { a: { $ref: "other.json#/properties/x" } },
    });
    const other = file("/s/other.json", {
      type: "object",
      properties: { x: { $ref: "#/definitions/y" } },
      definitions: { y: { type: "string" } },
    });
    const bundled = await bundleSchema(root, new SchemaRegistry([root, other]));
    expect(bundled).toEqual({
      $schema: "http://json-schema.org/draft-07/schema#",
      properties: { a: { $ref: "#/definitions/other/properties/x" } },
      definitions: {
        other: {
          type: "object",
          properties: { x: { $ref: "#/definitions/other/definitions/y" } },
          definitions: { y: { type: "string" } },
        },
      },
    });
  });

  it("a definitions-only file contributes its definitions one by one, and its container only when named", async () => {
    const root = file("/s/root.json", { properties: { a: { $ref: "defs.json#/$defs/x" } } });
    const defs = file("/s/defs.json", { title: "Defs", $defs: { x: { $ref: "#/$defs/y" }, y: { type: "string" } } });
    expect(await bundleSchema(root, new SchemaRegistry([root, defs]))).toEqual({
      properties: { a: { $ref: "#/$defs/defs-x" } },
      $defs: { "defs-x": { $ref: "#/$defs/defs-y" }, "defs-y": { type: "string" } },
    });
    const whole = file("/s/whole.json", {
      properties: { a: { $ref: "defs.json" }, b: { $ref: "defs.json#/$defs/y" } },
    });
    expect(await bundleSchema(whole, new SchemaRegistry([whole, defs]))).toEqual({
      properties: { a: { $ref: "#/$defs/defs" }, b: { $ref: "#/$defs/defs-y" } },
      $defs: {
        "defs-x": { $ref: "#/$defs/defs-y" },
        "defs-y": { type: "string" },
        defs: { title: "Defs", $defs: { x: { $ref: "#/$defs/defs-y" }, y: { type: "string" } } },
      },
    });
  });

  it("leaves meta-schema references as written, in embedded files too (Ajv has them built in)", async () => {
    const meta = "http://json-schema.org/draft-07/schema#";
    const root = file("/s/root.json", { properties: { a: { $ref: "other.json" }, b: { $ref: meta } } });
    const other = file("/s/other.json", { properties: { schema: { $ref: meta } } });
    type Refs = { properties: Record<string, { $ref?: string }> };
    const bundled = (await bundleSchema(root, new SchemaRegistry([root, other]))) as Refs & {
      $defs: Record<string, Refs>;
    };
    expect(bundled.properties.b?.$ref).toBe(meta);
    expect(bundled.$defs.other?.properties.schema?.$ref).toBe(meta);
  });

  it("leaves references to resources the root declares ($id, $anchor) as written, and keeps those $ids", async () => {
    const schema = {
      $id: "https://example.com/root.json",
      properties: { a: { $ref: "item.json" }, b: { $ref: "#named" } },
      $defs: { item: { $id: "item.json", type: "string" }, named: { $anchor: "named", type: "number" } },
    };
    const root = file("/s/root.json", schema);
    expect(await bundleSchema(root, new SchemaRegistry([root]))).toEqual(schema);
  });

  it("an embedded file's own names (anchors, nested $ids) and another file's anchors become pointers; an undeclared anchor is an error", async () => {
    const root = file("/s/root.json", { properties: { a: { $ref: "other.json#count" }, b: { $ref: "other.json" } } });
    const other = file("/s/other.json", {
      properties: { x: { $ref: "#count" }, y: { $ref: "item.json" }, z: { $ref: "item.json#/$defs/n" } },
      $defs: { n: { $anchor: "count", type: "integer" }, item: { $id: "item.json", $defs: { n: { type: "string" } } } },
    });
    const bundled = (await bundleSchema(root, new SchemaRegistry([root, other]))) as {
      properties: Record<string, { $ref: string }>;
      $defs: { other: { properties: Record<string, { $ref: string }> } };
    };
    expect(bundled.properties.a?.$ref).toBe("#/$defs/other/$defs/n");
    expect(bundled.$defs.other.properties).toEqual({
      x: { $ref: "#/$defs/other/$defs/n" },
      y: { $ref: "#/$defs/other/$defs/item" },
      z: { $ref: "#/$defs/other/$defs/item/$defs/n" },
    });
    const unknown = file("/s/root.json", { properties: { a: { $ref: "other.json#nope" } } });
    const error = await bundleSchema(unknown, new SchemaRegistry([unknown, other])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenerateError);
    expect(error).toMatchObject({
      pointer: "/properties/a/$ref",
      problem: expect.stringContaining("other.json does not declare"),
    });
    // A pointer of the embedded file's own that names nothing, also through a nested $id, is reported where it is.
    for (const $ref of ["#/$defs/missing", "item.json#/$defs/missing"]) {
      const broken = file("/s/other.json", { ...(other.schema as object), properties: { x: { $ref } } });
      const failure = await bundleSchema(root, new SchemaRegistry([root, broken])).catch((e: unknown) => e);
      expect(failure, $ref).toMatchObject({ file: "s/other.json", pointer: "/properties/x/$ref" });
    }
  });

  it("two files may use the same anchor name: each reference keeps its own target, and Ajv compiles the bundle", async () => {
    const root = file("/s/root.json", {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: { a: { $ref: "a.json#item" }, b: { $ref: "b.json#item" }, c: { $ref: "#item" } },
      $defs: { own: { $anchor: "item", type: "boolean" } },
    });
    const a = file("/s/a.json", {
      properties: { self: { $ref: "#item" } },
      $defs: { x: { $anchor: "item", enum: ["a1", "a2"] } },
    });
    const b = file("/s/b.json", { $defs: { x: { $anchor: "item", type: "integer" } } });
    const bundled = await bundleSchema(root, new SchemaRegistry([root, a, b]));
    const anchors: string[] = [];
    walkSchemas(bundled, null, (s, pointer) => {
      if (typeof s.$anchor === "string") anchors.push(`${pointer}#${s.$anchor}`);
      return null;
    });
    // The root's own names stay for Ajv; the embedded files' are pointers now.
    expect(anchors).toEqual(["/$defs/own#item"]);
    const validate = new Ajv2020({ strict: false }).compile(bundled as object);
    expect(validate({ a: "a1", b: 3, c: true })).toBe(true);
    for (const wrong of [{ a: 3 }, { b: "a1" }, { c: 3 }]) expect(validate(wrong), JSON.stringify(wrong)).toBe(false);
  });

  it("never fetches a remote reference: an error naming file, pointer and keyword, or with remoteRefs unknown a marked hole", async () => {
    const root = file("/s/root.json", { properties: { a: { $ref: "https://example.com/a.json" } } });
    const error = await bundleSchema(root, new SchemaRegistry([root])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenerateError);
    expect(error).toMatchObject({ file: "s/root.json", pointer: "/properties/a/$ref", keyword: "$ref" });

    const registry = new SchemaRegistry([root], "unknown");
    const bundled = (await bundleSchema(root, registry)) as { properties: Record<string, unknown> };
    expect(bundled.properties.a).toEqual({ "x-partialgen-unresolved-ref": "https://example.com/a.json" });
    expect(registry.unresolved).toEqual([
      { file: "s/root.json", pointer: "/properties/a/$ref", ref: "https://example.com/a.json" },
    ]);
  });

  describe("every way to name a file's root means that root, in its own bundle and in any embedding it", () => {
    /** Each `$ref` of a bundle, by the JSON Pointer of the schema holding it. */
    const refsOf = (bundled: unknown) => {
      const refs = new Map<string, string>();
      walkSchemas(bundled, null, (s, pointer) => {
        if (typeof s.$ref === "string") refs.set(pointer, s.$ref);
        return null;
      });
      return refs;
    };
    /** The schema a local `$ref` of the bundle names (undefined for any other). */
    const target = (bundled: unknown, ref: string) => {
      const pointer = localPointer(ref);
      return pointer === undefined ? undefined : resolvePointer(bundled, pointer);
    };

    for (const naming of recipeNamings) {
      it(naming.name, async () => {
        const { recipe, menu } = rootNamingFiles(naming, "/p");
        const registry = new SchemaRegistry([recipe, menu]);
        const own = await bundleSchema(recipe, registry);
        const embedding = (await bundleSchema(menu, registry)) as { $defs: Record<string, unknown> };
        const embedded = embedding.$defs.recipe as { properties: Record<string, unknown> };
        expect(embedded.properties.title).toEqual({ type: "string" });
        for (const [bundled, root] of [
          [own, own],
          [embedding, embedded],
        ] as const) {
          for (const [pointer, ref] of refsOf(bundled)) {
            const named = target(bundled, ref);
            expect(named, `${pointer}: ${ref}`).toBeDefined();
            const means = pointer.split("/").pop() as string; // "root_…" or "unit_…", as the table names them
            if (means.startsWith("root_")) expect(named, `${pointer}: ${ref}`).toBe(root);
            if (means.startsWith("unit_")) expect(named, `${pointer}: ${ref}`).toEqual({ enum: ["g", "kg"] });
          }
        }
        // The embedded copy declares no $id of its own: its references are the bundle's pointers.
        expect(JSON.stringify(embedded)).not.toContain(RECIPE_ID);
      });
    }
  });

  it("a relative root $id is resolved against the file's location: the file is found by it, read from no disk", async () => {
    const recipe = file("/nowhere/kitchen/recipe.json", {
      $id: "v2/recipe.json",
      properties: { self: { $ref: "recipe.json#/$defs/Unit" } },
      $defs: { Unit: { enum: ["g"] } },
    });
    const menu = file("/nowhere/menu.json", { properties: { unit: { $ref: "kitchen/v2/recipe.json#/$defs/Unit" } } });
    const registry = new SchemaRegistry([recipe, menu]);
    expect(await bundleSchema(recipe, registry)).toMatchObject({ properties: { self: { $ref: "#/$defs/Unit" } } });
    expect(await bundleSchema(menu, registry)).toEqual({
      properties: { unit: { $ref: "#/$defs/recipe/$defs/Unit" } },
      $defs: {
        recipe: { properties: { self: { $ref: "#/$defs/recipe/$defs/Unit" } }, $defs: { Unit: { enum: ["g"] } } },
      },
    });
  });

  it("refuses a root $id with a fragment, naming the file and pointer; an empty or fragment-only one is fine", async () => {
    const schema = (id: string) => ({ $id: id, type: "object", properties: { self: { $ref: "#" } } });
    for (const id of [`${RECIPE_ID}#`, "#root", "recipe.json"]) {
      const root = file("/s/recipe.json", schema(id));
      expect(await bundleSchema(root, new SchemaRegistry([root]))).toEqual(schema(id));
    }
    for (const id of [`${RECIPE_ID}#root`, "recipe.json#/properties", `${RECIPE_ID}#%2F`]) {
      const root = file("/s/recipe.json", schema(id));
      const error = await bundleSchema(root, new SchemaRegistry([root])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GenerateError);
      expect(error).toMatchObject({ file: "s/recipe.json", pointer: "/$id", keyword: "$id" });
      expect((error as Error).message).toContain(`write "${id.slice(0, id.indexOf("#"))}"`);
      // Embedded, the same file is refused the same way.
      const user = file("/s/user.json", { properties: { r: { $ref: "recipe.json" } } });
      await expect(bundleSchema(user, new SchemaRegistry([user, root]))).rejects.toMatchObject({
        file: "s/recipe.json",
        pointer: "/$id",
      });
    }
  });
});
