import { type ComputedRef, computed, getCurrentScope, onScopeDispose, type ShallowRef, shallowRef } from "vue";
import {
  checkObjectStreamOptions,
  type ObjectStreamOptions,
  type ObjectStreamSnapshot,
  type ObjectStreamStatus,
  objectStreamController,
  type SubmitArgs,
} from "../client/object-stream-controller.js";
import type { ElementAt, PatternOf } from "../stream/elements.js";

export type UseObjectStreamOptions<T, I = void> = ObjectStreamOptions<T, I>;

/** Read-only refs: the binding writes them, templates and computeds read them. */
type ReadRef<V> = Readonly<ShallowRef<V>>;

export interface ObjectStreamRefs<P, T, I = void> {
  /** The latest snapshot (`value.value`); unchanged subtrees keep their identity. */
  value: ReadRef<P | undefined>;
  status: ReadRef<ObjectStreamStatus>;
  error: ReadRef<Error | undefined>;
  completedPaths: ReadRef<ReadonlySet<string>>;
  attempt: ReadRef<number>;
  /** Whether the value at a JSON Pointer is complete (reactive where it is read). */
  isComplete(pointer: string): boolean;
  /** The complete values matching a pattern ("/users/*"), in order; the same array until one more completes. */
  elements<Pattern extends string>(pattern: PatternOf<T, Pattern>): ComputedRef<readonly ElementAt<T, Pattern>[]>;
  /** Starts a request, stopping the one in flight. */
  submit(...input: SubmitArgs<I>): void;
  /** Cancels the request in flight (status back to "idle", the value kept). */
  stop(): void;
}

/**
 * Streams a structured answer into Vue refs: `submit(input)` requests it, and `value.value` follows each
 * snapshot. The request is aborted when the calling effect scope is disposed (the component unmounts).
 */
export function useObjectStream<P, T, I = void>(options: UseObjectStreamOptions<T, I>): ObjectStreamRefs<P, T, I> {
  checkObjectStreamOptions("useObjectStream", options);
  const controller = objectStreamController<P, T, I>(options);
  const initial = controller.state;
  const state = shallowRef<ObjectStreamSnapshot<P>>(initial);
  const value = shallowRef(initial.value);
  const status = shallowRef(initial.status);
  const error = shallowRef(initial.error);
  const completedPaths = shallowRef(initial.completedPaths);
  const attempt = shallowRef(initial.attempt);
  controller.subscribe((next) => {
    state.value = next;
    value.value = next.value;
    status.value = next.status;
    error.value = next.error;
    completedPaths.value = next.completedPaths;
    attempt.value = next.attempt;
  });
  if (getCurrentScope()) onScopeDispose(() => controller.dispose("the component unmounted"));
  return {
    value,
    status,
    error,
    completedPaths,
    attempt,
    isComplete: (pointer) => completedPaths.value.has(pointer),
    elements: (pattern) => computed(() => controller.elementsOf(state.value, pattern)),
    submit: controller.submit,
    stop: controller.stop,
  };
}
