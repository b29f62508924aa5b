import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { SourceMap } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { fixturePlan } from "./testing/plan-fixture.js";
import { savedPlanCommands } from "./testing/saved-plan-commands.js";
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
    // Imported through the runner's import() (bin/cli-bundle.js, runBundle).
    expect(readFileSync(BUNDLE, "utf8")).toMatch(/await __estateImport\("@hpcc-js\/wasm-graphviz"\)/);
  });

  it("runs every command that reads a saved plan without loading the Pulumi SDK, a provider or any other CommonJS package file", async () => {
    // A private copy of this checkout's bundle: other checkouts sharing node_modules may rebuild
    // the cached one from their own sources at any time. Beside the cache, so that the packages it
    // imports when needed resolve as from there.
    await buildBundle();
    const bundleDir = mkdtempSync(path.join(path.dirname(BUNDLE), "..", "estate-test-"));
    const bundle = path.join(bundleDir, "cli.cjs");
    copyFileSync(BUNDLE, bundle);
    expect(readFileSync(bundle, "utf8")).toContain(`${path.join(ROOT, "cli")}${path.sep}`);
    const dir = mkdtempSync(path.join(tmpdir(), "estate-saved-"));
    const plan = path.join(dir, "plan.json");
    writeFileSync(
      plan,
      JSON.stringify(
        fixturePlan("dev", [
          { type: "azure-native:resources:ResourceGroup", name: "rg", inputs: { location: "westeurope" } },
        ]),
      ),
    );
    // Lists, at exit, every file Node compiled as CommonJS (the bundle runs as a script of its own,
    // and the closure dependencies' stand-ins in the module cache are not compiled). The Pulumi SDK
    // and the providers are CommonJS: required or imported, each of their files passes through here.
    const hook = path.join(dir, "loaded.cjs");
    writeFileSync(
      hook,
      `const Module = require("node:module"); const compiled = []; const compile = Module.prototype._compile;
      Module.prototype._compile = function (code, file) { compiled.push(file); return compile.call(this, code, file); };
      process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify(compiled)));`,
    );
    const run = promisify(execFile);
    const loaded = async (args: string[], exitCodes: number[]): Promise<string[]> => {
      const result = await run(process.execPath, ["--require", hook, ...args], {
        cwd: ROOT,
        env: { ...process.env, CI: "true", ESTATE_BUNDLE: bundle },
      }).then(
        (done) => ({ ...done, code: 0 }),
        (error: { stderr: string; code: number }) => error,
      );
      expect(exitCodes, `${args.join(" ")}: ${result.stderr}`).toContain(result.code);
      return JSON.parse(result.stderr.slice(result.stderr.indexOf("LOADED ") + 7));
    };
    // The probe sees the SDK and a provider when something loads them.
    const probed = await loaded(["-e", 'require("@pulumi/pulumi"); require("@pulumi/azure-native/resources")'], [0]);
    expect(probed.some((file) => file.includes(`${path.sep}@pulumi${path.sep}pulumi${path.sep}`))).toBe(true);
    expect(probed.some((file) => file.includes(`${path.sep}@pulumi${path.sep}azure-native${path.sep}`))).toBe(true);
    const estate = path.join(ROOT, "bin/estate.js");
    for (const { command, args, exitCodes } of savedPlanCommands(plan, dir))
      expect(await loaded([estate, ...args], exitCodes), command).toEqual([]);
    // graph wrote its SVG, so Graphviz (an ES module) did load when it was needed.
    expect(readFileSync(path.join(dir, "graph.svg"), "utf8")).toContain("<svg");
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it("runs from V8's code cache of each command from the second run on, Graphviz's import included", async () => {
    await buildBundle();
    const bundleDir = mkdtempSync(path.join(path.dirname(BUNDLE), "..", "estate-test-"));
    const bundle = path.join(bundleDir, "cli.cjs");
    copyFileSync(BUNDLE, bundle);
    const dir = mkdtempSync(path.join(tmpdir(), "estate-cached-"));
    const plan = path.join(dir, "plan.json");
    writeFileSync(
      plan,
      JSON.stringify(fixturePlan("dev", [{ type: "azure-native:resources:ResourceGroup", name: "rg" }])),
    );
    const graph = () =>
      promisify(execFile)(process.execPath, [path.join(ROOT, "bin/estate.js"), "graph", plan, "--out", dir], {
        cwd: ROOT,
        env: { ...process.env, CI: "true", ESTATE_BUNDLE: bundle },
      });
    const cache = `${bundle}.graph.v8cache`;
    const first = await graph();
    const written = statSync(cache).mtimeMs;
    rmSync(path.join(dir, "graph.svg"));
    const second = await graph();
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(path.join(dir, "graph.svg"), "utf8")).toContain("<svg");
    // V8 took the cache: a cache it refuses is written again.
    expect(statSync(cache).mtimeMs).toBe(written);
    rmSync(bundleDir, { recursive: true, force: true });
  });
});
