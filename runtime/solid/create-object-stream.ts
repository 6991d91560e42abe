import { type Accessor, batch, createSignal, getOwner, onCleanup } from "solid-js";
import {
  checkObjectStreamOptions,
  type ObjectStreamOptions,
  type ObjectStreamStatus,
  objectStreamController,
  type SubmitArgs,
} from "../client/object-stream-controller.js";
import type { ElementAt, PatternOf } from "../stream/elements.js";

export type CreateObjectStreamOptions<T, I = void> = ObjectStreamOptions<T, I>;

export interface ObjectStreamAccessors<P, T, I = void> {
  /** The latest snapshot (`value()`); unchanged subtrees keep their identity. */
  value: Accessor<P | undefined>;
  status: Accessor<ObjectStreamStatus>;
  error: Accessor<Error | undefined>;
  completedPaths: Accessor<ReadonlySet<string>>;
  attempt: Accessor<number>;
  /** Whether the value at a JSON Pointer is complete (tracked where it is read). */
  isComplete(pointer: string): boolean;
  /** The complete values matching a pattern ("/users/*"), in order; the same array until one more completes. */
  elements<Pattern extends string>(pattern: PatternOf<T, Pattern>): Accessor<readonly ElementAt<T, Pattern>[]>;
  /** Starts a request, stopping the one in flight. */
  submit(...input: SubmitArgs<I>): void;
  /** Cancels the request in flight (status back to "idle", the value kept). */
  stop(): void;
}

/**
 * Streams a structured answer into Solid signals: `submit(input)` requests it, and `value()` follows each
 * snapshot. The request is aborted when the owner (component or root) is cleaned up.
 */
export function createObjectStream<P, T, I = void>(
  options: CreateObjectStreamOptions<T, I>,
): ObjectStreamAccessors<P, T, I> {
  checkObjectStreamOptions("createObjectStream", options);
  const controller = objectStreamController<P, T, I>(options);
  const initial = controller.state;
  // A setter called with a function takes it for an updater: values that are objects go through one.
  const [value, setValue] = createSignal(initial.value);
  const [status, setStatus] = createSignal(initial.status);
  const [error, setError] = createSignal(initial.error);
  const [completedPaths, setCompletedPaths] = createSignal(initial.completedPaths);
  const [attempt, setAttempt] = createSignal(initial.attempt);
  controller.subscribe((next) =>
    batch(() => {
      setValue(() => next.value);
      setStatus(next.status);
      setError(() => next.error);
      setCompletedPaths(() => next.completedPaths);
      setAttempt(next.attempt);
    }),
  );
  if (getOwner()) onCleanup(() => controller.dispose("the owner was cleaned up"));
  return {
    value,
    status,
    error,
    completedPaths,
    attempt,
    isComplete: (pointer) => completedPaths().has(pointer),
    // A derived accessor: the controller caches per pattern, so it returns the same array until one completes.
    elements: (pattern) => () => controller.elementsOf({ value: value(), completedPaths: completedPaths() }, pattern),
    submit: controller.submit,
    stop: controller.stop,
  };
}
