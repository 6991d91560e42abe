import { assertInInjectionContext, computed, DestroyRef, inject, type Signal, signal } from "@angular/core";
import {
  checkObjectStreamOptions,
  type ObjectStreamOptions,
  type ObjectStreamStatus,
  objectStreamController,
  type SubmitArgs,
} from "../client/object-stream-controller.js";
import type { ElementAt, PatternOf } from "../stream/elements.js";

export type InjectObjectStreamOptions<T, I = void> = ObjectStreamOptions<T, I>;

export interface ObjectStreamSignals<P, T, I = void> {
  /** The latest snapshot (`value()`); unchanged subtrees keep their identity. */
  value: Signal<P | undefined>;
  status: Signal<ObjectStreamStatus>;
  error: Signal<Error | undefined>;
  completedPaths: Signal<ReadonlySet<string>>;
  attempt: Signal<number>;
  /** Whether the value at a JSON Pointer is complete (tracked where it is read). */
  isComplete(pointer: string): boolean;
  /** The complete values matching a pattern ("/users/*"), in order; the same array until one more completes. */
  elements<Pattern extends string>(pattern: PatternOf<T, Pattern>): Signal<readonly ElementAt<T, Pattern>[]>;
  /** Starts a request, stopping the one in flight. */
  submit(...input: SubmitArgs<I>): void;
  /** Cancels the request in flight (status back to "idle", the value kept). */
  stop(): void;
}

/**
 * Streams a structured answer into Angular signals: `submit(input)` requests it, and `value()` follows each
 * snapshot. Call it in an injection context (a field initializer, a constructor); the request is aborted when
 * that context's DestroyRef is destroyed. Signals only: no zone.js needed.
 */
export function injectObjectStream<P, T, I = void>(
  options: InjectObjectStreamOptions<T, I>,
): ObjectStreamSignals<P, T, I> {
  assertInInjectionContext(injectObjectStream);
  const destroyRef = inject(DestroyRef);
  checkObjectStreamOptions("injectObjectStream", options);
  const controller = objectStreamController<P, T, I>(options);
  const initial = controller.state;
  const value = signal(initial.value);
  const status = signal(initial.status);
  const error = signal(initial.error);
  const completedPaths = signal(initial.completedPaths);
  const attempt = signal(initial.attempt);
  controller.subscribe((next) => {
    value.set(next.value);
    status.set(next.status);
    error.set(next.error);
    completedPaths.set(next.completedPaths);
    attempt.set(next.attempt);
  });
  destroyRef.onDestroy(() => controller.dispose("the injector was destroyed"));
  return {
    value: value.asReadonly(),
    status: status.asReadonly(),
    error: error.asReadonly(),
    completedPaths: completedPaths.asReadonly(),
    attempt: attempt.asReadonly(),
    isComplete: (pointer) => completedPaths().has(pointer),
    elements: (pattern) =>
      computed(() => controller.elementsOf({ value: value(), completedPaths: completedPaths() }, pattern)),
    submit: controller.submit,
    stop: controller.stop,
  };
}
