export type { ImportExtension } from "../templates/imports.js";
export {
  type GeneratedFile,
  type GenerateOptions,
  type GenerateResult,
  generate,
  generateFromFiles,
} from "./generate.js";
export { assertImportExtension, type InferredImportExtension, inferImportExtension } from "./import-extension.js";
export { type CheckResult, checkOutput, writeOutput } from "./output.js";
export { GenerateError, type GenerateWarning, type WarningProvider } from "./schema/errors.js";
