import { appendPointer } from "@partialgen/runtime";

export type SchemaObject = { [keyword: string]: unknown };

/** Keywords whose value is one subschema. */
const SINGLE = [
  "additionalProperties",
  "additionalItems",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
];
/** Keywords whose value is a list of subschemas. */
const LIST = ["allOf", "anyOf", "oneOf", "prefixItems"];
/** Keywords whose value maps names to subschemas. */
const MAP = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

export function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Copies one schema object, passing each direct subschema through `map` (with its JSON Pointer). Only
 * keywords that hold subschemas are mapped, so `enum`, `const`, `default` and `examples` data are never
 * mistaken for schemas. Derivations recurse by calling this from their own `map`.
 */
export function mapSubschemas(
  schema: SchemaObject,
  pointer: string,
  map: (sub: unknown, pointer: string) => unknown,
): SchemaObject {
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(schema)) {
    const at = appendPointer(pointer, key);
    if (SINGLE.includes(key) || (key === "items" && !Array.isArray(value))) {
      defineOwn(out, key, map(value, at));
    } else if (LIST.includes(key) || (key === "items" && Array.isArray(value))) {
      defineOwn(out, key, Array.isArray(value) ? value.map((s, i) => map(s, appendPointer(at, i))) : value);
    } else if ((MAP.includes(key) || key === "dependencies") && isSchemaObject(value)) {
      const mapped: SchemaObject = {};
      for (const [name, sub] of Object.entries(value)) {
        // draft-07 "dependencies" mixes schemas with lists of property names
        defineOwn(mapped, name, Array.isArray(sub) ? sub : map(sub, appendPointer(at, name)));
      }
      defineOwn(out, key, mapped);
    } else {
      defineOwn(out, key, value);
    }
  }
  return out;
}

/** Rebuilds a schema bottom-up: `visit` receives each schema object after its subschemas were rebuilt. */
export function mapSchema(
  schema: unknown,
  visit: (s: SchemaObject, pointer: string) => unknown,
  pointer = "",
): unknown {
  if (!isSchemaObject(schema)) return schema;
  return visit(
    mapSubschemas(schema, pointer, (sub, at) => mapSchema(sub, visit, at)),
    pointer,
  );
}

/** Assignment that stays an own data property even for the key "__proto__" (schemas may name such properties). */
export function defineOwn(target: SchemaObject, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Calls `visit` on every schema object, parents first, with its JSON Pointer and its parent's result. */
export function walkSchemas<C>(
  schema: unknown,
  context: C,
  visit: (s: SchemaObject, pointer: string, parent: C) => C,
  pointer = "",
): void {
  if (!isSchemaObject(schema)) return;
  const own = visit(schema, pointer, context);
  mapSubschemas(schema, pointer, (sub, at) => {
    walkSchemas(sub, own, visit, at);
    return sub;
  });
}
