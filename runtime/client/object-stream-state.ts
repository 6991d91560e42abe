/**
 * The state every binding shows, and its changes as a pure reducer `(state, event) => state`: the controller
 * (object-stream-controller.ts) turns a request's progress into events, this module alone decides what they do.
 */

export type ObjectStreamStatus = "idle" | "streaming" | "done" | "error";

/** One immutable state: a new object on every change, so frameworks compare by identity. */
export interface ObjectStreamSnapshot<P> {
  /** The latest snapshot (the complete value once done). Unchanged subtrees keep their identity. */
  readonly value: P | undefined;
  readonly status: ObjectStreamStatus;
  /** Why the stream failed (status "error"); `value` keeps the last snapshot. */
  readonly error: Error | undefined;
  /** JSON Pointers of the values complete so far in the current attempt. */
  readonly completedPaths: ReadonlySet<string>;
  /** The attempt being shown (a retry restarts the value from empty). */
  readonly attempt: number;
}

export interface ObjectStreamState<P> extends ObjectStreamSnapshot<P> {
  readonly completedPaths: CompletedView;
}

/** What happens to a binding's request, in the order it happens. */
export type ObjectStreamEvent<P> =
  /** A request started: empty value, first attempt. */
  | { readonly type: "started" }
  /** A new snapshot, with the paths it completed. */
  | { readonly type: "snapshot"; readonly value: P; readonly completedPaths: readonly string[] }
  /** The server started the answer again: the value restarts from empty. */
  | { readonly type: "retry"; readonly attempt: number }
  /** The complete, validated value, with the paths completed last. */
  | { readonly type: "finished"; readonly value: P; readonly completedPaths: readonly string[] }
  | { readonly type: "failed"; readonly error: Error }
  /** The caller stopped the request: a stream in flight goes back to idle (its value kept). */
  | { readonly type: "stopped" };

/** Completed paths of one attempt, appended to in place; each view sees the first `size` of them. */
export class Completions {
  readonly order: string[] = [];
  readonly index = new Map<string, number>();
  add(pointers: readonly string[]): void {
    for (const p of pointers) {
      if (this.index.has(p)) continue;
      this.index.set(p, this.order.length);
      this.order.push(p);
    }
  }
  view(): CompletedView {
    return new CompletedView(this, this.order.length);
  }
}

/** An immutable view over a Completions prefix: O(1) to make per snapshot, where copying a Set is O(n). */
export class CompletedView implements ReadonlySet<string> {
  // Set by the constructor (the same own properties as class fields, fewer bytes in browser bundles).
  declare readonly completions: Completions;
  declare readonly size: number;
  constructor(completions: Completions, size: number) {
    this.completions = completions;
    this.size = size;
  }
  has(pointer: string): boolean {
    const at = this.completions.index.get(pointer);
    return at !== undefined && at < this.size;
  }
  *values(): SetIterator<string> {
    for (let i = 0; i < this.size; i++) yield this.completions.order[i] as string;
  }
  keys(): SetIterator<string> {
    return this.values();
  }
  *entries(): SetIterator<[string, string]> {
    for (const v of this.values()) yield [v, v];
  }
  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }
  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void): void {
    for (const v of this.values()) callback(v, v, this);
  }
}

export function initialObjectStreamState<P>(): ObjectStreamState<P> {
  return { value: undefined, status: "idle", error: undefined, completedPaths: new Completions().view(), attempt: 0 };
}

/**
 * `completed` plus `pointers`. Appends in place when `completed` shows all of its Completions (the usual case:
 * each state follows the last), else copies its prefix, so that an older state's views never change.
 */
function withCompleted(completed: CompletedView, pointers: readonly string[]): CompletedView {
  let completions = completed.completions;
  if (completed.size < completions.order.length) {
    completions = new Completions();
    completions.add(completed.completions.order.slice(0, completed.size));
  }
  completions.add(pointers);
  return completions.view();
}

/** The state after `event`; `state` itself when nothing changes (so no listener is called). */
export function reduceObjectStream<P>(state: ObjectStreamState<P>, event: ObjectStreamEvent<P>): ObjectStreamState<P> {
  switch (event.type) {
    case "started":
      return { ...initialObjectStreamState<P>(), status: "streaming", attempt: 1 };
    case "retry":
      return { ...state, value: undefined, completedPaths: new Completions().view(), attempt: event.attempt };
    case "failed":
      return { ...state, status: "error", error: event.error };
    case "stopped":
      return state.status === "streaming" ? { ...state, status: "idle" } : state;
    default: // a snapshot, or the final value
      return {
        ...state,
        value: event.value,
        status: event.type === "finished" ? "done" : state.status,
        completedPaths: withCompleted(state.completedPaths, event.completedPaths),
      };
  }
}
