/**
 * Whether `promise` settles before the next macrotask (a `setTimeout(0)` shared by every caller waiting in the
 * same turn: one timer per turn of the event loop, not one per wait, as thousands of streams may wait at once).
 */
export function withinTurn(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([promise.then(inTime), nextTurn()]);
}

let turn: Promise<boolean> | undefined;

function nextTurn(): Promise<boolean> {
  turn ??= new Promise<boolean>((resolve) =>
    setTimeout(() => {
      turn = undefined;
      resolve(false);
    }, 0),
  );
  return turn;
}

function inTime(): boolean {
  return true;
}
