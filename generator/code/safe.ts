/**
 * Values that are safe to place in generated code, as types: templates interpolate only these (through the
 * `code` tag), so a schema's text cannot reach generated code without passing code/naming.ts (identifiers,
 * file stems) or code/literals.ts (literals, comments, tool output). A raw string is a type error.
 */
declare const safe: unique symbol;

/** An identifier that is one and is no reserved word (code/naming.ts). */
export type Identifier = string & { readonly [safe]: "Identifier" };
/** A generated module's file stem: lowercase letters, digits, "-" and "." only (code/naming.ts). */
export type FileStem = string & { readonly [safe]: "FileStem" };
/** A JavaScript literal: a quoted string or a JSON value as an expression (code/literals.ts). */
export type CodeLiteral = string & { readonly [safe]: "CodeLiteral" };
/** Text for a line comment: no line break, no control character (code/literals.ts). */
export type CommentText = string & { readonly [safe]: "CommentText" };
/** Code: built by `code` from safe values, or written by a generator we steer (code/literals.ts). */
export type Code = string & { readonly [safe]: "Code" };

export type Safe = Identifier | FileStem | CodeLiteral | CommentText | Code;

/** Tag for template literals of generated code: every interpolated value must be a safe value. */
export function code(strings: TemplateStringsArray, ...values: readonly Safe[]): Code {
  let out = strings[0] as string;
  for (const [i, value] of values.entries()) out += value + (strings[i + 1] as string);
  return out as Code;
}

/** Pieces of code joined by a separator that is code itself. */
export function joinCode(pieces: readonly Code[], separator: Code): Code {
  return pieces.join(separator) as Code;
}
