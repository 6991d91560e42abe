/**
 * Whether `promise` settles before the next macrotask. A timer of its own per wait: racing many waits against
 * one shared timer kept each race's reactions alive until that timer fired (about 110 MB more peak RSS at 1,000
 * concurrent streams, `npm run bench:stream-load`), where a timer cleared at once costs little.
 */
export async function withinTurn(promise: Promise<unknown>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const inTime = await Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(resolve, 0, false);
    }),
  ]);
  clearTimeout(timer);
  return inTime;
}
