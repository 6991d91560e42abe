import { describe, expect, it } from "vitest";
import { bundleSchema } from "../../generator/bundle/bundler.js";
import { SchemaRegistry } from "../../generator/bundle/registry.js";
import type { SchemaFile } from "../../generator/load/schema-files.js";
import { GenerateError } from "../../generator/schema/errors.js";

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
});
