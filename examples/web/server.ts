/**
 * npm run demo:web — the meeting extraction rendered as React cards while it streams. POST /api/extract runs
 * the generated streamMeetingInfo() and answers stream.toResponse() (the model's text plus control records,
 * O(n) bytes); the page (examples/web/app, bundled here by esbuild at start-up, no build step to remember)
 * parses it with useMeetingInfoStream(). Without OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY the model is a local replay.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type MeetingClient, meetingClient } from "../meeting/client.js";
import { meetingMessages } from "../meeting/prompt.js";
import { streamMeetingInfo } from "./generated/index.js";

const HERE = fileURLToPath(new URL("./", import.meta.url));
const STATIC: Record<string, [file: string, type: string]> = {
  "/": ["public/index.html", "text/html; charset=utf-8"],
  "/style.css": ["public/style.css", "text/css; charset=utf-8"],
};

export interface WebDemo {
  url: string;
  replay: boolean;
  /** Requests to /api/extract so far. */
  readonly extractions: number;
  /** Stops answering at once, cutting open streams mid-answer (as a crashed server does). */
  kill(): void;
  close(): Promise<void>;
}

/** The page's script: examples/web/app bundled with React (development build: StrictMode checks run). */
async function bundleApp(): Promise<string> {
  const result = await build({
    entryPoints: [`${HERE}app/main.tsx`],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"development"' },
    tsconfig: `${HERE}../../tsconfig.json`,
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

export async function startWebDemo(
  options: { port?: number; replayDelayMs?: number; client?: MeetingClient } = {},
): Promise<WebDemo> {
  const [mc, app] = await Promise.all([
    options.client ?? meetingClient(process.env, options.replayDelayMs),
    bundleApp(),
  ]);
  let extractions = 0;

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === "/api/extract" && req.method === "POST") {
      extractions++;
      void extract(req, res);
      return;
    }
    if (path === "/app.js" && req.method === "GET") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" }).end(app);
      return;
    }
    const entry = STATIC[path];
    if (!entry || req.method !== "GET") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    readFile(HERE + entry[0]).then(
      (body) => res.writeHead(200, { "content-type": entry[1], "cache-control": "no-store" }).end(body),
      () => res.writeHead(500).end(),
    );
  });

  /** A web Response (what a Next.js route handler or Hono would return) piped to node:http. */
  async function extract(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controller = new AbortController();
    // The page went away (Cancel, reload): cancel the model's request too.
    res.on("close", () => controller.abort(new Error("the page went away")));
    const stream = streamMeetingInfo({
      client: mc.client,
      model: mc.model,
      messages: meetingMessages(),
      signal: controller.signal,
    });
    const response = stream.toResponse();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    res.writeHead(response.status, headers);
    Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>).pipe(res);
    req.resume();
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    replay: mc.replay,
    get extractions() {
      return extractions;
    },
    kill() {
      server.close();
      server.closeAllConnections();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mc.close();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const demo = await startWebDemo({ port: Number(process.env.PORT ?? 3000) });
  console.log(`partialgen web demo: ${demo.url}${demo.replay ? "  (no API key: replaying a recorded answer)" : ""}`);
  console.log("Ctrl+C to stop.");
}
