import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
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
    schemaVersion: PLAN_SCHEMA_VERSION, stack: "test", profile, mode: "offline", project: "estate", createdAt: "2026-11-24T12:00:00.000Z", durationMs: 1,
    resources: graph.resources.map((r) => ({ ...r, custom: true })), outputs: graph.outputs,
  };
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

async function estate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [path.join(ROOT, "bin/estate.js"), ...args], { cwd: ROOT, env: { ...process.env, CI: "true" } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
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
    for (const file of ["policy.json", "policy.sarif", "policy.junit.xml", "policy.md", "policy.html"]) expect(existsSync(path.join(out, file)), file).toBe(true);
  }, 30_000);

  it("exits 3 with each violation, its resource and remediation when a mandatory rule fails", async () => {
    const result = await estate("policy", "--plan", insecure, "--out", path.join(dir, "insecure-out"));
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/VIOLATION EST-ST-003 \[critical\].*\n\s+resource:\s+st \(azure-native:storage:StorageAccount\)\n\s+finding:\s+allowBlobPublicAccess is true; expected false\n\s+remediation: Set `allowBlobPublicAccess: false`/);
  }, 30_000);

  it("filters by rule and prints machine formats on stdout", async () => {
    const json = await estate("policy", "--plan", insecure, "--out", path.join(dir, "f"), "--rule", "EST-ST-*", "--format", "json");
    const report = JSON.parse(json.stdout);
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.results.every((r: { ruleId: string }) => r.ruleId.startsWith("EST-ST-"))).toBe(true);
    expect(json.code).toBe(3);
    const low = await estate("policy", "--plan", insecure, "--out", path.join(dir, "f"), "--min-severity", "low", "--rule", "EST-NET-*", "--format", "sarif");
    expect(JSON.parse(low.stdout).version).toBe("2.1.0");
    expect(low.code).toBe(0);
  }, 30_000);

  it("lists the catalogue as JSON", async () => {
    const result = await estate("policy", "--list", "--json");
    const catalogue = JSON.parse(result.stdout);
    expect(catalogue).toHaveLength(RULES.length + 2);
    expect(catalogue.find((rule: { id: string }) => rule.id === "EST-WAF-002")).toMatchObject({ kind: "resource", severity: "high", enforcement: { prod: "mandatory", dev: "advisory" } });
  }, 30_000);

  it("exits 2 on usage errors and 1 on a file that is not a plan", async () => {
    const usage = await estate("policy", "--plan", compliant, "--format", "xml");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--format xml: expected one of text, json, sarif, junit, md, html");
    const notPlan = path.join(dir, "not-a-plan.json");
    writeFileSync(notPlan, JSON.stringify({ hello: "world" }));
    const bad = await estate("policy", "--plan", notPlan);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${notPlan}: schemaVersion is undefined; expected ${PLAN_SCHEMA_VERSION}`);
  }, 30_000);
});
