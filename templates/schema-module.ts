import { identifier } from "../generator/code/literals.js";
import {
  type Code,
  type CodeLiteral,
  type CommentText,
  code,
  type FileStem,
  type Identifier,
  joinCode,
} from "../generator/code/safe.js";
import { renderHeader } from "./header.js";
import type { TypeImport } from "./imports.js";
import { type ImportExtension, renderTypeImports, siblingModule } from "./imports.js";

/**
 * Names this module gives its imports. They start with a lowercase letter, which no type name
 * json-schema-to-typescript declares ever does, and match none of the value names generated per schema
 * (validateX, streamX, xJsonSchema, xStrictSchema, xProviderSchemas), so no schema can shadow or clash with them.
 */
const RUNTIME = identifier("partialgen");
/** The validators module's exports (see generate.ts): fixed names, so no title can shadow a global Ajv uses. */
export const FULL_VALIDATOR = identifier("fullValidator");
export const PARTIAL_VALIDATOR = identifier("partialValidator");

/**
 * The module generated for one schema. Every field is already safe to place in code, and typed so
 * (generator/code/safe.ts): identifiers come from generator/code/naming.ts, literals and comments from
 * generator/code/literals.ts.
 */
export interface SchemaModuleView {
  source: CommentText;
  typeName: Identifier;
  partialTypeName: Identifier;
  valueName: Identifier;
  validatorsModule: FileStem;
  /** The module holding `xStreamHints` (templates/hints-module.ts): one table for the server and the page. */
  hintsModule: FileStem;
  /** Type-only imports of definitions other modules declare (generator/types/shared.ts). */
  typeImports?: readonly TypeImport[];
  importExtension: ImportExtension;
  fullTypes: Code;
  partialTypes: Code;
  jsonSchema: CodeLiteral;
  /** null when the schema cannot be made strict: streamX() sends the original with strict: false. */
  strictSchema: CodeLiteral | null;
  /** `{ anthropic, gemini }`: the schema each is sent; null without a strict schema (they get xJsonSchema). */
  providerSchemas: CodeLiteral | null;
  openAIName: CodeLiteral;
}

export function renderSchemaModule(v: SchemaModuleView): Code {
  const strict = v.strictSchema !== null;
  return code`${renderHeader(v.source)}
import * as ${RUNTIME} from "@partialgen/runtime";
import { ${FULL_VALIDATOR}, ${PARTIAL_VALIDATOR} } from ${siblingModule(v.validatorsModule, v.importExtension)};
import { ${v.valueName}StreamHints } from ${siblingModule(v.hintsModule, v.importExtension)};
${joinCode(
  renderTypeImports(v.typeImports ?? [], v.importExtension).map((line) => code`${line}\n`),
  code``,
)}
${v.fullTypes}

// Stream snapshots: every property optional, recursively; values shown only when complete keep their type.

${v.partialTypes}

/** The JSON Schema ${v.typeName} was generated from (self-contained: references to other files are bundled). */
export const ${v.valueName}JsonSchema: ${RUNTIME}.JSONSchema = ${v.jsonSchema};

${
  v.strictSchema !== null
    ? code`/** The schema as OpenAI strict structured outputs accept it (closed objects, optional properties nullable). */
export const ${v.valueName}StrictSchema: ${RUNTIME}.JSONSchema = ${v.strictSchema};`
    : code`/** No strict variant: the schema uses what OpenAI strict mode cannot express, so streamX() sends ${v.valueName}JsonSchema with strict: false. */
export const ${v.valueName}StrictSchema: ${RUNTIME}.JSONSchema | null = null;`
}

/** The schema Anthropic and Gemini are sent, each within its own schema rules (docs/providers.md). */
export const ${v.valueName}ProviderSchemas: ${RUNTIME}.ProviderSchemas = ${v.providerSchemas ?? code`{}`};

/** How each position of ${v.typeName} streams; emitted once, in ${v.hintsModule}.ts, which pages import instead. */
export { ${v.valueName}StreamHints };

/** Validates a complete ${v.typeName}; on failure \`validate${v.typeName}.errors\` holds Ajv's errors. */
export const validate${v.typeName}: ${RUNTIME}.SchemaValidator<${v.typeName}> = ${RUNTIME}.validatorOf<${v.typeName}>(${FULL_VALIDATOR});

/** Validates a stream snapshot: rejects only what no continuation of the text could make valid. */
export const validate${v.partialTypeName}: ${RUNTIME}.SchemaValidator<${v.partialTypeName}> = ${RUNTIME}.validatorOf<${v.partialTypeName}>(${PARTIAL_VALIDATOR});

/** Streams ${v.typeName} from the model: typed ${v.partialTypeName} snapshots as it is written, then a validated ${v.typeName} from \`final()\`. */
export function stream${v.typeName}<C extends ${RUNTIME}.StreamClient>(options: ${RUNTIME}.StreamCallOptions<${RUNTIME}.StreamMode, C>): ${RUNTIME}.ObjectStream<${v.partialTypeName}, ${v.typeName}> {
  return ${RUNTIME}.streamObject<${v.partialTypeName}, ${v.typeName}, C>({
    ...options,
    name: ${v.openAIName},
    schema: ${strict ? code`${v.valueName}StrictSchema` : code`${v.valueName}JsonSchema`},${strict ? code`` : code`\n    strict: false,`}
    providerSchemas: ${v.valueName}ProviderSchemas,
    hints: ${v.valueName}StreamHints,
    validate: validate${v.typeName},
    validatePartial: validate${v.partialTypeName},
  });
}
`;
}
