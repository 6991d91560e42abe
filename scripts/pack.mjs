#!/usr/bin/env node
// Packs both packages as a release would: one build, then `npm pack` of each with --ignore-scripts (each package's
// prepack would build again). Usage: node scripts/pack.mjs [destination] (default: packs/). Prints the tarballs.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const destination = resolve(process.argv[2] ?? join(root, "packs"));
mkdirSync(destination, { recursive: true });

const npm = (...args) => execFileSync("npm", args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
npm("run", "build");
npm("pack", "--ignore-scripts", "--pack-destination", destination);
npm("pack", "--ignore-scripts", "--pack-destination", destination, "-w", "@partialgen/runtime");

const tarballs = readdirSync(destination)
  .filter((name) => /^partialgen-(runtime-)?\d.*\.tgz$/.test(name))
  .map((name) => relative(process.cwd(), join(destination, name)) || name);
console.log(tarballs.join("\n"));
