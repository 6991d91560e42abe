// The layout is the architecture (docs/architecture.md): runtime layers and
// generator stages as folders whose imports point only down, and no import cycle anywhere in the runtime, the
// generator or the templates.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "./generator/helpers.js";

/** Runtime layers, lowest first: a module may import its own layer and the layers before it. */
const RUNTIME_LAYERS = ["util", "hints", "parse", "validate", "stream", "wire", "provider", "call"] as const;
/** The entries (what package.json exports) sit on top; the browser's entries never reach a provider or a call. */
const BROWSER_ENTRIES = ["client", "react", "vue", "svelte", "solid", "angular"];

/**
 * Generator stages, lowest first: what every stage reads schemas with, the makers of safe values, the templates
 * (all emitted text: stages that write a line of code call them), the stages proper, the pipeline
 * (generator/*.ts: generate, output...) and the CLI. A module may import its own stage and the stages before it.
 */
const GENERATOR_STAGES = [
  "generator/schema",
  "generator/code",
  "templates",
  "generator/load",
  "generator/bundle",
  "generator/derive",
  "generator/types",
  "generator/validators",
  "generator",
  "generator/cli",
] as const;

/** Text of a declaration or an import in TypeScript: what only templates may write. */
const EMITTED_STATEMENT =
  /\b(?:export\s+(?:type|interface|const|let|var|function|async|class|enum|default|declare|\{|\*)|import\s*(?:type\b|\{|\*|["'`]))/;

/** The texts of a module's string and template literals (a template's substitutions as `${}`), comments left out. */
function literalTexts(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(join(ROOT, path), "utf8"), ts.ScriptTarget.Latest, true);
  const texts: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) texts.push(node.text);
    else if (ts.isTemplateExpression(node))
      texts.push(node.head.text + node.templateSpans.map((span) => `\${}${span.literal.text}`).join(""));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return texts;
}

/** The names a module imports as values (not `type`-only) from a module whose path ends with `from`. */
function valueImports(path: string, from: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(join(ROOT, path), "utf8"), ts.ScriptTarget.Latest, true);
  return source.statements.flatMap((s) => {
    if (!ts.isImportDeclaration(s) || s.importClause?.isTypeOnly || !ts.isStringLiteral(s.moduleSpecifier)) return [];
    if (!s.moduleSpecifier.text.endsWith(from)) return [];
    const bindings = s.importClause?.namedBindings;
    if (bindings !== undefined && ts.isNamespaceImport(bindings)) return ["*"];
    return (bindings?.elements ?? []).filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text);
  });
}

function stageOf(path: string): number {
  const folder = dirname(path);
  const index = GENERATOR_STAGES.indexOf(folder as (typeof GENERATOR_STAGES)[number]);
  if (index === -1) throw new Error(`${path} is in no generator stage: add its folder to GENERATOR_STAGES`);
  return index;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter((path) => !path.split("/").includes("dist") && !path.split("/").includes("node_modules"));
}

/** Relative imports of a module (static, dynamic and re-exports; type-only too: they shape the layers as much). */
function importsOf(path: string): string[] {
  const text = readFileSync(join(ROOT, path), "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
    const target = normalize(join(dirname(path), (m[1] as string).replace(/\.js$/, ".ts")));
    out.push(target);
  }
  return out;
}

function graph(dirs: readonly string[]): Map<string, string[]> {
  const files = dirs.flatMap(sources);
  const known = new Set(files);
  return new Map(files.map((f) => [f, importsOf(f).filter((t) => known.has(t))]));
}

/** Every cycle's path, found by depth-first search (each reported once, from its first module met). */
function cycles(g: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of g.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of g.keys()) if (!state.has(node)) visit(node);
  return found;
}

function layerOf(path: string): number | "entry" {
  const [, top] = path.split("/");
  const index = RUNTIME_LAYERS.indexOf(top as (typeof RUNTIME_LAYERS)[number]);
  return index === -1 ? "entry" : index;
}

describe("architecture", () => {
  it("no import cycle in runtime/, generator/ or templates/", () => {
    expect(cycles(graph(["runtime", "generator", "templates"])).map((c) => c.join(" → "))).toEqual([]);
  });

  it("runtime layers import only their own layer and the layers below", () => {
    const upward: string[] = [];
    for (const [from, targets] of graph(["runtime"])) {
      const own = layerOf(from);
      for (const target of targets) {
        const theirs = layerOf(target);
        if (theirs === "entry" && own !== "entry") upward.push(`${from} → ${target} (an entry)`);
        else if (own !== "entry" && theirs !== "entry" && theirs > own) upward.push(`${from} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("the browser's entries reach no provider wire and no call orchestration", () => {
    const g = graph(["runtime"]);
    const reached = new Set<string>();
    const walk = (f: string) => {
      if (reached.has(f)) return;
      reached.add(f);
      for (const t of g.get(f) ?? []) walk(t);
    };
    for (const entry of BROWSER_ENTRIES) for (const f of g.keys()) if (f.startsWith(`runtime/${entry}/`)) walk(f);
    expect([...reached].filter((f) => /^runtime\/(provider|call)\//.test(f))).toEqual([]);
  });

  it("generator stages import only their own stage and the stages before it", () => {
    const upward: string[] = [];
    for (const [from, targets] of graph(["generator", "templates"]))
      for (const target of targets) if (stageOf(target) > stageOf(from)) upward.push(`${from} → ${target}`);
    expect(upward).toEqual([]);
  });

  it("safe values for generated code are made only in generator/code/ (naming, literals, the code tag)", () => {
    const casts = [...graph(["generator", "templates"]).keys()]
      .filter((f) => !f.startsWith("generator/code/"))
      .flatMap((f) =>
        [
          ...readFileSync(join(ROOT, f), "utf8").matchAll(/\bas (Identifier|FileStem|CodeLiteral|CommentText|Code)\b/g),
        ].map((m) => `${f}: ${m[0]}`),
      );
    expect(casts).toEqual([]);
  });

  it("emitted text lives in templates/: no literal elsewhere in the generator writes a declaration or an import", () => {
    const outside = [...graph(["generator"]).keys()].flatMap((f) =>
      literalTexts(f)
        .filter((text) => EMITTED_STATEMENT.test(text))
        .map((text) => `${f}: ${JSON.stringify(text.slice(0, 80))}`),
    );
    expect(outside).toEqual([]);
  });

  it("code is built only in templates/: no other module imports the code tag", () => {
    const builders = [...graph(["generator", "templates"]).keys()]
      .filter((f) => !f.startsWith("templates/") && !f.startsWith("generator/code/"))
      .flatMap((f) =>
        valueImports(f, "/safe.js")
          .filter((name) => name === "code" || name === "*")
          .map((name) => `${f}: ${name}`),
      );
    expect(builders).toEqual([]);
  });

  it("the generator imports the runtime only through its package entry", () => {
    const deep = [...graph(["generator", "templates"]).keys()].flatMap((f) =>
      [...readFileSync(join(ROOT, f), "utf8").matchAll(/from "((?:\.\.\/)+runtime\/[^"]+)"/g)].map(
        (m) => `${f}: ${m[1]}`,
      ),
    );
    expect(deep).toEqual([]);
  });
});
