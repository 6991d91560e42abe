import { isIdentifier } from "./naming.js";

/**
 * All escaping of text that reaches generated code lives here. Schema content (names, titles,
 * descriptions, enum values) is only ever emitted through these functions.
 */

/** A JavaScript string literal: JSON quoting, plus the two line terminators JSON leaves raw. */
export function stringLiteral(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** An identifier that must be one; the generator only builds names through naming.ts, so anything else is a bug. */
export function identifier(name: string): string {
  if (!isIdentifier(name)) throw new Error(`internal error: "${name}" is not a safe identifier`);
  return name;
}

/** A block comment body: `*\/` cannot end the comment early, and lines are prefixed. */
export function docComment(text: string, indent = ""): string {
  const lines = text.replace(/\*\//g, "*\\/").replace(/\r\n?/g, "\n").split("\n");
  return `${indent}/**\n${lines.map((l) => `${indent} *${l === "" ? "" : ` ${l}`}`).join("\n")}\n${indent} */`;
}

/**
 * A JSON value as a TypeScript expression. Keys are string literals, and "__proto__" is written as a
 * computed key: in an object literal a plain `"__proto__":` key sets the prototype instead.
 */
export function jsonLiteral(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "string") return stringLiteral(value);
    if (typeof value === "number" && !Number.isFinite(value))
      throw new Error("internal error: non-finite number in JSON");
    return JSON.stringify(value);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + jsonLiteral(v, inner)).join(",\n")},\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  const body = entries.map(
    ([k, v]) => `${inner}${k === "__proto__" ? `[${stringLiteral(k)}]` : stringLiteral(k)}: ${jsonLiteral(v, inner)}`,
  );
  return `{\n${body.join(",\n")},\n${indent}}`;
}
