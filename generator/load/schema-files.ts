import { constants } from "node:fs";
import { lstat, open, readdir, realpath, stat } from "node:fs/promises";
import { extname, join, relative, resolve, sep } from "node:path";
import { appendPointer } from "@partialgen/runtime";
import { parseDocument } from "yaml";
import { GenerateError } from "../schema/errors.js";
import { defineOwn, type SchemaObject } from "../schema/walk.js";

export interface SchemaFile {
  /** Absolute path. */
  readonly path: string;
  /** Path as shown to the user (relative to the working directory). */
  readonly displayPath: string;
  readonly schema: SchemaObject | boolean;
}

export const SCHEMA_EXTENSIONS: ReadonlySet<string> = new Set([".json", ".yaml", ".yml"]);

/** Larger files are refused before they are read (a $ref to /dev/zero or a log file must not fill memory). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Deepest nesting of a schema document (objects and arrays). Every later stage (bundling, derivations,
 * json-schema-to-typescript, Ajv) recurses; a limit checked here, without recursion, turns a stack
 * overflow into a clear error. Real schemas stay far below it (OpenAI strict mode allows 10 object levels).
 */
export const MAX_DEPTH = 200;

/** YAML aliases expanded per document at most (the YAML library's guard against alias bombs). */
const MAX_YAML_ALIASES = 100;

export function displayPathOf(path: string): string {
  return relative(process.cwd(), path) || path;
}

/** Every schema file named by `inputs` (files, or directories searched recursively), in a stable order. */
export async function findSchemaFiles(inputs: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const input of inputs) {
    const path = resolve(input);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new GenerateError(input, "", "no such file or directory");
    if (info.isDirectory()) for (const file of await walk(path)) found.add(file);
    else if (info.isFile()) found.add(path);
    else throw new GenerateError(input, "", `${kindOf(info)}, not a regular file: name schema files or directories`);
  }
  if (found.size === 0) throw new GenerateError(inputs.join(", "), "", "no .json, .yaml or .yml schema files found");
  // Sorted by code unit, not locale: the same output whatever the file order on disk or the machine's locale.
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Schema files under `dir`. Symbolic links to directories are not followed (no loops, nothing outside the
 * tree); a linked file is taken only when it resolves inside the directory searched.
 */
async function walk(dir: string, top = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...(await walk(path, top)));
      continue;
    }
    if (!SCHEMA_EXTENSIONS.has(extname(entry.name).toLowerCase())) continue;
    if (entry.isSymbolicLink()) {
      const target = await realpath(path).catch(() => undefined);
      const info = target === undefined ? undefined : await stat(target);
      if (info?.isDirectory()) continue;
      if (target === undefined || !isWithin(target, await realpath(top))) {
        throw new GenerateError(
          displayPathOf(path),
          "",
          `a symbolic link to ${target ?? "a missing file"}, outside ${displayPathOf(top)}: partialgen reads only the files it is given; name the target as an input instead`,
        );
      }
    } else if (!entry.isFile()) {
      throw new GenerateError(
        displayPathOf(path),
        "",
        "not a regular file: remove it or name the schema files instead",
      );
    }
    out.push(path);
  }
  return out;
}

/** Whether `path` is `dir` or inside it (both already resolved). */
export function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

export function kindOf(info: {
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}): string {
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  if (info.isSocket()) return "a socket";
  if (info.isDirectory()) return "a directory";
  if (info.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

export async function loadSchemaFile(path: string): Promise<SchemaFile> {
  const displayPath = displayPathOf(path);
  const text = await readRegularFile(path, displayPath);
  const value = parseSchemaText(text, displayPath, extname(path).toLowerCase() !== ".json");
  const schema = plainJson(value, displayPath);
  if (typeof schema !== "boolean" && (typeof schema !== "object" || schema === null || Array.isArray(schema))) {
    throw new GenerateError(
      displayPath,
      "",
      `expected a JSON Schema (an object or a boolean), found ${describe(schema)}`,
    );
  }
  return { path, displayPath, schema: schema as SchemaObject | boolean };
}

/**
 * Reads a file only if it is a regular file within the size limit. Opened non-blocking and checked on the
 * open descriptor: a FIFO or device never blocks the run or streams into memory, and a file swapped after
 * a check is still the file checked.
 */
async function readRegularFile(path: string, displayPath: string): Promise<string> {
  const before = await lstat(path).catch((error: Error) => {
    throw new GenerateError(displayPath, "", `cannot read file: ${error.message}`);
  });
  if (!before.isFile() && !before.isSymbolicLink())
    throw new GenerateError(
      displayPath,
      "",
      `${kindOf(before)}, not a regular file: partialgen reads only schema files`,
    );
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new GenerateError(displayPath, "", `cannot read file: ${(error as Error).message}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw new GenerateError(
        displayPath,
        "",
        `${kindOf(info)}, not a regular file: partialgen reads only schema files`,
      );
    if (info.size > MAX_FILE_BYTES)
      throw new GenerateError(
        displayPath,
        "",
        `${info.size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a schema file: is this the file you meant?`,
      );
    const buffer = Buffer.alloc(info.size);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    // A UTF-8 byte order mark is not part of the text (editors on Windows write one).
    return buffer
      .subarray(0, length)
      .toString("utf8")
      .replace(/^\uFEFF/, "");
  } finally {
    await handle.close();
  }
}

function parseSchemaText(text: string, displayPath: string, yaml: boolean): unknown {
  if (yaml) return parseYamlText(text, displayPath);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : /end of JSON input/.test(message) ? text.length : undefined;
    const reason = message.replace(/ in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, "");
    if (offset === undefined) throw new GenerateError(displayPath, "", `invalid JSON: ${reason}`);
    const before = text.slice(0, offset).split("\n");
    throw new GenerateError(
      `${displayPath}:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`,
      "",
      `invalid JSON: ${reason}`,
    );
  }
}

function parseYamlText(text: string, displayPath: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const [error] = doc.errors;
  if (error) {
    // The library's message ends in " at line L, column C:" followed by an excerpt; the position goes first.
    const where = error.linePos ? `${displayPath}:${error.linePos[0].line}:${error.linePos[0].col}` : displayPath;
    const reason = /Maximum call stack/.test(error.message)
      ? `the document nests too deeply to parse (over ${MAX_DEPTH} levels is refused anyway): flatten it with $defs and $ref`
      : error.message
          .split("\n")[0]
          ?.replace(/ at line \d+, column \d+:?$/, "")
          .replace(/[:\s]+$/, "");
    throw new GenerateError(where, "", `invalid YAML: ${reason}`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    throw new GenerateError(displayPath, "", `invalid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}

/**
 * A fresh copy of a parsed document as plain JSON data, built without recursion. Refuses what later stages
 * would choke on: nesting over MAX_DEPTH, cycles (a YAML alias inside the node it names), and YAML values
 * JSON has no form for. Shared YAML aliases become independent copies.
 */
function plainJson(value: unknown, displayPath: string): unknown {
  const result: { value?: unknown } = {};
  const onPath = new Set<object>();
  type Step = { enter: unknown; pointer: string; depth: number; put: (v: unknown) => void } | { leave: object };
  const stack: Step[] = [{ enter: value, pointer: "", depth: 0, put: (v) => (result.value = v) }];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    if ("leave" in step) {
      onPath.delete(step.leave);
      continue;
    }
    const { enter: v, pointer, depth, put } = step;
    if (v === null || typeof v === "string" || typeof v === "boolean") {
      put(v);
      continue;
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v))
        throw new GenerateError(displayPath, pointer, `${v} is not a JSON number: write a finite number`);
      put(v);
      continue;
    }
    if (typeof v !== "object") throw new GenerateError(displayPath, pointer, `a ${typeof v} is not JSON data`);
    if (onPath.has(v))
      throw new GenerateError(
        displayPath,
        pointer,
        "a YAML alias that contains itself (a cycle): JSON Schema documents are trees; use $ref for recursion",
      );
    if (depth >= MAX_DEPTH)
      throw new GenerateError(
        displayPath,
        pointer,
        `nested deeper than ${MAX_DEPTH} levels: partialgen refuses such schemas rather than overflow the stack; flatten it with $defs and $ref`,
      );
    onPath.add(v);
    stack.push({ leave: v });
    if (Array.isArray(v)) {
      const copy: unknown[] = new Array(v.length);
      put(copy);
      for (let i = v.length - 1; i >= 0; i--)
        stack.push({ enter: v[i], pointer: appendPointer(pointer, i), depth: depth + 1, put: (x) => (copy[i] = x) });
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      throw new GenerateError(
        displayPath,
        pointer,
        `a ${(v as object).constructor?.name ?? "non-JSON"} value is not JSON data: quote it as a string`,
      );
    const copy: SchemaObject = {};
    put(copy);
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      stack.push({
        enter: (v as Record<string, unknown>)[key],
        pointer: appendPointer(pointer, key),
        depth: depth + 1,
        put: (x) => defineOwn(copy, key, x),
      });
    }
  }
  return result.value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
