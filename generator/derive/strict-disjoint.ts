import { isDeepStrictEqual } from "node:util";
import { isSchemaObject, type SchemaObject } from "../schema/walk.js";

/**
 * Whether turning a `oneOf` into strict mode's `anyOf` is exact: it is when no value the strict form of one
 * branch admits also matches another branch, so that "exactly one" and "at least one" agree. Judged on the
 * original branches, conservatively: a pair not shown apart counts as overlapping.
 *
 * Two branches are apart when the types they admit do not meet, when both allow finitely many values
 * (enum/const) and none is shared, or when they meet only on objects and both require a property whose
 * allowed values (a tag) have none in common.
 */
export function oneOfIsExact(branches: readonly unknown[], lookup: (ref: string) => unknown): boolean {
  const shapes = branches.map((b) => describe(b, lookup, 0));
  for (let i = 0; i < shapes.length; i++) {
    for (let j = i + 1; j < shapes.length; j++) {
      if (!apart(shapes[i] as Shape, shapes[j] as Shape)) return false;
    }
  }
  return true;
}

/** JSON types, with numbers split so that "integer" is a part of "number". */
type Kind = "null" | "boolean" | "object" | "array" | "string" | "integer" | "fraction";
const ALL: readonly Kind[] = ["null", "boolean", "object", "array", "string", "integer", "fraction"];

interface Shape {
  /** What the branch admits (the full validator's reading). */
  full: Set<Kind>;
  /** What its strict form admits: a typeless branch with properties becomes an object. */
  strict: Set<Kind>;
  /** Finitely many values, when the branch is an enum or const. */
  values: unknown[] | undefined;
  /** Required properties restricted to finitely many values. */
  tags: Map<string, unknown[]>;
}

const MAX_HOPS = 32;

function resolve(schema: unknown, lookup: (ref: string) => unknown): unknown {
  let s = schema;
  for (let hops = 0; isSchemaObject(s) && typeof s.$ref === "string" && hops < MAX_HOPS; hops++) s = lookup(s.$ref);
  return s;
}

function describe(branch: unknown, lookup: (ref: string) => unknown, depth: number): Shape {
  const s = resolve(branch, lookup);
  const any: Shape = { full: new Set(ALL), strict: new Set(ALL), values: undefined, tags: new Map() };
  if (!isSchemaObject(s) || depth > MAX_HOPS) return any;
  const values = finiteValues(s);
  if (values) {
    const kinds = new Set(values.map(kindOf));
    return { full: kinds, strict: kinds, values, tags: new Map() };
  }
  const shape: Shape = { ...any, tags: tagsOf(s, lookup) };
  const declared = kindsOfType(s.type);
  const unions = ["anyOf", "oneOf"].map((k) => s[k]).filter(Array.isArray) as unknown[][];
  if (declared) shape.full = declared;
  else if (unions.length === 1 && !("allOf" in s)) {
    // A nested union admits what its branches admit together.
    const parts = (unions[0] as unknown[]).map((b) => describe(b, lookup, depth + 1));
    shape.full = new Set(parts.flatMap((p) => [...p.full]));
    shape.strict = new Set(parts.flatMap((p) => [...p.strict]));
    return shape;
  }
  shape.strict = declared ?? (isSchemaObject(s.properties) ? new Set<Kind>(["object"]) : shape.full);
  return shape;
}

function finiteValues(s: SchemaObject): unknown[] | undefined {
  if ("const" in s) return [s.const];
  return Array.isArray(s.enum) ? s.enum : undefined;
}

function kindsOfType(type: unknown): Set<Kind> | undefined {
  const list = typeof type === "string" ? [type] : Array.isArray(type) ? type : undefined;
  if (!list) return undefined;
  const kinds = new Set<Kind>();
  for (const t of list) {
    if (t === "number") kinds.add("integer").add("fraction");
    else if (ALL.includes(t as Kind) && t !== "fraction") kinds.add(t as Kind);
  }
  return kinds;
}

function kindOf(v: unknown): Kind {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "fraction";
  return typeof v as Kind;
}

function tagsOf(s: SchemaObject, lookup: (ref: string) => unknown): Map<string, unknown[]> {
  const tags = new Map<string, unknown[]>();
  const required = Array.isArray(s.required) ? s.required : [];
  if (!isSchemaObject(s.properties)) return tags;
  for (const [key, sub] of Object.entries(s.properties)) {
    const target = resolve(sub, lookup);
    const values = required.includes(key) && isSchemaObject(target) ? finiteValues(target) : undefined;
    if (values) tags.set(key, values);
  }
  return tags;
}

function apart(a: Shape, b: Shape): boolean {
  // A value of one branch's strict form that also matches the other branch: on the types they share.
  const shared = new Set([...a.strict].filter((k) => b.full.has(k)));
  for (const k of b.strict) if (a.full.has(k)) shared.add(k);
  if (shared.size === 0) return true;
  if (a.values && b.values) return !a.values.some((v) => b.values?.some((w) => isDeepStrictEqual(v, w)));
  if ([...shared].some((k) => k !== "object")) return false;
  return [...a.tags].some(([key, values]) => {
    const other = b.tags.get(key);
    return other !== undefined && !values.some((v) => other.some((w) => isDeepStrictEqual(v, w)));
  });
}
