import type { SchemaFile } from "../load/schema-files.js";
import { GenerateError } from "../schema/errors.js";
import { onlyAnnotates } from "../schema/keywords.js";
import { decodeFragment, pointerAfter, pointerTokens, resolvedDepth, resolvePointer } from "../schema/pointer.js";
import { isSchemaObject } from "../schema/walk.js";
import { baseOf, META_SCHEMAS, type SchemaRegistry, safeUrl } from "./registry.js";

/**
 * A chain of `$ref`s that comes back to where it started with nothing but annotations on the way
 * (`{"$ref": "#"}` as a root, or a.json → b.json → a.json) describes no value: Ajv would recurse for ever and
 * the type generator fails with a message naming neither file nor pointer. Refused here with the chain, which
 * may cross files. A link the chain cannot follow (an anchor, a remote or unreadable file) ends the check:
 * that $ref's own checks report it.
 */
export async function checkRefLoop(
  registry: SchemaRegistry,
  file: SchemaFile,
  pointer: string,
  ref: string,
  target: SchemaFile,
  fragment: string,
): Promise<void> {
  const start = pointer.endsWith("/$ref") ? pointer.slice(0, -"/$ref".length) : pointer;
  const chain: [SchemaFile, string][] = [[file, start]];
  const seen = new Set([`${baseOf(file)}#${start}`]);
  let here = target;
  let at = fragment;
  while (at === "" || at.startsWith("/")) {
    const base = baseOf(here);
    const key = `${base}#${at}`;
    chain.push([here, at]);
    if (seen.has(key)) {
      // Within one file its pointers say enough; across files each step names its file.
      const crosses = chain.some(([where]) => where !== file);
      const steps = chain.map(([where, p]) => (crosses ? `${where.displayPath}#${p}` : `#${p}`));
      throw new GenerateError(
        file.displayPath,
        pointer,
        `$ref "${ref}" leads into a loop of $refs with no schema in it (${steps.join(" → ")}): it describes no value; replace one of them with the schema it stands for`,
        "$ref",
      );
    }
    seen.add(key);
    const node = resolvePointer(here.schema, at);
    if (!isSchemaObject(node) || typeof node.$ref !== "string") return;
    const { $defs: _defs, definitions: _definitions, $schema: _schema, ...rest } = node;
    if (!onlyAnnotates(rest)) return;
    const url = safeUrl(node.$ref, base);
    if (!url) return;
    const refPointer = `${at}/$ref`;
    const next = decodeFragment(url.hash.slice(1));
    if (next === undefined) return;
    at = next;
    url.hash = "";
    if (url.href === base) continue;
    if (META_SCHEMAS.has(url.href) || (url.protocol !== "file:" && !registry.has(url))) return;
    try {
      here = await registry.find(url, here, refPointer, node.$ref);
    } catch {
      return;
    }
  }
}

/**
 * A $ref's fragment must name something in the document it points into: a JSON Pointer to an existing
 * value (declared anchors are resolved before this is called, so an anchor here names none). Checked here,
 * where the file and pointer of the $ref are known, rather than left to a later tool's message that names neither.
 */
export function checkFragment(
  document: unknown,
  fragment: string,
  file: SchemaFile,
  pointer: string,
  ref: string,
  target?: SchemaFile,
): void {
  if (fragment === "") return;
  const where = target ? target.displayPath : "this file";
  if (!fragment.startsWith("/"))
    throw new GenerateError(
      file.displayPath,
      pointer,
      `$ref "${ref}" names the anchor "${fragment}", which ${where} does not declare ($anchor or $id "#${fragment}")`,
      "$ref",
    );
  const depth = resolvedDepth(document, fragment);
  if (depth === pointerTokens(fragment).length) return;
  const walked = fragment.slice(0, fragment.length - pointerAfter(fragment, depth).length);
  const missing = fragment.slice(0, fragment.length - pointerAfter(fragment, depth + 1).length);
  throw new GenerateError(
    file.displayPath,
    pointer,
    `$ref "${ref}" points to ${fragment}, but ${where} has nothing at ${missing}${walked === "" ? "" : ` (${walked} exists)`}: fix the pointer or add the definition`,
    "$ref",
  );
}
