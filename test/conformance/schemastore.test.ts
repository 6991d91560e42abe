import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SchemaRegistry } from "../../generator/bundle/registry.js";
import { fileStem } from "../../generator/code/naming.js";
import { type GeneratedFile, generate, generateSchemaModule, schemaName } from "../../generator/generate.js";
import { loadSchemaFile, type SchemaFile } from "../../generator/load/schema-files.js";
import { GenerateError } from "../../generator/schema/errors.js";
import { CORPORA_DIR, CORPORA_MISSING_MESSAGE, HAVE_CORPORA } from "../corpora.js";
import { OUTPUT, typeCheck, writeFiles } from "../generator/helpers.js";

const DIR = join(CORPORA_DIR, "schemastore");
if (!HAVE_CORPORA) console.warn(CORPORA_MISSING_MESSAGE);

/** Generates each schema on its own (so one failure does not hide the others), all as one input set. */
async function generateEach(files: SchemaFile[], remoteRefs: "error" | "unknown") {
  // One input set, as a user would pass the folder: references between these files resolve.
  const registry = new SchemaRegistry(files, remoteRefs);
  const generated = new Map<SchemaFile, GeneratedFile[]>();
  const failures = new Map<SchemaFile, GenerateError>();
  for (const file of files) {
    try {
      // Most of these schemas use what OpenAI strict mode cannot express (free-form maps, tuples): --no-strict.
      generated.set(
        file,
        (await generateSchemaModule(file, registry, schemaName(file), { strict: false, remoteRefs })).files,
      );
    } catch (error) {
      expect(error, file.displayPath).toBeInstanceOf(GenerateError);
      failures.set(file, error as GenerateError);
    }
  }
  return { generated, failures };
}

describe.skipIf(!HAVE_CORPORA)("SchemaStore: real-world schemas", () => {
  it("each generates code that compiles under tsc --strict, or fails with an error naming the keyword and JSON Pointer", async () => {
    const names = readdirSync(DIR)
      .filter((f) => f.endsWith(".json"))
      .sort();
    const files = await Promise.all(names.map((n) => loadSchemaFile(join(DIR, n))));
    const strictRefs = await generateEach(files, "error");
    const lenientRefs = await generateEach(files, "unknown");

    // Every failure names the file and, through its message, the JSON Pointer and keyword.
    for (const [file, error] of [...strictRefs.failures, ...lenientRefs.failures]) {
      expect(error.message.startsWith(error.file), file.displayPath).toBe(true);
      expect(error.keyword ?? error.pointer, file.displayPath).toBeTruthy();
    }

    // One program for all generated code (a superset: --remote-refs unknown only adds modules).
    const roots = new Map<string, SchemaFile>();
    for (const [file, moduleFiles] of lenientRefs.generated) {
      const dir = join(OUTPUT, "schemastore", fileStem(schemaName(file)));
      writeFiles(dir, moduleFiles);
      for (const f of moduleFiles) roots.set(join(dir, f.path), file);
    }
    const diagnostics = typeCheck([...roots.keys()]);
    const broken = new Set<SchemaFile>();
    for (const d of diagnostics) for (const [root, file] of roots) if (d.startsWith(root)) broken.add(file);

    const compiles = (g: Map<SchemaFile, GeneratedFile[]>) => [...g.keys()].filter((f) => !broken.has(f)).length;
    const name = (f: SchemaFile) => names[files.indexOf(f)];
    console.log(
      `SchemaStore: ${compiles(strictRefs.generated)} / ${files.length} compile under tsc --strict with default options, ` +
        `${compiles(lenientRefs.generated)} / ${files.length} with --remote-refs unknown (target 40); ` +
        `${lenientRefs.failures.size} fail with a clear error, ${broken.size} generate code that does not compile`,
    );
    for (const [f, e] of strictRefs.failures) {
      const still = lenientRefs.failures.get(f);
      console.log(
        `  ${name(f)}: ${still ? `not generated: ${still.message}` : `needs --remote-refs unknown: ${e.message}`}`,
      );
    }
    expect(diagnostics.slice(0, 3)).toEqual([]);
    expect(compiles(lenientRefs.generated)).toBeGreaterThanOrEqual(40);
  });

  it("all of them as one input set (the folder, as users pass it): shared definitions imported, one program compiles", async () => {
    const { files } = await generate([DIR], { strict: false, remoteRefs: "unknown" });
    const dir = join(OUTPUT, "schemastore-one-set");
    writeFiles(dir, files);
    const imports = files.filter((f) => /^import type \{[^}]+\} from "\.\/(?!index)[^"]+\.js";$/m.test(f.content));
    console.log(
      `SchemaStore as one input set: ${files.length} files, ${imports.length} modules import another's types`,
    );
    expect(typeCheck(files.map((f) => join(dir, f.path))).slice(0, 3)).toEqual([]);
  });
});
