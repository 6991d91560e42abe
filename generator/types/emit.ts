import { compile } from "json-schema-to-typescript";
import { Project, ScriptTarget } from "ts-morph";
import { renderPartialAlias, renderUnknownType } from "../../templates/type-declarations.js";
import { generatedCode, identifier } from "../code/literals.js";
import type { Identifier } from "../code/safe.js";
import { GenerateError } from "../schema/errors.js";
import { isSchemaObject, mapSubschemas, type SchemaObject } from "../schema/walk.js";
import { type Declarations, readDeclarations, renamedDeclaration } from "./declarations.js";

export interface EmittedTypes {
  /** Declarations of the full type (json-schema-to-typescript's output). */
  full: string;
  /** Declarations of the deep partial type: one `PartialY` per declaration `Y`. */
  partial: string;
  /** The names `full` and `partial` declare. */
  declared: { full: ReadonlySet<string>; partial: ReadonlySet<string> };
}

/** Below this size no declaration has come near TypeScript's union complexity limit. */
const LARGE_DECLARATION = 20_000;
const TOO_COMPLEX = 2590; // "Expression produces a union type that is too complex to represent."
let checker: Project | undefined; // with the standard library, created the first time a check is needed
let complexityChecks = 0;

/**
 * json-schema-to-typescript multiplies some allOf/anyOf/type-list combinations out into unions TypeScript
 * refuses to check. When a declaration is large, type-check the declarations here (in memory, no lib),
 * so that the user gets a clear error instead of generated code that does not compile.
 */
function checkComplexity({ text, byName: decls }: Declarations, file: string): void {
  if (![...decls.values()].some((d) => d.text.length > LARGE_DECLARATION)) return;
  checker ??= new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { strict: true, target: ScriptTarget.ES2022, lib: ["lib.es2022.d.ts"] },
  });
  const sourceFile = checker.createSourceFile(`/complexity-${complexityChecks++}.ts`, text);
  try {
    const tooComplex = sourceFile.getPreEmitDiagnostics().find((d) => d.getCode() === TOO_COMPLEX);
    if (!tooComplex) return;
    const at = tooComplex.getStart() ?? 0;
    const culprit = [...decls].find(([, d]) => at >= d.start && at < d.start + d.text.length)?.[0] ?? "a declaration";
    throw new GenerateError(
      file,
      "",
      `json-schema-to-typescript expands "${culprit}" into a union TypeScript cannot represent (TS${TOO_COMPLEX}); simplify the allOf/anyOf/oneOf or type-list combinations it comes from`,
      "allOf",
    );
  } finally {
    checker.removeSourceFile(sourceFile);
  }
}

/**
 * The full type comes from json-schema-to-typescript. The partial type is the same tool's output for the
 * partial schema (all properties optional, arrays of partial elements, unions and $refs followed, values
 * shown whole keep their full shape), turned into named `Partial*` declarations with ts-morph. A partial
 * declaration identical to its full one (enums, objects of required-free scalars...) becomes an alias.
 */
export async function emitTypes(
  full: unknown,
  partial: unknown,
  name: Identifier,
  file: string,
  /** A declaration (of the root) to leave out of both outputs: a wrapper only there to declare others. */
  omit?: Identifier,
): Promise<EmittedTypes> {
  const fullRead = await toTypeScript(full, name, file);
  checkComplexity(fullRead, file);
  const fullDecls = fullRead.byName;
  const partialDecls = (await toTypeScript(partial, name, file)).byName;

  const renamed = new Map<string, string>();
  for (const declName of partialDecls.keys()) {
    const target = `Partial${declName}`;
    if (fullDecls.has(target)) {
      throw new GenerateError(
        file,
        "",
        `the partial type of "${declName}" would be named "${target}", which the schema already declares; rename one of them (title)`,
        "title",
      );
    }
    renamed.set(declName, target);
  }

  // A partial declaration can be an alias of the full one when its text is identical and so is every
  // partial declaration it refers to (greatest fixpoint, so recursive types can alias too).
  const same = new Set([...partialDecls].filter(([n, d]) => fullDecls.get(n)?.text === d.text).map(([n]) => n));
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of same) {
      if ([...(partialDecls.get(n)?.references ?? [])].some((r) => renamed.has(r) && !same.has(r))) {
        same.delete(n);
        changed = true;
      }
    }
  }

  const out: string[] = [];
  const partialNames = new Set<string>();
  for (const [declName, decl] of partialDecls) {
    if (declName === omit) continue;
    const target = renamed.get(declName) as string;
    partialNames.add(target);
    if (same.has(declName)) {
      out.push(renderPartialAlias(generatedCode(decl.docs), identifier(target), identifier(declName)));
      continue;
    }
    out.push(renamedDeclaration(decl, renamed));
  }
  const fullText = fullRead.text;
  const omitted = omit === undefined ? undefined : fullDecls.get(omit);
  const fullOut = omitted
    ? fullText.slice(0, omitted.start) + fullText.slice(omitted.start + omitted.text.length).replace(/^\n/, "")
    : fullText;
  const fullNames = new Set([...fullRead.names].filter((n) => n !== omit));
  return { full: fullOut.trim(), partial: out.join("\n\n"), declared: { full: fullNames, partial: partialNames } };
}

async function toTypeScript(schema: unknown, name: Identifier, file: string): Promise<Declarations> {
  // It names the root after its title: make that our chosen name.
  const typed = forTypeScript(schema, undefined);
  const root: SchemaObject = { ...typed, title: name };
  let text: string;
  try {
    text = await compile(root, name, {
      bannerComment: "",
      format: false,
      unknownAny: true,
      declareExternallyReferenced: true,
      strictIndexSignatures: true,
      additionalProperties: true,
      $refOptions: { resolve: { http: false, file: false } },
    });
  } catch (error) {
    throw new GenerateError(file, "", `json-schema-to-typescript failed: ${(error as Error).message.split("\n")[0]}`);
  }
  const read = readDeclarations(text);
  // It declares nothing for a root it types inline (`anyOf: [true, {}]`): the value is then unknown.
  return read.names.has(name) ? read : readDeclarations(`${text}\n${renderUnknownType(name)}\n`);
}

/** Keywords that make json-schema-to-typescript type a schema (without them it guesses an object). */
const TYPING = ["type", "enum", "const", "$ref", "anyOf", "oneOf", "allOf", "tsType"];

/**
 * The schema as json-schema-to-typescript should read it, so that its types admit every valid value:
 * - a schema that says nothing about the type (`{}`, `true`, `{"title": "Value"}`, `{"minimum": 1}`,
 *   `{"properties": ...}` without `type`) is `unknown`, not an object: keywords such as `properties` or
 *   `items` only constrain values of their type; `false` is `never`;
 * - a branch of anyOf/oneOf/allOf without a type of its own takes the type of the schema around it
 *   (`{"type": "object", "allOf": [{"properties": ...}]}` keeps its properties);
 * - draft-07 `items: [..]` without `additionalItems` is an open tuple; 2020-12 `prefixItems` is a tuple.
 */
function forTypeScript(schema: unknown, inherited: unknown): SchemaObject {
  if (schema === true || schema === undefined)
    return inherited === undefined ? { tsType: "unknown" } : { type: inherited };
  if (schema === false) return { tsType: "never" };
  if (!isSchemaObject(schema)) return { tsType: "unknown" };
  let s: SchemaObject = { ...schema };
  if (Array.isArray(s.prefixItems)) {
    const { prefixItems, items, ...rest } = s;
    s = { ...rest, items: prefixItems, additionalItems: items === undefined ? true : items };
  } else if (Array.isArray(s.items) && !("additionalItems" in s)) s.additionalItems = true;
  // Its reference resolver follows "$ref" keys anywhere, also inside enum and const data: such values are
  // left out of the type (it stays as wide as the rest of the schema says).
  for (const keyword of ["enum", "const", "default", "examples"]) {
    if (keyword in s && JSON.stringify(s[keyword])?.includes('"$ref"')) delete s[keyword];
  }
  if (!("type" in s) && inherited !== undefined) s.type = inherited;
  // Only the keywords it would infer a container type from go: the rest stays, since a `$ref` may point into
  // any member (`#/definitions/notificationObject/webhooks` where `notificationObject` only groups schemas).
  if (!("type" in s)) for (const k of CONTAINER_KEYWORDS) delete s[k];
  if (!TYPING.some((k) => k in s)) s.tsType = "unknown";
  // It reads `default` as a possible type too (`{"type": "string", "default": false}` -> boolean & string).
  if ("default" in s && !admitsValue(s.type, s.default)) delete s.default;
  const own = typeof s.type === "string" || Array.isArray(s.type) ? s.type : undefined;
  return mapSubschemas(s, "", (sub, at) => {
    const keyword = at.split("/")[1];
    if (
      typeof sub === "boolean" &&
      (keyword === "additionalProperties" || keyword === "additionalItems" || keyword === "items")
    )
      return sub;
    const branch = keyword === "anyOf" || keyword === "oneOf" || keyword === "allOf";
    return forTypeScript(sub, branch ? own : undefined);
  });
}

/** Keywords from which it would infer an object or array type that nothing declares. */
const CONTAINER_KEYWORDS = [
  "properties",
  "patternProperties",
  "additionalProperties",
  "required",
  "items",
  "additionalItems",
  "minItems",
  "maxItems",
];

function admitsValue(type: unknown, value: unknown): boolean {
  if (type === undefined) return true;
  const types = Array.isArray(type) ? type : [type];
  const actual =
    value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "object" ? "object" : typeof value;
  return types.some((t) => t === actual || (t === "integer" && Number.isInteger(value)));
}
