import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import {
  checkObjectStreamOptions,
  type ObjectStreamController,
  type ObjectStreamOptions,
  type ObjectStreamSnapshot,
  objectStreamController,
  type SubmitArgs,
} from "../client/object-stream-controller.js";
import type { ElementAt, PatternOf } from "../stream/elements.js";

export type { ObjectStreamStatus } from "../client/object-stream-controller.js";

export type UseObjectStreamOptions<T, I = void> = ObjectStreamOptions<T, I>;

export interface ObjectStreamState<P, T, I = void> extends ObjectStreamSnapshot<P> {
  isComplete(pointer: string): boolean;
  /** The complete values matching a pattern ("/users/*"), in order; the same array until one more completes. */
  elements<Pattern extends string>(pattern: PatternOf<T, Pattern>): readonly ElementAt<T, Pattern>[];
  /** Starts a request, stopping the one in flight. Stable across renders. */
  submit(...input: SubmitArgs<I>): void;
  /** Cancels the request in flight (status back to "idle", the value kept). Stable across renders. */
  stop(): void;
}

/**
 * Streams a structured answer into a component: `submit(input)` requests it, and the component re-renders
 * with each snapshot, parsed in the browser by the server's parser (runtime/client). Safe under StrictMode
 * (a submit repeated by its double-run effects makes one request), cancels the request on unmount and on
 * stop(), and keeps unchanged subtrees' identity so `memo` children of unchanged parts do not re-render.
 */
export function useObjectStream<P, T, I = void>(options: UseObjectStreamOptions<T, I>): ObjectStreamState<P, T, I> {
  checkObjectStreamOptions("useObjectStream", options);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const mounted = useRef(false);
  // A callback that throws must not vanish in the stream's loop: it is rethrown while rendering, where
  // React hands it to the nearest error boundary, as an error in an event handler's state update would be.
  const [, setFailure] = useState<undefined>();
  const [controller] = useState<ObjectStreamController<P, T, I>>(() =>
    objectStreamController<P, T, I>(() => optionsRef.current, {
      callbackFailed: (error) => {
        if (mounted.current) {
          setFailure(() => {
            throw error;
          });
        }
      },
    }),
  );
  const pendingUnmount = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    mounted.current = true;
    // StrictMode's simulated unmount scheduled the disposal: the component is back, keep the request.
    clearTimeout(pendingUnmount.current);
    return () => {
      mounted.current = false;
      pendingUnmount.current = setTimeout(() => controller.dispose("the component unmounted"));
    };
  }, [controller]);
  const state = useSyncExternalStore(
    controller.subscribe,
    () => controller.state,
    () => controller.state,
  );
  return {
    ...state,
    isComplete: (pointer) => state.completedPaths.has(pointer),
    elements: (pattern) => controller.elementsOf(state, pattern),
    submit: controller.submit,
    stop: controller.stop,
  };
}
