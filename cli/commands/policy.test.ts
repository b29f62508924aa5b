import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { compliantEstate } from "../../policies/fixtures/estate.js";
import { insecureEstate } from "../../policies/fixtures/insecure.js";
import type { Graph } from "../../policies/model.js";
import { RULES } from "../../policies/rules/index.js";
import { PLAN_SCHEMA_VERSION, type Plan } from "../plan/schema.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "estate-policy-"));

function savePlan(name: string, graph: Graph, profile = "prod"): string {
  const plan: Plan = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    stack: "test",
    profile,
    mode: "offline",
    project: "estate",
    createdAt: "2026-11-24T12:00:00.000Z",
    durationMs: 1,
    resources: graph.resources.map((r) => ({ ...r, custom: true })),
    outputs: graph.outputs,
  };
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

async function estate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [path.join(ROOT, "bin/estate.js"), ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: "true" },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

let compliant: string;
let insecure: string;
beforeAll(() => {
  compliant = savePlan("compliant", compliantEstate());
  insecure = savePlan("insecure", insecureEstate());
});

describe("estate policy", () => {
  it("exits 0 on a compliant saved plan and writes every report", async () => {
    const out = path.join(dir, "compliant-out");
    const result = await estate("policy", "--plan", compliant, "--out", out);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("No mandatory violations");
    for (const file of ["policy.json", "policy.sarif", "policy.junit.xml", "policy.md", "policy.html"])
      expect(existsSync(path.join(out, file)), file).toBe(true);
  }, 30_000);

  it("on a stack, writes the run's plan.json and cost.json with the reports, all of one run", async () => {
    const out = path.join(dir, "dev-out");
    const result = await estate("policy", "dev", "--out", out);
    expect(result.stderr).toBe("");
    const plan = JSON.parse(readFileSync(path.join(out, "plan.json"), "utf8"));
    const cost = JSON.parse(readFileSync(path.join(out, "cost.json"), "utf8"));
    const policy = JSON.parse(readFileSync(path.join(out, "policy.json"), "utf8"));
    expect(plan.stack).toBe("dev");
    expect(cost.provenance).toEqual(plan.provenance);
    expect(policy.provenance).toMatchObject({
      commit: plan.provenance.commit,
      evaluatedAt: plan.provenance.runAt,
      toolVersion: plan.provenance.toolVersion,
    });
  }, 60_000);

  it("exits 3 with each violation, its resource and remediation when a mandatory rule fails", async () => {
    const result = await estate("policy", "--plan", insecure, "--out", path.join(dir, "insecure-out"));
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(
      /VIOLATION EST-ST-003 \[critical\].*\n\s+resource:\s+st \(azure-native:storage:StorageAccount\)\n\s+finding:\s+allowBlobPublicAccess is true; expected false\n\s+remediation: Set `allowBlobPublicAccess: false`/,
    );
  }, 30_000);

  it("filters by rule and prints machine formats on stdout", async () => {
    const json = await estate(
      "policy",
      "--plan",
      insecure,
      "--out",
      path.join(dir, "f"),
      "--rule",
      "EST-ST-*",
      "--format",
      "json",
    );
    const report = JSON.parse(json.stdout);
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.results.every((r: { ruleId: string }) => r.ruleId.startsWith("EST-ST-"))).toBe(true);
    expect(json.code).toBe(3);
    const low = await estate(
      "policy",
      "--plan",
      insecure,
      "--out",
      path.join(dir, "f"),
      "--min-severity",
      "low",
      "--rule",
      "EST-NET-*",
      "--format",
      "sarif",
    );
    expect(JSON.parse(low.stdout).version).toBe("2.1.0");
    expect(low.code).toBe(0);
  }, 30_000);

  it("lists the catalogue and the policy settings as JSON", async () => {
    const result = await estate("policy", "--list", "--json");
    const { rules, settings } = JSON.parse(result.stdout);
    expect(rules).toHaveLength(RULES.length + 2);
    expect(rules.find((rule: { id: string }) => rule.id === "EST-WAF-002")).toMatchObject({
      kind: "resource",
      severity: "high",
      enforcement: { prod: "mandatory", dev: "advisory" },
    });
    expect(settings.effective).toMatchObject({ minimumTlsVersion: "1.2", logRetentionDays: 30 });
    expect(settings.effective.allowedRegions).toContain("eastus");
    expect(settings.from).toEqual(["policies/settings.yaml#settings"]);
    // --rule and --format apply to --list too.
    const waf = JSON.parse((await estate("policy", "--list", "--format", "json", "--rule", "EST-WAF-*")).stdout);
    expect(waf.rules.length).toBeGreaterThan(0);
    expect(waf.rules.every((rule: { id: string }) => rule.id.startsWith("EST-WAF-"))).toBe(true);
    const text = await estate("policy", "dev", "--list");
    expect(text.stdout).toContain("Policy settings of stack dev (profile dev)");
    expect(text.stdout).toMatch(/allowedRegions[\s\S]*eastus/);
    // Piped, the catalogue and the settings are plain tables fitted to 120 columns, as every table.
    expect(text.stdout).toMatch(/^│ EST-WAF-002 /m);
    expect(text.stdout).not.toContain("\x1b[");
    expect(Math.max(...text.stdout.split("\n").map((line) => line.length))).toBeLessThanOrEqual(120);
  }, 30_000);

  it("refuses filters that match nothing and flags that --list would ignore, with exit 2", async () => {
    const typo = await estate("policy", "--plan", compliant, "--rule", "EST-NOPE-999");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("--rule EST-NOPE-999: matches no rule of the pack");
    const oneOfTwo = await estate("policy", "--list", "--rule", "EST-WAF-*", "EST-NOPE-*");
    expect(oneOfTwo.code).toBe(2);
    expect(oneOfTwo.stderr).toContain("--rule EST-NOPE-*: matches no rule");
    const listFormat = await estate("policy", "--list", "--format", "sarif");
    expect(listFormat.code).toBe(2);
    expect(listFormat.stderr).toContain("--list --format sarif: the catalogue prints as text or json");
    const listPlan = await estate("policy", "--list", "--plan", compliant);
    expect(listPlan.code).toBe(2);
  }, 30_000);

  it("with --baseline fails only on mandatory violations the baseline does not hold", async () => {
    const baseline = path.join(dir, "baseline.json");
    const created = await estate(
      "policy",
      "--plan",
      insecure,
      "--out",
      path.join(dir, "b"),
      "--create-baseline",
      baseline,
    );
    expect(created.code).toBe(3);
    const file = JSON.parse(readFileSync(baseline, "utf8"));
    expect(file).toMatchObject({ schemaVersion: 1, kind: "estate-policy-baseline", stack: "test" });
    expect(file.findings.map((f: { ruleId: string; name: string }) => `${f.ruleId} ${f.name}`)).toContain(
      "EST-ST-003 st",
    );
    expect(file.findings[0].messageHash).toMatch(/^[0-9a-f]{16}$/);
    const known = await estate("policy", "--plan", insecure, "--out", path.join(dir, "b"), "--baseline", baseline);
    expect(known.stderr).toBe("");
    expect(known.code).toBe(0);
    expect(known.stdout).toMatch(/No mandatory violations beyond the baseline .* \(\d+ in it/);
    expect(
      JSON.parse(readFileSync(path.join(dir, "b", "policy.json"), "utf8")).results.find(
        (r: { ruleId: string }) => r.ruleId === "EST-ST-003",
      ).baseline,
    ).toBe(true);
    // One finding dropped from the baseline is new again.
    file.findings = file.findings.filter((f: { ruleId: string }) => f.ruleId !== "EST-ST-003");
    writeFileSync(baseline, JSON.stringify(file));
    const fresh = await estate("policy", "--plan", insecure, "--out", path.join(dir, "b"), "--baseline", baseline);
    expect(fresh.code).toBe(3);
    expect(fresh.stdout).toMatch(/1 mandatory violation\(s\) not in the baseline/);
    writeFileSync(baseline, JSON.stringify({ ...file, stack: "prod" }));
    const other = await estate("policy", "--plan", insecure, "--out", path.join(dir, "b"), "--baseline", baseline);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("is a baseline of stack prod, not test");
    writeFileSync(baseline, "{}");
    expect((await estate("policy", "--plan", insecure, "--baseline", baseline)).code).toBe(1);
  }, 60_000);

  it("exits 2 on usage errors and 1 on a file that is not a plan", async () => {
    const usage = await estate("policy", "--plan", compliant, "--format", "xml");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--format xml: expected one of text, json, sarif, junit, md, html");
    // --json belongs to --list: evaluating with it is refused, not silently printed as text.
    const json = await estate("policy", "--plan", compliant, "--json");
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("--json goes with --list; to evaluate, use --format json");
    const notPlan = path.join(dir, "not-a-plan.json");
    writeFileSync(notPlan, JSON.stringify({ hello: "world" }));
    const bad = await estate("policy", "--plan", notPlan);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${notPlan}: schemaVersion is undefined; expected ${PLAN_SCHEMA_VERSION}`);
  }, 30_000);
});
