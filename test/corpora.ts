import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The shared public test suites (read in place, never copied into the repository). */
export const CORPORA_DIR = fileURLToPath(new URL("../../shared/corpora/", import.meta.url));
export const HAVE_CORPORA = existsSync(CORPORA_DIR);

/** Where each suite comes from and where it goes, for a checkout without ../shared. */
export const CORPORA_MISSING_MESSAGE = `shared corpora not found at ${CORPORA_DIR}: the suites that read them are skipped.
To run them, lay out (each folder keeps its upstream LICENSE):
  JSONTestSuite/test_parsing/                  the y_/n_/i_ files of github.com/nst/JSONTestSuite (test_parsing/)
  JSON-Schema-Test-Suite/tests/{draft7,draft2020-12}/ and remotes/   github.com/json-schema-org/JSON-Schema-Test-Suite
  schemastore/*.json                           schemas from github.com/SchemaStore/schemastore (src/schemas/json/)
  llm-schemas/{openai-node,openai-docs}/       structured-output schemas with X.instances.json files: the JSON Schemas
                                               in openai-node's tests and examples, and the OpenAI structured-outputs guide`;
