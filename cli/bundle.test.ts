import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript module without type declarations
import { BUNDLE, buildBundle } from "../bin/cli-bundle.js";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("the estate command's bundle", () => {
  it("builds from cli/main.ts and runs the same commands as the sources", async () => {
    await buildBundle();
    const bundle = readFileSync(BUNDLE, "utf8");
    // import.meta is rewritten per file, never left empty by the CommonJS output; written as
    // text in a string (the service build's define), it stays as it is.
    expect(bundle).not.toMatch(/import_meta\s*=\s*\{\}/);
    expect(bundle).toContain('define: { "import.meta.url": "__bundleUrl" }');
    const run = promisify(execFile);
    const viaBundle = await run(process.execPath, [path.join(ROOT, "bin/estate.js"), "--help"], { cwd: ROOT });
    const viaSources = await run(process.execPath, [path.join(ROOT, "bin/estate.js"), "--help"], {
      cwd: ROOT,
      env: { ...process.env, ESTATE_NO_BUNDLE: "1" },
    });
    expect(viaBundle.stdout).toContain("plan [options] <stack>");
    expect(viaBundle.stdout).toBe(viaSources.stdout);
  });

  it("maps its lines back to the TypeScript sources, past the header line", async () => {
    await buildBundle();
    const lines = readFileSync(BUNDLE, "utf8").split("\n");
    const line = lines.findIndex((l) => l.startsWith("function money("));
    const map = new SourceMap(JSON.parse(readFileSync(`${BUNDLE}.map`, "utf8")));
    const entry = map.findEntry(line, 0) as { originalSource: string; originalLine: number };
    expect(entry.originalSource).toMatch(/cli\/cost\/report\.ts$/);
    const source = readFileSync(path.join(ROOT, "cli/cost/report.ts"), "utf8").split("\n");
    expect(source[entry.originalLine]).toMatch(/^export function money\(/);
  });

  it("leaves Graphviz out, for the graph command to load when it renders", async () => {
    await buildBundle();
    expect(readFileSync(BUNDLE, "utf8")).toMatch(/await import\("@hpcc-js\/wasm-graphviz"\)/);
  });
});
