/** A problem in an input schema: names the file, the JSON Pointer in it and, where there is one, the keyword. */
export class GenerateError extends Error {
  override name = "GenerateError";
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly problem: string,
    readonly keyword?: string,
  ) {
    super(`${file}${pointer === "" ? "" : `#${pointer}`}: ${problem}`);
  }
}

/** The providers a schema is derived for, each with its own rules. */
export const WARNING_PROVIDERS = ["openai", "anthropic", "gemini"] as const;
export type WarningProvider = (typeof WARNING_PROVIDERS)[number];

export interface GenerateWarning {
  file: string;
  pointer: string;
  message: string;
  /**
   * Set on a strict-schema loss (the strict schema admits values the full validator rejects there): the
   * keyword whose meaning is lost. `--strict` makes such a warning an error.
   */
  strictLoss?: string;
  /**
   * The provider whose schema the warning is about: OpenAI's strict schema, or the schema Anthropic or Gemini is
   * sent (generator/derive/provider-schema.ts). `--strict` makes only OpenAI's losses errors; the CLI shows the
   * warnings of the providers an app calls (`--provider`).
   */
  provider?: WarningProvider;
}
