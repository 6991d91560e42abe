import type { Code } from "./safe.js";

/**
 * Indents code whose lines open blocks at their end ("{") and close them at their start ("}"), the
 * layout both Ajv (`code.lines`) and json-schema-to-typescript (`format: false`) emit: one statement or
 * member per line, no string spanning lines. Block-comment lines are indented but never counted (a
 * description may end in "{"). Used instead of TypeScript's formatter, which took most of the
 * generator's run time (bench/generator.ts) for the same result on this input.
 */
export function indentBlocks(code: string, unit = "  "): string {
  let depth = 0;
  let inComment = false;
  const out: string[] = [];
  for (const raw of code.split("\n")) {
    const line = raw.trim();
    if (line === "") {
      out.push("");
      continue;
    }
    if (inComment || line.startsWith("/*")) {
      const closes = line.includes("*/");
      out.push(`${unit.repeat(depth)}${line.startsWith("*") ? ` ${line}` : line}`);
      inComment = !closes;
      continue;
    }
    if (line.startsWith("}")) depth = Math.max(0, depth - 1);
    out.push(`${unit.repeat(depth)}${line}`);
    if (line.endsWith("{")) depth++;
  }
  return out.join("\n");
}

/** Generated code laid out by indentBlocks: still code. */
export function indentCode(code: Code): Code {
  return indentBlocks(code) as Code;
}
