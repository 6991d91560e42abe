/**
 * Body bytes as the idle timeout sees them. The openai SDK's stream yields SSE events only: the comments that
 * servers and proxies send to keep a quiet connection open (": keep-alive", ": PROCESSING" while a reasoning
 * model thinks) never reach us as events, yet they are bytes, and a connection that still sends them is not
 * idle. So where the client allows it, the attempt's request goes through a copy of the client whose fetch
 * reports each chunk of the response body.
 */

type Fetch = (input: unknown, init?: unknown) => Promise<Response>;

interface WithFetchOptions {
  fetch?: unknown;
  withOptions?: (options: { fetch: Fetch }) => unknown;
}

/**
 * `client`, or a copy of it (the openai SDK's `withOptions`, v5 and later) whose response bodies call `onBytes`
 * for each chunk that arrives. Only for the SDK's own OpenAI class: a subclass (AzureOpenAI keeps its deployment
 * outside the options `withOptions` copies) or any other client is returned as it is, and the idle timer then
 * counts events.
 */
export function watchBodyBytes<C>(client: C, onBytes: () => void): C {
  const c = client as C & WithFetchOptions;
  const fetch = c.fetch;
  if (typeof fetch !== "function" || typeof c.withOptions !== "function") return client;
  if (Object.getPrototypeOf(client)?.constructor?.name !== "OpenAI") return client;
  const watched: Fetch = async (input, init) => {
    const response: Response = await (fetch as Fetch).call(undefined, input, init);
    if (response.body === null) return response;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onBytes();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return c.withOptions({ fetch: watched }) as C;
}
