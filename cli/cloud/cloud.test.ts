import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import { projectCopy } from "../testing/project.js";
import { backendConfigFor, bootstrap, bootstrapNames } from "./bootstrap.js";
import { recordBackendInProject, writeBackend } from "./backend.js";
import type { CloudEngine, InlineTarget, OperationOptions } from "./engine.js";
import { EventTally, renderSummary } from "./events.js";
import { offlinePolicyGate } from "./gate.js";
import { EstateError } from "../errors.js";
import { CloudOperationError, PolicyRefusal, runCloud, type CloudDeps } from "./operation.js";
import { CloudSetupError, INSTALL_PULUMI, preflight, type Toolchain } from "./preflight.js";

const here = path.dirname(fileURLToPath(import.meta.url));
// Hand-written in the shape of the Pulumi engine's event log (the CLI cannot run here to record one).
const upEvents = JSON.parse(readFileSync(path.join(here, "fixtures/up-events.json"), "utf8")) as EngineEvent[];

/** A toolchain where every tool answers with the given exit code (null: not installed). */
const tools = (codes: Record<string, number | null>): Toolchain & { calls: string[] } => {
  const calls: string[] = [];
  const run: Toolchain = async (command, args) => {
    const key = `${command} ${args[0]}`;
    calls.push(key);
    const code = key in codes ? codes[key] : 0;
    return { code, stdout: "", stderr: code ? `${key} said no` : "" };
  };
  return Object.assign(run, { calls });
};

/** A fake engine that replays recorded events and remembers what it was asked. */
function fakeEngine(
  events: EngineEvent[] = upEvents,
  fail?: string,
): CloudEngine & { calls: Array<{ op: string; options: OperationOptions | InlineTarget }> } {
  const calls: Array<{ op: string; options: OperationOptions | InlineTarget }> = [];
  const replay = async (op: string, options: OperationOptions) => {
    calls.push({ op, options });
    for (const event of events) options.onEvent(event);
    if (fail) throw new Error(fail);
  };
  return {
    calls,
    preview: (options) => replay("preview", options),
    up: async (options) => {
      await replay("up", options);
      return { url: "https://example.invalid" };
    },
    destroy: (options) => replay("destroy", options),
    removeStack: async () => {},
    listStacks: async () => [],
    stackConfig: async () => ({}),
    upInline: async (target) => {
      calls.push({ op: "upInline", options: target });
      return {};
    },
  };
}

const noEnv = {} as NodeJS.ProcessEnv;

describe("preflight", () => {
  it("says to install the Pulumi CLI when it is missing", async () => {
    await expect(
      preflight({ toolchain: tools({ "pulumi version": null }), backendEnv: {}, needsLogin: true, env: noEnv }),
    ).rejects.toThrow(INSTALL_PULUMI);
  });

  it("says which pulumi login to run when not logged in", async () => {
    const check = preflight({
      toolchain: tools({ "pulumi whoami": 255 }),
      backendEnv: {},
      loginHint: "pulumi login 'azblob://x'",
      needsLogin: true,
      env: noEnv,
    });
    await expect(check).rejects.toThrow(/Not logged in to a Pulumi backend\. Run `pulumi login 'azblob:\/\/x'`/);
  });

  it("says to run az login without Azure credentials, and accepts service principal variables instead", async () => {
    await expect(
      preflight({ toolchain: tools({ "az account": 1 }), backendEnv: {}, needsLogin: true, env: noEnv }),
    ).rejects.toThrow(/No Azure credentials\. Run `az login`/);
    const toolchain = tools({ "az account": null });
    const env = { ARM_CLIENT_ID: "c", ARM_TENANT_ID: "t", ARM_USE_OIDC: "true" } as NodeJS.ProcessEnv;
    await expect(preflight({ toolchain, backendEnv: {}, needsLogin: true, env })).resolves.toBeUndefined();
    expect(toolchain.calls).toEqual(["pulumi version", "pulumi whoami"]);
  });

  it("is an expected error: one message, exit 1", async () => {
    await expect(
      preflight({ toolchain: tools({ "pulumi version": null }), backendEnv: {}, needsLogin: false }),
    ).rejects.toBeInstanceOf(CloudSetupError);
  });
});

describe("EventTally", () => {
  it("folds a recorded up into counts, policy results and progress lines", () => {
    const tally = new EventTally("up", "dev");
    const progress = upEvents.map((e) => tally.add(e)).filter(Boolean);
    expect(tally.summary.changes).toEqual({ create: 1, update: 1, replace: 1, delete: 0, same: 5 });
    expect(tally.summary).toMatchObject({ completed: true, durationSeconds: 60, errors: [] });
    expect(tally.summary.policy).toEqual([
      expect.objectContaining({
        policy: "EST-STG-002",
        level: "warning",
        message: "Storage accounts keep soft delete on for 7 days or more.",
      }),
    ]);
    expect(progress[0]).toBe("create rg (azure-native:resources:ResourceGroup)");
    expect(progress).toContain("create-replacement data-storage done");
    expect(renderSummary(tally.summary)).toContain(
      "up of dev (cloud, Pulumi engine): create 1, update 1, replace 1, delete 0, unchanged 5",
    );
  });

  it("counts steps itself when the stream ends without a summary (an interrupted run)", () => {
    const tally = new EventTally("preview", "dev");
    for (const e of upEvents.filter((x) => !x.summaryEvent)) tally.add(e);
    expect(tally.summary.changes).toEqual({ create: 1, update: 1, replace: 1, delete: 0, same: 1 });
    expect(tally.summary.completed).toBe(false);
    expect(renderSummary(tally.summary)).toContain("would create 1");
  });
});

describe("runCloud", () => {
  const passing = () => ({ mandatory: [], advisory: 0 });

  it("runs up in the project with the policy pack and the bootstrapped backend, and writes plan, cost and summary", async () => {
    const projectDir = projectCopy();
    const backend = backendConfigFor(bootstrapNames("westeurope"), "westeurope");
    writeBackend(projectDir, backend);
    const engine = fakeEngine();
    const progress: string[] = [];
    const deps: CloudDeps = { engine, toolchain: tools({}), gate: passing, onProgress: (t) => progress.push(t) };
    const run = await runCloud("up", projectDir, "dev", deps);
    const options = engine.calls[0].options as OperationOptions;
    expect(engine.calls.map((c) => c.op)).toEqual(["up"]);
    expect(options).toMatchObject({
      projectDir,
      stack: "dev",
      policyPacks: [path.join(projectDir, "policies")],
      // The policy pack enforces per profile: it is told the stack and the profile.
      env: {
        PULUMI_BACKEND_URL: backend.backendUrl,
        AZURE_STORAGE_ACCOUNT: backend.storageAccount,
        ESTATE_STACK: "dev",
        ESTATE_PROFILE: "dev",
      },
      secretsProvider: backend.secretsProvider,
    });
    expect(progress).toContain("update network-vnet done");
    for (const name of ["plan.json", "cost.json", "cloud-up.json"])
      expect(existsSync(path.join(projectDir, ".estate/dev", name))).toBe(true);
    const written = JSON.parse(readFileSync(path.join(projectDir, ".estate/dev/cloud-up.json"), "utf8"));
    expect(written).toMatchObject({ operation: "up", stack: "dev", mode: "cloud", changes: run.summary.changes });
  });

  it("writes the offline policy reports (waivers applied) beside the plan before a cloud preview", async () => {
    const projectDir = projectCopy();
    const run = await runCloud("preview", projectDir, "dev", {
      engine: fakeEngine(),
      toolchain: tools({}),
      gate: offlinePolicyGate,
    });
    for (const name of ["policy.sarif", "policy.md", "cloud-preview.json"])
      expect(run.files).toContain(path.join(projectDir, ".estate/dev", name));
    expect(JSON.parse(readFileSync(path.join(projectDir, ".estate/dev/policy.sarif"), "utf8")).version).toBe("2.1.0");
  });

  it("refuses up on a mandatory offline violation before the engine is called", async () => {
    const engine = fakeEngine();
    const gate = () => ({ mandatory: ["EST-NET-001 on kv: public network access is enabled"], advisory: 2 });
    const up = runCloud("up", projectCopy(), "dev", { engine, toolchain: tools({}), gate });
    await expect(up).rejects.toBeInstanceOf(PolicyRefusal);
    await expect(up).rejects.toThrow(/Refusing to deploy dev: .*1 mandatory violation:\n {2}- EST-NET-001 on kv/);
    expect(engine.calls).toEqual([]);
  });

  it("gives the config error or the policy refusal before asking for tools a machine lacks", async () => {
    const noPulumi = tools({ "pulumi version": null });
    const broken = projectCopy();
    writeFileSync(path.join(broken, "Pulumi.dev.yaml"), "config:\n  estate:profile: dev\n  estate:colour: blue\n");
    await expect(
      runCloud("up", broken, "dev", { engine: fakeEngine(), toolchain: noPulumi, gate: passing }),
    ).rejects.toThrow(/estate:colour: unknown key/);
    const gate = () => ({ mandatory: ["EST-NET-001 on kv: public network access is enabled"], advisory: 0 });
    await expect(
      runCloud("up", projectCopy(), "dev", { engine: fakeEngine(), toolchain: noPulumi, gate }),
    ).rejects.toBeInstanceOf(PolicyRefusal);
    expect(noPulumi.calls).toEqual([]);
  });

  it("stops at the first missing tool with its message, and at a missing stack file before that", async () => {
    const engine = fakeEngine();
    await expect(
      runCloud("preview", projectCopy(), "dev", {
        engine,
        toolchain: tools({ "pulumi version": null }),
        gate: passing,
      }),
    ).rejects.toThrow(INSTALL_PULUMI);
    await expect(runCloud("up", projectCopy(), "qa", { engine, toolchain: tools({}), gate: passing })).rejects.toThrow(
      /no stack file Pulumi\.qa\.yaml/,
    );
    expect(engine.calls).toEqual([]);
  });

  it("reports an engine failure with the tail of its output and still writes the summary", async () => {
    const projectDir = projectCopy();
    const stderr = Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n");
    const run = runCloud("destroy", projectDir, "dev", {
      engine: fakeEngine(upEvents, stderr),
      toolchain: tools({}),
      gate: passing,
    });
    await expect(run).rejects.toBeInstanceOf(CloudOperationError);
    await expect(run).rejects.toThrow(/pulumi destroy of dev failed[\s\S]*line 39$/);
    await expect(run).rejects.not.toThrow(/line 10\n/);
    expect(existsSync(path.join(projectDir, ".estate/dev/cloud-destroy.json"))).toBe(true);
    expect(existsSync(path.join(projectDir, ".estate/dev/plan.json"))).toBe(false); // destroy plans nothing
  });
});

describe("bootstrap", () => {
  it("runs the inline program on a local state folder and returns the azblob and azurekeyvault URLs", async () => {
    const engine = fakeEngine();
    const config = await bootstrap({
      engine,
      projectDir: "/p",
      location: "westeurope",
      stateDir: "/p/.estate/bootstrap",
    });
    const target = engine.calls[0].options as InlineTarget;
    expect(target).toMatchObject({
      projectName: "estate-bootstrap",
      stack: "bootstrap",
      config: { "azure-native:location": "westeurope" },
      env: expect.objectContaining({ PULUMI_BACKEND_URL: "file:///p/.estate/bootstrap" }),
    });
    const names = bootstrapNames("westeurope");
    expect(config.backendUrl).toBe(`azblob://pulumi-state?storage_account=${names.storageAccount}`);
    expect(config.secretsProvider).toBe(`azurekeyvault://${names.keyVault}.vault.azure.net/keys/pulumi-secrets`);
    expect(config.loginCommand).toBe(`pulumi login '${config.backendUrl}'`);
  });

  it("answers an engine failure with Pulumi's error lines in a short message, not the engine's whole output", async () => {
    const output = [
      "Updating (bootstrap):",
      ...Array.from({ length: 40 }, (_, i) => `    azure-native:storage:StorageAccount state creating (${i}s)`),
      '    error: autorest/azure: Service returned an error. Status=403 Code="AuthorizationFailed"',
      "  error: update failed",
      ...Array.from({ length: 10 }, (_, i) => `    at internal frame ${i}`),
    ].join("\n");
    const engine = {
      ...fakeEngine(),
      upInline: async () => Promise.reject(new Error(`code: 255\n stdout: ${output}`)),
    };
    const run = bootstrap({ engine, projectDir: "/p", location: "westeurope", stateDir: "/p/.estate/bootstrap" });
    await expect(run).rejects.toBeInstanceOf(EstateError);
    const message = await run.then(
      () => "",
      (error: Error) => error.message,
    );
    expect(message).toMatch(
      /^The state backend was not created: pulumi up of the bootstrap stack failed \(its state is in \/p\/\.estate\/bootstrap/,
    );
    expect(message).toContain(
      'error: autorest/azure: Service returned an error. Status=403 Code="AuthorizationFailed"',
    );
    expect(message.split("\n").length).toBeLessThanOrEqual(4);
  });

  it("records the backend URL in Pulumi.yaml, keeping its comments, once", () => {
    const projectDir = projectCopy();
    expect(recordBackendInProject(projectDir, "azblob://pulumi-state?storage_account=st1")).toBe(true);
    expect(recordBackendInProject(projectDir, "azblob://pulumi-state?storage_account=st1")).toBe(false);
    const text = readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8");
    expect(text).toContain("backend:\n  url: azblob://pulumi-state?storage_account=st1");
    expect(text).toContain("# The program is ESM TypeScript run through tsx");
  });

  it("is idempotent: the same region gives the same names, so a second run finds the same resources", () => {
    expect(bootstrapNames("westeurope")).toEqual(bootstrapNames("westeurope"));
    expect(bootstrapNames("westeurope").storageAccount).not.toBe(bootstrapNames("northeurope").storageAccount);
  });
});

describe("the real engine", () => {
  it("loads the Automation API the way plain Node loads it from the bundle (an ES import of a file, not a folder)", async () => {
    const { AUTOMATION_MODULE } = await import("./engine.js");
    const script = `const m = await import(${JSON.stringify(AUTOMATION_MODULE)}); process.stdout.write(typeof m.LocalWorkspace);`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."),
    });
    expect(stdout).toBe("function");
  });
});
