/**
 * The program as `pulumi up` starts it: the Node language host (pulumi-language-nodejs) runs
 * `node <nodeargs> @pulumi/pulumi/cmd/run --monitor … --engine … --organization … --project …
 * --root-directory … --stack … --pwd … [--dry-run] --parallel … <main>` in the project folder, with
 * the stack's config in PULUMI_CONFIG (keys in the `<namespace>:config:<key>` form it still writes)
 * and the secret keys in PULUMI_CONFIG_SECRET_KEYS. The engine's side is a ResourceMonitor and
 * Engine of the test's own (monitor.ts); the program must register exactly the resources of the
 * offline plan of the same stack. This proves that Pulumi.yaml's runtime options (the tsx loader), its
 * `main` and the program's default export work outside the mock runtime.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Plan } from "../../cli/plan/schema.js";
import { planStack } from "../../cli/plan/stack.js";
import { readStackFile } from "../../stacks/config/stackfile.js";
import { REPO_ROOT } from "../../cli/testing/project.js";
import { startEngine, type TestEngine } from "./monitor.js";
import { runToExit } from "./protocol.js";

const STACK = "dev";
/** A run of the whole program takes tens of seconds on a busy machine: generous, never asserted. */
const RUN_TIMEOUT = 600_000;

interface ProjectFile {
  name: string;
  main: string;
  runtime: { name: string; options?: { typescript?: boolean; nodeargs?: string } };
}

const project = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;

/** The language host splits `nodeargs` like a shell (shlex); ours are plain words. */
function nodeArgs(): string[] {
  const text = project.runtime.options?.nodeargs ?? "";
  if (/["'\\]/.test(text)) throw new Error(`nodeargs ${JSON.stringify(text)}: quoting is not handled by this test`);
  return text.split(/\s+/).filter(Boolean);
}

/** Runs the program through @pulumi/pulumi's cmd/run as the language host does, against `engine`. */
async function runProgram(engine: TestEngine, dryRun: boolean, signal: AbortSignal) {
  const { config, secretKeys } = readStackFile(REPO_ROOT, STACK);
  // The host resolves the run script from the program's folder.
  const runScript = createRequire(path.join(REPO_ROOT, "package.json")).resolve("@pulumi/pulumi/cmd/run");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(
      Object.fromEntries(Object.entries(config).map(([key, value]) => [key.replace(":", ":config:"), value])),
    ),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
  };
  // `typescript: false`: the host does not ask the SDK for ts-node.
  if (project.runtime.options?.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  const args = [
    ...nodeArgs(),
    runScript,
    ...[
      "--monitor",
      engine.monitorAddress,
      "--engine",
      engine.address,
      "--organization",
      "organization",
      "--project",
      project.name,
    ],
    ...["--root-directory", REPO_ROOT, "--stack", STACK, "--pwd", REPO_ROOT],
    ...(dryRun ? ["--dry-run"] : []),
    ...["--parallel", "16", project.main],
  ];
  return runToExit(process.execPath, args, { cwd: REPO_ROOT, env, signal });
}

/**
 * A resource as type, name and parent (type and name). URNs are not compared as such: the engine
 * qualifies a type with its parents' whole type chain, where the offline plan's mocks keep only
 * the parent's own type.
 */
function identity(urn: string): string {
  const [, , qualifiedType, ...name] = urn.split("::");
  return `${qualifiedType.split("$").pop()} ${name.join("::")}`;
}
const resources = (list: Array<{ urn: string; parent?: string }>) =>
  list
    .map(
      (r) =>
        `${identity(r.urn)} in ${r.parent && !r.parent.includes("::pulumi:pulumi:Stack::") ? identity(r.parent) : "the stack"}`,
    )
    .sort();

describe("the program started as the Node language host starts it", () => {
  let plan: Plan;

  beforeAll(async () => {
    plan = await planStack({ projectDir: REPO_ROOT, stack: STACK });
  }, RUN_TIMEOUT);

  // `pulumi up` runs the program twice: a preview (a dry run, where what Azure computes is unknown), then the update.
  describe.each([
    ["pulumi preview", true],
    ["pulumi up", false],
  ] as const)("as in %s", (_operation, dryRun) => {
    let engine: TestEngine;
    let run: Awaited<ReturnType<typeof runProgram>>;
    // Stops the program if the hook gives up on it.
    const stop = new AbortController();

    beforeAll(async () => {
      engine = await startEngine({ project: project.name, stack: STACK, preview: dryRun });
      run = await runProgram(engine, dryRun, stop.signal);
    }, RUN_TIMEOUT);

    afterAll(async () => {
      stop.abort();
      await engine?.stop();
    });

    it("runs Pulumi.yaml's main to a clean exit, logging no error", () => {
      expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
      expect(engine.logs.filter((log) => log.severity === "error")).toEqual([]);
    });

    it("registers the offline plan's resources (type, name and parent), and the stack", () => {
      const stack = engine.registrations.filter((r) => r.type === "pulumi:pulumi:Stack");
      expect(stack.map((r) => r.name)).toEqual([`${project.name}-${STACK}`]);
      expect(resources(engine.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack"))).toEqual(
        resources(plan.resources),
      );
      // The stack's outputs reach the engine.
      expect(engine.outputsRegistered).toContain(stack[0].urn);
    });
  });
});
