import { zodToJsonSchema } from "zod-to-json-schema";
import { z as z4 } from "zod-v4";
import { normalize } from "../../../generator/derive/normalize.js";
import type { SchemaFile } from "../../../generator/load/schema-files.js";
import { isSchemaObject, type SchemaObject } from "../../../generator/schema/walk.js";
import { createAjv, dialectOf } from "../../../generator/validators/standalone.js";
import { zod3Instances, zod3Models } from "./zod3-models.js";
import { zod4ExtraInstances, zod4Models } from "./zod4-models.js";

/** One way users turn a zod model into JSON Schema: a folder of schema files, with values zod accepts. */
export interface Family {
  name: string;
  files: { file: SchemaFile; model: string; instances: unknown[] }[];
}

/**
 * Where strict mode cannot express a model (a record's free-form keys; a tuple of different items; an
 * unknown), as the JSON Pointer the warning names; undefined when a strict schema is expected.
 */
export function notStrictAt(family: string, model: string): string | undefined {
  // The openAi target writes `.optional().default(x)` as anyOf [{not: OpenAiAnyType}, X]: `not` has no strict form.
  if (family.startsWith("zod3-openAi") && model === "settings") return "/properties/withDefault";
  const at = (
    {
      wordCounts: "/properties/counts/additionalProperties",
      keyValue: "/properties/pair",
      nonJson: "/properties/pairs",
      // Pydantic: dict[str, X], and a dict beside a tuple of different items and an Any.
      "user-validation": "/properties/metadata/additionalProperties",
      "registry-free-form": "/properties/entries/additionalProperties",
    } as Record<string, string>
  )[model];
  // With `name`, zod-to-json-schema puts the model under definitions: the pointer is there in the file.
  return at !== undefined && family.endsWith("-named") ? `/definitions/${model}${at}` : at;
}

function file(family: string, model: string, schema: unknown): SchemaFile {
  const path = `/real-world/${family}/${model}.json`;
  return { path, displayPath: `${family}/${model}.json`, schema: schema as SchemaFile["schema"] };
}

/**
 * Every instance is checked against the zod model first (so the values are what the user's own validator
 * accepts), then the schema is produced by the converter installed: a zod or converter upgrade is tested too.
 */
export function zodFamilies(): Family[] {
  const families: Family[] = [];
  // The v4 models are the v3 ones in v4's idiom (same values), plus some of their own.
  const instancesOf = (model: string, v4 = false): unknown[] =>
    (v4 ? (zod4ExtraInstances as Record<string, unknown[]>)[model] : undefined) ??
    (zod3Instances as Record<string, unknown[]>)[model] ??
    [];
  // zod-to-json-schema: its default target and "openAi", with `name` (a root $ref into definitions) and without.
  for (const target of ["jsonSchema7", "openAi"] as const) {
    // `name` changes only the root (a $ref into definitions): tried with the default target.
    for (const named of target === "openAi" ? [false] : [false, true]) {
      const name = `zod3-${target}${named ? "-named" : ""}`;
      families.push({
        name,
        files: Object.entries(zod3Models).map(([model, zod]) => {
          const instances = instancesOf(model);
          for (const v of instances) zod.parse(v);
          const schema = zodToJsonSchema(zod, named ? { name: model, target } : { target });
          const answers = target === "openAi" ? openAiAnswers(model, schema, instances) : instances;
          return { file: file(name, model, schema), model, instances: answers };
        }),
      });
    }
  }
  // zod v4's own converter: both dialects, the output and the input side (defaults make fields optional).
  for (const target of ["draft-2020-12", "draft-07"] as const) {
    // The input side differs from the output in the same way in both dialects: tried with one.
    const sides: ("output" | "input")[] = target === "draft-07" ? ["output"] : ["output", "input"];
    for (const io of sides) {
      const name = `zod4-${target}-${io}`;
      families.push({
        name,
        files: Object.entries(zod4Models).map(([model, zod]) => {
          // The output side describes what parse() returns (defaults filled in), the input side what it takes.
          const values = instancesOf(model, true).map((v) => zod.parse(v));
          const instances = io === "output" ? values : instancesOf(model, true);
          return { file: file(name, model, z4.toJSONSchema(zod, { target, io })), model, instances };
        }),
      });
    }
  }
  return families;
}

/**
 * zod-to-json-schema's "openAi" target makes every property required and optional ones nullable, as strict
 * mode needs: a value zod accepts (with an optional property absent) becomes the answer a model gives, with
 * `null` there. Absent properties are filled with null, choosing the union branch that then validates.
 */
export function withNulls(raw: unknown, value: unknown): unknown {
  // Read as the generator reads it (its boolean exclusiveMinimum is draft-04's).
  const schema = normalize(raw);
  const ajv = createAjv(dialectOf(schema));
  ajv.addSchema(schema as SchemaObject, "root");
  const root = schema as SchemaObject;
  const valid = (pointer: string, v: unknown) => ajv.getSchema(`root#${pointer}`)?.(v) === true;
  const fill = (s: unknown, pointer: string, v: unknown): unknown => {
    if (!isSchemaObject(s)) return v;
    if (typeof s.$ref === "string") return fill(resolveRef(root, s.$ref), s.$ref.slice(1), v);
    if (Array.isArray(s.anyOf)) {
      for (const [i, branch] of s.anyOf.entries()) {
        const filled = fill(branch, `${pointer}/anyOf/${i}`, v);
        if (valid(`${pointer}/anyOf/${i}`, filled)) return filled;
      }
      return v;
    }
    if (Array.isArray(v)) return v.map((item) => fill(s.items, `${pointer}/items`, item));
    if (isSchemaObject(v) && isSchemaObject(s.properties)) {
      const out: Record<string, unknown> = { ...v };
      for (const [key, sub] of Object.entries(s.properties))
        out[key] = key in v ? fill(sub, `${pointer}/properties/${key}`, v[key]) : null;
      return out;
    }
    return v;
  };
  return fill(schema, "", value);
}

/**
 * The "openAi" target writes z.unknown() as OpenAiAnyType, every JSON type but object: a value zod accepts
 * with an object there is not valid against the schema the converter produced, and is left out (only that).
 */
function openAiAnswers(model: string, schema: unknown, instances: unknown[]): unknown[] {
  const validate = createAjv(dialectOf(schema)).compile(normalize(schema) as SchemaObject);
  return instances
    .map((v) => withNulls(schema, v))
    .filter((v) => {
      if (validate(v)) return true;
      const anyTypeRejectsObject = (validate.errors ?? []).every(
        (e) =>
          e.keyword === "type" &&
          String(e.params.type) === "string,number,integer,boolean,array,null" &&
          isSchemaObject(pointerValue(v, e.instancePath)),
      );
      if (anyTypeRejectsObject) return false;
      throw new Error(
        `${model}: ${JSON.stringify(v)} is not valid against zod-to-json-schema's openAi output: ${JSON.stringify(validate.errors)}`,
      );
    });
}

function pointerValue(value: unknown, pointer: string): unknown {
  let at = value;
  for (const token of pointer.split("/").slice(1)) at = (at as Record<string, unknown>)[token];
  return at;
}

function resolveRef(root: SchemaObject, ref: string): unknown {
  let at: unknown = root;
  for (const token of ref.replace(/^#\/?/, "").split("/").filter(Boolean)) at = (at as SchemaObject)[token];
  return at;
}
