/**
 * Deep equality of JSON values: what generated validators use for `const`, `enum` and `uniqueItems` (Ajv's
 * standalone code asks for it as "ajv/dist/runtime/equal"). Written here instead of passing on Ajv's own,
 * fast-deep-equal: that calls a value's `valueOf` and `toString` when they are not Object.prototype's, and in
 * JSON data those are ordinary keys, so a model's `{"toString": "x"}` made validation throw a TypeError
 * instead of answering. JSON values are null, booleans, numbers, strings, arrays and plain objects; this
 * compares exactly those, objects by their own enumerable keys (an own `__proto__` key included), anything
 * else by identity.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return Number.isNaN(a) && Number.isNaN(b); // as fast-deep-equal has it (JSON has no NaN)
  }
  const isArray = Array.isArray(a);
  if (isArray !== Array.isArray(b)) return false;
  if (isArray) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i])) return false;
    return true;
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
