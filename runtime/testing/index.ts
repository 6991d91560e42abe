export {
  type FakeOpenAI,
  type FakeOpenAIOptions,
  type ReceivedRequest,
  type ScriptedResponse,
  splitChunks,
  startFakeOpenAI,
} from "./fake-openai.js";
