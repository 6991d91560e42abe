import { useCallback, useEffect, useRef, useState } from "react";
import type { StreamHints } from "../client/read-object-stream.js";
import { readObjectStream } from "../client/read-object-stream.js";
import type { JSONSchema } from "../hints/schema-hints.js";
import { type ElementAt, type PatternOf, pointerPattern, valueAt } from "../stream/elements.js";
import { ConnectionError } from "../stream/errors.js";
import { checkOptions, type OptionRules } from "../util/options-check.js";
import type { SchemaValidator } from "../validate/validation.js";

export type ObjectStreamStatus = "idle" | "streaming" | "done" | "error";

export interface UseObjectStreamOptions<T, I = void> {
  /**
   * Where the answer comes from: a URL that `submit(input)` POSTs the input to as JSON, or a function making
   * the request (any method, headers, body). Either way the response must be `stream.toResponse()`.
   */
  api: string | ((input: I, init: { signal: AbortSignal }) => Promise<Response> | Response);
  /**
   * The schema's stream hints (generated hooks pass its table): enum, const and x-stream, as on the server. A
   * JSON Schema works too (readObjectStream derives its hints, with a module loaded on first use).
   */
  hints?: StreamHints | JSONSchema;
  /** Validates the final value in the browser too (brings Ajv's code into the page). */
  validate?: SchemaValidator<T>;
  /** Called once with the validated value. */
  onFinish?: (value: T) => void;
  /** Called once when the stream fails (not when stopped). */
  onError?: (error: Error) => void;
}

export interface ObjectStreamState<P, T, I = void> {
  /** The latest snapshot (the complete value once done). Unchanged subtrees keep their identity. */
  value: P | undefined;
  status: ObjectStreamStatus;
  /** Why the stream failed (status "error"); `value` keeps the last snapshot. */
  error: Error | undefined;
  /** JSON Pointers of the values complete so far in the current attempt. */
  completedPaths: ReadonlySet<string>;
  isComplete(pointer: string): boolean;
  /** The complete values matching a pattern ("/users/*"), in order; the same array until one more completes. */
  elements<Pattern extends string>(pattern: PatternOf<T, Pattern>): readonly ElementAt<T, Pattern>[];
  /** The attempt being shown (a retry restarts the value from empty). */
  attempt: number;
  /** Starts a request, stopping the one in flight. Stable across renders. */
  submit(...input: I extends void ? [] : [input: I]): void;
  /** Cancels the request in flight (status back to "idle", the value kept). Stable across renders. */
  stop(): void;
}

/** Completed paths of one attempt, appended to in place; each view sees the first `size` of them. */
class Completions {
  readonly order: string[] = [];
  readonly index = new Map<string, number>();
  add(pointers: readonly string[]): void {
    for (const p of pointers) {
      if (this.index.has(p)) continue;
      this.index.set(p, this.order.length);
      this.order.push(p);
    }
  }
}

/** An immutable view over a Completions prefix: O(1) to make per snapshot, where copying a Set is O(n). */
class CompletedView implements ReadonlySet<string> {
  constructor(
    readonly completions: Completions,
    readonly size: number,
  ) {}
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

interface View<P> {
  value: P | undefined;
  status: ObjectStreamStatus;
  error: Error | undefined;
  completed: CompletedView;
  attempt: number;
}

interface Run {
  controller: AbortController;
  inputKey: string;
  /** Started in the current synchronous task (StrictMode re-runs effects within it). */
  thisTick: boolean;
}

const USE_OBJECT_STREAM_RULES: OptionRules = {
  api: "api",
  hints: "schema",
  validate: "function",
  onFinish: "function",
  onError: "function",
};

const idle = <P>(): View<P> => ({
  value: undefined,
  status: "idle",
  error: undefined,
  completed: new CompletedView(new Completions(), 0),
  attempt: 0,
});

function keyOf(input: unknown): string {
  try {
    return JSON.stringify(input) ?? "undefined";
  } catch {
    return String(Math.random()); // not serialisable: never treat two inputs as the same request
  }
}

/**
 * Streams a structured answer into a component: `submit(input)` requests it, and the component re-renders
 * with each snapshot, parsed in the browser by the server's parser (runtime/client). Safe under StrictMode
 * (a submit repeated by its double-run effects makes one request), cancels the request on unmount and on
 * stop(), and keeps unchanged subtrees' identity so `memo` children of unchanged parts do not re-render.
 */
export function useObjectStream<P, T, I = void>(options: UseObjectStreamOptions<T, I>): ObjectStreamState<P, T, I> {
  checkOptions("useObjectStream", options, USE_OBJECT_STREAM_RULES);
  const [view, setView] = useState<View<P>>(idle);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const runRef = useRef<Run | undefined>(undefined);
  const mounted = useRef(false);
  const pendingUnmount = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const cache = useRef(new Map<string, { completed: CompletedView; items: readonly unknown[] }>());

  useEffect(() => {
    mounted.current = true;
    // StrictMode's simulated unmount scheduled an abort: the component is back, keep the request.
    clearTimeout(pendingUnmount.current);
    return () => {
      mounted.current = false;
      pendingUnmount.current = setTimeout(() => {
        runRef.current?.controller.abort(new Error("the component unmounted"));
        runRef.current = undefined;
      });
    };
  }, []);

  const submit = useCallback((...args: unknown[]) => {
    const input = args[0] as I;
    const inputKey = keyOf(input);
    const previous = runRef.current;
    // StrictMode runs a mount effect twice in one task: the same submit again is the same request.
    if (previous?.thisTick && previous.inputKey === inputKey) return;
    previous?.controller.abort(new Error("superseded by a new submit()"));
    const run: Run = { controller: new AbortController(), inputKey, thisTick: true };
    runRef.current = run;
    queueMicrotask(() => {
      run.thisTick = false;
    });
    const completions = new Completions();
    // A callback that throws must not vanish in the stream's loop: it is rethrown while rendering, where
    // React hands it to the nearest error boundary, as an error in an event handler's state update would be.
    const notify = (callback: () => void) => {
      try {
        callback();
      } catch (error) {
        if (mounted.current) {
          setView(() => {
            throw error;
          });
        }
      }
    };
    const update = (change: Partial<View<P>>) => {
      if (runRef.current === run && mounted.current) setView((v) => ({ ...v, ...change }));
    };
    update({
      value: undefined,
      status: "streaming",
      error: undefined,
      completed: new CompletedView(completions, 0),
      attempt: 1,
    });
    void consume(run, input, completions, update);
    async function consume(
      run: Run,
      input: I,
      first: Completions,
      update: (change: Partial<View<P>>) => void,
    ): Promise<void> {
      const { api, hints, validate } = optionsRef.current;
      const signal = run.controller.signal;
      let completions = first;
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
          if (runRef.current !== run) return;
          if (event.type === "snapshot") {
            completions.add(event.completedPaths);
            update({ value: event.value, completed: new CompletedView(completions, completions.order.length) });
          } else if (event.type === "retry") {
            completions = new Completions();
            update({ value: undefined, completed: new CompletedView(completions, 0), attempt: event.attempt });
          } else if (event.type === "done") {
            completions.add(event.completedPaths);
            update({
              value: event.value as unknown as P,
              status: "done",
              completed: new CompletedView(completions, completions.order.length),
            });
            runRef.current = undefined;
            notify(() => optionsRef.current.onFinish?.(event.value));
          } else if (event.type === "error") {
            // Our own stop()/unmount/new submit(): not a failure. A StreamAbortedError the server sent (its
            // request was aborted there) is one: the page must not stay "streaming".
            if (signal.aborted) return;
            update({ status: "error", error: event.error });
            runRef.current = undefined;
            notify(() => optionsRef.current.onError?.(event.error));
          }
        }
      } catch (error) {
        // Only the request itself throws here (the reader reports through events).
        if (signal.aborted || runRef.current !== run) return;
        const failure = new ConnectionError(`could not reach the server: ${(error as Error).message}`, {
          partial: undefined,
          text: "",
          attempts: 0,
          cause: error,
        });
        update({ status: "error", error: failure });
        runRef.current = undefined;
        notify(() => optionsRef.current.onError?.(failure));
      }
    }
  }, []) as ObjectStreamState<P, T, I>["submit"];

  const stop = useCallback(() => {
    const run = runRef.current;
    if (!run) return;
    runRef.current = undefined;
    run.controller.abort(new Error("stopped"));
    setView((v) => (v.status === "streaming" ? { ...v, status: "idle" } : v));
  }, []);

  const completed = view.completed;
  const elements = <Pattern extends string>(pattern: PatternOf<T, Pattern>): readonly ElementAt<T, Pattern>[] => {
    const cached = cache.current.get(pattern);
    if (cached && cached.completed.completions === completed.completions && cached.completed.size === completed.size) {
      return cached.items as readonly ElementAt<T, Pattern>[];
    }
    const matches = pointerPattern(pattern);
    // Continue from the cached view of the same attempt; start over for another attempt or an older view.
    const resume =
      cached && cached.completed.completions === completed.completions && cached.completed.size < completed.size;
    const items = resume ? [...cached.items] : [];
    const order = completed.completions.order;
    for (let i = resume ? cached.completed.size : 0; i < completed.size; i++) {
      const pointer = order[i] as string;
      if (matches(pointer)) items.push(valueAt(view.value, pointer));
    }
    // Same elements (a new attempt with none yet, say): the same array, so memo children stay put.
    const same =
      cached !== undefined && items.length === cached.items.length && items.every((x, i) => x === cached.items[i]);
    const result = same ? cached.items : items;
    cache.current.set(pattern, { completed, items: result });
    return result as readonly ElementAt<T, Pattern>[];
  };

  return {
    value: view.value,
    status: view.status,
    error: view.error,
    completedPaths: completed,
    isComplete: (pointer) => completed.has(pointer),
    elements,
    attempt: view.attempt,
    submit,
    stop,
  };
}
