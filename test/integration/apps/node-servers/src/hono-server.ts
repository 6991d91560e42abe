import { serve } from "@hono/node-server";
import { Hono } from "hono";
import OpenAI from "openai";
import { streamProductReview } from "./generated/index.js";

const client = new OpenAI(); // OPENAI_API_KEY (and OPENAI_BASE_URL) from the environment
const app = new Hono();

app.post("/api/review", async (c) => {
  const { text } = await c.req.json<{ text: string }>();
  const stream = streamProductReview({
    client,
    model: process.env.OPENAI_MODEL ?? "gpt-4o-mini",
    messages: [
      { role: "system", content: "Summarise the customer's product review." },
      { role: "user", content: text },
    ],
    signal: c.req.raw.signal, // the client went away: cancel the model's request
  });
  return stream.toResponse();
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3001) });
