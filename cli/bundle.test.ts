import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { SourceMap } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "./plan/schema.js";
import { fixturePlan } from "./testing/plan-fixture.js";
import { savedPlanCommands } from "./testing/saved-plan-commands.js";
// @ts-expect-error: plain JavaScript module without type declarations
import { BUNDLE, buildBundle } from "../bin/cli-bundle.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const exec = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

let bundle: string;
let bundleDir: string;
let dir: string;

/** Runs `estate <args>` from this checkout's bundle (a private copy), or from the sources through tsx. */
async function estate(via: "bundle" | "sources", args: string[], nodeArgs: string[] = []): Promise<Outcome> {
  const env = {
    ...process.env,
    CI: "true",
    ...(via === "sources" ? { ESTATE_NO_BUNDLE: "1" } : { ESTATE_BUNDLE: bundle }),
  };
  return exec(process.execPath, [...nodeArgs, path.join(ROOT, "bin/estate.js"), ...args], { cwd: ROOT, env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

/** A saved plan of one resource group, for the commands that read one. */
function savedPlan(): string {
  const file = path.join(dir, "saved-plan.json");
  const resources = [{ type: "azure-native:resources:ResourceGroup", name: "rg", inputs: { location: "westeurope" } }];
  writeFileSync(file, JSON.stringify(fixturePlan("dev", resources)));
  return file;
}

beforeAll(async () => {
  // A private copy of this checkout's bundle: other checkouts sharing node_modules may rebuild
  // the cached one from their own sources at any time. Beside the cache, so that the packages it
  // imports when needed resolve as from there.
  await buildBundle();
  bundleDir = mkdtempSync(path.join(path.dirname(BUNDLE), "..", "estate-test-"));
  bundle = path.join(bundleDir, "cli.cjs");
  copyFileSync(BUNDLE, bundle);
  copyFileSync(`${BUNDLE}.map`, `${bundle}.map`);
  dir = mkdtempSync(path.join(tmpdir(), "estate-bundle-"));
});

afterAll(() => {
  rmSync(bundleDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe("the estate command's bundle", () => {
  it("answers as the sources do", async () => {
    const [viaBundle, viaSources] = await Promise.all([estate("bundle", ["--help"]), estate("sources", ["--help"])]);
    expect(viaBundle.stdout).toContain("plan [options] <stack>");
    expect(viaBundle.stdout).toBe(viaSources.stdout);
  });

  describe("planned from the bundle", () => {
    let plan: Plan;
    beforeAll(async () => {
      const planned = await estate("bundle", ["plan", "dev", "--out", path.join(dir, "bundle")]);
      expect(planned.code, planned.stderr).toBe(0);
      plan = JSON.parse(readFileSync(path.join(dir, "bundle", "plan.json"), "utf8"));
    }, 120_000);

    /** The blob each service package is uploaded as: named after the zip's SHA-256. */
    const packageBlobs = (p: Plan) =>
      p.resources
        .filter((r) => r.type === "command:local:Command")
        .map((r) => (r.inputs.environment as { BLOB: string }).BLOB);

    it("builds the services' packages byte for byte as the sources do", async () => {
      // The service build's recipe (its import.meta.url define included) is part of the package
      // record: a bundle that altered it would rebuild, and a different build gives another hash.
      const fromSources = await estate("sources", ["plan", "dev", "--out", path.join(dir, "sources")]);
      expect(fromSources.code, fromSources.stderr).toBe(0);
      const sourcesPlan: Plan = JSON.parse(readFileSync(path.join(dir, "sources", "plan.json"), "utf8"));
      expect(packageBlobs(plan).length).toBeGreaterThan(0);
      expect(packageBlobs(plan)).toEqual(packageBlobs(sourcesPlan));
    }, 120_000);

    it("reads the files beside its modules as the sources do: prices, ARM schemas, create-only properties", async () => {
      const saved = path.join(dir, "bundle", "plan.json");
      // A storage account moved to another region: a create-only property, so `diff` says replace.
      const moved = structuredClone(plan);
      const account = moved.resources.find((r) => r.type === "azure-native:storage:StorageAccount")!;
      account.inputs.location = "northeurope";
      const movedFile = path.join(dir, "moved.json");
      writeFileSync(movedFile, JSON.stringify(moved));
      for (const [args, output] of [
        [["cost", saved, "--json"], "stdout"],
        [["export", saved, "--format", "arm", "--out", "{out}/export.json"], "export.json"],
        [["diff", saved, movedFile], "stdout"],
      ] as const) {
        const results = await Promise.all(
          (["bundle", "sources"] as const).map(async (via) => {
            const out = path.join(dir, `${via}-${args[0]}`);
            const result = await estate(
              via,
              args.map((a) => a.replace("{out}", out)),
            );
            expect(result.code, `${via} ${args[0]}: ${result.stderr}`).toBe(0);
            const text = output === "stdout" ? result.stdout : readFileSync(path.join(out, output), "utf8");
            // The one thing that differs between two runs: when each ran.
            return text.replace(/"runAt": "[^"]*"/g, '"runAt": ""');
          }),
        );
        expect(results[0], args[0]).toBe(results[1]);
        if (args[0] === "cost") expect(JSON.parse(results[0]).total.monthly).toBeGreaterThan(0);
        if (args[0] === "diff") expect(results[0]).toMatch(/replace/i);
      }
    }, 120_000);
  });

  it("maps its lines back to the TypeScript sources, past the header line", () => {
    const lines = readFileSync(bundle, "utf8").split("\n");
    const line = lines.findIndex((l) => l.startsWith("function money("));
    const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, "utf8")));
    const entry = map.findEntry(line, 0) as { originalSource: string; originalLine: number };
    expect(entry.originalSource).toMatch(/cli\/cost\/report\.ts$/);
    const source = readFileSync(path.join(ROOT, "cli/cost/report.ts"), "utf8").split("\n");
    expect(source[entry.originalLine]).toMatch(/^export function money\(/);
  });

  it("loads Graphviz from its package only when it renders a graph", async () => {
    // Records every specifier the ES module loader resolves (the bundle imports Graphviz dynamically).
    const log = path.join(dir, "resolved.log");
    const hooks = path.join(dir, "hooks.mjs");
    writeFileSync(
      hooks,
      `import { appendFileSync } from "node:fs";
      export async function resolve(specifier, context, next) {
        appendFileSync(${JSON.stringify(log)}, specifier + "\\n");
        return next(specifier, context);
      }`,
    );
    const register = path.join(dir, "register.mjs");
    writeFileSync(register, `import { register } from "node:module"; register(${JSON.stringify(`file://${hooks}`)});`);
    const plan = savedPlan();
    const resolved = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n") : []);
    const costed = await estate("bundle", ["cost", plan, "--out", path.join(dir, "graph")], ["--import", register]);
    expect(costed.code, costed.stderr).toBe(0);
    expect(resolved()).not.toContain("@viz-js/viz");
    const rendered = await estate("bundle", ["graph", plan, "--out", path.join(dir, "graph")], ["--import", register]);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(readFileSync(path.join(dir, "graph", "graph.svg"), "utf8")).toMatch(/<svg[\s>]/);
    expect(resolved()).toContain("@viz-js/viz");
  });

  it("runs every command that reads a saved plan without loading the Pulumi SDK, a provider or any other CommonJS package file", async () => {
    const plan = savedPlan();
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
    const loaded = (stderr: string): string[] => JSON.parse(stderr.slice(stderr.indexOf("LOADED ") + 7));
    // The probe sees the SDK and a provider when something loads them.
    const probe = await exec(process.execPath, [
      "--require",
      hook,
      "-e",
      'require("@pulumi/pulumi"); require("@pulumi/azure-native/resources")',
    ]);
    expect(loaded(probe.stderr).some((file) => file.includes(`${path.sep}@pulumi${path.sep}pulumi${path.sep}`))).toBe(
      true,
    );
    expect(
      loaded(probe.stderr).some((file) => file.includes(`${path.sep}@pulumi${path.sep}azure-native${path.sep}`)),
    ).toBe(true);
    const out = path.join(dir, "saved");
    for (const { command, args, exitCodes } of savedPlanCommands(plan, out)) {
      const { code, stderr } = await estate("bundle", args, ["--require", hook]);
      expect(exitCodes, `${command}: ${stderr}`).toContain(code);
      expect(loaded(stderr), command).toEqual([]);
    }
    expect(existsSync(path.join(out, "policy.json"))).toBe(true);
  });

  it("runs from V8's code cache of each command from the second run on, Graphviz's import included", async () => {
    const plan = savedPlan();
    const out = path.join(dir, "cached");
    const graph = () => estate("bundle", ["graph", plan, "--out", out]);
    const cache = `${bundle}.graph.v8cache`;
    const first = await graph();
    expect(first.code, first.stderr).toBe(0);
    const written = statSync(cache).mtimeMs;
    rmSync(path.join(out, "graph.svg"));
    const second = await graph();
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(path.join(out, "graph.svg"), "utf8")).toContain("<svg");
    // V8 took the cache: a cache it refuses is written again.
    expect(statSync(cache).mtimeMs).toBe(written);
  });
});
