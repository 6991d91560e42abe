// require() of every entry of both packages, type-checked: each must load and have its exports typed.
import runtime = require("@partialgen/runtime");
import client = require("@partialgen/runtime/client");
import schemaHints = require("@partialgen/runtime/client/schema-hints");
import react = require("@partialgen/runtime/react");
import testing = require("@partialgen/runtime/testing");
import generator = require("partialgen");
import reexportedRuntime = require("partialgen/runtime");
import reexportedTesting = require("partialgen/testing");
import meetingExample = require("partialgen/examples/meeting");

const entries: Record<string, object> = {
  "@partialgen/runtime": runtime.PartialJSONParser,
  "@partialgen/runtime/client": client.readObjectStream,
  "@partialgen/runtime/client/schema-hints": schemaHints.schemaHints,
  "@partialgen/runtime/react": react.useObjectStream,
  "@partialgen/runtime/testing": testing.startFakeOpenAI,
  partialgen: generator.generate,
  "partialgen/runtime": reexportedRuntime.PartialJSONParser,
  "partialgen/testing": reexportedTesting.startFakeOpenAI,
  "partialgen/examples/meeting": meetingExample,
};
console.log(JSON.stringify(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, typeof v]))));
