// A client in Node: POSTs a review to one of the servers and prints each snapshot, then the final value or the
// error, one JSON line each. STOP_AFTER=n leaves after n snapshots (ending the loop cancels the body).
import { readObjectStream } from "@partialgen/runtime/client";
import { type PartialProductReview, type ProductReview, productReviewStreamHints } from "./generated/product-review.js";

const [url = "http://localhost:3001/api/review", text = ""] = process.argv.slice(2);
const stopAfter = Number(process.env.STOP_AFTER ?? Number.POSITIVE_INFINITY);

const response = await fetch(url, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ text }),
});
const stream = readObjectStream<PartialProductReview, ProductReview>(response, { hints: productReviewStreamHints });
let snapshots = 0;
try {
  for await (const snapshot of stream) {
    console.log(JSON.stringify({ snapshot }));
    if (++snapshots >= stopAfter) break;
  }
  if (snapshots < stopAfter) console.log(JSON.stringify({ final: await stream.final() }));
} catch (error) {
  const { name, message, status } = error as { name: string; message: string; status?: number };
  console.log(JSON.stringify({ error: { name, message, status } }));
}
