import { defineOwn, isSchemaObject, mapSchema, type SchemaObject } from "../schema/walk.js";

/**
 * Named rewrites applied before anything else, so later stages see one dialect. Each rule is small and
 * listed here with what it does; test/generator/derive.test.ts ("normalisation rules") has a case per rule.
 */
export const NORMALIZE_RULES: { name: string; apply: (s: SchemaObject, pointer: string) => void }[] = [
  {
    name: "draft-04 boolean exclusiveMinimum/exclusiveMaximum become numbers",
    apply(s) {
      for (const [flag, bound] of [
        ["exclusiveMinimum", "minimum"],
        ["exclusiveMaximum", "maximum"],
      ] as const) {
        if (typeof s[flag] !== "boolean") continue;
        if (s[flag] === true && typeof s[bound] === "number") {
          s[flag] = s[bound];
          delete s[bound];
        } else delete s[flag];
      }
    },
  },
  {
    name: "draft-04 and draft-06 $schema are read as draft-07",
    apply(s, pointer) {
      if (pointer === "" && typeof s.$schema === "string" && /draft-0[346]/.test(s.$schema)) {
        s.$schema = "http://json-schema.org/draft-07/schema#";
      }
    },
  },
  {
    name: "OpenAPI nullable: true adds null to the type (and to an enum), as Ajv's nullable keyword reads it",
    apply(s) {
      if (s.nullable !== true || s.type === undefined) return;
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.includes("null")) s.type = [...types, "null"];
      if (Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
      delete s.nullable;
    },
  },
  {
    name: "identity escapes the Unicode-mode validators reject (zod-to-json-schema's startsWith) are unescaped",
    apply(s) {
      if (typeof s.pattern === "string") s.pattern = unicodeSafePattern(s.pattern);
      if (isSchemaObject(s.patternProperties)) {
        const renamed: SchemaObject = {};
        for (const [key, value] of Object.entries(s.patternProperties))
          defineOwn(renamed, unicodeSafePattern(key), value);
        s.patternProperties = renamed;
      }
    },
  },
  {
    name: "draft-04 id is dropped (bundling already made every reference local)",
    apply(s) {
      if (typeof s.id === "string" && !("$id" in s)) delete s.id;
    },
  },
];

export function normalize(schema: unknown): unknown {
  return mapSchema(schema, (s, pointer) => {
    for (const rule of NORMALIZE_RULES) rule.apply(s, pointer);
    return s;
  });
}

/** What a Unicode-mode pattern may escape besides letters and digits (which form escapes such as \d, \p{L}). */
const SYNTAX_CHARACTERS = new Set("^$\\.*+?()[]{}|/");

/**
 * The validators compile patterns with the "u" flag, where escaping a character that is not a syntax
 * character (`\:`, `\@`, `\-` outside a class) is an error; without it, as zod and most JavaScript code
 * compile them, such an escape stands for the character itself. zod-to-json-schema escapes every
 * non-alphanumeric character of a `startsWith`/`endsWith`/`includes` literal this way. A pattern that is
 * valid without the flag and becomes valid with it once those escapes are removed is rewritten so (same
 * meaning); any other pattern is left for the pattern check, which names it.
 */
export function unicodeSafePattern(pattern: string): string {
  if (compiles(pattern, "u") || !compiles(pattern, "")) return pattern;
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\" && i + 1 < pattern.length) {
      const next = pattern[i + 1] as string;
      const realEscape = /[A-Za-z0-9]/.test(next) || SYNTAX_CHARACTERS.has(next) || (inClass && next === "-");
      out += realEscape ? c + next : next;
      i++;
      continue;
    }
    if (inClass) inClass = c !== "]";
    else inClass = c === "[";
    out += c;
  }
  return compiles(out, "u") ? out : pattern;
}

function compiles(pattern: string, flags: string): boolean {
  try {
    new RegExp(pattern, flags);
    return true;
  } catch {
    return false;
  }
}
