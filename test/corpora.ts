import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The shared public test suites (read in place, never copied into the repository). */
export const CORPORA_DIR = fileURLToPath(new URL("../../shared/corpora/", import.meta.url));
export const HAVE_CORPORA = existsSync(CORPORA_DIR);
export const CORPORA_MISSING_MESSAGE = `shared corpora not found at ${CORPORA_DIR}: conformance suites skipped`;
