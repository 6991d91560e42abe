import { appendPointer } from "@partialgen/runtime";
import { dialectOf } from "../schema/ajv.js";
import type { GenerateWarning } from "../schema/errors.js";
import type { SchemaObject } from "../schema/walk.js";
import { anthropicPass } from "./anthropic-schema.js";
import { geminiPass } from "./gemini-schema.js";
import type { SchemaEdit } from "./provider-edit.js";
import { enforced, lossWarning } from "./strict-loss.js";
import { strictSchema } from "./strict-schema.js";

/** The providers that get a schema of their own (OpenAI's is the strict schema). */
export type SchemaProvider = "anthropic" | "gemini";
export const SCHEMA_PROVIDERS: readonly SchemaProvider[] = ["anthropic", "gemini"];

const PROVIDER_NAMES: Record<SchemaProvider, string> = {
  anthropic: "Anthropic structured outputs",
  gemini: "Gemini's responseJsonSchema",
};

/**
 * The schema one provider is sent, with its warnings. It starts from the strict derivation with optional
 * properties left optional (both APIs accept that), so the strict schema's losses are its losses too; the
 * provider's pass then drops or rewrites what that provider does not accept, each loss a warning with its
 * keyword and JSON Pointer (where the user's file has it, as far as the derived schema keeps its shape), and
 * checks the provider's published limits (a warning that the API may refuse the schema). `inherited`: the
 * strict derivation's own warnings, the strict schema's (reported with it). Throws a GenerateError where the
 * strict derivation does.
 */
export function providerSchema(
  provider: SchemaProvider,
  full: unknown,
  file: string,
): { schema: SchemaObject; warnings: GenerateWarning[]; inherited: GenerateWarning[] } {
  const { schema: base, warnings: inherited, locate } = strictSchema(full, file, { optionalProperties: "omit" });
  const dialect = dialectOf(full);
  const warnings: GenerateWarning[] = [];
  const what = PROVIDER_NAMES[provider];
  const edit: SchemaEdit = {
    remove(s, pointer, keyword, why = `is not supported by ${what}`) {
      const value = s[keyword];
      delete s[keyword];
      if (!enforced(dialect, keyword, value)) return;
      warnings.push({
        ...lossWarning(
          file,
          appendPointer(pointer, keyword),
          keyword,
          `"${keyword}" ${why}: removed from the ${provider} schema (the final validator still enforces it)`,
        ),
        provider,
      });
    },
    loss(pointer, keyword, message) {
      warnings.push({
        ...lossWarning(
          file,
          pointer,
          keyword,
          `${message}; the ${provider} schema admits it, the final validator does not`,
        ),
        provider,
      });
    },
    refusal(pointer, keyword, message) {
      warnings.push({ file, pointer, provider, message: `${what} (${keyword}): ${message}` });
    },
  };
  const pass = provider === "anthropic" ? anthropicPass : geminiPass;
  const schema = pass(base, edit);
  return { schema, warnings: warnings.map((w) => ({ ...w, pointer: locate(w.pointer) })), inherited };
}
