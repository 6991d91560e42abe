import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, relative, resolve } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { GenerateError } from "./errors.js";
import type { SchemaObject } from "./schema-walk.js";

export interface SchemaFile {
  /** Absolute path. */
  readonly path: string;
  /** Path as shown to the user (relative to the working directory). */
  readonly displayPath: string;
  readonly schema: SchemaObject | boolean;
}

const EXTENSIONS = new Set([".json", ".yaml", ".yml"]);

/** Every schema file named by `inputs` (files, or directories searched recursively), in a stable order. */
export async function findSchemaFiles(inputs: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const input of inputs) {
    const path = resolve(input);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new GenerateError(input, "", "no such file or directory");
    if (info.isDirectory()) for (const file of await walk(path)) found.add(file);
    else found.add(path);
  }
  if (found.size === 0) throw new GenerateError(inputs.join(", "), "", "no .json, .yaml or .yml schema files found");
  // Sorted by code unit, not locale: the same output whatever the file order on disk or the machine's locale.
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(path);
  }
  return out;
}

export async function loadSchemaFile(path: string): Promise<SchemaFile> {
  const displayPath = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new GenerateError(displayPath, "", `cannot read file: ${(error as Error).message}`);
  }
  const schema = parseSchemaText(text, displayPath, extname(path).toLowerCase() !== ".json");
  if (typeof schema !== "boolean" && (typeof schema !== "object" || schema === null || Array.isArray(schema))) {
    throw new GenerateError(
      displayPath,
      "",
      `expected a JSON Schema (an object or a boolean), found ${describe(schema)}`,
    );
  }
  return { path, displayPath, schema: schema as SchemaObject | boolean };
}

function parseSchemaText(text: string, displayPath: string, yaml: boolean): unknown {
  if (yaml) {
    try {
      return parseYaml(text);
    } catch (error) {
      if (error instanceof YAMLParseError && error.linePos) {
        const { line, col } = error.linePos[0];
        throw new GenerateError(`${displayPath}:${line}:${col}`, "", `invalid YAML: ${error.message.split("\n")[0]}`);
      }
      throw new GenerateError(displayPath, "", `invalid YAML: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    if (position) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset).split("\n");
      throw new GenerateError(
        `${displayPath}:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`,
        "",
        `invalid JSON: ${message}`,
      );
    }
    throw new GenerateError(displayPath, "", `invalid JSON: ${message}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
