import { type Code, type CommentText, code, type Identifier, joinCode } from "../generator/code/safe.js";
import { renderHeader } from "./header.js";
import { type ImportExtension, renderTypeImports, type TypeImport } from "./imports.js";

/**
 * The module generated for a file that only holds definitions for other schemas: types only (no validators,
 * no strict schema, no streamX()); other modules import these types instead of declaring them again.
 */
export interface DefinitionsModuleView {
  source: CommentText;
  typeName: Identifier;
  typeImports: readonly TypeImport[];
  importExtension: ImportExtension;
  fullTypes: Code;
  partialTypes: Code;
}

export function renderDefinitionsModule(v: DefinitionsModuleView): Code {
  const lines = renderTypeImports(v.typeImports, v.importExtension);
  const imports = lines.length > 0 ? code`${joinCode(lines, code`\n`)}\n\n` : code``;
  return code`${renderHeader(v.source)}
// Definitions shared by other schemas; ${v.typeName} is the union of them all.

${imports}${v.fullTypes}

// Stream snapshots: every property optional, recursively; values shown only when complete keep their type.

${v.partialTypes}
`;
}
