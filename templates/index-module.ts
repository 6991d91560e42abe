import { renderHeader } from "./header.js";

export interface IndexEntry {
  module: string;
  typeName: string;
  partialTypeName: string;
  valueName: string;
}

export function renderIndexModule(entries: readonly IndexEntry[]): string {
  const lines = entries.map(
    (e) =>
      `export {\n  type ${e.typeName},\n  type ${e.partialTypeName},\n  ${e.valueName}JsonSchema,\n  ${e.valueName}StrictSchema,\n  stream${e.typeName},\n  validate${e.typeName},\n  validate${e.partialTypeName},\n} from "./${e.module}.js";`,
  );
  return `${renderHeader()}\n${lines.join("\n")}\n`;
}
