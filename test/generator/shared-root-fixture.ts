import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES } from "./helpers.js";

/** The reviewed output of the shared-root-definitions fixture, read by its unit and compile tests. */
export const CASE = join(FIXTURES, "shared-root-definitions");
export const EXPECTED = join(CASE, "expected");
export const read = (file: string) => readFileSync(join(EXPECTED, file), "utf8");
/** The type declarations of a generated module (its schema literals and code left out). */
export const typesOf = (text: string) => text.split("/** The JSON Schema")[0] as string;
