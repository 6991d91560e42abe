import { stringLiteral } from "../generator/code/literals.js";
import { type Code, type CodeLiteral, code, type FileStem, type Identifier, joinCode } from "../generator/code/safe.js";

/**
 * How generated modules name each other. One place decides the text of a relative import, so every template
 * (and `--check`) agrees: the extension is what the consuming toolchain resolves (see
 * generator/import-extension.ts for how it is chosen).
 */
export const IMPORT_EXTENSIONS = ["js", "ts", "none"] as const;
export type ImportExtension = (typeof IMPORT_EXTENSIONS)[number];

/** The quoted specifier of a sibling module. */
export function siblingModule(stem: FileStem, extension: ImportExtension): CodeLiteral {
  return stringLiteral(`./${stem}${extension === "none" ? "" : `.${extension}`}`);
}

/** Types one generated module imports from another, each under its name there and its name here. */
export interface TypeImport {
  module: FileStem;
  names: { name: Identifier; alias: Identifier }[];
}

export function renderTypeImports(imports: readonly TypeImport[], extension: ImportExtension): Code[] {
  return imports.map((i) => {
    const names = i.names.map((n) => (n.name === n.alias ? code`${n.name}` : code`${n.name} as ${n.alias}`));
    return code`import type { ${joinCode(names, code`, `)} } from ${siblingModule(i.module, extension)};`;
  });
}
