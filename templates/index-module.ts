import { partialName } from "../generator/code/naming.js";
import { type Code, code, type FileStem, type Identifier, joinCode } from "../generator/code/safe.js";
import { renderHeader } from "./header.js";
import { type ImportExtension, siblingModule } from "./imports.js";

export interface IndexEntry {
  module: FileStem;
  typeName: Identifier;
  partialTypeName: Identifier;
  valueName: Identifier;
  /** For a definitions-only file: the type of each definition (the module then exports types only). */
  definitionTypes?: readonly Identifier[];
}

/** Every name index.ts re-exports from one module: its types, and its values (none for definitions). */
export function indexExports(e: IndexEntry): { types: Identifier[]; values: Code[] } {
  if (e.definitionTypes)
    return { types: [e.typeName, ...e.definitionTypes].flatMap((t) => [t, partialName(t)]), values: [] };
  return {
    types: [e.typeName, e.partialTypeName],
    values: [
      code`${e.valueName}JsonSchema`,
      code`${e.valueName}StrictSchema`,
      code`${e.valueName}ProviderSchemas`,
      code`stream${e.typeName}`,
      code`validate${e.typeName}`,
      code`validate${e.partialTypeName}`,
    ],
  };
}

export function renderIndexModule(entries: readonly IndexEntry[], extension: ImportExtension): Code {
  const lines = entries.map((e) => {
    const { types, values } = indexExports(e);
    const names = [...types.map((t) => code`  type ${t},`), ...values.map((v) => code`  ${v},`)];
    return code`export {\n${joinCode(names, code`\n`)}\n} from ${siblingModule(e.module, extension)};`;
  });
  return code`${renderHeader()}\n${joinCode(lines, code`\n`)}\n`;
}
