import { isIdentifier } from "./naming.js";
import type { Code, CodeLiteral, CommentText, Identifier } from "./safe.js";

/**
 * All escaping of text that reaches generated code lives here. Schema content (names, titles,
 * descriptions, enum values) is only ever emitted through these functions.
 */

/** A JavaScript string literal: JSON quoting, plus the two line terminators JSON leaves raw. */
export function stringLiteral(text: string): CodeLiteral {
  return JSON.stringify(text)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029") as CodeLiteral;
}

/** An identifier that must be one; the generator only builds names through naming.ts, so anything else is a bug. */
export function identifier(name: string): Identifier {
  if (!isIdentifier(name)) throw new Error(`internal error: "${name}" is not a safe identifier`);
  return name as Identifier;
}

/** Text for a line comment (a file path): control characters and line separators become "?". */
export function commentText(text: string): CommentText {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return text.replace(/[\u0000-\u001f\u2028\u2029]/g, "?") as CommentText;
}

/**
 * Code another generator wrote from a schema: json-schema-to-typescript's declarations (types/declare.ts) and
 * Ajv's standalone validators (validators/standalone.ts). Each is steered so that schema text reaches it only
 * as escaped comments, literals and identifiers; this marks their output as code templates may take.
 */
export function generatedCode(text: string): Code {
  return text as Code;
}

/**
 * A JSON value as a TypeScript expression. Keys are string literals, and "__proto__" is written as a
 * computed key: in an object literal a plain `"__proto__":` key sets the prototype instead.
 */
export function jsonLiteral(value: unknown, indent = ""): CodeLiteral {
  return jsonText(value, indent) as CodeLiteral;
}

function jsonText(value: unknown, indent: string): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "string") return stringLiteral(value);
    if (typeof value === "number" && !Number.isFinite(value))
      throw new Error("internal error: non-finite number in JSON");
    return JSON.stringify(value);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + jsonText(v, inner)).join(",\n")},\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  const body = entries.map(
    ([k, v]) => `${inner}${k === "__proto__" ? `[${stringLiteral(k)}]` : stringLiteral(k)}: ${jsonText(v, inner)}`,
  );
  return `{\n${body.join(",\n")},\n${indent}}`;
}
