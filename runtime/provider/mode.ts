/** The APIs partialgen speaks natively (which one a client speaks: providers.ts, from its shape). */
export type Provider = "openai" | "anthropic" | "gemini";

/** How the request asks for JSON and where the text comes back. */
export type StreamMode = "json_schema" | "tools" | "json" | "md_json" | "responses";

/** What one mode is, wherever that changes behaviour. */
export interface ModeRules {
  /**
   * The provider holds the answer to the schema (structured output, a strict tool): the text is the bare JSON
   * value, parsed strictly, and a null in an optional property means "absent" (strict schemas make optional
   * properties required and nullable). Otherwise the text is read leniently (prose, fences and think blocks
   * around the value) and nulls are kept as written.
   */
  readonly schemaEnforced: boolean;
  /** Where the answer comes back: message text, or the arguments of the one forced tool call. */
  readonly answerIn: "text" | "tool-call";
  /** The schema is also written into the system instructions: as plain JSON, in a ```json fence, or not at all. */
  readonly instructions: "none" | "plain" | "fenced";
  /** The providers that serve the mode. */
  readonly providers: readonly Provider[];
}

/** Every mode, decided once: the requests, the parser, the endings and the checks of streamObject() read it. */
export const MODES = {
  json_schema: {
    schemaEnforced: true,
    answerIn: "text",
    instructions: "none",
    providers: ["openai", "anthropic", "gemini"],
  },
  tools: { schemaEnforced: true, answerIn: "tool-call", instructions: "none", providers: ["openai", "anthropic"] },
  json: {
    schemaEnforced: false,
    answerIn: "text",
    instructions: "plain",
    providers: ["openai", "anthropic", "gemini"],
  },
  md_json: {
    schemaEnforced: false,
    answerIn: "text",
    instructions: "fenced",
    providers: ["openai", "anthropic", "gemini"],
  },
  responses: { schemaEnforced: true, answerIn: "text", instructions: "none", providers: ["openai"] },
} as const satisfies { readonly [M in StreamMode]: ModeRules };

/** The modes `provider` serves, as a type (from MODES). */
export type ModesOf<P extends Provider> = {
  [M in StreamMode]: P extends (typeof MODES)[M]["providers"][number] ? M : never;
}[StreamMode];

/** The chat-completions modes. */
export type ChatStreamMode = Exclude<StreamMode, "responses">;

/** The modes a GoogleGenAI client takes. */
export type GeminiStreamMode = ModesOf<"gemini">;

/** Why `mode` cannot be sent with `provider`'s client, or undefined when it can. */
export function unservedMode(provider: Provider, mode: StreamMode): string | undefined {
  const providers: readonly Provider[] = MODES[mode].providers;
  if (providers.includes(provider)) return undefined;
  const served = (Object.keys(MODES) as StreamMode[]).filter((m) =>
    (MODES[m].providers as readonly Provider[]).includes(provider),
  );
  return `partialgen: ${CLIENT_NAMES[provider]} client takes modes ${served.join(", ")}, not "${mode}"`;
}

const CLIENT_NAMES: Record<Provider, string> = {
  openai: "an OpenAI",
  anthropic: "an Anthropic",
  gemini: "a GoogleGenAI",
};
