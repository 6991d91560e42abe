import { stringLiteral } from "../generator/code/literals.js";
import { type Code, type CodeLiteral, code, type FileStem, joinCode } from "../generator/code/safe.js";
import type { TypeImport } from "../generator/types/linked.js";

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

export function renderTypeImports(imports: readonly TypeImport[], extension: ImportExtension): Code[] {
  return imports.map((i) => {
    const names = i.names.map((n) => (n.name === n.alias ? code`${n.name}` : code`${n.name} as ${n.alias}`));
    return code`import type { ${joinCode(names, code`, `)} } from ${siblingModule(i.module, extension)};`;
  });
}
