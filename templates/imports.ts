import type { TypeImport } from "../generator/types/linked.js";

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

export function renderTypeImports(imports: readonly TypeImport[], extension: ImportExtension): string[] {
  return imports.map((i) => `import type { ${i.names} } from ${siblingModule(i.module, extension)};`);
}
