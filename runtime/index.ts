export { PartialJSONError } from "./errors.js";
export { PartialJSONParser, type PartialJSONParserOptions } from "./parser.js";
export type { JSONSchema } from "./schema-hints.js";
export { partialSnapshots } from "./snapshots.js";
