import { isDeepStrictEqual } from "node:util";
import { appendPointer } from "@partialgen/runtime";
import { type Dialect, dialectOf } from "../schema/ajv.js";
import { GenerateError, type GenerateWarning } from "../schema/errors.js";
import { localPointer, pointerTokens, resolvePointer, withLocalRefs } from "../schema/pointer.js";
import { defineOwn, isSchemaObject, mapSchema, mapSubschemas, type SchemaObject } from "../schema/walk.js";
import { oneOfIsExact } from "./strict-disjoint.js";
import { enforced, lossWarning } from "./strict-loss.js";
import { checkStrictRules, STRICT_FORMATS, STRICT_KEYWORDS } from "./strict-rules.js";

export { isStrictLoss } from "./strict-loss.js";

/**
 * The variant of a schema that OpenAI's strict structured outputs accept: every object closed
 * (additionalProperties: false) with all its properties required, optional ones made nullable; `x-*`
 * keywords and annotations removed; keywords strict mode does not support removed (the generated full
 * validator still enforces them on the final value).
 *
 * Conversions that keep more schemas strict: `type: [a, b]` becomes an anyOf of single types; `allOf`
 * members are merged into one schema; a tuple of one item schema becomes `items` with min/maxItems; a
 * `oneOf` becomes `anyOf` (with a warning when its branches may overlap); nested definitions move to the
 * root. Where the shape itself cannot be expressed, a GenerateError names the keyword and JSON Pointer.
 *
 * Losses (strict-loss.ts) are the places where the strict schema admits values the original does not: only
 * there can a value valid against the strict schema fail the final validator. Every step below either is
 * exact, only narrows what the model may send, or reports a loss.
 *
 * The runtime reads `null` in a property made nullable here as "absent" (see the parser's
 * `optionalNulls`), so final values match the original schema.
 */
export function strictSchema(
  schema: unknown,
  file: string,
  options: StrictDerivationOptions = {},
): {
  schema: SchemaObject;
  warnings: GenerateWarning[];
  /** A pointer into the strict schema as the user's file has it (under the definition an inlined root came from). */
  locate: (pointer: string) => string;
} {
  const warnings: GenerateWarning[] = [];
  if (!isSchemaObject(schema)) throw notAnObject(file);
  const local = withLocalRefs(schema) as SchemaObject;
  const inlined = inlineRootRef(local);
  const flat = hoistDefinitions(inlined);
  // Pointers are reported where the user's file has them: under the definition an inlined root came from.
  const from = inlined === local ? undefined : localPointer(local.$ref);
  const locate = (pointer: string) =>
    from === undefined || /^\/(\$defs|definitions)(\/|$)/.test(pointer) ? pointer : `${from}${pointer}`;
  const optional = options.optionalProperties ?? "nullable";
  const ctx: Context = { file, warnings, root: flat, dialect: dialectOf(schema), optional };
  let out: SchemaObject;
  try {
    out = tighten(flat, "", ctx) as SchemaObject;
    if (out.type !== "object" || "anyOf" in out) throw notAnObject(file);
    // Optional properties left optional break only the rule that every property is required.
    const [violation] = checkStrictRules(out).filter((v) => optional === "nullable" || v.keyword !== "required");
    if (violation) {
      throw new GenerateError(
        file,
        violation.pointer,
        `the strict schema would break OpenAI's strict-mode rules: ${violation.message}`,
        violation.keyword,
      );
    }
  } catch (error) {
    if (!(error instanceof GenerateError) || from === undefined || error.pointer === "") throw error;
    throw new GenerateError(error.file, locate(error.pointer), error.problem, error.keyword);
  }
  return { schema: out, warnings: warnings.map((w) => ({ ...w, pointer: locate(w.pointer) })), locate };
}

export interface StrictDerivationOptions {
  /**
   * "nullable" (OpenAI's strict mode, the default): optional properties become required and nullable.
   * "omit": they stay optional (not in `required`), for APIs that accept that (Anthropic, Gemini).
   */
  optionalProperties?: "nullable" | "omit";
}

/** Words every loss message holds. */
const STRICT_LOSS = "the strict schema";

interface Context {
  file: string;
  warnings: GenerateWarning[];
  root: SchemaObject;
  /** The full validator's dialect, which decides what removing a keyword loses. */
  dialect: Dialect;
  optional: "nullable" | "omit";
}

/** Annotations with no effect on the model's output: removed without a warning. */
const SILENT = new Set([
  "$id",
  "$comment",
  "default",
  "examples",
  "readOnly",
  "writeOnly",
  "deprecated",
  "$anchor",
  "contentMediaType",
  "contentEncoding",
  "discriminator",
  "nullable",
]);
const ANNOTATIONS = new Set([...SILENT, "title", "description", "$schema"]);

/** Keywords that apply to one JSON type only, for splitting `type: [a, b]`. */
const TYPE_KEYWORDS: Record<string, string[]> = {
  object: [
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
  ],
  array: [
    "items",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
  ],
  string: ["pattern", "format", "minLength", "maxLength", "contentMediaType", "contentEncoding"],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
};
TYPE_KEYWORDS.integer = TYPE_KEYWORDS.number as string[];

function tighten(schema: unknown, pointer: string, ctx: Context): unknown {
  if (schema === true || (isSchemaObject(schema) && isUnconstrained(schema))) {
    throw new GenerateError(
      ctx.file,
      pointer,
      "a value of any type cannot be described in OpenAI strict mode: give it a type",
      "type",
    );
  }
  if (schema === false) throw unsupported(ctx, pointer, "not", "a schema no value matches (false)");
  if (!isSchemaObject(schema)) return schema;
  const source = rewrite(schema, pointer, ctx);
  if (source !== schema) return tighten(source, pointer, ctx);

  for (const keyword of ["patternProperties"]) {
    if (keyword in schema) throw unsupported(ctx, pointer, keyword);
  }
  if (isSchemaObject(schema.additionalProperties) && !isSchemaObject(schema.properties)) {
    throw unsupported(
      ctx,
      appendPointer(pointer, "additionalProperties"),
      "additionalProperties",
      "a map with free-form keys",
    );
  }
  if (typeof schema.$ref === "string") return tightenRef(schema, pointer, ctx);

  // Every object is closed below, so what additionalProperties admits (true, {} from zod v4's looseObject,
  // a catchall's schema) never reaches the model: not tightened, which could only fail or warn for nothing.
  const out = mapSubschemas(schema, pointer, (sub, at) =>
    at === appendPointer(pointer, "additionalProperties") ? false : tighten(sub, at, ctx),
  );
  for (const keyword of Object.keys(out)) {
    if (keyword.startsWith("x-") || SILENT.has(keyword)) delete out[keyword];
    else if (!STRICT_KEYWORDS.has(keyword) || (keyword === "format" && !STRICT_FORMATS.has(String(out.format)))) {
      reportRemoved(ctx, pointer, keyword, out[keyword], "is not supported by OpenAI strict mode");
      delete out[keyword];
    }
  }
  if (pointer !== "") delete out.$schema;
  if (!("type" in out || "enum" in out || "const" in out || "anyOf" in out)) {
    throw new GenerateError(
      ctx.file,
      pointer,
      "nothing strict mode supports says what type this value has (its keywords are not supported): give it a type",
      "type",
    );
  }
  const types = Array.isArray(out.type) ? out.type : [out.type];
  if (types.includes("array") && !("items" in out)) {
    throw new GenerateError(ctx.file, pointer, "an array in OpenAI strict mode needs items", "items");
  }

  if (isSchemaObject(out.properties) || types.includes("object")) {
    if (!isSchemaObject(out.properties)) {
      // Narrower, not a loss: {} is an object the original admits too.
      ctx.warnings.push({
        file: ctx.file,
        pointer,
        message:
          "an object without properties can only be {} in OpenAI strict mode (every object is closed): the model cannot fill it in",
      });
    }
    const properties = isSchemaObject(out.properties) ? out.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    for (const key of required) {
      if (typeof key === "string" && !Object.hasOwn(properties, key))
        defineOwn(properties, key, unnamedProperty(schema, pointer, key, ctx));
    }
    const closed: SchemaObject = {};
    for (const [key, value] of Object.entries(properties))
      defineOwn(closed, key, required.has(key) || ctx.optional === "omit" ? value : nullable(value));
    out.properties = closed;
    out.required = Object.keys(closed).filter((key) => ctx.optional === "nullable" || required.has(key));
    out.additionalProperties = false;
    if (out.type === undefined) out.type = "object";
  }
  return out;
}

/** `$ref` allows `description` beside it: annotations go, other siblings go with a warning. */
function tightenRef(schema: SchemaObject, pointer: string, ctx: Context): SchemaObject {
  const out: SchemaObject = { $ref: schema.$ref };
  if (typeof schema.description === "string") out.description = schema.description;
  for (const keyword of Object.keys(schema)) {
    if (keyword === "$ref" || ANNOTATIONS.has(keyword) || keyword.startsWith("x-")) continue;
    reportRemoved(ctx, pointer, keyword, schema[keyword], "beside a $ref is not allowed in OpenAI strict mode");
  }
  return out;
}

/**
 * A property that `required` names and `properties` does not: what additionalProperties says it holds.
 * Strict mode needs its type, so a property left free (or forbidden: then nothing fits) cannot be expressed.
 */
function unnamedProperty(schema: SchemaObject, pointer: string, key: string, ctx: Context): unknown {
  const rest = schema.additionalProperties;
  if (isSchemaObject(rest) && !isUnconstrained(rest))
    return tighten(rest, appendPointer(pointer, "additionalProperties"), ctx);
  throw unsupported(
    ctx,
    appendPointer(pointer, "required"),
    "required",
    rest === false
      ? `a required property ("${key}") that additionalProperties: false forbids`
      : `a required property ("${key}") of any type (properties does not describe it)`,
  );
}

/**
 * One conversion step, or the schema itself when none applies: tighten() runs again on the result, so
 * each step may leave work to the others.
 */
function rewrite(schema: SchemaObject, pointer: string, ctx: Context): SchemaObject {
  if (Array.isArray(schema.allOf)) return mergeAllOf(schema, pointer, ctx);
  for (const keyword of ["anyOf", "oneOf"]) {
    const branches = schema[keyword];
    if (Array.isArray(branches) && branches.length > 0 && branches.every(onlyRequires)) {
      // Strict mode requires every property already; "which ones must be there" cannot be said.
      const { [keyword]: _, ...rest } = schema;
      loss(
        ctx,
        appendPointer(pointer, keyword),
        keyword,
        `${keyword} of required-only branches cannot be expressed (strict mode requires every property): removed, so a value none of them fits passes`,
      );
      return rest;
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const { oneOf, ...rest } = schema;
    if (Array.isArray(rest.anyOf)) throw unsupported(ctx, pointer, "oneOf", "oneOf beside anyOf (both must hold)");
    if (!oneOfIsExact(oneOf as unknown[], (ref) => lookup(ctx.root, ref))) {
      loss(
        ctx,
        appendPointer(pointer, "oneOf"),
        "oneOf",
        "oneOf branches may overlap: strict mode only has anyOf, so a value matching several of them passes",
      );
    }
    return { ...rest, anyOf: oneOf };
  }
  if (Array.isArray(schema.type) && schema.type.filter((t) => t !== "null").length > 1) return splitTypes(schema);
  const keys = enumKeys(schema.propertyNames);
  if (keys) return enumKeyedObject(schema, keys);
  if (Array.isArray(schema.prefixItems) || Array.isArray(schema.items)) return uniformTuple(schema, pointer, ctx);
  if (
    Array.isArray(schema.anyOf) &&
    Object.keys(schema).some(
      (k) => !ANNOTATIONS.has(k) && k !== "anyOf" && k !== "$defs" && k !== "definitions" && !k.startsWith("x-"),
    )
  ) {
    return distributeIntoAnyOf(schema);
  }
  return schema;
}

function onlyRequires(branch: unknown): boolean {
  return (
    isSchemaObject(branch) &&
    "required" in branch &&
    Object.keys(branch).every((k) => k === "required" || ANNOTATIONS.has(k))
  );
}

/** `type: [a, b]` → anyOf of one schema per type, each with the keywords that apply to it. */
function splitTypes(schema: SchemaObject): SchemaObject {
  const types = schema.type as unknown[];
  const shared: SchemaObject = {};
  const specific = new Set(Object.values(TYPE_KEYWORDS).flat());
  for (const [k, v] of Object.entries(schema)) if (k !== "type" && !specific.has(k)) defineOwn(shared, k, v);
  const branches = types.map((t) => {
    const branch: SchemaObject = { type: t };
    for (const k of TYPE_KEYWORDS[String(t)] ?? []) if (k in schema) defineOwn(branch, k, schema[k]);
    if (Array.isArray(shared.enum)) branch.enum = shared.enum.filter((v) => jsonType(v, String(t)));
    if ("const" in shared) {
      if (!jsonType(shared.const, String(t))) branch.enum = [];
      else branch.const = shared.const;
    }
    return branch;
  });
  delete shared.enum;
  delete shared.const;
  // Branches that admit no value (an enum with none of their type) are left out.
  return { ...shared, anyOf: branches.filter((b) => !(Array.isArray(b.enum) && b.enum.length === 0)) };
}

/** The names a `propertyNames` schema allows, when it is an enum (or const) of strings and nothing more. */
function enumKeys(names: unknown): string[] | undefined {
  if (!isSchemaObject(names)) return undefined;
  const values = Array.isArray(names.enum) ? names.enum : "const" in names ? [names.const] : undefined;
  if (!values || values.length === 0 || !values.every((v) => typeof v === "string")) return undefined;
  const rest = Object.keys(names).filter((k) => k !== "enum" && k !== "const" && !ANNOTATIONS.has(k));
  if (rest.some((k) => k !== "type") || (rest.includes("type") && names.type !== "string")) return undefined;
  return [...new Set(values as string[])];
}

/**
 * A map whose keys are an enum (zod's `z.record(z.enum([...]), X)`) is an object with those properties:
 * each named one keeps its schema, the others get `additionalProperties`'s; which are required is kept.
 */
function enumKeyedObject(schema: SchemaObject, keys: string[]): SchemaObject {
  const { propertyNames: _, additionalProperties, ...rest } = schema;
  const named = isSchemaObject(rest.properties) ? rest.properties : {};
  const properties: SchemaObject = {};
  for (const key of keys) {
    if (Object.hasOwn(named, key)) defineOwn(properties, key, named[key]);
    else if (additionalProperties !== false)
      defineOwn(properties, key, additionalProperties === undefined ? true : additionalProperties);
  }
  // `required` stays as it is: a required key outside the enum is one no value can hold (tighten says so).
  const out: SchemaObject = { ...rest, properties, additionalProperties: false };
  if (out.type === undefined) out.type = "object";
  return out;
}

/** Keywords beside anyOf apply to every branch: moved into each, so that the anyOf stands alone. */
function distributeIntoAnyOf(schema: SchemaObject): SchemaObject {
  const outer: SchemaObject = {};
  const inner: SchemaObject = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "anyOf") continue;
    if (ANNOTATIONS.has(k) || k.startsWith("x-") || k === "$defs" || k === "definitions") defineOwn(outer, k, v);
    else defineOwn(inner, k, v);
  }
  outer.anyOf = (schema.anyOf as unknown[]).map((branch) => ({ allOf: [inner, branch] }));
  return outer;
}

/** A tuple whose item schemas are all the same is an array of them with a length range. */
function uniformTuple(schema: SchemaObject, pointer: string, ctx: Context): SchemaObject {
  const keyword = Array.isArray(schema.prefixItems) ? "prefixItems" : "items";
  const tail = keyword === "prefixItems" ? schema.items : schema.additionalItems;
  const list = schema[keyword] as unknown[];
  const first = list[0];
  if (
    list.length === 0 ||
    !list.every((s) => isDeepStrictEqual(s, first)) ||
    (tail !== undefined && tail !== false && !isDeepStrictEqual(tail, first))
  ) {
    throw unsupported(ctx, appendPointer(pointer, keyword), keyword, "a tuple of different item schemas");
  }
  const { prefixItems: _p, additionalItems: _a, ...rest } = schema;
  const out: SchemaObject = { ...rest, items: first, minItems: Math.max(Number(schema.minItems ?? 0), list.length) };
  if (tail === false) out.maxItems = Math.min(Number(schema.maxItems ?? Number.POSITIVE_INFINITY), list.length);
  if (out.type === undefined) out.type = "array";
  return out;
}

/**
 * allOf members merged into one schema (a `$ref` member is replaced by what it names). Keywords that two
 * members both set differently cannot be merged, except `properties` (merged by name when equal) and
 * `required` (united).
 */
function mergeAllOf(schema: SchemaObject, pointer: string, ctx: Context): SchemaObject {
  const { allOf, ...rest } = schema;
  let out: SchemaObject = { ...rest };
  const closures = [closureOf(rest, pointer)];
  (allOf as unknown[]).forEach((member, i) => {
    const at = appendPointer(appendPointer(pointer, "allOf"), i);
    let resolved = member;
    for (let hops = 0; isSchemaObject(resolved) && typeof resolved.$ref === "string" && hops < 32; hops++) {
      const { $ref, ...siblings } = resolved;
      const target = lookup(ctx.root, $ref as string);
      if (!isSchemaObject(target) || target === ctx.root)
        throw unsupported(ctx, at, "allOf", "an allOf member that refers to the whole schema or outside it");
      resolved = { ...siblings, ...target };
    }
    if (resolved === true || (isSchemaObject(resolved) && Object.keys(resolved).length === 0)) return;
    if (!isSchemaObject(resolved)) throw unsupported(ctx, at, "allOf", "an allOf member that admits no value");
    closures.push(closureOf(resolved, at));
    out = mergeTwo(out, resolved, at, ctx);
  });
  return applyClosures(
    out,
    closures.filter((c) => c !== undefined),
    ctx,
  );
}

/** What one allOf member's additionalProperties says of the property names its own properties do not list. */
interface Closure {
  names: Set<string>;
  rest: false | SchemaObject;
  pointer: string;
}

function closureOf(member: SchemaObject, pointer: string): Closure | undefined {
  const rest = member.additionalProperties;
  if (rest !== false && (!isSchemaObject(rest) || isUnconstrained(rest))) return undefined;
  const names = new Set(isSchemaObject(member.properties) ? Object.keys(member.properties) : []);
  return { names, rest, pointer: appendPointer(pointer, "additionalProperties") };
}

/**
 * A member's additionalProperties applies to the properties the other members add (merging them would
 * otherwise admit what it forbids): under `false` an optional one leaves the strict schema (the model
 * cannot send what no value may hold) and a required one makes the schema unsatisfiable; under a schema,
 * the property must match it too.
 */
function applyClosures(merged: SchemaObject, closures: Closure[], ctx: Context): SchemaObject {
  if (closures.length === 0) return merged;
  const properties: SchemaObject = isSchemaObject(merged.properties) ? { ...merged.properties } : {};
  const required = new Set(Array.isArray(merged.required) ? merged.required : []);
  const names = new Set([...Object.keys(properties), ...[...required].filter((k) => typeof k === "string")]);
  for (const name of names) {
    for (const closure of closures) {
      if (closure.names.has(name)) continue;
      if (closure.rest === false) {
        if (required.has(name))
          throw unsupported(
            ctx,
            closure.pointer,
            "allOf",
            `allOf members of which one requires "${name}" and another forbids it (no value fits)`,
          );
        delete properties[name];
        break;
      }
      const own = Object.hasOwn(properties, name) ? properties[name] : undefined;
      defineOwn(properties, name, own === undefined ? closure.rest : { allOf: [own, closure.rest] });
    }
  }
  const schemas = closures.map((c) => c.rest).filter(isSchemaObject);
  // What the merged object's own additionalProperties means now: every closure at once (for members still
  // to merge, from a nested allOf).
  const rest = schemas.length < closures.length ? false : schemas.length === 1 ? schemas[0] : { allOf: schemas };
  return { ...merged, properties, additionalProperties: rest };
}

function mergeTwo(a: SchemaObject, b: SchemaObject, pointer: string, ctx: Context): SchemaObject {
  const out: SchemaObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (!(k in out)) defineOwn(out, k, v);
    else if (k === "required" && Array.isArray(v) && Array.isArray(out.required))
      out.required = [...new Set([...out.required, ...v])];
    else if (k === "properties" && isSchemaObject(v) && isSchemaObject(out.properties)) {
      const merged: SchemaObject = { ...out.properties };
      for (const [name, sub] of Object.entries(v)) {
        if (Object.hasOwn(merged, name) && !isDeepStrictEqual(merged[name], sub))
          defineOwn(merged, name, { allOf: [merged[name], sub] });
        else defineOwn(merged, name, sub);
      }
      out.properties = merged;
    } else if (k === "allOf" && Array.isArray(v)) out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), ...v];
    else if (ANNOTATIONS.has(k) || k.startsWith("x-") || isDeepStrictEqual(out[k], v)) continue;
    else if (k === "additionalProperties") {
      // Strict mode closes every object anyway; the final validator enforces the original's closure.
      out.additionalProperties = false;
    } else throw unsupported(ctx, appendPointer(pointer, k), "allOf", `allOf members that set "${k}" differently`);
  }
  return out;
}

function typeOfValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "number" ? "number" : typeof v;
}

function jsonType(v: unknown, type: string): boolean {
  if (type === "integer") return Number.isInteger(v);
  return typeOfValue(v) === type;
}

/**
 * A root that is only a `$ref` (with definitions beside it) becomes what it names, for the object check:
 * Pydantic writes a recursive root model so, and zod-to-json-schema any model given a `name`. A recursive
 * target keeps referring to its definition, which stays; one nothing refers to any more is dropped (strict
 * mode counts every property and character sent, and would warn twice for everything in it).
 */
function inlineRootRef(schema: SchemaObject): SchemaObject {
  if (typeof schema.$ref !== "string" || "properties" in schema) return schema;
  const target = lookup(schema, schema.$ref);
  if (!isSchemaObject(target) || target === schema) return schema;
  const { $ref: ref, ...rest } = schema;
  // The target's own definitions (or $id) would replace the root's: left as it is (no strict schema).
  if (Object.keys(target).some((k) => k in rest && !ANNOTATIONS.has(k) && !k.startsWith("x-"))) return schema;
  const out: SchemaObject = { ...rest, ...target };
  const path = refTokens(ref);
  const container = path?.length === 2 ? path[0] : undefined;
  const definitions = container === undefined ? undefined : out[container];
  if (path === undefined || container === undefined || !isSchemaObject(definitions)) return out;
  const stillReferred = collectRefs(out).some((r) => {
    const tokens = refTokens(r);
    return tokens === undefined || (tokens[0] === path[0] && tokens[1] === path[1]);
  });
  if (!stillReferred) {
    const { [path[1] as string]: _, ...others } = definitions;
    out[container] = others;
  }
  return out;
}

/** The unescaped tokens of a local JSON Pointer reference ("#/a/b"), or undefined when it is not one. */
function refTokens(ref: unknown): string[] | undefined {
  const pointer = localPointer(ref);
  return pointer === undefined ? undefined : pointerTokens(pointer);
}

function collectRefs(schema: SchemaObject): string[] {
  const refs: string[] = [];
  mapSchema(schema, (s) => {
    if (typeof s.$ref === "string") refs.push(s.$ref);
    return s;
  });
  return refs;
}

/**
 * Strict mode reads definitions at the root only: nested `$defs`/`definitions` (bundled files keep their
 * own) move to the root's, under a unique name, and every `$ref` into them is rewritten.
 */
function hoistDefinitions(schema: SchemaObject): SchemaObject {
  const rootKeyword = isSchemaObject(schema.definitions) && !isSchemaObject(schema.$defs) ? "definitions" : "$defs";
  const moved = new Map<string, string>(); // old pointer -> new pointer
  const containers = new Set<string>(); // schemas whose definitions moved
  const hoisted: SchemaObject = {};
  const taken = new Set(
    ["$defs", "definitions"].flatMap((k) => (isSchemaObject(schema[k]) ? Object.keys(schema[k] as SchemaObject) : [])),
  );
  const stripped = mapSchema(schema, (s, pointer) => {
    for (const keyword of ["$defs", "definitions"]) {
      if (!isSchemaObject(s[keyword])) continue;
      const isRoot = pointer === "";
      if (isRoot && keyword === rootKeyword) continue;
      containers.add(pointer);
      for (const [name, def] of Object.entries(s[keyword] as SchemaObject)) {
        let flat = isRoot
          ? name
          : `${pointerTokens(pointer)
              .filter((t) => t !== "$defs" && t !== "definitions" && t !== "")
              .join(".")}.${name}`;
        while (taken.has(flat)) flat = `${flat}_`;
        taken.add(flat);
        defineOwn(hoisted, flat, def);
        moved.set(
          appendPointer(appendPointer(pointer, keyword), name),
          appendPointer(appendPointer("", rootKeyword), flat),
        );
      }
      delete s[keyword];
    }
    return s;
  }) as SchemaObject;
  if (moved.size === 0) return schema;
  const prefixes = [...moved.keys()].sort((a, b) => b.length - a.length);
  const rewriteRef = (ref: string): string => {
    const path = localPointer(ref);
    if (path === undefined) return ref;
    // Apply repeatedly: a definition nested in a moved one has its own entry with the longer prefix.
    for (const from of prefixes) {
      if (path === from || path.startsWith(`${from}/`)) return `#${moved.get(from)}${path.slice(from.length)}`;
    }
    return ref;
  };
  const rewriteAll = (schema: unknown) =>
    mapSchema(schema, (s) => {
      if (typeof s.$ref === "string") s.$ref = rewriteRef(s.$ref);
      return s;
    });
  const out = rewriteAll(stripped) as SchemaObject;
  const defs: SchemaObject = isSchemaObject(out[rootKeyword]) ? { ...(out[rootKeyword] as SchemaObject) } : {};
  // A bundled file of definitions only is left as an empty shell once its definitions moved: no value.
  const text = JSON.stringify(out);
  for (const [name, def] of Object.entries(defs)) {
    const pointer = appendPointer(appendPointer("", rootKeyword), name);
    if (isSchemaObject(def) && isUnconstrained(def) && containers.has(pointer) && !text.includes(`"#${pointer}"`))
      delete defs[name];
  }
  for (const [name, def] of Object.entries(hoisted)) defineOwn(defs, name, rewriteAll(def));
  out[rootKeyword] = defs;
  return out;
}

/** What a local `$ref` names in the schema, or undefined. */
function lookup(root: SchemaObject, ref: string): unknown {
  const pointer = localPointer(ref);
  return pointer === undefined ? undefined : resolvePointer(root, pointer);
}

/** Optional properties become required-but-nullable, the only way strict mode can leave a value out. */
function nullable(schema: unknown): unknown {
  if (!isSchemaObject(schema)) return schema;
  if (typeof schema.type === "string" && !("$ref" in schema) && !("anyOf" in schema)) {
    const out: SchemaObject = { ...schema, type: [schema.type, "null"] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    if ("const" in schema) return { anyOf: [schema, { type: "null" }] };
    return out;
  }
  if (Array.isArray(schema.type)) {
    if (schema.type.includes("null")) return schema;
    const out: SchemaObject = { ...schema, type: [...schema.type, "null"] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    return out;
  }
  if (Array.isArray(schema.anyOf)) {
    if (schema.anyOf.some((s) => isSchemaObject(s) && s.type === "null")) return schema;
    return { ...schema, anyOf: [...schema.anyOf, { type: "null" }] };
  }
  if (Array.isArray(schema.enum))
    return schema.enum.includes(null) ? schema : { ...schema, enum: [...schema.enum, null] };
  if ("$ref" in schema && typeof schema.description === "string") {
    return { description: schema.description, anyOf: [{ $ref: schema.$ref }, { type: "null" }] };
  }
  return { anyOf: [schema, { type: "null" }] };
}

function isUnconstrained(schema: SchemaObject): boolean {
  return !Object.keys(schema).some((k) => !ANNOTATIONS.has(k) && !k.startsWith("x-"));
}

/**
 * A keyword left out of the strict schema: a loss when the full validator enforces it, nothing when it
 * does not (a keyword or format Ajv does not know, which it ignores).
 */
function reportRemoved(ctx: Context, pointer: string, keyword: string, value: unknown, why: string): void {
  if (!enforced(ctx.dialect, keyword, value)) return;
  const at = appendPointer(pointer, keyword);
  ctx.warnings.push(
    lossWarning(
      ctx.file,
      at,
      keyword,
      `"${keyword}" ${why}: removed from ${STRICT_LOSS} (the final validator still enforces it)`,
    ),
  );
}

/** A step that makes the strict schema admit what the original does not (see strict-loss.ts). */
function loss(ctx: Context, pointer: string, keyword: string, what: string): void {
  ctx.warnings.push(
    lossWarning(ctx.file, pointer, keyword, `${what}; ${STRICT_LOSS} admits it, the final validator does not`),
  );
}

function notAnObject(file: string): GenerateError {
  return new GenerateError(
    file,
    "",
    'OpenAI strict mode needs an object schema at the root (type: "object", not anyOf)',
    "type",
  );
}

function unsupported(ctx: Context, pointer: string, keyword: string, what = `"${keyword}"`): GenerateError {
  return new GenerateError(
    ctx.file,
    pointer,
    `${what} cannot be expressed in OpenAI strict mode (keyword "${keyword}")`,
    keyword,
  );
}
