/**
 * How generated modules name each other. One place decides the text of a relative import, so every template
 * (and `--check`) agrees: the extension is what the consuming toolchain resolves (see
 * generator/import-extension.ts for how it is chosen).
 */
export const IMPORT_EXTENSIONS = ["js", "ts", "none"] as const;
export type ImportExtension = (typeof IMPORT_EXTENSIONS)[number];

/** The quoted specifier of a sibling module; `stem` comes from generator/code/naming.ts (no quote can occur in it). */
export function siblingModule(stem: string, extension: ImportExtension): string {
  return JSON.stringify(`./${stem}${extension === "none" ? "" : `.${extension}`}`);
}

/** Types one generated module imports from another: `names` is the list inside the braces ("A, B as B2"). */
export interface TypeImport {
  module: string;
  names: string;
}

export function renderTypeImports(imports: readonly TypeImport[], extension: ImportExtension): string[] {
  return imports.map((i) => `import type { ${i.names} } from ${siblingModule(i.module, extension)};`);
}
