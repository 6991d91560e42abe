import { type ObjectStream, type StreamEvent, streamObject } from "@partialgen/runtime";
import { type FakeOpenAI, type ScriptedResponse, startFakeOpenAI } from "@partialgen/runtime/testing";
import OpenAI from "openai";
import type { JSONSchema, SchemaValidator } from "../../runtime/index.js";

/** A validator that accepts what `accept` says, with Ajv-like errors otherwise. */
export function validatorWhere<T>(accept: (value: unknown) => boolean = () => true): SchemaValidator<T> {
  let errors: SchemaValidator<T>["errors"] = null;
  const check = (value: unknown): value is T => {
    const ok = accept(value);
    errors = ok ? null : [{ instancePath: "", schemaPath: "#", keyword: "test", params: {}, message: "rejected" }];
    return ok;
  };
  Object.defineProperty(check, "errors", { get: () => errors });
  return check as SchemaValidator<T>;
}

export interface ServerRun<P, T> {
  stream: ObjectStream<P, T>;
  server: FakeOpenAI;
  close(): Promise<void>;
}

/** A real streamObject() over the openai SDK against a scripted local server. */
export async function serverStream<P = unknown, T = unknown>(
  responses: ScriptedResponse[],
  options: {
    schema?: JSONSchema;
    mode?: "json_schema" | "json";
    maxRetries?: number;
    accept?: (value: unknown) => boolean;
    signal?: AbortSignal;
    startsInThinkBlock?: boolean;
  } = {},
): Promise<ServerRun<P, T>> {
  const server = await startFakeOpenAI({ responses });
  // dangerouslyAllowBrowser: the React tests give this Node process a DOM, which the SDK takes for a browser.
  const client = new OpenAI({ apiKey: "test", baseURL: server.baseURL, maxRetries: 0, dangerouslyAllowBrowser: true });
  const stream = streamObject<P, T>({
    client,
    model: "m",
    messages: [{ role: "user", content: "go" }],
    mode: options.mode ?? "json_schema",
    schema: options.schema ?? { type: "object" },
    name: "Answer",
    validate: validatorWhere<T>(options.accept),
    maxRetries: options.maxRetries ?? 1,
    signal: options.signal,
    startsInThinkBlock: options.startsInThinkBlock,
  });
  return { stream, server, close: () => server.close() };
}

export async function collectEvents<E>(events: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  for await (const e of events) out.push(e);
  return out;
}

/** The events the browser can reproduce (deltas are the server's chunks there, the parser's writes here). */
export function comparable<P, T>(events: readonly StreamEvent<P, T>[]): StreamEvent<P, T>[] {
  return events.filter((e) => e.type !== "delta");
}

/** Bytes of a body. */
export async function bodyBytes(response: Response): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * A body that hands out `bytes` one server write at a time (split after each flush byte and each record), a
 * macrotask apart, as a network delivers a live stream: a reader that keeps pace sees every snapshot (the event
 * log coalesces snapshots only for readers slower than the stream, on the server as in the browser).
 */
export function pacedBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x1f || bytes[i] === 0x0a) {
      pieces.push(bytes.slice(from, i + 1));
      from = i + 1;
    }
  }
  if (from < bytes.length) pieces.push(bytes.slice(from));
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (next < pieces.length) controller.enqueue(pieces[next++]!);
      else controller.close();
    },
  });
}
