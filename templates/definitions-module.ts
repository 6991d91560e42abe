import type { TypeImport } from "../generator/types/linked.js";
import { renderHeader } from "./header.js";
import { type ImportExtension, renderTypeImports } from "./imports.js";

/**
 * The module generated for a file that only holds definitions for other schemas: types only (no validators,
 * no strict schema, no streamX()); other modules import these types instead of declaring them again.
 */
export interface DefinitionsModuleView {
  source: string;
  typeName: string;
  typeImports: readonly TypeImport[];
  importExtension: ImportExtension;
  fullTypes: string;
  partialTypes: string;
}

export function renderDefinitionsModule(v: DefinitionsModuleView): string {
  const lines = renderTypeImports(v.typeImports, v.importExtension);
  const imports = lines.length > 0 ? `${lines.join("\n")}\n\n` : "";
  return `${renderHeader(v.source)}
// Definitions shared by other schemas; ${v.typeName} is the union of them all.

${imports}${v.fullTypes}

// Stream snapshots: every property optional, recursively; values shown only when complete keep their type.

${v.partialTypes}
`;
}
