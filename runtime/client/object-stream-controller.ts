import type { JSONSchema } from "../hints/schema-hints.js";
import { type ElementAt, type PatternOf, pointerPattern, valueAt } from "../stream/elements.js";
import { ConnectionError } from "../stream/errors.js";
import { checkOptions, type OptionRules } from "../util/options-check.js";
import type { SchemaValidator } from "../validate/validation.js";
import {
  type CompletedView,
  initialObjectStreamState,
  type ObjectStreamEvent,
  type ObjectStreamSnapshot,
  reduceObjectStream,
} from "./object-stream-state.js";
import { readObjectStream, type StreamHints } from "./read-object-stream.js";

export type { ObjectStreamSnapshot, ObjectStreamStatus } from "./object-stream-state.js";

/**
 * The framework-free state machine behind every binding (React, Vue, Svelte, Solid, Angular): requests,
 * status, attempts, completed paths and elements over readObjectStream(). A binding only mirrors `state` into
 * its framework's reactive primitive and calls dispose() when its owner goes away, so behaviour is decided here.
 */

/** What every binding takes (React's `UseObjectStreamOptions`, Vue's, Svelte's, Solid's, Angular's). */
export interface ObjectStreamOptions<T, I = void> {
  /**
   * Where the answer comes from: a URL that `submit(input)` POSTs the input to as JSON, or a function making
   * the request (any method, headers, body). Either way the response must be `stream.toResponse()`.
   */
  api: string | ((input: I, init: { signal: AbortSignal }) => Promise<Response> | Response);
  /**
   * The schema's stream hints (generated bindings pass its table): enum, const and x-stream, as on the server.
   * A JSON Schema works too (readObjectStream derives its hints, with a module loaded on first use).
   */
  hints?: StreamHints | JSONSchema;
  /** Validates the final value in the browser too (brings Ajv's code into the page). */
  validate?: SchemaValidator<T>;
  /** Called once with the validated value. */
  onFinish?: (value: T) => void;
  /** Called once when the stream fails (not when stopped). */
  onError?: (error: Error) => void;
}

/** `submit`'s parameters: none for `I = void`, else the input. */
export type SubmitArgs<I> = I extends void ? [] : [input: I];

interface Run {
  controller: AbortController;
  inputKey: string;
  /** Started in the current synchronous task (React's StrictMode re-runs effects within it). */
  thisTick: boolean;
}

function keyOf(input: unknown): string {
  try {
    return JSON.stringify(input) ?? "undefined";
  } catch {
    return String(Math.random()); // not serialisable: never treat two inputs as the same request
  }
}

/** A callback's exception surfaces as an uncaught error (as a throwing event handler's does), never lost. */
function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

export interface ObjectStreamController<P, T, I = void> {
  /** The current state; replaced (never mutated) on every change. */
  readonly state: ObjectStreamSnapshot<P>;
  /** Calls `listener` with each new state; returns the unsubscribe function. */
  subscribe(listener: (state: ObjectStreamSnapshot<P>) => void): () => void;
  /** Starts a request, stopping the one in flight. The same input again within one task is the same request. */
  submit(...input: SubmitArgs<I>): void;
  /** Cancels the request in flight (status back to "idle", the value kept). */
  stop(): void;
  /** The owner is gone: aborts the request in flight; no state changes or callbacks follow. */
  dispose(reason?: string): void;
  /** The complete values matching a pattern in `state`, in order; the same array until one more completes. */
  elementsOf<Pattern extends string>(
    state: Pick<ObjectStreamSnapshot<P>, "value" | "completedPaths">,
    pattern: PatternOf<T, Pattern>,
  ): readonly ElementAt<T, Pattern>[];
}

export interface ControllerHooks {
  /** Where an exception of onFinish/onError goes (React: the error boundary). Default: rethrown, uncaught. */
  callbackFailed?: (error: unknown) => void;
}

/**
 * The controller of one binding instance. `options` is read when a request starts and when its callbacks run,
 * so a binding may pass a getter that always returns its latest options (React re-renders with new ones).
 */
const OBJECT_STREAM_RULES: OptionRules = {
  api: "api",
  hints: "schema",
  validate: "function",
  onFinish: "function",
  onError: "function",
};

/** Checks a binding's options at its call (`entry` is the name users call): every binding takes the same ones. */
export function checkObjectStreamOptions(entry: string, options: unknown): void {
  if (typeof process === "object" && process.env.NODE_ENV !== "production")
    checkOptions(entry, options, OBJECT_STREAM_RULES);
}

export function objectStreamController<P, T, I = void>(
  options: ObjectStreamOptions<T, I> | (() => ObjectStreamOptions<T, I>),
  hooks: ControllerHooks = {},
): ObjectStreamController<P, T, I> {
  const current = typeof options === "function" ? options : () => options;
  const listeners = new Set<(state: ObjectStreamSnapshot<P>) => void>();
  const elementCache = new Map<string, { completed: CompletedView; items: readonly unknown[] }>();
  let state = initialObjectStreamState<P>();
  let run: Run | undefined;
  let disposed = false;

  const dispatch = (event: ObjectStreamEvent<P>) => {
    const next = reduceObjectStream(state, event);
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener(state);
  };
  const notify = (callback: () => void) => {
    try {
      callback();
    } catch (error) {
      (hooks.callbackFailed ?? rethrowLater)(error);
    }
  };

  async function consume(own: Run, input: I): Promise<void> {
    const { api, hints, validate } = current();
    const signal = own.controller.signal;
    const active = () => run === own && !disposed;
    dispatch({ type: "started" });
    try {
      const response =
        typeof api === "string"
          ? await fetch(api, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(input ?? null),
              signal,
            })
          : await api(input, { signal });
      const stream = readObjectStream<P, T>(response, { hints, validate, signal });
      for await (const event of stream.events()) {
        if (!active()) return;
        if (event.type === "snapshot" || event.type === "retry") dispatch(event);
        else if (event.type === "done") {
          run = undefined;
          dispatch({ type: "finished", value: event.value as unknown as P, completedPaths: event.completedPaths });
          notify(() => current().onFinish?.(event.value));
        } else if (event.type === "error") {
          // Our own stop()/dispose()/new submit(): not a failure. A StreamAbortedError the server sent (its
          // request was aborted there) is one: the page must not stay "streaming".
          if (signal.aborted) return;
          run = undefined;
          dispatch({ type: "failed", error: event.error });
          notify(() => current().onError?.(event.error));
        }
      }
    } catch (error) {
      // Only the request itself throws here (the reader reports through events).
      if (signal.aborted || !active()) return;
      const failure = new ConnectionError(`could not reach the server: ${(error as Error).message}`, {
        partial: undefined,
        text: "",
        attempts: 0,
        cause: error,
      });
      run = undefined;
      dispatch({ type: "failed", error: failure });
      notify(() => current().onError?.(failure));
    }
  }

  return {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    submit(...args: unknown[]) {
      if (disposed) return;
      const input = args[0] as I;
      const inputKey = keyOf(input);
      const previous = run;
      if (previous?.thisTick && previous.inputKey === inputKey) return;
      previous?.controller.abort(new Error("superseded by a new submit()"));
      const own: Run = { controller: new AbortController(), inputKey, thisTick: true };
      run = own;
      queueMicrotask(() => {
        own.thisTick = false;
      });
      void consume(own, input);
    },
    stop() {
      const own = run;
      if (!own) return;
      run = undefined;
      own.controller.abort(new Error("stopped"));
      if (!disposed) dispatch({ type: "stopped" });
    },
    dispose(reason = "the component was disposed") {
      disposed = true;
      listeners.clear();
      run?.controller.abort(new Error(reason));
      run = undefined;
    },
    elementsOf<Pattern extends string>(
      at: Pick<ObjectStreamSnapshot<P>, "value" | "completedPaths">,
      pattern: PatternOf<T, Pattern>,
    ): readonly ElementAt<T, Pattern>[] {
      const completed = at.completedPaths as CompletedView;
      const cached = elementCache.get(pattern);
      const sameAttempt = cached !== undefined && cached.completed.completions === completed.completions;
      if (sameAttempt && cached.completed.size === completed.size) return cached.items as ElementAt<T, Pattern>[];
      const matches = pointerPattern(pattern);
      // Continue from the cached view of the same attempt; start over for another attempt or an older view.
      const resume = sameAttempt && cached.completed.size < completed.size;
      const items = resume ? [...cached.items] : [];
      const order = completed.completions.order;
      for (let i = resume ? cached.completed.size : 0; i < completed.size; i++) {
        const pointer = order[i] as string;
        if (matches(pointer)) items.push(valueAt(at.value, pointer));
      }
      // Same elements (a new attempt with none yet, say): the same array, so memoised views stay put.
      const same =
        cached !== undefined && items.length === cached.items.length && items.every((x, i) => x === cached.items[i]);
      const result = same ? cached.items : items;
      elementCache.set(pattern, { completed, items: result });
      return result as readonly ElementAt<T, Pattern>[];
    },
  };
}
