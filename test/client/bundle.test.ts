import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { ROOT } from "../generator/helpers.js";

/** The entry bundled for a browser, minified, as an app's bundler would include it. */
async function bundle(entry: string, external: string[] = []) {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    metafile: true,
    external,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  return { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs: Object.keys(result.metafile.inputs) };
}

describe("browser bundle size", () => {
  it("@partialgen/runtime/client: no Node built-ins, no openai, no Ajv; its size printed", async () => {
    const client = await bundle("runtime/client/index.ts");
    const parserOnly = await bundle("runtime/parser.ts");
    console.log(
      `@partialgen/runtime/client: ${client.bytes} B minified, ${client.gzip} B min+gzip (the parser and schema hints alone: ${parserOnly.gzip} B)`,
    );
    expect(client.inputs.filter((i) => /node_modules|node:|validation\.ts|openai|text-streams/.test(i))).toEqual([]);
    // The target is 6 KB; today's entry is about 9.5 KB, of which the parser with its lenient-text and
    // schema-hint modules is 6 and the bounded event log 1.2. A guard against growth, not the target.
    expect(client.gzip).toBeLessThanOrEqual(10 * 1024);
  });

  it("@partialgen/runtime/react adds the hook on top (react itself external)", async () => {
    const react = await bundle("runtime/react/index.ts", ["react"]);
    console.log(
      `@partialgen/runtime/react (with client, without react): ${react.bytes} B minified, ${react.gzip} B min+gzip`,
    );
    expect(react.inputs.filter((i) => /node_modules|node:|validation\.ts|openai/.test(i))).toEqual([]);
    expect(react.gzip).toBeLessThanOrEqual(11.5 * 1024);
  });
});
