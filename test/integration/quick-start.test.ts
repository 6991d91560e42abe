// docs/quick-start.md is made of snippets of the apps this tier builds and runs: each must still be in its app,
// word for word, so the page cannot drift from code that works.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "../generator/helpers.js";

const DOC = "docs/quick-start.md";
const SNIPPET = /(?:<!-- from (\S+) -->\n)?```(\w*)\n([\s\S]*?)\n```/g;

const snippets = [...readFileSync(join(ROOT, DOC), "utf8").matchAll(SNIPPET)].map(([, source, lang, body]) => ({
  source,
  lang,
  body: body ?? "",
}));

it("every code snippet but the install commands names the app file it comes from", () => {
  expect(snippets.filter((s) => s.lang !== "sh" && s.source === undefined).map((s) => s.body)).toEqual([]);
});

it("covers each framework's server and page", () => {
  const sources = new Set(snippets.map((s) => s.source));
  for (const file of [
    "next/app/api/review/route.ts",
    "next/app/page.tsx",
    "vite-react/src/App.tsx",
    "vite-react/vite.config.ts",
    "node-servers/src/express-server.ts",
    "node-servers/src/hono-server.ts",
    "node-servers/src/http-server.ts",
  ]) {
    expect(sources).toContain(`test/integration/apps/${file}`);
  }
});

it.each(snippets.filter((s) => s.source !== undefined))("the snippet from $source is in that file verbatim", (s) => {
  expect(readFileSync(join(ROOT, s.source ?? ""), "utf8")).toContain(s.body);
});
