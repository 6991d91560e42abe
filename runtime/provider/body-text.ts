// Bodies that are not the event stream the SDK reads: a whole answer sent as JSON (a server that ignored
// `stream: true`), an error page, an event stream under another content type, and the words of a server's error.

/** Reads a whole body (one that is not an event stream) up to `maxBytes`; `onBytes` for each chunk. */
export async function readBody(
  body: ReadableStream<Uint8Array> | null | undefined,
  maxBytes: number,
  onBytes: () => void,
): Promise<{ text: string; complete: boolean }> {
  if (!body) return { text: "", complete: true };
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), complete: true };
      onBytes();
      size += value.length;
      text += decoder.decode(value, { stream: true });
      if (size > maxBytes) return { text, complete: false };
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * A body as one line of readable text for an error message: an HTML page (a proxy's or gateway's error page) by
 * its words, without markup, scripts or styles; at most `max` characters.
 */
export function readableText(text: string, max = 300): string {
  let out = text;
  if (/<(!doctype|html|head|body|title|h1|center|div|p)\b/i.test(out)) {
    out = out
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, " ")
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(/<[^>]*>/g, " ")
      .replace(/&nbsp;/g, " ")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&");
  }
  out = out.replace(/\s+/g, " ").trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/**
 * What a body that carried no event says about why: an SSE `error:` field line (llama.cpp), or the body as JSON
 * (`{"error": {"message"}}`, `{"error": "..."}`, `{"message"}`, FastAPI's `{"detail"}`). Undefined otherwise.
 */
export function serverMessage(text: string): string | undefined {
  for (const line of text.split(/\r\n|\r|\n/)) {
    const field = /^error:\s?(.*)$/.exec(line);
    if (field) return jsonMessage(field[1] ?? "") ?? (readableText(field[1] ?? "") || undefined);
  }
  return jsonMessage(text.trim());
}

function jsonMessage(text: string): string | undefined {
  if (!text.startsWith("{")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { error, message, detail } = value as { error?: unknown; message?: unknown; detail?: unknown };
  const nested = typeof error === "object" && error !== null ? (error as { message?: unknown }).message : error;
  for (const candidate of [nested, message, detail]) {
    if (typeof candidate === "string" && candidate) return readableText(candidate);
  }
  return error !== undefined ? readableText(JSON.stringify(error)) : undefined;
}

/**
 * What a body under a JSON content type holds: one JSON value (a whole answer, or an error), or the events of an
 * event stream or of JSON lines sent under the wrong content type (read here, whole: the SDK will not read them).
 * Undefined when it is none of these.
 */
export function bodyValues(text: string): { value: unknown } | { events: unknown[] } | undefined {
  const body = text.replace(/^\uFEFF/, "");
  try {
    return { value: JSON.parse(body) };
  } catch {
    // not one JSON value
  }
  const lines = body.split(/\r\n|\r|\n/);
  const events = /^(data|event|id|retry)?:/.test(body.trimStart()) ? sseEvents(lines) : jsonLines(lines);
  return events === undefined ? undefined : { events };
}

/** The JSON data of each event (to `[DONE]`), per the SSE rules the SDK applies; undefined if one is not JSON. */
function sseEvents(lines: readonly string[]): unknown[] | undefined {
  const events: unknown[] = [];
  let data: string[] = [];
  for (const line of [...lines, ""]) {
    if (line === "") {
      if (data.length === 0) continue;
      const json = data.join("\n");
      data = [];
      if (json.startsWith("[DONE]")) break;
      try {
        events.push(JSON.parse(json));
      } catch {
        return undefined;
      }
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    if ((colon < 0 ? line : line.slice(0, colon)) !== "data") continue;
    const value = colon < 0 ? "" : line.slice(colon + 1);
    data.push(value.startsWith(" ") ? value.slice(1) : value);
  }
  return events;
}

function jsonLines(lines: readonly string[]): unknown[] | undefined {
  const events: unknown[] = [];
  for (const line of lines) {
    if (line.trim() === "") continue;
    try {
      events.push(JSON.parse(line));
    } catch {
      return undefined;
    }
  }
  return events.length > 0 ? events : undefined;
}

/** An event stream's text without its comment lines (keep-alives say nothing about an error). */
export function withoutComments(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .filter((line) => !line.startsWith(":"))
    .join("\n");
}
