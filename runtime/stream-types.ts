import type OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { JSONSchema } from "./schema-hints.js";
import type { SchemaValidator } from "./validation.js";

/** How the request asks for JSON and where the text comes back. */
export type StreamMode = "json_schema" | "tools" | "json" | "md_json" | "responses";

/** What a caller of a generated streamX() passes. */
export type StreamCallOptions<M extends StreamMode = StreamMode> = {
  client: OpenAI;
  model: string;
  messages: ChatCompletionMessageParam[];
  mode?: M;
  maxRetries?: number;
  signal?: AbortSignal;
  /**
   * A snapshot failing validatePartial: "continue" (default) streams on and leaves the verdict to the final
   * validation; "abort" stops the attempt at once and retries. Only "abort" validates snapshots, since that
   * costs the snapshot's size on every change.
   */
  onInvalidPartial?: "abort" | "continue";
} & Record<string, unknown>;

/** What generated code passes to streamObject(): the call options plus the schema's artefacts. */
export type StreamObjectOptions<P, T> = StreamCallOptions & {
  schema: JSONSchema;
  name: string;
  validate: SchemaValidator<T>;
  validatePartial?: SchemaValidator<P>;
  /** The original schema, for x-stream hints and enum handling while parsing (defaults to `schema`). */
  hints?: JSONSchema;
  /**
   * false: `schema` is not a strict-mode schema (it uses what OpenAI strict mode cannot express); the
   * json_schema, tools and responses modes send it with `strict: false` (default true).
   */
  strict?: boolean;
};
