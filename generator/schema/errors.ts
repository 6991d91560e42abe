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
   * Set on a warning about the schema one provider is sent (generator/derive/provider-schema.ts): such a loss
   * is reported but `--strict` does not make it an error (that flag is about OpenAI's strict schema).
   */
  provider?: "anthropic" | "gemini";
}
