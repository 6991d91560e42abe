import type { TypeImport } from "../../templates/imports.js";
import { indentBlocks } from "../code/indent.js";
import { generatedCode } from "../code/literals.js";
import type { Code, Identifier } from "../code/safe.js";
import { GenerateError, type GenerateWarning } from "../schema/errors.js";
import { withLocalRefs } from "../schema/pointer.js";
import { emitTypes } from "./emit.js";
import { extensionWarnings, typesInput } from "./input.js";
import { linkShared, resolveShared, type SharedLink } from "./linked.js";
import { ownedTypesInput } from "./owned.js";

/**
 * The types stage's one entry. json-schema-to-typescript writes the declarations; everything that steers it
 * (extensions removed and crashing keys renamed: input.ts; imported types as placeholders: linked.ts; owned
 * definitions declared under pinned names: owned.ts; the partial declarations: emit.ts) stays behind here.
 */
export interface TypesRequest {
  /** The bundled, normalised schema and its partial derivation. */
  full: unknown;
  partial: unknown;
  /** The root type's name. */
  name: Identifier;
  /** The input file as shown in errors. */
  file: string;
  /** Types other modules declare, imported instead: JSON Pointer in the bundle -> where they come from. */
  links: ReadonlyMap<string, SharedLink>;
  /** Definitions other modules import from this one: JSON Pointer -> pinned name, declared under it here. */
  owned?: ReadonlyMap<string, Identifier>;
  /** Names the module's own code refers to: each must be declared. */
  declares: Iterable<string>;
}

export interface DeclaredTypes {
  /** Declarations of the full types, indented. */
  full: Code;
  /** Declarations of the stream snapshot types (`PartialX` for each `X`), indented. */
  partial: Code;
  /** The types imported from other generated modules. */
  imports: TypeImport[];
  /** Keywords of the schema that json-schema-to-typescript would have read as code, ignored. */
  warnings: GenerateWarning[];
}

export async function declareTypes(request: TypesRequest): Promise<DeclaredTypes> {
  const { full, name, file, links, owned = new Map<string, Identifier>() } = request;
  // json-schema-to-typescript resolves JSON Pointers only, and gets no $ids (its reference resolver would take
  // them for places to fetch from): every $ref to a subschema of the document becomes the pointer it means.
  const fullInput = typesInput(withLocalRefs(full, true));
  const partialInput = typesInput(withLocalRefs(request.partial, true));
  const fullLinked = linkShared(fullInput.schema, links, "full");
  const partialLinked = linkShared(partialInput.schema, links, "partial");
  // Definitions other modules import from this one are declared here under their pinned names.
  const fullOwned = ownedTypesInput(fullLinked.schema, owned, name, "ownfull");
  const partialOwned = ownedTypesInput(partialLinked.schema, owned, name, "ownpartial");
  const emitted =
    fullOwned && partialOwned
      ? await emitTypes(fullOwned.schema, partialOwned.schema, fullOwned.wrapper, file, fullOwned.wrapper)
      : await emitTypes(fullLinked.schema, partialLinked.schema, name, file);
  for (const declared of request.declares) {
    // Names we reference agree with those json-schema-to-typescript declares by construction (code/naming.ts
    // calls its naming function); this makes any drift a clear error rather than code that does not compile.
    if (!emitted.declared.full.has(declared))
      throw new GenerateError(
        file,
        "",
        `internal error: json-schema-to-typescript did not declare the type "${declared}"; please report this with the schema`,
      );
  }
  const resolved = resolveShared(
    { full: fullInput.restore(emitted.full), partial: partialInput.restore(emitted.partial) },
    {
      full: new Map([...fullLinked.placeholders, ...(fullOwned?.placeholders ?? [])]),
      partial: new Map([...partialLinked.placeholders, ...(partialOwned?.placeholders ?? [])]),
    },
    [...emitted.declared.full, ...emitted.declared.partial],
  );
  return {
    full: generatedCode(indentBlocks(resolved.full)),
    partial: generatedCode(indentBlocks(resolved.partial)),
    imports: resolved.imports,
    warnings: extensionWarnings(full, file),
  };
}
