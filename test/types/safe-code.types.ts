// Type tests, checked by `npm run typecheck` (tsc), not run: each `@ts-expect-error` fails the build when the line
// below it compiles. Templates take only values made safe (generator/code/safe.ts): a raw string is refused.
import { identifier, jsonLiteral, stringLiteral } from "../../generator/code/literals.js";
import { companionStem, fileStem, partialName, typeName, valueName } from "../../generator/code/naming.js";
import { type Code, code, type Identifier } from "../../generator/code/safe.js";
import { renderIndexModule } from "../../templates/index-module.js";
import { renderSchemaModule, type SchemaModuleView } from "../../templates/schema-module.js";

declare const view: SchemaModuleView;
declare const title: string;

export function rawStringsAreRefused(): void {
  // @ts-expect-error a schema's title is not an identifier until code/naming.ts made it one
  renderSchemaModule({ ...view, typeName: title });
  // @ts-expect-error nor is a JSON value a literal until code/literals.ts wrote it
  renderSchemaModule({ ...view, jsonSchema: JSON.stringify({ title }) });
  // @ts-expect-error a file stem comes from code/naming.ts
  renderSchemaModule({ ...view, validatorsModule: `${title}.validators` });
  // @ts-expect-error the code tag interpolates safe values only
  code`export const x = ${title};`;
  // @ts-expect-error a string literal type is still a raw string
  code`${"raw"}`;
  const index: Code = renderIndexModule(
    // @ts-expect-error index entries too
    [{ module: fileStem(title), typeName: title, partialTypeName: title, valueName: title }],
    "js",
  );
  void index;
}

export function safeValuesAreTaken(): void {
  const name: Identifier = typeName(title) ?? identifier("Fallback");
  renderSchemaModule({
    ...view,
    typeName: name,
    partialTypeName: partialName(name),
    valueName: valueName(name),
    validatorsModule: companionStem(fileStem(name), "validators"),
    jsonSchema: jsonLiteral({ title }),
    openAIName: stringLiteral(title),
  });
  code`export const ${valueName(name)} = ${stringLiteral(title)};`;
}
