import { appendPointer, wholeness } from "@partialgen/runtime";
import type { GenerateWarning } from "./errors.js";
import { isSchemaObject, mapSubschemas, type SchemaObject } from "./walk.js";

/** Subschemas no value is ever shown through: the stream hints never read them (and the partial schema drops most). */
const INERT = new Set([
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "dependentSchemas",
  "dependencies",
  "unevaluatedProperties",
  "unevaluatedItems",
]);
/** Reached only through `$ref`s, from anywhere: what encloses a definition says nothing about where it applies. */
const DEFINITIONS = new Set(["$defs", "definitions"]);
/**
 * Subschemas of the same value (allOf/anyOf/oneOf branches): a `not-null` there still holds the enclosing object
 * back, so only what lies below a value that is shown whole is without effect.
 */
const SAME_VALUE = new Set(["allOf", "anyOf", "oneOf"]);

const KNOWN = ["done", "not-null"];

interface Place {
  /** The keyword above that makes this subschema inert, if any. */
  inert?: string;
  /** JSON Pointer of an enclosing `x-stream` subtree, shown complete already: this value lies inside it. */
  wholeAt?: string;
  /** JSON Pointer of an `x-stream` subtree annotation on this same value (a schema of which this is a branch). */
  wholeHere?: string;
}

/**
 * Every `"x-stream"` annotation that cannot change what a snapshot shows, with its JSON Pointer: an unknown
 * value (a typo such as "not_null"), one under a keyword no value is shown through, one inside a subtree
 * another annotation already shows only whole.
 */
export function xStreamWarnings(schema: unknown, file: string): GenerateWarning[] {
  const warnings: GenerateWarning[] = [];
  const visit = (s: unknown, pointer: string, place: Place): void => {
    if (!isSchemaObject(s)) return;
    const here = checkAnnotation(s, pointer, place, (message) =>
      warnings.push({ file, pointer: appendPointer(pointer, "x-stream"), message }),
    );
    mapSubschemas(s, pointer, (sub, at) => {
      const keyword = at.slice(pointer.length + 1).split("/")[0] as string;
      const below: Place = DEFINITIONS.has(keyword) ? {} : within(here, keyword);
      visit(sub, at, below);
      return sub;
    });
  };
  visit(schema, "", {});
  return warnings;
}

function within(place: Place, keyword: string): Place {
  const inert = place.inert ?? (INERT.has(keyword) ? keyword : undefined);
  if (SAME_VALUE.has(keyword)) return { ...place, inert };
  // Properties, items and their kin: a value inside this one.
  return { inert, wholeAt: place.wholeAt ?? place.wholeHere };
}

/** Reports this schema's own annotation if it has no effect; returns the place its subschemas are in. */
function checkAnnotation(s: SchemaObject, pointer: string, place: Place, report: (message: string) => void): Place {
  if (!Object.hasOwn(s, "x-stream")) return place;
  const value = s["x-stream"];
  if (typeof value !== "string" || !KNOWN.includes(value)) {
    report(`"x-stream": ${JSON.stringify(value)} has no effect: the values partialgen reads are "done" and "not-null"`);
    return place;
  }
  if (place.inert !== undefined) {
    report(`"x-stream": "${value}" has no effect under "${place.inert}": no value is shown through that subschema`);
    return place;
  }
  if (place.wholeAt !== undefined) {
    const at = place.wholeAt === "" ? "the root" : `#${place.wholeAt}`;
    report(`"x-stream": "${value}" has no effect: the enclosing value (${at}) is already shown only whole`);
    return place;
  }
  return wholeness(s).subtree && place.wholeHere === undefined ? { ...place, wholeHere: pointer } : place;
}
