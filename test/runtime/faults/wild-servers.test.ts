// Servers that misbehave the way real ones do (vLLM, llama.cpp, TGI, Ollama, LM Studio, LiteLLM/OpenRouter
// proxies, Azure, nginx in front): each case writes its bytes on a bare node:http socket. What users rely on: the
// answer when there is one; otherwise the right error class with the server's own words, the partial and the
// text; never a re-ask (a second bill) for a fault that is not the model's; usage counted once per attempt.
// The cases are tables by topic in wild-servers/; this file runs each through both majors of the openai SDK.
import { describe, it } from "vitest";
import { guardProcess } from "./raw-server.js";
import { afterTheEnd } from "./wild-servers/after-the-end.js";
import { brokenBodies } from "./wild-servers/broken-bodies.js";
import { runCase, SDKS, type Topic } from "./wild-servers/cases.js";
import { chunkShapes } from "./wild-servers/chunk-shapes.js";
import { errorPages } from "./wild-servers/error-pages.js";
import { errorsIn200 } from "./wild-servers/errors-in-200.js";
import { finishReasons } from "./wild-servers/finish-reasons.js";
import { malformedOutput } from "./wild-servers/malformed-output.js";
import { responsesApi } from "./wild-servers/responses-api.js";
import { sseFraming } from "./wild-servers/sse-framing.js";
import { toolsMode } from "./wild-servers/tools-mode.js";
import { wholeAnswers } from "./wild-servers/whole-answers.js";

guardProcess();

const topics: Topic[] = [
  sseFraming,
  errorsIn200,
  finishReasons,
  chunkShapes,
  toolsMode,
  errorPages,
  wholeAnswers,
  brokenBodies,
  afterTheEnd,
  responsesApi,
  malformedOutput,
];

describe.each(SDKS)("%s", (_name, sdk) => {
  for (const topic of topics) {
    describe(topic.name, () => {
      for (const c of topic.cases) it(c.name, () => runCase(sdk, c));
    });
  }
});
