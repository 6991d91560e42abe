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
}
