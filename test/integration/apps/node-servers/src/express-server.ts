import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import express from "express";
import OpenAI from "openai";
import { streamProductReview } from "./generated/index.js";

const client = new OpenAI(); // OPENAI_API_KEY (and OPENAI_BASE_URL) from the environment
const app = express();
app.use(express.json());

app.post("/api/review", async (req, res) => {
  const { text } = req.body as { text: string };
  const stream = streamProductReview({
    client,
    model: process.env.OPENAI_MODEL ?? "gpt-4o-mini",
    messages: [
      { role: "system", content: "Summarise the customer's product review." },
      { role: "user", content: text },
    ],
  });
  const response = stream.toResponse();
  res.writeHead(response.status, Object.fromEntries(response.headers));
  // pipeline() cancels the body when the client goes away, and a body nobody reads cancels the model's request.
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream), res).catch(() => {});
});

app.listen(Number(process.env.PORT ?? 3001));
