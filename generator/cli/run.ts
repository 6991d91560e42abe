import { relative } from "node:path";
import yargs from "yargs";
import { FRAMEWORKS, type Framework } from "../../templates/framework-modules.js";
import { IMPORT_EXTENSIONS, type ImportExtension } from "../../templates/imports.js";
import { generate } from "../generate.js";
import { inferImportExtension } from "../import-extension.js";
import { checkOutput, writeOutput } from "../output.js";
import { packageVersion } from "../package-info.js";
import { GenerateError, type GenerateWarning, WARNING_PROVIDERS, type WarningProvider } from "../schema/errors.js";
import { exampleCommand } from "./example.js";
import { type CliIO, defaultIO } from "./io.js";
import { chooseProviders } from "./providers.js";
import { watchInputs } from "./watch.js";

/** Runs the CLI and returns the exit code (0 ok, 1 failure or stale output, 2 usage error). */
export async function runCli(argv: readonly string[], io: CliIO = defaultIO): Promise<number> {
  let code = 0;
  const parser = yargs()
    .scriptName("partialgen")
    .usage(
      "$0 <command> [options]\n\nGenerates typed streaming clients for structured LLM output from JSON Schema files.",
    )
    .command(
      "generate <inputs..>",
      "Generate TypeScript modules (types, partial types, validators, strict schema, streamX()) from JSON Schema files",
      (y) =>
        y
          .positional("inputs", {
            describe: "Schema files (.json, .yaml, .yml) or directories to search",
            type: "string",
            array: true,
            demandOption: true,
          })
          .option("out", {
            alias: "o",
            describe: "Output directory (replaced as a whole; it must hold only generated files)",
            type: "string",
            demandOption: true,
          })
          .option("check", {
            describe: "Write nothing; exit 1 listing stale or missing files if the output is not up to date (for CI)",
            type: "boolean",
          })
          .option("watch", { alias: "w", describe: "Regenerate whenever an input changes", type: "boolean" })
          .option("strict", {
            describe:
              "Fail when a schema cannot be made strict for OpenAI structured outputs, or its strict schema admits values the validator rejects (default, and --no-strict: warn; a schema with no strict form is sent with strict: false)",
            type: "boolean",
            default: false,
          })
          .option("remote-refs", {
            describe:
              "A remote $ref (http/https) outside the inputs: error, or type it unknown and leave it unvalidated (nothing is ever fetched)",
            choices: ["error", "unknown"] as const,
            default: "error" as const,
          })
          .option("framework", {
            describe: `Also emit browser modules: <name>.client.ts (readXStream) and <name>.<framework>.ts (useXStream for react and vue, createXStream for svelte and solid, injectXStream for angular); repeatable or comma-separated: ${FRAMEWORKS.join(", ")}`,
            type: "string",
            array: true,
            coerce: frameworksOf,
          })
          .option("react", { describe: "The same as --framework react", type: "boolean", default: false })
          .option("provider", {
            describe: `The providers the app calls (repeatable or comma-separated: ${WARNING_PROVIDERS.join(", ")}): warnings about the schema another provider would be sent are left out; every provider's schema is still generated. Default: the providers whose SDKs the project's package.json lists (openai, @anthropic-ai/sdk, @google/genai), else all`,
            type: "string",
            array: true,
            coerce: providersOf,
          })
          .option("import-extension", {
            describe:
              "Extension of the imports between generated modules: none (bundlers: Next.js, Vite, webpack), js (Node's ESM), ts (allowImportingTsExtensions). Default: inferred from the tsconfig.json that governs --out (moduleResolution bundler → none, node16/nodenext → js; no tsconfig → js)",
            choices: IMPORT_EXTENSIONS,
          })
          .option("root", {
            describe:
              "Project root: a $ref may read a file that is not an input only under this directory (default: the working directory)",
            type: "string",
          })
          .option("quiet", { alias: "q", describe: "Print errors only", type: "boolean", default: false })
          .conflicts("check", "watch")
          .example("$0 generate schemas --out src/generated", "Generate a module per schema in schemas/")
          .example("$0 generate schemas --out src/generated --check", "Fail in CI when the generated files are stale"),
      async (args) => {
        const options = {
          inputs: args.inputs as string[],
          out: args.out,
          strict: args.strict,
          quiet: args.quiet,
          remoteRefs: args["remote-refs"],
          react: args.react,
          frameworks: args.framework ?? [],
          providers: args.provider,
          root: args.root,
          importExtension: args["import-extension"],
        };
        if (args.check) code = await checkOnce(options, io);
        else if (args.watch) code = await watchInputs(options.inputs, () => generateOnce(options, io), io);
        else code = await generateOnce(options, io);
      },
    )
    .command(exampleCommand(io, (c) => (code = c)))
    .demandCommand(1, "Name a command: generate or example (see --help)")
    .strict()
    .help()
    .alias("help", "h")
    .version(packageVersion())
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false);
  const unknown = unknownCommand(argv);
  if (unknown !== undefined) {
    io.err(unknown);
    return 2;
  }
  try {
    // With a callback, yargs hands help and usage errors back instead of printing them itself.
    await parser.parseAsync([...argv], {}, (error, _args, output) => {
      if (error) {
        io.err(`partialgen: ${error.message}\nRun "partialgen --help" for usage.`);
        code = 2;
      } else if (output) io.out(output);
    });
  } catch (error) {
    io.err(`partialgen: ${(error as Error).message}`);
    return 1;
  }
  return code;
}

/** `--framework vue,svelte --framework solid`: the names, each checked. */
function frameworksOf(values: readonly string[]): Framework[] {
  return namesOf(values, FRAMEWORKS, "framework");
}

/** `--provider openai,gemini --provider anthropic`: the names, each checked. */
function providersOf(values: readonly string[]): WarningProvider[] {
  return namesOf(values, WARNING_PROVIDERS, "provider");
}

/** A repeatable, comma-separated option's names, lower-cased, each one of `allowed`. */
function namesOf<N extends string>(values: readonly string[], allowed: readonly N[], option: string): N[] {
  const names = values.flatMap((v) => v.split(",")).map((v) => v.trim().toLowerCase());
  for (const name of names) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new Error(`unknown ${option} "${name}" for --${option} (one of ${allowed.join(", ")})`);
    }
  }
  return names as N[];
}

const COMMANDS = ["generate", "example"];

/**
 * The message for a first argument that names no command, with the command meant: yargs' own suggestion
 * (recommendCommands) is blocked by strict mode and only looks at edit distance, so "gen" would find nothing.
 */
function unknownCommand(argv: readonly string[]): string | undefined {
  const first = argv[0];
  if (first === undefined || first.startsWith("-") || COMMANDS.includes(first)) return undefined;
  const meant =
    COMMANDS.find((c) => c.startsWith(first.toLowerCase())) ?? COMMANDS.find((c) => editDistance(c, first) <= 2);
  return `partialgen: unknown command "${first}"${meant ? `; did you mean "${meant}"? (partialgen ${[meant, ...argv.slice(1)].join(" ")})` : ""}\nRun "partialgen --help" for usage.`;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return row[b.length] ?? 0;
}

interface RunOptions {
  inputs: string[];
  out: string;
  strict: boolean;
  quiet: boolean;
  remoteRefs: "error" | "unknown";
  react: boolean;
  frameworks?: readonly Framework[];
  providers?: readonly WarningProvider[] | undefined;
  root?: string | undefined;
  importExtension?: ImportExtension | undefined;
}

/** The library's options for one run; the import extension, unless given, inferred for --out (every run). */
function generateOptions(options: RunOptions, io: CliIO) {
  let importExtension = options.importExtension;
  if (importExtension === undefined) {
    const inferred = inferImportExtension(options.out);
    importExtension = inferred.extension;
    if (!options.quiet) {
      const where = inferred.tsconfig === undefined ? "" : ` in ${relative(process.cwd(), inferred.tsconfig)}`;
      io.out(
        `partialgen: imports between generated modules use ${importExtension === "none" ? "no extension" : `.${importExtension}`} (${inferred.reason}${where}; --import-extension overrides)`,
      );
    }
  }
  return {
    strict: options.strict,
    remoteRefs: options.remoteRefs,
    react: options.react,
    frameworks: options.frameworks ?? [],
    importExtension,
    ...(options.root === undefined ? {} : { root: options.root }),
  };
}

/** The warnings, but those about a provider the app does not call: counted in one line instead. */
function printWarnings(warnings: readonly GenerateWarning[], options: RunOptions, io: CliIO): void {
  if (options.quiet) return;
  const { providers, source } = chooseProviders(options.providers, options.root ?? process.cwd());
  const hidden = new Set<WarningProvider>();
  let hiddenCount = 0;
  for (const w of warnings) {
    if (w.provider !== undefined && !providers.has(w.provider)) {
      hidden.add(w.provider);
      hiddenCount++;
    } else io.err(`warning: ${w.file}${w.pointer ? `#${w.pointer}` : ""}: ${w.message}`);
  }
  if (hiddenCount === 0) return;
  const why = source === "option" ? "--provider" : "from package.json's dependencies";
  io.err(
    `partialgen: ${hiddenCount === 1 ? "1 warning" : `${hiddenCount} warnings`} about the schema${hidden.size > 1 ? "s" : ""} ${[...hidden].join(" and ")} would be sent not shown: this app calls ${[...providers].join(", ")} (${why}; --provider ${WARNING_PROVIDERS.join(",")} shows them)`,
  );
}

function reportError(error: unknown, io: CliIO): number {
  if (error instanceof GenerateError) io.err(`error: ${error.message}`);
  else io.err(`error: ${(error as Error).message}`);
  return 1;
}

export async function generateOnce(options: RunOptions, io: CliIO): Promise<number> {
  try {
    const result = await generate(options.inputs, generateOptions(options, io));
    printWarnings(result.warnings, options, io);
    await writeOutput(options.out, result.files);
    if (!options.quiet)
      io.out(`partialgen: wrote ${result.files.length} files to ${relative(process.cwd(), options.out) || "."}`);
    return 0;
  } catch (error) {
    return reportError(error, io);
  }
}

async function checkOnce(options: RunOptions, io: CliIO): Promise<number> {
  try {
    const result = await generate(options.inputs, generateOptions(options, io));
    printWarnings(result.warnings, options, io);
    const diff = await checkOutput(options.out, result.files);
    if (diff.foreign.length > 0) {
      io.err(
        `error: ${options.out} holds files partialgen did not generate, so generate would refuse to replace it: ${diff.foreign.join(", ")}; move them out or choose an output directory of its own`,
      );
      return 1;
    }
    const problems = [
      ...diff.stale.map((p) => `  stale:   ${p}`),
      ...diff.missing.map((p) => `  missing: ${p}`),
      ...diff.extra.map((p) => `  extra:   ${p} (no longer generated)`),
    ];
    if (problems.length === 0) {
      if (!options.quiet) io.out(`partialgen: ${options.out} is up to date (${result.files.length} files)`);
      return 0;
    }
    io.err(
      `partialgen: ${options.out} is out of date; run partialgen generate without --check:\n${problems.join("\n")}`,
    );
    return 1;
  } catch (error) {
    return reportError(error, io);
  }
}
