import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { JSONSchemaFaker } from "json-schema-faker";
import { SchemaRegistry } from "../../generator/bundle/registry.js";
import { fileStem, valueName } from "../../generator/code/naming.js";
import { partialSchema } from "../../generator/derive/partial-schema.js";
import { checkStrictRules } from "../../generator/derive/strict-rules.js";
import { isStrictLoss } from "../../generator/derive/strict-schema.js";
import { generateSchemaModule, schemaName } from "../../generator/generate.js";
import type { SchemaFile } from "../../generator/load/schema-files.js";
import { GenerateError } from "../../generator/schema/errors.js";
import { emitValidators } from "../../generator/validators/standalone.js";
import { PartialJSONParser } from "../../runtime/parse/lenient-parser.js";
import { ajvRequire, type SchemaValidator } from "../../runtime/validate/validation.js";
import { FULL_VALIDATOR, PARTIAL_VALIDATOR } from "../../templates/schema-module.js";
import { OUTPUT, typeCheck, writeFiles } from "../generator/helpers.js";
import { randomChunks, sample, seededRandom } from "./random.js";

/** One schema to check, with values known to be valid (against it, and against its strict form). */
export interface Subject {
  id: string;
  file: SchemaFile;
  /** The input set this file is generated in, when not the corpus's. */
  inputSet?: SchemaFile[];
  instances: unknown[];
  strictInstances: unknown[];
}

export interface Corpus {
  name: string;
  /** Files generated as one input set (references between them resolve). */
  inputSet: SchemaFile[];
  subjects: Subject[];
}

export interface SoundnessOptions {
  seed: number;
  /** Instances generated from each schema (in addition to the corpus's own). */
  generated: number;
  /** Random chunkings of each instance's text. */
  chunkings: number;
}

export interface Finding {
  corpus: string;
  subject: string;
  kind:
    | "generator crash"
    | "does not compile"
    | "snapshot fails validatePartial"
    | "snapshot does not type-check"
    | "final fails validate"
    | "final differs from instance"
    | "final does not type-check"
    | "valid instance fails validate"
    | "strict rule broken"
    | "strict round trip fails"
    | "parser error"
    | "hint table and schema disagree";
  detail: string;
}

export interface CorpusSummary {
  corpus: string;
  schemas: number;
  generated: number;
  generationErrors: number;
  strictSchemas: number;
  instances: { corpus: number; generated: number };
  strictInstances: number;
  snapshots: number;
  typeChecked: number;
  findings: Finding[];
  /** Milliseconds spent generating (and importing), streaming, and type-checking. */
  ms: { generate: number; stream: number; typeCheck: number };
  /** Subjects with at least one finding. */
  unsound: number;
}

interface Module {
  validate: SchemaValidator<unknown>;
  validatePartial: SchemaValidator<unknown>;
  jsonSchema: unknown;
  strictSchema: unknown;
  hints: unknown;
  typeName: string;
  partialTypeName: string;
  dir: string;
  stem: string;
  strictLossless: boolean;
  /** The schema names a property such as "constructor" (see `check`). */
  prototypeNames: boolean;
}

/** Generates, imports and streams every subject; type-checks all literals of a corpus as one tsc program. */
export async function checkCorpus(corpus: Corpus, options: SoundnessOptions): Promise<CorpusSummary> {
  const random = seededRandom(options.seed);
  const summary: CorpusSummary = {
    corpus: corpus.name,
    schemas: corpus.subjects.length,
    generated: 0,
    generationErrors: 0,
    strictSchemas: 0,
    instances: { corpus: 0, generated: 0 },
    strictInstances: 0,
    snapshots: 0,
    typeChecked: 0,
    findings: [],
    ms: { generate: 0, stream: 0, typeCheck: 0 },
    unsound: 0,
  };
  const registry = new SchemaRegistry(corpus.inputSet, "unknown");
  const registries = new Map<SchemaFile[], SchemaRegistry>();
  const registryOf = (files: SchemaFile[]) => {
    const known = registries.get(files);
    if (known) return known;
    const created = new SchemaRegistry(files, "unknown");
    registries.set(files, created);
    return created;
  };
  const roots: string[] = [];
  const owners = new Map<string, string>();
  const find = (subject: string, kind: Finding["kind"], detail: string) =>
    summary.findings.push({ corpus: corpus.name, subject, kind, detail: detail.slice(0, 600) });

  for (const subject of corpus.subjects) {
    const dir = join(OUTPUT, "soundness", corpus.name, subject.id.replace(/[^A-Za-z0-9._-]+/g, "_"));
    const own = subject.inputSet
      ? registryOf(subject.inputSet)
      : corpus.inputSet.length > 0
        ? registry
        : new SchemaRegistry([subject.file], "unknown");
    let started = performance.now();
    const module = await generateAndImport(subject, own, dir, (kind, d) => find(subject.id, kind, d));
    summary.ms.generate += performance.now() - started;
    started = performance.now();
    if (module === "error") {
      summary.generationErrors++;
      continue;
    }
    if (module === undefined) continue;
    summary.generated++;
    for (const name of [`${module.stem}.ts`, `${module.stem}.validators.ts`]) {
      roots.push(join(dir, name));
      owners.set(join(dir, name), subject.id);
    }
    if (module.strictSchema !== null) {
      summary.strictSchemas++;
      for (const v of checkStrictRules(module.strictSchema)) find(subject.id, "strict rule broken", JSON.stringify(v));
    }

    const literals: string[] = [];
    const check = (value: unknown, type: string) => {
      // TypeScript reads `constructor`, `toString`... of an object literal from Object's interface, so a
      // literal cannot be checked against a type declaring such a property (a tsc quirk, not a type error).
      if (module.prototypeNames || hasObjectPrototypeKey(value)) return;
      const text = tsLiteral(value);
      if (text.length > 20_000 || literals.length > 400) return;
      literals.push(`export const v${literals.length}: ${type} = ${text};`);
      summary.typeChecked++;
    };
    const instances: unknown[] = [];
    for (const value of subject.instances) {
      summary.instances.corpus++;
      if (module.validate(value)) instances.push(value);
      else
        find(
          subject.id,
          "valid instance fails validate",
          `${JSON.stringify(value)}: ${JSON.stringify(module.validate.errors)}`,
        );
    }
    for (const value of fake(module.jsonSchema, options.generated, random)) {
      if (!module.validate(value)) continue;
      summary.instances.generated++;
      instances.push(value);
    }
    for (const value of instances) {
      for (let c = 0; c < options.chunkings; c++) {
        for (const optionalNulls of ["keep", "drop"] as const) {
          const outcome = stream(value, module, optionalNulls, random, (kind, d) => find(subject.id, kind, d));
          if (!outcome) continue;
          summary.snapshots += outcome.snapshots.length;
          if (c === 0 && optionalNulls === "keep") {
            for (const s of spread(outcome.snapshots, 6)) check(s, module.partialTypeName);
            check(outcome.final, module.typeName);
          }
          if (!module.validate(outcome.final)) {
            find(
              subject.id,
              "final fails validate",
              `${JSON.stringify(outcome.final)}: ${JSON.stringify(module.validate.errors)}`,
            );
          } else if (!isDeepStrictEqual(outcome.final, value)) {
            find(
              subject.id,
              "final differs from instance",
              `${JSON.stringify(value)} -> ${JSON.stringify(outcome.final)}`,
            );
          }
        }
      }
    }

    // Strict round trip: what the model may send under the strict schema, read back, fits the original.
    if (module.strictSchema !== null && module.strictLossless) {
      const strictValid = compileStrict(module.strictSchema);
      // The property is about values valid against the strict schema (a corpus answer may not be: the
      // OpenAI docs show `"type": ["string", "null"]` with an enum that lacks null).
      const strictValues = subject.strictInstances.filter(strictValid);
      for (const value of fake(module.strictSchema, options.generated, random))
        if (strictValid(value)) strictValues.push(value);
      for (const value of strictValues) {
        summary.strictInstances++;
        const outcome = stream(value, module, "drop", random, (kind, d) => find(subject.id, kind, d));
        if (!outcome) continue;
        summary.snapshots += outcome.snapshots.length;
        for (const s of spread(outcome.snapshots, 3)) check(s, module.partialTypeName);
        if (module.validate(outcome.final)) check(outcome.final, module.typeName);
        else
          find(
            subject.id,
            "strict round trip fails",
            `${JSON.stringify(value)} -> ${JSON.stringify(outcome.final)}: ${JSON.stringify(module.validate.errors)}`,
          );
      }
    }
    summary.ms.stream += performance.now() - started;
    if (literals.length > 0) {
      writeFiles(join(dir, "literals"), [
        {
          path: "index.ts",
          content: `import type { ${module.typeName}, ${module.partialTypeName} } from "../${module.stem}.js";\n${literals.join("\n")}\n`,
        },
      ]);
      roots.push(join(dir, "literals", "index.ts"));
      owners.set(join(dir, "literals", "index.ts"), `${subject.id}\u0000literals`);
    }
  }

  const started = performance.now();
  const diagnostics = roots.length > 0 ? typeCheck(roots) : [];
  summary.ms.typeCheck = performance.now() - started;
  for (const diagnostic of diagnostics) {
    const root = [...owners.keys()].find((r) => diagnostic.startsWith(r));
    const owner = root === undefined ? "?" : (owners.get(root) as string);
    const [subject, literal] = owner.split("\u0000");
    const kind = literal
      ? / v\d+: Partial/.test(diagnostic) || diagnostic.includes("Partial")
        ? "snapshot does not type-check"
        : "final does not type-check"
      : "does not compile";
    find(subject as string, kind, diagnostic);
  }
  summary.unsound = new Set(summary.findings.map((f) => f.subject)).size;
  return summary;
}

async function generateAndImport(
  subject: Subject,
  registry: SchemaRegistry,
  dir: string,
  find: (kind: Finding["kind"], detail: string) => void,
): Promise<Module | "error" | undefined> {
  const name = schemaName(subject.file);
  let result: Awaited<ReturnType<typeof generateSchemaModule>>;
  try {
    result = await generateSchemaModule(subject.file, registry, name, { remoteRefs: "unknown" });
  } catch (error) {
    if (error instanceof GenerateError) return "error";
    find("generator crash", String((error as Error).stack ?? error));
    return undefined;
  }
  writeFiles(dir, result.files);
  const stem = fileStem(name);
  const value = valueName(name);
  const exports = (await import(pathToFileURL(join(dir, `${stem}.ts`)).href)) as Record<string, unknown>;
  return {
    validate: exports[`validate${name}`] as SchemaValidator<unknown>,
    validatePartial: exports[`validatePartial${name}`] as SchemaValidator<unknown>,
    jsonSchema: exports[`${value}JsonSchema`],
    strictSchema: exports[`${value}StrictSchema`] ?? null,
    hints: exports[`${value}StreamHints`] ?? exports[`${value}JsonSchema`],
    typeName: name,
    partialTypeName: `Partial${name}`,
    dir,
    stem,
    prototypeNames:
      /"(constructor|toString|valueOf|hasOwnProperty|isPrototypeOf|propertyIsEnumerable|toLocaleString)"/.test(
        JSON.stringify(exports[`${value}JsonSchema`]),
      ),
    strictLossless: !result.warnings.some(isStrictLoss),
  };
}

/** Streams `value`'s JSON text in random chunks; checks every snapshot against the partial validator. */
function stream(
  value: unknown,
  module: Module,
  optionalNulls: "keep" | "drop",
  random: () => number,
  find: (kind: Finding["kind"], detail: string) => void,
): { snapshots: unknown[]; final: unknown } | undefined {
  const text = random() < 0.5 ? JSON.stringify(value) : JSON.stringify(value, null, random() < 0.5 ? 2 : "\t");
  const parser = new PartialJSONParser({ schema: module.hints as never, optionalNulls, strict: true });
  // The generated table and the raw schema are two readings of one derivation: they must agree.
  const fromSchema = new PartialJSONParser({ schema: module.jsonSchema as never, optionalNulls, strict: true });
  const snapshots: unknown[] = [];
  let written = "";
  try {
    for (const chunk of randomChunks(text, random)) {
      written += chunk;
      const changed = parser.write(chunk);
      fromSchema.write(chunk);
      if (!isDeepStrictEqual(parser.value, fromSchema.value)) {
        find(
          "hint table and schema disagree",
          `${JSON.stringify(parser.value)} vs ${JSON.stringify(fromSchema.value)} after ${JSON.stringify(written.slice(-80))}`,
        );
        return undefined;
      }
      if (!changed) continue;
      const snapshot = parser.value;
      snapshots.push(snapshot);
      if (!module.validatePartial(snapshot)) {
        find(
          "snapshot fails validatePartial",
          `${optionalNulls} ${JSON.stringify(snapshot)} after ${JSON.stringify(written.slice(-80))}: ${JSON.stringify(module.validatePartial.errors)}`,
        );
        return undefined;
      }
    }
    return { snapshots, final: parser.end() };
  } catch (error) {
    find("parser error", `${(error as Error).message} in ${text.slice(0, 200)}`);
    return undefined;
  }
}

function spread<T>(list: readonly T[], count: number): T[] {
  if (list.length <= count) return [...list];
  return Array.from({ length: count }, (_, i) => list[Math.floor((i * (list.length - 1)) / (count - 1))] as T);
}

/**
 * A validator as partialgen generates them (Ajv standalone code, with its own helpers: Ajv's deep equality
 * calls a data object's own `toString`), loaded from its text.
 */
export function compileAsGenerated(schema: unknown): SchemaValidator<unknown> {
  const code = emitValidators(
    schema,
    partialSchema(schema),
    { full: FULL_VALIDATOR, partial: PARTIAL_VALIDATOR },
    "x.json",
    [],
  );
  const exports: Record<string, SchemaValidator<unknown>> = {};
  new Function("require", "exports", code.replace(/export const (\w+)(?:: \w+)? = /g, "exports.$1 = "))(
    ajvRequire,
    exports,
  );
  return exports[FULL_VALIDATOR] as SchemaValidator<unknown>;
}

function compileStrict(schema: unknown): (value: unknown) => boolean {
  const validate = compileAsGenerated(schema);
  return (value) => validate(value);
}

/** Values generated from a schema with json-schema-faker (seeded); the caller keeps only the valid ones. */
export function fake(schema: unknown, count: number, random: () => number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) {
    JSONSchemaFaker.option({
      random,
      alwaysFakeOptionals: random() < 0.5,
      optionalsProbability: 0.5,
      maxItems: 3,
      maxLength: 12,
      refDepthMax: 2,
      failOnInvalidTypes: false,
      failOnInvalidFormat: false,
      ignoreMissingRefs: true,
      useDefaultValue: random() < 0.3,
      fillProperties: false,
    });
    try {
      const value = JSONSchemaFaker.generate(structuredClone(schema) as never);
      const text = JSON.stringify(value);
      if (text !== undefined && text.length < 20_000) out.push(JSON.parse(text));
    } catch {
      // json-schema-faker gives up on some schemas (unsatisfiable, unsupported keywords): nothing generated.
    }
  }
  return out;
}

function hasObjectPrototypeKey(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(hasObjectPrototypeKey);
  return Object.entries(value).some(
    ([k, v]) => (k !== "__proto__" && k in Object.prototype) || hasObjectPrototypeKey(v),
  );
}

/** A TypeScript expression for a JSON value, so that tsc checks it against a declared type. */
export function tsLiteral(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(", ")}]`;
  const members = Object.entries(value).map(
    ([k, v]) => `${k === "__proto__" ? '["__proto__"]' : JSON.stringify(k)}: ${tsLiteral(v)}`,
  );
  return `{${members.join(", ")}}`;
}

export function sampleSubjects(subjects: Subject[], count: number, seed: number): Subject[] {
  return sample(subjects, count, seededRandom(seed));
}

export function describeSummary(s: CorpusSummary): string {
  const kinds = new Map<string, number>();
  for (const f of s.findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const found = [...kinds].map(([k, n]) => `${n} ${k}`).join(", ") || "no findings";
  return (
    `soundness ${s.corpus}: ${s.schemas} schemas, ${s.generated} generated (${s.generationErrors} with a generation error), ` +
    `${s.strictSchemas} strict; ${s.instances.corpus} corpus + ${s.instances.generated} generated instances, ` +
    `${s.strictInstances} strict-mode answers, ${s.snapshots} snapshots, ${s.typeChecked} literals type-checked; ` +
    `${s.unsound} schemas with findings: ${found} ` +
    `(${(s.ms.generate / 1000).toFixed(1)} s generating, ${(s.ms.stream / 1000).toFixed(1)} s streaming, ${(s.ms.typeCheck / 1000).toFixed(1)} s type-checking)`
  );
}
