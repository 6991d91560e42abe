export { type FakeAnthropic, type FakeAnthropicOptions, startFakeAnthropic } from "./fake-anthropic.js";
export { type FakeGemini, type FakeGeminiOptions, startFakeGemini } from "./fake-gemini.js";
export { type FakeOpenAI, type FakeOpenAIOptions, startFakeOpenAI } from "./fake-openai.js";
export {
  type FakeServer,
  type FakeServerOptions,
  type ReceivedRequest,
  type ScriptedResponse,
  splitChunks,
} from "./scripted-server.js";
