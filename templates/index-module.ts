import { renderHeader } from "./header.js";
import { type ImportExtension, siblingModule } from "./imports.js";

export interface IndexEntry {
  module: string;
  typeName: string;
  partialTypeName: string;
  valueName: string;
  /** For a definitions-only file: the type of each definition (the module then exports types only). */
  definitionTypes?: readonly string[];
}

export function renderIndexModule(entries: readonly IndexEntry[], extension: ImportExtension): string {
  const lines = entries.map((e) =>
    e.definitionTypes
      ? `export {\n${[e.typeName, ...e.definitionTypes].flatMap((t) => [`  type ${t},`, `  type Partial${t},`]).join("\n")}\n} from ${siblingModule(e.module, extension)};`
      : `export {\n  type ${e.typeName},\n  type ${e.partialTypeName},\n  ${e.valueName}JsonSchema,\n  ${e.valueName}StrictSchema,\n  stream${e.typeName},\n  validate${e.typeName},\n  validate${e.partialTypeName},\n} from ${siblingModule(e.module, extension)};`,
  );
  return `${renderHeader()}\n${lines.join("\n")}\n`;
}
