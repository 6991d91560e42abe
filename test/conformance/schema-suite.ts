import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bundleSchema } from "../../generator/bundle/bundler.js";
import { SchemaRegistry } from "../../generator/bundle/registry.js";
import { identifier } from "../../generator/code/literals.js";
import { normalize } from "../../generator/derive/normalize.js";
import { partialSchema } from "../../generator/derive/partial-schema.js";
import type { SchemaObject } from "../../generator/schema/walk.js";
import { createAjv, type Dialect, emitValidators } from "../../generator/validators/standalone.js";
import { ajvRequire } from "../../runtime/validate/validation.js";
import { CORPORA_DIR } from "../corpora.js";

export interface SuiteCase {
  dialect: Dialect;
  file: string;
  group: string;
  schema: unknown;
  tests: { description: string; data: unknown; valid: boolean }[];
}

const FOLDERS: Record<string, Dialect> = { draft7: "draft-07", "draft2020-12": "2020-12" };
const META: Record<Dialect, string> = {
  "draft-07": "http://json-schema.org/draft-07/schema#",
  "2019-09": "https://json-schema.org/draft/2019-09/schema",
  "2020-12": "https://json-schema.org/draft/2020-12/schema",
};

/** The required part of the suite (not optional/), for draft 7 and 2020-12. */
export function suiteCases(): SuiteCase[] {
  const out: SuiteCase[] = [];
  for (const [folder, dialect] of Object.entries(FOLDERS)) {
    const dir = join(CORPORA_DIR, "JSON-Schema-Test-Suite/tests", folder);
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()) {
      for (const group of JSON.parse(readFileSync(join(dir, file), "utf8"))) {
        out.push({
          dialect,
          file: `${folder}/${file}`,
          group: group.description,
          schema: group.schema,
          tests: group.tests,
        });
      }
    }
  }
  return out;
}

/** The dialect a user declares; the suite leaves it implied by the folder. */
export function declared(schema: unknown, dialect: Dialect): unknown {
  if (typeof schema !== "object" || schema === null || "$schema" in schema) return schema;
  return { $schema: META[dialect], ...(schema as SchemaObject) };
}

export type Check = (data: unknown) => boolean;

/** A validator that throws (Ajv overflows the stack on some self-referencing schemas) answers "error". */
export function run(check: Check, data: unknown): boolean | "error" {
  try {
    return check(data);
  } catch {
    return "error";
  }
}

/** Ajv itself, compiled at run time with the options our generator uses. */
export function ajvDirect(c: SuiteCase): Check | Error {
  try {
    const validate = createAjv(c.dialect).compile(declared(c.schema, c.dialect) as object | boolean as object);
    return (data) => validate(data) as boolean;
  } catch (error) {
    return error as Error;
  }
}

/** Our pipeline: bundle, normalise, derive the partial schema, Ajv standalone code, loaded and run. */
export async function generated(c: SuiteCase): Promise<{ full: Check; partial: Check } | Error> {
  try {
    const file = {
      path: "/suite/case.json",
      displayPath: "case.json",
      schema: declared(c.schema, c.dialect) as SchemaObject | boolean,
    };
    const full = normalize(await bundleSchema(file, new SchemaRegistry([file])));
    const code = emitValidators(
      full,
      partialSchema(full),
      { full: identifier("full"), partial: identifier("partial") },
      "case.json",
      [],
    );
    // The generated module, with its ESM exports turned into assignments so that it can run from a string.
    const exports: Record<string, Check> = {};
    new Function("require", "exports", code.replace(/export const (\w+): StandaloneValidate = /g, "exports.$1 = "))(
      ajvRequire,
      exports,
    );
    return { full: exports.full as Check, partial: exports.partial as Check };
  } catch (error) {
    return error as Error;
  }
}
