import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectCopy, REPO_ROOT as root } from "../testing/project.js";

/**
 * The plan tools, env and the cloud commands' offline behaviour, end to end: `node bin/estate.js`
 * in a copy of the project's stack files, so the shared .estate/ folder is left alone.
 */
let project: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function estate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "bin/estate.js"), ...args], {
      cwd: project,
      env: { ...process.env, CI: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const json = (run: Run) => {
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
};
const file = (...parts: string[]) => path.join(project, ".estate", ...parts);
/** Output with the lines wrapped to the width joined again (a continuation starts with two spaces). */
const unwrapped = (text: string) => text.replaceAll("\n  ", " ");

beforeAll(() => {
  project = projectCopy();
});

describe("estate cost and plan", () => {
  it("prices dev in the tens to hundreds and prod in the thousands per month, writing cost.json", async () => {
    const [dev, prod] = await Promise.all([estate(["cost", "dev", "--json"]), estate(["cost", "prod", "--json"])]);
    const devCost = json(dev);
    const prodCost = json(prod);
    expect(devCost).toMatchObject({ schemaVersion: 1, stack: "dev", profile: "dev", mode: "offline", currency: "USD" });
    expect(devCost.total.monthly).toBeGreaterThan(20);
    expect(devCost.total.monthly).toBeLessThan(1000);
    expect(prodCost.total.monthly).toBeGreaterThan(2000);
    for (const r of devCost.resources) expect(["priced", "free", "usage", "unknown"]).toContain(r.status);
    expect(
      devCost.resources
        .filter((r: { status: string; monthly: number | null }) => r.status !== "priced" && r.status !== "free")
        .every((r: { monthly: null }) => r.monthly === null),
    ).toBe(true);
    // A stack planned now gets every artifact of its run beside cost.json, all of that one run.
    const of = (name: string) => JSON.parse(readFileSync(file("prod", name), "utf8")).provenance;
    for (const name of ["cost.json", "plan.json", "dr.json"]) expect(of(name)).toEqual(prodCost.provenance);
    expect(of("policy.json").evaluatedAt).toBe(prodCost.provenance.runAt);
  });

  it("estate plan prints the cost summary line and writes cost.json beside plan.json", async () => {
    const run = await estate(["plan", "dev"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Estimated cost: \$[\d,.]+\/month \(\$[\d,.]+\/day\)/);
    expect(existsSync(file("dev", "plan.json")) && existsSync(file("dev", "cost.json"))).toBe(true);
  });

  it("fails clearly on an unknown stack", async () => {
    const run = await estate(["cost", "qa"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no stack file Pulumi.qa.yaml");
  });

  it("refuses a stack name that is a path, writing nothing, and prints its version", async () => {
    const run = await estate(["plan", "x/../../outside/evil"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`stack "x/../../outside/evil": expected a stack name`);
    expect(existsSync(path.join(project, "..", "outside"))).toBe(false);
    const version = await estate(["--version"]);
    expect(version).toMatchObject({
      code: 0,
      stdout: `${JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version}\n`,
    });
  });
});

describe("estate diff, graph and export", () => {
  it("diff dev prod shows the profile differences; a saved plan works as either side", async () => {
    const diff = json(await estate(["diff", "dev", "prod", "--json"]));
    expect(diff.a).toMatchObject({ stack: "dev", profile: "dev" });
    expect(diff.b).toMatchObject({ stack: "prod", profile: "prod" });
    const paths = diff.changed.flatMap((r: { changes: Array<{ path: string }> }) => r.changes.map((c) => c.path));
    expect(paths).toContain("sku.name");
    // Renames are not differences; a region is (prod's DR locations), and so is the host Front Door
    // calls: prod's origins are the gateway's regional hosts, one per region.
    expect(
      paths.some(
        (p: string) =>
          p.startsWith("tags.environment") ||
          (p.endsWith("Name") && !p.endsWith("locationName") && !p.endsWith("hostName")),
      ),
    ).toBe(false);
    const origin = diff.changed.find((r: { name: string }) => r.name === "edge-origin");
    expect(origin.changes).toContainEqual(
      expect.objectContaining({ path: "hostName", b: expect.stringMatching(/\.regional\.azure-api\.net$/) }),
    );
    const saved = await estate(["diff", ".estate/dev/plan.json", "dev"]); // written by the plan test above
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain("0 with different inputs");
  });

  it("graph writes Mermaid, DOT and a valid SVG", async () => {
    const graph = json(await estate(["graph", "prod", "--json"]));
    expect(graph.nodes).toBeGreaterThan(10);
    expect(graph.edges).toBeGreaterThan(graph.nodes / 2);
    expect(graph.view).toBe("components");
    expect(readFileSync(file("prod", "graph.mmd"), "utf8")).toMatch(
      /^flowchart LR\n[\s\S]*c\d+\["network<br\/><small>estate:network:Network · \d+ resources<\/small>"\]/,
    );
    expect(readFileSync(file("prod", "graph.dot"), "utf8")).toContain("subgraph cluster_");
    expect(readFileSync(file("prod", "graph.svg"), "utf8")).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
  });

  it("reads saved plans without loading the Pulumi SDK or a provider", async () => {
    // Written by the tests above. A preload counts the @pulumi files Node compiles: the stand-ins
    // cli/defer-closure-deps.ts puts in the module cache are not compiled until something uses them.
    const trace = path.join(project, "trace.cjs");
    writeFileSync(
      trace,
      `const Module = require("node:module"); let loaded = 0; const compile = Module.prototype._compile;
      Module.prototype._compile = function (code, file) { if (/node_modules[\\\\/]@pulumi[\\\\/]/.test(file)) loaded++; return compile.call(this, code, file); };
      process.on("exit", () => process.stderr.write("PULUMI " + loaded + "\\n"));`,
    );
    const saved = ".estate/dev/plan.json";
    for (const args of [
      ["cost", saved, "--json"],
      ["diff", saved, saved, "--json"],
      ["graph", saved, "--json"],
      ["export", saved, "--format", "arm", "--stdout"],
      ["policy", "--plan", saved, "--format", "json"],
    ]) {
      const run = await estate(args, { NODE_OPTIONS: `--require ${trace}` });
      expect(run.code, args.join(" ")).toBe(0);
      expect(run.stderr.trim(), args.join(" ")).toBe("PULUMI 0");
    }
  });

  it("export --format arm gives the ARM template shape; a missing --format is a usage error", async () => {
    const template = json(await estate(["export", "dev", "--format", "arm", "--stdout"]));
    expect(template.$schema).toContain("deploymentTemplate.json");
    const vnet = template.resources.find((r: { type: string }) => r.type === "Microsoft.Network/virtualNetworks");
    expect(vnet).toMatchObject({
      apiVersion: expect.stringMatching(/^\d{4}-\d{2}-\d{2}/),
      name: "vnet-estate-dev-weu",
      location: "westeurope",
    });
    expect(
      template.resources.some(
        (r: { name: string; type: string }) => r.type.endsWith("/subnets") && r.name.startsWith("vnet-estate-dev-weu/"),
      ),
    ).toBe(true);
    expect((await estate(["export", "dev"])).code).toBe(2);
  });
});

describe("graph and export given a stack write the run's artifacts, as cost and dr do", () => {
  const REPORTS = ["policy.json", "policy.sarif", "policy.junit.xml", "policy.md", "policy.html"];
  const listing = (dir: string) => readdirSync(path.join(project, dir)).sort();
  const provenance = (dir: string, name: string) =>
    JSON.parse(readFileSync(path.join(project, dir, name), "utf8")).provenance;

  it("graph dev --out DIR leaves plan.json, cost.json and the policy reports of one run beside the graph; a saved plan gets the graph only", async () => {
    const run = await estate(["graph", "dev", "--out", "graph-dev"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const artifacts = ["plan.json", "cost.json", ...REPORTS];
    expect(listing("graph-dev")).toEqual([...artifacts, "graph.dot", "graph.mmd", "graph.svg"].sort());
    expect(provenance("graph-dev", "cost.json")).toEqual(provenance("graph-dev", "plan.json"));
    expect(provenance("graph-dev", "policy.json").evaluatedAt).toBe(provenance("graph-dev", "plan.json").runAt);
    // The line estate cost prints for the same run, then the graph's own files.
    expect(unwrapped(run.stdout).split("\n").slice(1, 5)).toEqual([
      `Wrote ${artifacts.map((name) => `graph-dev/${name}`).join(", ")}`,
      ...["graph.mmd", "graph.dot", "graph.svg"].map((name) => `Wrote graph-dev/${name}`),
    ]);
    // The plan is one the other tools read.
    const policy = await estate(["policy", "--plan", "graph-dev/plan.json", "--format", "json"]);
    expect(policy.code, policy.stderr).toBe(0);
    expect(JSON.parse(policy.stdout).stack).toBe("dev");

    const saved = await estate(["graph", "graph-dev/plan.json", "--out", "graph-saved"]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(listing("graph-saved")).toEqual(["graph.dot", "graph.mmd", "graph.svg"]);
    expect(saved.stdout).not.toContain("plan.json");
  });

  it("export prod --out DIR/template.json leaves the run's artifacts, dr.json too, beside the template; a saved plan gets the template only", async () => {
    const run = await estate(["export", "prod", "--format", "arm", "--out", "export-prod/template.json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const artifacts = ["plan.json", "cost.json", ...REPORTS, "dr.json"];
    expect(listing("export-prod")).toEqual([...artifacts, "template.json"].sort());
    for (const name of ["cost.json", "dr.json"])
      expect(provenance("export-prod", name)).toEqual(provenance("export-prod", "plan.json"));
    expect(unwrapped(run.stdout)).toContain(`\nWrote ${artifacts.map((name) => `export-prod/${name}`).join(", ")}\n`);
    expect(run.stdout).toMatch(/\nWrote export-prod\/template\.json\n$/);

    // The template exported from the plan.json written beside it is the same: it is the plan exported.
    const saved = await estate(["export", "export-prod/plan.json", "--format", "arm", "--out", "export-saved/t.json"]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(listing("export-saved")).toEqual(["t.json"]);
    expect(readFileSync(path.join(project, "export-saved", "t.json"), "utf8")).toBe(
      readFileSync(path.join(project, "export-prod", "template.json"), "utf8"),
    );
  });
});

describe("estate env (offline)", () => {
  it("up, list, gc --dry-run and down an ephemeral environment", async () => {
    const up = json(
      await estate([
        "env",
        "up",
        "E2E-1",
        "--offline",
        "--ttl",
        "2h",
        "--owner",
        "e2e@contoso.com",
        "--branch",
        "feature/e2e",
        "--json",
      ]),
    );
    expect(up).toMatchObject({ stack: "ephemeral-e2e1", normalisedFrom: "E2E-1", mode: "offline" });
    expect(up.dailyCost).toBeGreaterThan(0);
    expect(up.dailyCost).toBeLessThanOrEqual(20);
    expect(up.urls.length).toBeGreaterThan(0);
    expect(existsSync(path.join(project, "Pulumi.ephemeral-e2e1.yaml"))).toBe(true);
    // The same resource count as estate plan's: the plan's resources, not its components.
    const written = JSON.parse(readFileSync(file("ephemeral-e2e1", "plan.json"), "utf8"));
    expect(up.resources).toBe(written.resources.filter((r: { custom: boolean }) => r.custom).length);

    const list = json(await estate(["env", "list", "--json"]));
    expect(list).toEqual([
      expect.objectContaining({
        name: "e2e1",
        owner: "e2e@contoso.com",
        sourceBranch: "feature/e2e",
        expired: false,
        dailyCost: up.dailyCost,
      }),
    ]);

    // The ephemeral stack plans like any other stack once its file exists.
    const plan = await estate(["cost", "ephemeral-e2e1", "--json"]);
    expect(json(plan).profile).toBe("ephemeral");

    const gc = json(await estate(["env", "gc", "--dry-run", "--offline", "--json"]));
    expect(gc).toMatchObject({
      collected: [],
      dryRun: true,
      kept: [expect.objectContaining({ stack: "ephemeral-e2e1" })],
    });

    const down = await estate(["env", "down", "e2e1", "--offline"]);
    expect(down.code).toBe(0);
    expect(existsSync(path.join(project, "Pulumi.ephemeral-e2e1.yaml"))).toBe(false);
    expect(existsSync(file("ephemeral-e2e1"))).toBe(false);
  });

  it("refuses a name that cannot be made Azure-safe with exit 2", async () => {
    const run = await estate(["env", "up", "much-too-long-name", "--offline", "--owner", "o@x.com"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("expected 2-8 lowercase letters or digits");
  });
});

describe("the cloud commands without the Pulumi CLI", () => {
  const noPulumi = { PATH: path.dirname(process.execPath) };

  it("up says what to install, exit 1; preview needs --cloud; destroy of a long-lived stack needs --yes", async () => {
    const up = await estate(["up", "dev"], noPulumi);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain("The Pulumi CLI is not installed");
    expect(up.stderr).toContain("https://www.pulumi.com/docs/install/");
    const preview = await estate(["preview", "dev"], noPulumi);
    expect(preview.code).toBe(2);
    expect(preview.stderr).toContain("estate plan dev");
    const destroy = await estate(["destroy", "prod"], noPulumi);
    expect(destroy.code).toBe(2);
    expect(destroy.stderr).toContain("without --yes");
  });
});
