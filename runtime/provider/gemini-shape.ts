// The part of a GoogleGenAI client partialgen calls, as structural types (see openai-shape.ts for why no SDK class
// is named). `@google/genai` is the user's own, an optional peer dependency: request parameters are typed by the
// installed SDK, what we read back by the few fields we use.
import type { GenerateContentConfig } from "@google/genai";

/** A `generateContentStream` chunk: only the fields partialgen reads. */
export interface GeminiChunkLike {
  candidates?: readonly {
    index?: number;
    finishReason?: string | null;
    content?: { parts?: readonly { text?: unknown; thought?: unknown }[] | null } | null;
  }[];
  promptFeedback?: { blockReason?: string | null; blockReasonMessage?: string | null } | null;
  usageMetadata?: {
    promptTokenCount?: number | null;
    candidatesTokenCount?: number | null;
    thoughtsTokenCount?: number | null;
    totalTokenCount?: number | null;
  } | null;
}

/** What mode "json_schema" calls: `client.models.generateContentStream({ model, contents, config })`. */
export interface GeminiModelsClient {
  models: {
    generateContentStream(params: {
      model: string;
      contents: unknown;
      config?: object;
    }): PromiseLike<AsyncIterable<GeminiChunkLike>>;
  };
}

/** Config fields partialgen sets itself; everything else may go in `request`. */
type GeminiOwnFields =
  | "systemInstruction"
  | "responseMimeType"
  | "responseSchema"
  | "responseJsonSchema"
  | "abortSignal"
  | "tools"
  | "toolConfig"
  | "candidateCount";

/**
 * Extra generation config (`temperature`, `maxOutputTokens`, `thinkingConfig`, ...), typed by the installed
 * `@google/genai`; it goes in the request's `config`.
 */
export type GeminiRequestParams = [GenerateContentConfig] extends [{ __sdkNotInstalled: true }]
  ? never // the SDK is not installed (its types read as `any`)
  : Omit<GenerateContentConfig, GeminiOwnFields>;
