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
    const parserOnly = await bundle("runtime/snapshot-parser.ts");
    const schemaHints = await bundle("runtime/client/schema-hints.ts");
    console.log(
      `@partialgen/runtime/client: ${client.bytes} B minified, ${client.gzip} B min+gzip (its parser alone: ${parserOnly.gzip} B); ` +
        `/client/schema-hints, for schemas without a hint table: ${schemaHints.gzip} B more`,
    );
    expect(client.inputs.filter((i) => /node_modules|node:|validation\.ts|openai|text-streams/.test(i))).toEqual([]);
    // Neither lenient mode (the server sends the value's text) nor the schema derivation (tables) ships here.
    expect(client.inputs.filter((i) => /lenient-text|schema-hints|[/]parser\.ts/.test(i))).toEqual([]);
    expect(client.gzip).toBeLessThanOrEqual(8.5 * 1024);
  });

  it("@partialgen/runtime/react adds the hook on top (react itself external)", async () => {
    const react = await bundle("runtime/react/index.ts", ["react"]);
    console.log(
      `@partialgen/runtime/react (with client, without react): ${react.bytes} B minified, ${react.gzip} B min+gzip`,
    );
    expect(react.inputs.filter((i) => /node_modules|node:|validation\.ts|openai/.test(i))).toEqual([]);
    expect(react.gzip).toBeLessThanOrEqual(12.75 * 1024);
  });
});
