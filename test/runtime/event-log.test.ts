// The EventLog contract (runtime/stream/event-log.ts) as properties over random producer/reader interleavings: readers
// that join at any time and read at any pace lose no text, see each attempt's latest snapshot and every completed
// pointer, and get exactly one terminal event, last.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StreamError } from "../../runtime/stream/errors.js";
import { EventLog, type LogReader, type StreamEvent } from "../../runtime/stream/event-log.js";
import { TextBuilder } from "../../runtime/util/text-builder.js";

type Value = { n: number };
type Event = StreamEvent<Value, string>;

type Step =
  | { op: "delta"; text: string }
  | { op: "snapshot"; paths: string[] }
  | { op: "retry" }
  | { op: "join" }
  | { op: "read"; reader: number }
  | { op: "leave"; reader: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant("delta" as const), text: fc.string({ minLength: 1, maxLength: 4 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("snapshot" as const),
      paths: fc.array(fc.constantFrom("/a", "/b", "/c/0", ""), { maxLength: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "retry" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "join" as const }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("read" as const), reader: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("leave" as const), reader: fc.nat(4) }) },
);

interface Produced {
  text: string;
  snapshots: Value[];
  paths: string[];
}

interface Seen {
  joinedIn: number; // the attempt in progress when the reader joined
  events: Event[];
  pending: boolean;
  left: boolean;
  reader: LogReader<Value, string>;
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe("EventLog", () => {
  it("any join time and pace: all text, latest snapshot and every completed pointer per attempt, one terminal event last", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), fc.boolean(), async (steps, fails) => {
        let abandoned = 0;
        const log = new EventLog<Value, string>(() => abandoned++);
        const attempts: Produced[] = [];
        let text = new TextBuilder();
        const begin = () => {
          const attemptText = new TextBuilder();
          text = attemptText;
          attempts.push({ text: "", snapshots: [], paths: [] });
          log.beginAttempt(attempts.length, () => attemptText.toString());
        };
        begin();
        const current = () => attempts[attempts.length - 1] as Produced;
        const readers: Seen[] = [];
        const read = (seen: Seen) => {
          if (seen.pending || seen.left) return;
          seen.pending = true;
          void seen.reader.next().then((result) => {
            seen.pending = false;
            if (!result.done) seen.events.push(result.value);
          });
        };
        let counter = 0;
        for (const s of steps) {
          if (s.op === "delta") {
            text.append(s.text);
            current().text += s.text;
            log.delta(s.text);
          } else if (s.op === "snapshot") {
            const value = { n: counter++ };
            current().snapshots.push(value);
            current().paths.push(...s.paths);
            log.snapshot(value, s.paths);
          } else if (s.op === "retry") {
            log.retry({
              type: "retry",
              attempt: attempts.length + 1,
              reason: "r",
              error: new StreamError<Value>("r", { partial: undefined, text: "", attempts: 1 }),
              errors: [],
            });
            begin();
          } else if (s.op === "join") {
            readers.push({ joinedIn: attempts.length, events: [], pending: false, left: false, reader: log.read() });
          } else {
            const seen = readers[s.reader % Math.max(1, readers.length)];
            if (!seen) continue;
            if (s.op === "read") read(seen);
            else if (readers.filter((r) => !r.left).length > 1) {
              // leaving while others read never cancels
              seen.left = true;
              await seen.reader.return();
            }
          }
          await flush();
        }
        expect(abandoned).toBe(0);
        const late: Seen = { joinedIn: attempts.length, events: [], pending: false, left: false, reader: log.read() };
        readers.push(late);
        if (fails)
          log.end({
            type: "error",
            error: new StreamError<Value>("x", { partial: undefined, text: "", attempts: attempts.length }),
          });
        else log.end({ type: "done", value: "v", completedPaths: [], attempts: attempts.length, usage: undefined });
        const afterEnd: Seen = {
          joinedIn: attempts.length,
          events: [],
          pending: false,
          left: false,
          reader: log.read(),
        };
        readers.push(afterEnd);

        for (const seen of readers) {
          if (seen.left) continue;
          await flush();
          for (;;) {
            const result = await seen.reader.next();
            if (result.done) break;
            seen.events.push(result.value);
          }
          const terminal = seen.events.filter((e) => e.type === "done" || e.type === "error");
          expect(terminal).toHaveLength(1);
          expect(seen.events.at(-1)).toBe(terminal[0]);
          for (let a = seen.joinedIn; a <= attempts.length; a++) {
            const produced = attempts[a - 1] as Produced;
            const mine = seen.events.filter((e) => "attempt" in e && e.type !== "retry" && e.attempt === a);
            const deltas = mine.map((e) => (e.type === "delta" ? e.text : "")).join("");
            expect(deltas).toBe(produced.text);
            const snapshots = mine.filter((e) => e.type === "snapshot");
            expect(snapshots.at(-1)?.value).toBe(produced.snapshots.at(-1));
            expect(snapshots.flatMap((e) => e.completedPaths)).toEqual(produced.paths);
            // in order: each snapshot is one the producer made, later than the one before
            const order = snapshots.map((e) => produced.snapshots.indexOf(e.value));
            expect(order.every((i, k) => i >= 0 && (k === 0 || i > (order[k - 1] as number)))).toBe(true);
          }
          // retries after the join arrive, in order
          const retries = seen.events.filter((e) => e.type === "retry").map((e) => e.type === "retry" && e.attempt);
          const expected = [];
          for (let a = seen.joinedIn + 1; a <= attempts.length; a++) expected.push(a);
          expect(retries).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("the last reader leaving early calls onAbandoned; after the end it does not", async () => {
    let abandoned = 0;
    const log = new EventLog<Value, string>(() => abandoned++);
    log.beginAttempt(1, () => "");
    const a = log.read();
    const b = log.read();
    log.delta("x");
    await a.return();
    expect(abandoned).toBe(0);
    await b.return();
    expect(abandoned).toBe(1);
    const pinned = new EventLog<Value, string>(() => abandoned++);
    pinned.pin();
    await pinned.read().return();
    expect(abandoned).toBe(1);
  });

  it("a reader waiting for the next event is released by return()", async () => {
    const log = new EventLog<Value, string>(() => {});
    const reader = log.read();
    const next = reader.next();
    await reader.return();
    expect(await next).toEqual({ done: true, value: undefined });
  });
});

describe("TextBuilder", () => {
  it("keeps the text exactly, whatever the pieces", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 9 }), { maxLength: 400 }), fc.nat(400), (pieces, readAt) => {
        const builder = new TextBuilder();
        let expected = "";
        pieces.forEach((piece, i) => {
          builder.append(piece);
          expected += piece;
          if (i === readAt) expect(builder.toString()).toBe(expected);
          expect(builder.length).toBe(expected.length);
        });
        expect(builder.toString()).toBe(expected);
      }),
    );
  });
});
