import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../stacks/config/load.js";
import { planProgram, ProgramError } from "./engine.js";
import { OFFLINE_SUBSCRIPTION } from "./mocks.js";
import { planStack } from "./stack.js";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const SECRET = "hunter2-very-secret-value";

class Pair extends pulumi.ComponentResource {
  constructor(name: string, groupName: pulumi.Input<string>) {
    super("test:index:Pair", name);
    const vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        resourceGroupName: groupName,
        virtualNetworkName: `${name}-vnet`,
        addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      },
      { parent: this },
    );
    new network.Subnet(
      `${name}-snet`,
      {
        resourceGroupName: groupName,
        virtualNetworkName: vnet.name,
        subnetName: "a",
        addressPrefix: "10.0.0.0/24",
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}

async function smallProgram() {
  const group = new resources.ResourceGroup("rg", { resourceGroupName: "rg-test", location: "westeurope" });
  const marker = new resources.ResourceGroup("marker", { resourceGroupName: "rg-marker", location: "westeurope" });
  new Pair("pair", group.name);
  const password = new random.RandomPassword("pw", { length: 24 });
  new resources.ResourceGroup(
    "tagged",
    {
      resourceGroupName: "rg-tagged",
      location: "westeurope",
      tags: { note: pulumi.secret(SECRET), pw: password.result },
    },
    { dependsOn: [marker] },
  );
  return { secretOutput: pulumi.secret(SECRET), groupId: group.id };
}

const plan = () => planProgram({ project: "test", stack: "unit", config: {}, secretKeys: [], program: smallProgram });

describe("offline plan engine", () => {
  it("captures every resource with type, names, parent and ARM-shaped ids", async () => {
    const p = await plan();
    expect(p.mode).toBe("offline");
    const byName = new Map(p.resources.map((r) => [r.name, r]));
    expect([...byName.keys()].sort()).toEqual(["marker", "pair", "pair-snet", "pair-vnet", "pw", "rg", "tagged"]);
    const component = byName.get("pair")!;
    expect(component.custom).toBe(false);
    expect(byName.get("pair-vnet")!.parent).toBe(component.urn);
    expect(byName.get("rg")!.parent).toBeUndefined();
    expect(byName.get("pair-snet")!.outputs.id).toBe(
      `/subscriptions/${OFFLINE_SUBSCRIPTION}/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/pair-vnet/subnets/a`,
    );
    expect(byName.get("pair-snet")!.armType).toBe("Microsoft.Network/virtualNetworks/subnets");
    expect(byName.get("pair-vnet")!.physicalName).toBe("pair-vnet");
  });

  it("records implicit dependencies (outputs feeding inputs) and explicit dependsOn", async () => {
    const p = await plan();
    const urn = (name: string) => p.resources.find((r) => r.name === name)!.urn;
    const deps = (name: string) => p.resources.find((r) => r.name === name)!.dependsOn;
    expect(deps("pair-vnet")).toContain(urn("rg"));
    expect(deps("pair-snet")).toEqual(expect.arrayContaining([urn("rg"), urn("pair-vnet")]));
    expect(deps("tagged")).toEqual(expect.arrayContaining([urn("marker"), urn("pw")]));
    expect(deps("rg")).toEqual([]);
  });

  it("never writes a secret into the plan", async () => {
    const p = await plan();
    const text = JSON.stringify(p);
    expect(text).not.toContain(SECRET);
    const tagged = p.resources.find((r) => r.name === "tagged")!;
    expect((tagged.inputs.tags as Record<string, unknown>).note).toBe("[secret]");
    expect((tagged.inputs.tags as Record<string, unknown>).pw).toBe("[secret]");
    expect(p.resources.find((r) => r.name === "pw")!.outputs.result).toBe("[secret]");
    expect(p.outputs.secretOutput).toBe("[secret]");
  });

  it("redacts secret config values wherever they flow", async () => {
    const p = await planProgram({
      project: "test",
      stack: "unit",
      config: { "test:token": SECRET },
      secretKeys: ["test:token"],
      program: async () => {
        new resources.ResourceGroup("rg", {
          resourceGroupName: "rg",
          tags: { token: new pulumi.Config("test").require("token") },
        });
      },
    });
    expect(JSON.stringify(p)).not.toContain(SECRET);
  });

  it("turns a failing program into a ProgramError with the program's message", async () => {
    const failing = planProgram({
      project: "test",
      stack: "unit",
      config: {},
      secretKeys: [],
      program: async () => {
        new resources.ResourceGroup("rg", { resourceGroupName: "rg" });
        throw new Error("component refused its arguments");
      },
    });
    await expect(failing).rejects.toThrow(ProgramError);
    await expect(failing).rejects.toThrow("component refused its arguments");
  });

  it("puts back the SDK's debugging aids it turns off while planning", async () => {
    const debuggable = createRequire(import.meta.url)("@pulumi/pulumi/runtime/debuggable.js") as Record<
      string,
      unknown
    >;
    const before = [(pulumi.Resource as unknown as Record<string, unknown>).stackTrace, debuggable.debuggablePromise];
    let during: unknown[] = [];
    await planProgram({
      project: "test",
      stack: "unit",
      config: {},
      secretKeys: [],
      program: async () => {
        during = [(pulumi.Resource as unknown as Record<string, unknown>).stackTrace, debuggable.debuggablePromise];
        new resources.ResourceGroup("rg", { resourceGroupName: "rg" });
      },
    });
    expect(during[0]).not.toBe(before[0]);
    expect(during[1]).not.toBe(before[1]);
    expect([(pulumi.Resource as unknown as Record<string, unknown>).stackTrace, debuggable.debuggablePromise]).toEqual(
      before,
    );
  });

  it("names a dependency cycle instead of exiting silently", async () => {
    // Pulumi's own exit hook then reports the leaked promises and fails the process; the message is ours.
    const stdout = await run(
      process.execPath,
      [path.join(ROOT, "bin/run-ts.js"), path.join(ROOT, "cli/plan/fixtures/cycle.ts")],
      { cwd: ROOT },
    ).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    expect(stdout).toContain("failed: the program stopped with resources still waiting on each other");
  });

  it("stops a bad stack config before any resource is declared", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "estate-plan-"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: estate\nruntime: nodejs\n");
    writeFileSync(
      path.join(dir, "Pulumi.bad.yaml"),
      "config:\n  estate:profile: dev\n  estate:owner: me\n  estate:costCentre: x\n  estate:colour: blue\n",
    );
    const error = await planStack({ projectDir: dir, stack: "bad" }).catch((e) => e);
    expect(error).toBeInstanceOf(ProgramError);
    expect(error.cause).toBeInstanceOf(ConfigError);
    expect(error.declared).toBe(0);
    expect(error.message).toContain("estate:colour");
  });
});

describe("estate plan (command)", () => {
  const estate = (args: string[], cwd = ROOT) =>
    run(process.execPath, [path.join(ROOT, "bin/estate.js"), ...args], {
      cwd,
      env: { ...process.env, CI: "true" },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
    );

  it("plans dev, prints the tree and writes plan.json where --out says", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "estate-out-"));
    const result = await estate(["plan", "dev", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("offline plan from Pulumi's mock runtime");
    expect(result.stdout).toContain("rg-estate-dev-weu");
    expect(result.stdout).toMatch(
      /Entry points \(names as planned\): frontDoorUrl https:\/\/fde-estate-dev-weu-\S+\.azurefd\.net,\s+gatewayUrl https:\/\/apim-estate-dev-weu-/,
    );
    // A first run reads its summary at the top of a short output: one line per component, whose
    // counts add up to the resources planned.
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThan(40);
    const top = lines.slice(0, 6).join("\n");
    expect(top).toMatch(/^(\d+) resources \(\d+ in Azure Resource Manager\) in \d+ components/m);
    expect(top).toMatch(/^Estimated cost: /m);
    expect(top).toMatch(/^Policy: /m);
    const planned = Number(/^(\d+) resources/m.exec(top)![1]);
    const inComponents = lines
      .flatMap((line) => /: (\d+) resources?$/.exec(line)?.[1] ?? [])
      .reduce((sum, n) => sum + Number(n), 0);
    // A few are named, more are counted.
    const directLine = lines.find((line) => line.includes("directly in the stack: "))!.split(": ")[1]!;
    const direct = Number(/^(\d+) resources \(/.exec(directLine)?.[1] ?? directLine.split(", ").length);
    expect(inComponents + direct).toBe(planned);
    const written = JSON.parse(readFileSync(path.join(out, "plan.json"), "utf8"));
    expect(written).toMatchObject({ schemaVersion: 1, stack: "dev", profile: "dev", mode: "offline" });
    expect(written.resources.length).toBeGreaterThan(5);
  });

  it("lists every resource under its component with --tree", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "estate-out-"));
    const result = await estate(["plan", "dev", "--tree", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/◆ network estate:network:Network\n\s+\+ vnet-estate-dev-weu network:VirtualNetwork/);
    expect(result.stdout).toContain("Resource type");
  });

  it("prints the plan as JSON with --json", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "estate-out-"));
    const result = await estate(["plan", "prod", "--json", "--out", out]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).profile).toBe("prod");
  });

  it("exits 1 with the config message for a bad stack config", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "estate-cli-"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: estate\nruntime: nodejs\n");
    writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  estate:profile: staging\n");
    const result = await estate(["plan", "bad"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Pulumi.bad.yaml");
    expect(result.stderr).toContain('estate:profile: got "staging"; expected one of dev, prod, ephemeral');
    expect(result.stderr).toContain("estate:owner: missing");
  });

  it("exits 1 naming the known stacks for a stack without a stack file", async () => {
    const result = await estate(["plan", "nope"]);
    expect(result.code).toBe(1);
    // The seed stacks sit beside dev and prod.
    expect(result.stderr).toMatch(
      /no stack file Pulumi\.nope\.yaml.*stacks here: chatlings, dev, dreamspace, events, feastfrenzy, ninevectors, prod/,
    );
  });

  it("exits 2 on usage errors", async () => {
    expect((await estate(["plan"])).code).toBe(2);
    expect((await estate(["frobnicate"])).code).toBe(2);
    expect((await estate(["plan", "dev", "--bogus"])).code).toBe(2);
  });
});
