/** How the request asks for JSON and where the text comes back. */
export type StreamMode = "json_schema" | "tools" | "json" | "md_json" | "responses";

/** The chat-completions modes. */
export type ChatStreamMode = Exclude<StreamMode, "responses">;
