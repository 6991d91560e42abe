/**
 * npm run bench:wire — bytes on the wire between server and page, against the answer's own text: the
 * toResponse() format, and the formats it was chosen over (every snapshot as SSE, as the web example sent
 * before; every delta as SSE; every delta as NDJSON). Counts bytes, not time, so one run is exact.
 */
import { readObjectStream } from "@partialgen/runtime/client";
import { collectEvents, serverStream } from "../test/client/helpers.js";
import { printTable } from "./table.js";
import { wireAnswers } from "./wire-answers.js";

const utf8 = (text: string) => new TextEncoder().encode(text).length;

const rows: string[][] = [];
for (const answer of wireAnswers()) {
  const run = await serverStream([{ text: answer.text, chunkSize: answer.chunkSize }]);
  const response = run.stream.toResponse();
  const [events, body] = await Promise.all([
    collectEvents(run.stream.events()),
    response.arrayBuffer().then((b) => new Uint8Array(b)),
  ]);
  await run.close();
  const check = await readObjectStream(new Response(body)).final();
  if (JSON.stringify(check) !== JSON.stringify(JSON.parse(answer.text))) throw new Error("the page read another value");
  let snapshotSse = 0;
  let deltaSse = 0;
  let deltaNdjson = 0;
  for (const e of events) {
    if (e.type === "snapshot") snapshotSse += utf8(`event: snapshot\ndata: ${JSON.stringify({ value: e.value })}\n\n`);
    if (e.type === "delta") {
      deltaSse += utf8(`data: ${e.text.split("\n").join("\ndata: ")}\n\n`);
      deltaNdjson += utf8(`${JSON.stringify({ type: "delta", text: e.text })}\n`);
    }
  }
  const text = utf8(answer.text);
  const ratio = (bytes: number) => `${bytes.toLocaleString("en-US")} B (${(bytes / text).toFixed(2)}×)`;
  rows.push([
    answer.name,
    `${text.toLocaleString("en-US")} B`,
    String(answer.chunkSize.length),
    ratio(body.length),
    ratio(deltaNdjson),
    ratio(deltaSse),
    ratio(snapshotSse),
  ]);
}
printTable(
  ["answer", "text", "deltas", "toResponse()", "NDJSON per delta", "SSE per delta", "SSE per snapshot (before)"],
  rows,
);
