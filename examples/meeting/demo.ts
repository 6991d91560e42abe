/**
 * npm run demo: the seed example live in the terminal. Streams the meeting-notes extraction and redraws
 * the partial MeetingInfo as it fills in; with no OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY it replays a recorded answer from a local
 * server. In a non-TTY (CI, pipes) it prints one line per snapshot instead of redrawing.
 */
import { StreamError } from "@partialgen/runtime";
import { meetingClient } from "./client.js";
import { type PartialMeetingInfo, streamMeetingInfo } from "./generated/index.js";
import { meetingMessages } from "./prompt.js";
import { changedPointer, LiveBlock, renderValue, style } from "./render.js";

const out = process.stdout;
const tty = out.isTTY === true;
const color = tty && !process.env.NO_COLOR;
const say = (line = "") => out.write(`${line}\n`);

const controller = new AbortController();
let interrupted = false;
// Ctrl-C: stop the request and end cleanly (the live frame replaced by what arrived, the cursor shown again).
// Installed first, so that a Ctrl-C while the client starts ends the same way.
process.once("SIGINT", () => {
  interrupted = true;
  controller.abort(new Error("interrupted (Ctrl-C)"));
});
const mc = await meetingClient();

say(style.bold("partialgen demo — meeting notes → MeetingInfo, streamed field by field", color));
say(
  mc.replay
    ? style.yellow(
        "No OPENAI_API_KEY: replaying a recorded model answer from a local @partialgen/runtime/testing server (127.0.0.1).",
        color,
      )
    : `Calling ${mc.model} at ${mc.baseURL}`,
);
if (mc.replay)
  say(
    style.dim(
      "Set OPENAI_API_KEY (and optionally OPENAI_BASE_URL, OPENAI_MODEL), ANTHROPIC_API_KEY or GEMINI_API_KEY (each with its _BASE_URL, _MODEL) to use a real model.",
      color,
    ),
  );
say();

const started = performance.now();
let firstField: number | undefined;
let previous: PartialMeetingInfo | undefined;
let snapshots = 0;
const live = new LiveBlock(
  (text) => out.write(text),
  () => ({ columns: out.columns ?? 80, rows: out.rows ?? 24 }),
);
const stream = streamMeetingInfo({
  client: mc.client,
  model: mc.model,
  messages: meetingMessages(),
  signal: controller.signal,
});

try {
  for await (const event of stream.events()) {
    if (event.type === "retry") {
      if (tty) live.finish(); // a line printed under a live frame would break its redraw
      say(
        style.yellow(
          `attempt ${event.attempt - 1} did not validate; asking again (${event.errors.length} error(s))`,
          color,
        ),
      );
      previous = undefined;
    }
    if (event.type !== "snapshot") continue;
    snapshots++;
    const ms = performance.now() - started;
    const writing = changedPointer(previous, event.value);
    if (firstField === undefined && JSON.stringify(event.value).match(/:"?[^[{"]/)) firstField = ms;
    if (tty) {
      const lines = renderValue(event.value, writing, color);
      live.draw(
        lines,
        Math.max(
          0,
          lines.findIndex((l) => l.includes("← writing")),
        ),
      );
    } else
      say(`[${ms.toFixed(0).padStart(5)} ms] ${JSON.stringify(event.value)}${writing ? `  (writing ${writing})` : ""}`);
    previous = event.value;
  }
  const value = await stream.final();
  const total = performance.now() - started;
  if (tty) live.finish(renderValue(value, undefined, color));
  say();
  say(
    style.green(
      `✓ valid MeetingInfo: ${value.users.length} users, budget $${value.budget.toLocaleString("en-US")}`,
      color,
    ),
  );
  const usage = stream.usage;
  say(
    `  first field after ${firstField?.toFixed(0) ?? "?"} ms · complete after ${total.toFixed(0)} ms · ${snapshots} snapshots` +
      (usage ? ` · tokens: ${usage.promptTokens} prompt + ${usage.completionTokens} completion` : "") +
      (mc.replay ? " (replay)" : ""),
  );
} catch (error) {
  if (tty) live.finish(renderValue(previous, undefined, color));
  say();
  say(style.red(`✗ ${(error as Error).name}: ${(error as Error).message}`, color));
  if (error instanceof StreamError && error.partial !== undefined)
    say(`  last snapshot: ${JSON.stringify(error.partial)}`);
  process.exitCode = interrupted ? 130 : 1;
} finally {
  await mc.close();
}
