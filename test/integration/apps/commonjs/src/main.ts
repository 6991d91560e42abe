// Compiled to CommonJS: every import below, the generated modules' own included, becomes a require().
import OpenAI from "openai";
import { streamProductReview } from "./generated/index.js";

async function main(): Promise<void> {
  const stream = streamProductReview({
    client: new OpenAI(), // OPENAI_API_KEY (and OPENAI_BASE_URL) from the environment
    model: process.env.OPENAI_MODEL ?? "gpt-4o-mini",
    messages: [{ role: "user", content: process.argv[2] ?? "" }],
  });
  let snapshots = 0;
  for await (const _ of stream) snapshots++;
  console.log(JSON.stringify({ snapshots, final: await stream.final() }));
}

void main();
