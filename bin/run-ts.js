#!/usr/bin/env node
// Runs a TypeScript file of the project with tsx's loader, e.g. `node bin/run-ts.js bench/run.ts`.
import { register } from "tsx/esm/api";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bin/run-ts.js <file.ts> [args...]");
  process.exit(2);
}
register();
process.argv = [process.argv[0], path.resolve(file), ...rest];
await import(pathToFileURL(path.resolve(file)).href);
