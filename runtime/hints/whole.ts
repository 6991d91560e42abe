/**
 * What one schema object says about showing a value only whole: the single rule behind both the stream hints
 * (schema-hints.ts reads it per position, through `$ref`s and unions) and the generator's partial schema
 * (which keeps exactly what this rule shows complete), so the two cannot drift apart.
 */
export interface Wholeness {
  /**
   * Strings here are one of finitely many (`enum`/`const`): a prefix of one is no value, so such a string is
   * shown only complete, and its `pattern`/`format` hold for every string shown.
   */
  readonly completeStrings: boolean;
  /** `"x-stream": "done"`: the value is shown only once complete. */
  readonly done: boolean;
  /**
   * `"x-stream": "not-null"`: the value is shown only once complete, and as a property named in `properties` it
   * also holds its object back until it has a complete, non-null value. Elsewhere (an array item, the root, a
   * value of additionalProperties or patternProperties) there is no object to hold, so it means `done`.
   */
  readonly notNull: boolean;
  /** `done` or `notNull`: wherever this schema applies, the value is shown complete, so all of it holds. */
  readonly subtree: boolean;
}

export function wholeness(schema: { readonly [keyword: string]: unknown }): Wholeness {
  const done = schema["x-stream"] === "done";
  const notNull = schema["x-stream"] === "not-null";
  return {
    completeStrings: Array.isArray(schema.enum) || Object.hasOwn(schema, "const"),
    done,
    notNull,
    subtree: done || notNull,
  };
}
