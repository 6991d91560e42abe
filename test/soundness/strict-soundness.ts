import { bundleSchema } from "../../generator/bundle/bundler.js";
import type { SchemaRegistry } from "../../generator/bundle/registry.js";
import { normalize } from "../../generator/derive/normalize.js";
import { providerSchema, type SchemaProvider } from "../../generator/derive/provider-schema.js";
import { isStrictLoss, strictSchema } from "../../generator/derive/strict-schema.js";
import type { SchemaFile } from "../../generator/load/schema-files.js";
import { GenerateError } from "../../generator/schema/errors.js";
import { mapSchema, type SchemaObject } from "../../generator/schema/walk.js";
import { PartialJSONParser } from "../../runtime/parse/lenient-parser.js";
import type { SchemaValidator } from "../../runtime/validate/validation.js";
import { compileAsGenerated, fake } from "./harness.js";
import { sample, seededRandom } from "./random.js";

/**
 * The strict schema's soundness: a value valid against it (what OpenAI's strict mode lets the model send),
 * read back as the runtime reads it (a null in a property made nullable is "absent"), passes the generated
 * full validator wherever the derivation reported no loss.
 *
 * Values: the corpus's recorded strict answers, values generated from the strict schema, and values generated
 * from every "projection" of it that keeps one branch of one anyOf: a value taking a narrow branch is where
 * an overlap that the original's oneOf forbids shows.
 */
export interface StrictSubject {
  id: string;
  file: SchemaFile;
  registry: SchemaRegistry;
  strictInstances: unknown[];
}

export interface StrictOptions {
  seed: number;
  /** Values generated from the whole strict schema. */
  generated: number;
  /** Values generated from each anyOf-branch projection. */
  perBranch: number;
  /** Projections tried per schema (sampled when a schema has more). */
  projections: number;
  /**
   * Check the schema this provider is sent (generator/derive/provider-schema.ts) instead of OpenAI's strict
   * schema: its losses are its own warnings and the strict derivation's.
   */
  provider?: SchemaProvider;
}

export interface StrictFinding {
  subject: string;
  value: string;
  readBack: string;
  errors: string;
}

export interface StrictSummary {
  schemas: number;
  /** Schemas with a strict schema. */
  strict: number;
  /** Of those, the ones whose derivation reported a loss (not checked: a loss says values may fail). */
  lossy: number;
  /** Loss warnings reported, over all schemas. */
  losses: number;
  /** Strict-valid values read back and checked. */
  values: number;
  findings: StrictFinding[];
}

export async function checkStrictSoundness(subjects: StrictSubject[], options: StrictOptions): Promise<StrictSummary> {
  const random = seededRandom(options.seed);
  const summary: StrictSummary = { schemas: 0, strict: 0, lossy: 0, losses: 0, values: 0, findings: [] };
  for (const subject of subjects) {
    summary.schemas++;
    const derived = await derive(subject, options.provider);
    if (derived === undefined) continue;
    summary.strict++;
    const losses = derived.warnings.filter(isStrictLoss).length;
    summary.losses += losses;
    if (losses > 0) {
      summary.lossy++;
      continue;
    }
    let strictValid: SchemaValidator<unknown>;
    try {
      strictValid = compileAsGenerated(derived.strict);
    } catch (error) {
      const detail = `the strict schema does not compile: ${(error as Error).message}`;
      summary.findings.push({ subject: subject.id, value: "", readBack: "", errors: detail });
      continue;
    }
    const values = [
      ...subject.strictInstances,
      ...fake(derived.strict, options.generated, random),
      ...sample(projections(derived.strict), options.projections, random).flatMap((p) =>
        fake(p, options.perBranch, random),
      ),
    ];
    for (const value of values) {
      if (!strictValid(value)) continue;
      summary.values++;
      const readBack = readAsRuntime(value, derived.full);
      if (!derived.validate(readBack)) {
        summary.findings.push({
          subject: subject.id,
          value: JSON.stringify(value).slice(0, 400),
          readBack: JSON.stringify(readBack).slice(0, 400),
          errors: JSON.stringify(derived.validate.errors).slice(0, 400),
        });
      }
    }
  }
  return summary;
}

/**
 * Bundled full schema, its strict form with the derivation's warnings, and the generated full validator;
 * undefined where generation stops with an error or the schema has no strict form.
 */
async function derive(subject: StrictSubject, provider: SchemaProvider | undefined) {
  try {
    const full = normalize(await bundleSchema(subject.file, subject.registry));
    const file = subject.file.displayPath;
    if (provider !== undefined) {
      const { schema, warnings, inherited } = providerSchema(provider, full, file);
      return { full, strict: schema, warnings: [...warnings, ...inherited], validate: compileAsGenerated(full) };
    }
    const { schema, warnings } = strictSchema(full, file);
    return { full, strict: schema, warnings, validate: compileAsGenerated(full) };
  } catch (error) {
    if (error instanceof GenerateError) return undefined;
    throw error;
  }
}

/** What the generated streamX() makes of the model's text: nulls the original forbids read as absent. */
function readAsRuntime(value: unknown, full: unknown): unknown {
  const parser = new PartialJSONParser({ schema: full as never, optionalNulls: "drop", strict: true });
  parser.write(JSON.stringify(value));
  return parser.end();
}

/** Copies of the strict schema that keep one branch of one anyOf each. */
export function projections(strict: SchemaObject): SchemaObject[] {
  const sites: { pointer: string; branches: number }[] = [];
  mapSchema(strict, (s, pointer) => {
    if (Array.isArray(s.anyOf) && s.anyOf.length > 1) sites.push({ pointer, branches: s.anyOf.length });
    return s;
  });
  return sites.flatMap(({ pointer, branches }) =>
    Array.from(
      { length: branches },
      (_, i) =>
        mapSchema(strict, (s, at) =>
          at === pointer && Array.isArray(s.anyOf) ? { ...s, anyOf: [s.anyOf[i]] } : s,
        ) as SchemaObject,
    ),
  );
}

export function describeStrictSummary(name: string, s: StrictSummary): string {
  const subjects = new Set(s.findings.map((f) => f.subject));
  return (
    `strict soundness ${name}: ${s.schemas} schemas, ${s.strict} with a strict schema, ${s.lossy} of them with ` +
    `a loss reported (${s.losses} loss warnings); ${s.values} strict-valid values read back; ` +
    `${s.findings.length} failed validateX (${subjects.size} schemas${subjects.size > 0 ? `: ${[...subjects].join("; ")}` : ""})`
  );
}
