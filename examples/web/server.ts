/**
 * npm run demo:web — the meeting extraction rendered as UI cards while it streams. The server runs the
 * generated streamMeetingInfo() and forwards each snapshot to the page as a server-sent event; the page
 * (plain DOM, no build step) fills the cards in and marks the field being written.
 */
import { readFile } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type MeetingClient, meetingClient } from "../meeting/client.js";
import { type PartialMeetingInfo, streamMeetingInfo } from "../meeting/generated/index.js";
import { meetingMessages } from "../meeting/prompt.js";
import { changedPointer } from "../meeting/render.js";

const PUBLIC = fileURLToPath(new URL("./public/", import.meta.url));
const STATIC: Record<string, [file: string, type: string]> = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/app.js": ["app.js", "text/javascript; charset=utf-8"],
  "/style.css": ["style.css", "text/css; charset=utf-8"],
};

export interface WebDemo {
  url: string;
  replay: boolean;
  close(): Promise<void>;
}

export async function startWebDemo(
  options: { port?: number; replayDelayMs?: number; client?: MeetingClient } = {},
): Promise<WebDemo> {
  const mc = options.client ?? (await meetingClient(process.env, options.replayDelayMs));

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === "/api/extract") {
      const controller = new AbortController();
      req.on("close", () => controller.abort(new Error("the page went away")));
      void extract(res, controller.signal);
      return;
    }
    const entry = STATIC[path];
    if (!entry || req.method !== "GET") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    readFile(PUBLIC + entry[0]).then(
      (body) => res.writeHead(200, { "content-type": entry[1], "cache-control": "no-store" }).end(body),
      () => res.writeHead(500).end(),
    );
  });

  async function extract(res: ServerResponse, signal: AbortSignal): Promise<void> {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send("start", { replay: mc.replay, model: mc.model });
    const started = performance.now();
    let previous: PartialMeetingInfo | undefined;
    const stream = streamMeetingInfo({ client: mc.client, model: mc.model, messages: meetingMessages(), signal });
    try {
      for await (const event of stream.events()) {
        if (event.type === "snapshot") {
          send("snapshot", {
            value: event.value,
            writing: changedPointer(previous, event.value),
            completed: event.completedPaths,
          });
          previous = event.value;
        } else if (event.type === "retry") {
          send("retry", { attempt: event.attempt });
          previous = undefined;
        }
      }
      const value = await stream.final();
      send("done", { value, ms: Math.round(performance.now() - started), usage: stream.usage });
    } catch (error) {
      if (!signal.aborted) send("failure", { name: (error as Error).name, message: (error as Error).message });
    }
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    replay: mc.replay,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mc.close();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const demo = await startWebDemo({ port: Number(process.env.PORT ?? 3000) });
  console.log(
    `partialgen web demo: ${demo.url}${demo.replay ? "  (no OPENAI_API_KEY: replaying a recorded answer)" : ""}`,
  );
  console.log("Ctrl+C to stop.");
}
