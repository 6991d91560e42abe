import { describe, expect, it } from "vitest";
import { fileStem } from "../../generator/code/naming.js";
import { schemaName } from "../../generator/generate.js";
import { GenerateError, generateFromFiles } from "../../generator/index.js";
import { families, generateFamily } from "./real-world/families.js";
import type { Family } from "./real-world/zod-corpus.js";
import { notStrictAt } from "./real-world/zod-corpus.js";

/**
 * What generation says about the schemas users actually send (test/generator/real-world/families.ts): a strict
 * schema where strict mode can express the model, otherwise a warning naming the JSON Pointer (and, under
 * --strict, an error naming the file). real-world-schemas.compile.test.ts compiles the output and checks soundness.
 */

describe("real-world schemas: zod and Pydantic", { timeout: 240_000 }, () => {
  it("has a strict schema wherever strict mode can express the model, and names file and pointer where not", async () => {
    for (const family of families) {
      const result = await generateFamily(family);
      for (const { file, model } of family.files) {
        const module = result.files.find((f) => f.path === `${fileStem(schemaName(file))}.ts`);
        expect(module, `${family.name}/${model}`).toBeDefined();
        const strictNull = /StrictSchema[^=]*= null;/.test(module?.content ?? "");
        const where = notStrictAt(family.name, model);
        expect(strictNull, `${family.name}/${model}: strict schema ${strictNull ? "missing" : "present"}`).toBe(
          where !== undefined,
        );
        if (where === undefined) continue;
        expect(
          result.warnings.filter((w) => w.file === file.displayPath && w.pointer.startsWith(where)).length,
          `${family.name}/${model}: a warning at ${where}`,
        ).toBeGreaterThan(0);
        const error = await generateFromFiles([file], { strict: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GenerateError);
        expect((error as GenerateError).pointer.startsWith(where), (error as Error).message).toBe(true);
        expect((error as Error).message).toContain(`${file.displayPath}#${where}`);
      }
    }
  });

  it("a format the validators do not know (Pydantic's ipvanyaddress) is a warning naming its JSON Pointer", async () => {
    const pydantic = families.find((f) => f.name === "pydantic") as Family;
    const { warnings } = await generateFamily(pydantic);
    expect(warnings).toContainEqual({
      file: "test/fixtures/pydantic/schemas/order-mixed.json",
      pointer: "/$defs/Customer/properties/ip/format",
      message: 'format "ipvanyaddress" is not one the validators know: not checked (any string passes)',
    });
  });

  it("Pydantic's title on every property gives no type alias per property: `name: string`, not `name: Name`", async () => {
    const pydantic = families.find((f) => f.name === "pydantic") as Family;
    const user = (await generateFamily(pydantic)).files.find((f) => f.path === "user.ts")?.content ?? "";
    for (const line of [
      "  name: string",
      "  age?: (number | null)",
      "  tags?: string[]",
      "  balance: (number | string)",
    ])
      expect(user.split("\n"), line).toContain(line);
    expect(user.split("\n")).toContain("  status?: Status"); // an Enum class keeps its name
    const aliases = [...user.matchAll(/^export type (\w+) =/gm)].map((m) => m[1]);
    expect(aliases.filter((a) => !a?.startsWith("Partial"))).toEqual(["Status", "Level"]);
  });
});
