import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  initialObjectStreamState,
  type ObjectStreamEvent,
  type ObjectStreamState,
  type ObjectStreamStatus,
  reduceObjectStream,
} from "../../runtime/client/object-stream-state.js";

type Value = { n: number };
type Event = ObjectStreamEvent<Value>;
const failure = new Error("boom");

/** A state reached by `events` from the initial one. */
function reached(...events: Event[]): ObjectStreamState<Value> {
  return events.reduce(reduceObjectStream, initialObjectStreamState<Value>());
}

/** What a binding shows of a state, completed paths as a plain array in order. */
function shown(state: ObjectStreamState<Value>) {
  return { ...state, completedPaths: [...state.completedPaths] };
}

const started: Event = { type: "started" };
const snap = (n: number, ...completedPaths: string[]): Event => ({ type: "snapshot", value: { n }, completedPaths });

describe("reduceObjectStream (the state every binding shows)", () => {
  // From a state (reached by `before`), one event: what is shown after it.
  const CASES: {
    name: string;
    before: Event[];
    event: Event;
    value: Value | undefined;
    status: ObjectStreamStatus;
    error?: Error;
    completed: string[];
    attempt: number;
  }[] = [
    {
      name: "started from idle",
      before: [],
      event: started,
      value: undefined,
      status: "streaming",
      completed: [],
      attempt: 1,
    },
    {
      name: "started again after a failure: everything reset",
      before: [started, snap(1, "/a"), { type: "failed", error: failure }],
      event: started,
      value: undefined,
      status: "streaming",
      completed: [],
      attempt: 1,
    },
    {
      name: "a snapshot adds its completed paths, once each, in order",
      before: [started, snap(1, "/a", "/b")],
      event: snap(2, "/b", "/c"),
      value: { n: 2 },
      status: "streaming",
      completed: ["/a", "/b", "/c"],
      attempt: 1,
    },
    {
      name: "a retry empties the value and the completed paths",
      before: [started, snap(1, "/a")],
      event: { type: "retry", attempt: 2 },
      value: undefined,
      status: "streaming",
      completed: [],
      attempt: 2,
    },
    {
      name: "finished: the final value, the last paths",
      before: [started, snap(1, "/a")],
      event: { type: "finished", value: { n: 3 }, completedPaths: ["/b", ""] },
      value: { n: 3 },
      status: "done",
      completed: ["/a", "/b", ""],
      attempt: 1,
    },
    {
      name: "failed keeps the last snapshot",
      before: [started, snap(1, "/a")],
      event: { type: "failed", error: failure },
      value: { n: 1 },
      status: "error",
      error: failure,
      completed: ["/a"],
      attempt: 1,
    },
    {
      name: "stopped while streaming: idle, the value kept",
      before: [started, snap(1, "/a")],
      event: { type: "stopped" },
      value: { n: 1 },
      status: "idle",
      completed: ["/a"],
      attempt: 1,
    },
  ];
  it.each(CASES)("$name", ({ before, event, value, status, error, completed, attempt }) => {
    const state = reduceObjectStream(reached(...before), event);
    expect(shown(state)).toEqual({ value, status, error, completedPaths: completed, attempt });
  });

  it.each([
    { name: "stopped when idle", before: [] as Event[] },
    {
      name: "stopped when done",
      before: [started, { type: "finished", value: { n: 1 }, completedPaths: [] }] as Event[],
    },
    { name: "stopped after a failure", before: [started, { type: "failed", error: failure }] as Event[] },
  ])("$name: the same state (no listener is called)", ({ before }) => {
    const state = reached(...before);
    expect(reduceObjectStream(state, { type: "stopped" })).toBe(state);
  });

  it("every change is a new state object; a snapshot's value is kept by identity", () => {
    const s1 = reached(started);
    const event = snap(1, "/a");
    const s2 = reduceObjectStream(s1, event);
    expect(s2).not.toBe(s1);
    expect(s2.value).toBe((event as { value: Value }).value);
  });

  // Any sequence of events, with states revisited (a reducer may be applied to an older state): each state's
  // completed paths are those of the snapshots since its attempt began, and never change afterwards.
  const eventArb: fc.Arbitrary<Event> = fc.oneof(
    fc.constant<Event>(started),
    fc
      .tuple(fc.nat(9), fc.array(fc.constantFrom("/a", "/b", "/c", "/d", ""), { maxLength: 3 }))
      .map(([n, paths]) => snap(n, ...paths)),
    fc.nat({ max: 5 }).map((attempt): Event => ({ type: "retry", attempt: attempt + 1 })),
    fc.constant<Event>({ type: "stopped" }),
  );
  it("completed paths: the attempt's, in first-completion order; older states never change (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), eventArb), { maxLength: 40 }), (steps) => {
        const states: { state: ObjectStreamState<Value>; model: string[]; shown: string[] }[] = [];
        const initial = initialObjectStreamState<Value>();
        states.push({ state: initial, model: [], shown: [] });
        for (const [pick, event] of steps) {
          const from = states[pick % states.length] as (typeof states)[number];
          const state = reduceObjectStream(from.state, event);
          const model =
            event.type === "started" || event.type === "retry"
              ? []
              : event.type === "snapshot"
                ? [...new Set([...from.model, ...event.completedPaths])]
                : from.model;
          expect([...state.completedPaths]).toEqual(model);
          for (const p of ["/a", "/b", "/c", "/d", ""]) expect(state.completedPaths.has(p)).toBe(model.includes(p));
          expect(state.completedPaths.size).toBe(model.length);
          states.push({ state, model, shown: [...state.completedPaths] });
        }
        for (const s of states) expect([...s.state.completedPaths]).toEqual(s.shown);
      }),
    );
  });
});
