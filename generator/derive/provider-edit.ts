import { isSchemaObject, mapSchema, type SchemaObject } from "../schema/walk.js";

/** How a provider's pass reports what it changes. */
export interface SchemaEdit {
  /** Removes a keyword from `s` (at `pointer`): a loss when the full validator enforces it. */
  remove(s: SchemaObject, pointer: string, keyword: string, why?: string): void;
  /** A rewrite that admits values the original does not. */
  loss(pointer: string, keyword: string, message: string): void;
  /** A published limit the schema breaks: the API may refuse it (the schema is sent anyway). */
  refusal(pointer: string, keyword: string, message: string): void;
}

/** Copies a schema and visits every subschema, children first, each a fresh object the visitor may change. */
export function editSchemas(schema: SchemaObject, visit: (s: SchemaObject, pointer: string) => SchemaObject) {
  return mapSchema(structuredClone(schema), (s, pointer) => visit(s, pointer)) as SchemaObject;
}

/** A cycle of references: the pointer of the definition it starts at, and its references written out. */
export interface RefCycle {
  pointer: string;
  text: string;
}

/**
 * The `$ref` cycles of a schema whose definitions are all at the root: each as the definition names it runs
 * through. `follow` says whether a subschema's references count (for Gemini, only those reached through
 * required properties; for Anthropic, all).
 */
export function refCycles(
  root: SchemaObject,
  follow: (parent: SchemaObject, keyword: string, key: string | undefined) => boolean,
): RefCycle[] {
  const defs = new Map<string, unknown>();
  for (const keyword of ["$defs", "definitions"]) {
    const group = root[keyword];
    if (isSchemaObject(group)) for (const [name, def] of Object.entries(group)) defs.set(`#/${keyword}/${name}`, def);
  }
  const edges = new Map<string, Set<string>>();
  const refsOf = (s: unknown, out: Set<string>) => {
    if (!isSchemaObject(s)) return;
    if (typeof s.$ref === "string") out.add(s.$ref);
    for (const [keyword, value] of Object.entries(s)) {
      if (keyword === "$defs" || keyword === "definitions") continue;
      if (keyword === "properties" && isSchemaObject(value)) {
        for (const [key, sub] of Object.entries(value)) if (follow(s, keyword, key)) refsOf(sub, out);
      } else if (keyword === "anyOf" && Array.isArray(value)) {
        if (follow(s, keyword, undefined)) for (const sub of value) refsOf(sub, out);
      } else if ((keyword === "items" || keyword === "additionalProperties") && follow(s, keyword, undefined)) {
        refsOf(value, out);
      }
    }
  };
  const refSet = new Set<string>();
  refsOf(root, refSet);
  edges.set("#", refSet);
  for (const [ref, def] of defs) {
    const out = new Set<string>();
    refsOf(def, out);
    edges.set(ref, out);
  }
  const cycles: RefCycle[] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const dfs = (node: string) => {
    state.set(node, "open");
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") {
        const nodes = path.slice(path.indexOf(next));
        cycles.push({ pointer: next === "#" ? "" : next.slice(1), text: [...nodes, next].join(" → ") });
      } else if (state.get(next) === undefined && edges.has(next)) dfs(next);
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (state.get(node) === undefined) dfs(node);
  return cycles;
}
