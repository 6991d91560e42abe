export { GenerateError, type GenerateWarning } from "./errors.js";
export {
  type GeneratedFile,
  type GenerateOptions,
  type GenerateResult,
  generate,
  generateFromFiles,
} from "./generate.js";
export { type CheckResult, checkOutput, writeOutput } from "./output.js";
