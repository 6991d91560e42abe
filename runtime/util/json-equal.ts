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
  // Pairs still to compare, as a flat stack: a loop rather than recursion, since a model's value may nest
  // deeper than the call stack (uniqueItems compares two such values).
  const pending: unknown[] = [a, b];
  while (pending.length > 0) {
    const y = pending.pop();
    const x = pending.pop();
    if (x === y) continue;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) {
      if (Number.isNaN(x) && Number.isNaN(y)) continue; // as fast-deep-equal has it (JSON has no NaN)
      return false;
    }
    const isArray = Array.isArray(x);
    if (isArray !== Array.isArray(y)) return false;
    if (isArray) {
      const xs = x as unknown[];
      const ys = y as unknown[];
      if (xs.length !== ys.length) return false;
      for (let i = xs.length - 1; i >= 0; i--) pending.push(xs[i], ys[i]);
      continue;
    }
    if (!isPlainObject(x) || !isPlainObject(y)) return false;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      if (!Object.hasOwn(y, key)) return false;
      pending.push((x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key]);
    }
  }
  return true;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
