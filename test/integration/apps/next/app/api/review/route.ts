import OpenAI from "openai";
import { streamProductReview } from "@/generated";

export async function POST(request: Request) {
  const { text } = (await request.json()) as { text: string };
  const stream = streamProductReview({
    client: new OpenAI(), // OPENAI_API_KEY (and OPENAI_BASE_URL) from the environment
    model: process.env.OPENAI_MODEL ?? "gpt-4o-mini",
    messages: [
      { role: "system", content: "Summarise the customer's product review." },
      { role: "user", content: text },
    ],
    signal: request.signal, // the page left or pressed Stop: cancel the model's request
  });
  return stream.toResponse();
}
