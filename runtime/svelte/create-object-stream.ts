import { type Readable, readable } from "svelte/store";
import {
  checkObjectStreamOptions,
  type ObjectStreamOptions,
  type ObjectStreamSnapshot,
  objectStreamController,
  type SubmitArgs,
} from "../client/object-stream-controller.js";
import type { ElementAt, PatternOf } from "../stream/elements.js";

export type CreateObjectStreamOptions<T, I = void> = ObjectStreamOptions<T, I>;

/** A readable store of `{ value, status, error, completedPaths, attempt }` (`$stream` in a component). */
export interface ObjectStreamStore<P, T, I = void> extends Readable<ObjectStreamSnapshot<P>> {
  /** Whether the value at a JSON Pointer is complete now. */
  isComplete(pointer: string): boolean;
  /** A store of the complete values matching a pattern ("/users/*"), in order; a new array only when one completes. */
  elements<Pattern extends string>(pattern: PatternOf<T, Pattern>): Readable<readonly ElementAt<T, Pattern>[]>;
  /** Starts a request, stopping the one in flight. */
  submit(...input: SubmitArgs<I>): void;
  /** Cancels the request in flight (status back to "idle", the value kept). */
  stop(): void;
}

/**
 * Streams a structured answer into a Svelte store: `submit(input)` requests it, and `$stream.value` follows
 * each snapshot. The request in flight is aborted when the last subscriber unsubscribes (the component that
 * read `$stream` is destroyed).
 */
export function createObjectStream<P, T, I = void>(
  options: CreateObjectStreamOptions<T, I>,
): ObjectStreamStore<P, T, I> {
  checkObjectStreamOptions("createObjectStream", options);
  const controller = objectStreamController<P, T, I>(options);
  const store = readable<ObjectStreamSnapshot<P>>(controller.state, (set) => {
    set(controller.state);
    const unsubscribe = controller.subscribe(set);
    return () => {
      unsubscribe();
      controller.stop();
    };
  });
  return {
    subscribe: store.subscribe,
    isComplete: (pointer) => controller.state.completedPaths.has(pointer),
    elements: <Pattern extends string>(pattern: PatternOf<T, Pattern>) =>
      readable(controller.elementsOf(controller.state, pattern), (set) => {
        let last: readonly ElementAt<T, Pattern>[] | undefined;
        // Svelte's stores treat every object as changed: set only a new array, so `$users` stays put.
        return store.subscribe((state) => {
          const next = controller.elementsOf(state, pattern);
          if (next === last) return;
          last = next;
          set(next);
        });
      }),
    submit: controller.submit,
    stop: controller.stop,
  };
}
