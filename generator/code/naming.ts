import { createHash } from "node:crypto";
// json-schema-to-typescript declares every type under toSafeString(title or key): our root type name is that
// function's own output (not a reimplementation), so the name we reference is the name it declares.
import { toSafeString } from "json-schema-to-typescript/dist/src/utils.js";
import type { FileStem, Identifier } from "./safe.js";

/** Names for generated declarations and files. Every name that reaches code is made here (an Identifier). */

const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with as implements interface let package private protected public static yield any boolean number string symbol unknown never object undefined bigint type".split(
    " ",
  ),
);

/**
 * The type name json-schema-to-typescript gives a schema with this title (PascalCase, ASCII identifier
 * characters), or undefined when nothing of the text survives (a title such as "123" or "日本").
 * Its output never starts with a lowercase letter, so lowercase names in generated code (the runtime's
 * namespace import, `validateX`, `streamX`) can never be taken by a schema.
 */
export function typeName(text: string): Identifier | undefined {
  const name = toSafeString(text);
  return name === "" ? undefined : (name as Identifier);
}

/** The type name of the first text that gives one (see typeName), else the fallback. */
export function firstTypeName(texts: readonly string[], fallback: "Schema" | "Definition"): Identifier {
  for (const text of texts) {
    const name = typeName(text);
    if (name !== undefined) return name;
  }
  return fallback as Identifier;
}

/** The name of a type's stream snapshot type: MeetingInfo -> PartialMeetingInfo. */
export function partialName(type: Identifier): Identifier {
  return `Partial${type}` as Identifier;
}

/** A name made distinct by a number: Amount, 2 -> Amount2. */
export function numberedName(name: Identifier, n: number): Identifier {
  return `${name}${n}` as Identifier;
}

/** camelCase value name derived from a type name: MeetingInfo -> meetingInfo. */
export function valueName(type: Identifier): Identifier {
  const match = /^[A-Z]+(?=[A-Z][a-z]|[0-9]|$)|^[A-Z]/.exec(type);
  const head = match ? match[0].toLowerCase() : "";
  const name = head + type.slice(head.length);
  return (RESERVED.has(name) ? `${name}Schema` : name) as Identifier;
}

/** Longest file stem before it is shortened: with ".validators.ts" well under the 255 bytes file systems allow. */
const MAX_STEM = 96;
/** Stems that are not free: our index module, and device names Windows reserves in every directory. */
const TAKEN_STEMS = /^(index|con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

/**
 * kebab-case file stem: MeetingInfo -> meeting-info. Long names are cut and keep a hash of the whole name,
 * so stems stay distinct; two names may still map to one stem ("ABTest", "AbTest"), which the generator
 * reports before writing anything.
 */
export function fileStem(type: string): FileStem {
  let stem = type
    .replace(/([a-z])([A-Z])/g, "$1-$2")
    .replace(/([0-9])([A-Z][a-z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (stem === "") stem = "schema";
  if (stem.length > MAX_STEM) {
    const hash = createHash("sha256").update(type).digest("hex").slice(0, 10);
    stem = `${stem.slice(0, MAX_STEM - hash.length - 1).replace(/-+$/, "")}-${hash}`;
  }
  return (TAKEN_STEMS.test(stem) ? `${stem}-schema` : stem) as FileStem;
}

/** The stem of a module generated beside a schema's: meeting-info -> meeting-info.validators. */
export function companionStem(stem: FileStem, role: "validators" | "hints" | "client"): FileStem {
  return `${stem}.${role}` as FileStem;
}

/** A name OpenAI accepts for a response format or tool (^[a-zA-Z0-9_-]{1,64}$). */
export function openAIName(type: string): string {
  return type.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
}

export function isIdentifier(text: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(text) && !RESERVED.has(text);
}
