import { readFileSync, writeFileSync, rmSync, symlinkSync, cpSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runPipeline } from "./pipeline.js";
import { fixturePlan } from "./testing/plan-fixture.js";
import { projectCopy, REPO_ROOT } from "./testing/project.js";
import { TOOL_VERSION } from "./version.js";

const plan = (location: string) =>
  fixturePlan("dev", [{ type: "azure-native:resources:ResourceGroup", name: "rg", inputs: { location } }]);
const read = (dir: string, file: string) => readFileSync(path.join(dir, file), "utf8");

/** A project copy whose policies/ folder is a copy (not the link) so that a test can break a waiver. */
function projectWithOwnPolicies(): string {
  const dir = projectCopy();
  rmSync(path.join(dir, "policies"));
  cpSync(path.join(REPO_ROOT, "policies"), path.join(dir, "policies"), {
    recursive: true,
    filter: (file) => !file.includes("node_modules"),
  });
  return dir;
}

describe("one pipeline per run", () => {
  it("writes plan.json, the policy reports and cost.json together, each with the run's commit, time and tool version", () => {
    const projectDir = projectCopy();
    const outDir = path.join(projectDir, ".estate", "dev");
    const now = new Date("2026-11-30T10:00:00.000Z");
    const run = runPipeline(projectDir, outDir, plan("eastus"), { now });
    expect(run.files.map((f) => path.basename(f)).sort()).toEqual([
      "cost.json",
      "plan.json",
      "policy.html",
      "policy.json",
      "policy.junit.xml",
      "policy.md",
      "policy.sarif",
    ]);
    expect(run.provenance).toEqual({ commit: undefined, runAt: now.toISOString(), toolVersion: TOOL_VERSION });
    for (const file of ["plan.json", "cost.json"])
      expect(JSON.parse(read(outDir, file)).provenance).toEqual({
        runAt: now.toISOString(),
        toolVersion: TOOL_VERSION,
      });
    expect(JSON.parse(read(outDir, "policy.json")).provenance).toMatchObject({
      evaluatedAt: now.toISOString(),
      toolVersion: TOOL_VERSION,
    });
    expect(JSON.parse(read(outDir, "policy.sarif")).runs[0].properties.provenance).toMatchObject({
      evaluatedAt: now.toISOString(),
      toolVersion: TOOL_VERSION,
    });
    expect(read(outDir, "policy.md")).toContain(`evaluated ${now.toISOString()} by estate ${TOOL_VERSION}`);
    const junitSuites = read(outDir, "policy.junit.xml").split("<testsuite ").slice(1);
    expect(junitSuites.length).toBeGreaterThan(0);
    for (const suite of junitSuites) {
      expect(suite).toContain(`<property name="evaluated-at" value="${now.toISOString()}"/>`);
      expect(suite).toContain(`<property name="estate-version" value="${TOOL_VERSION}"/>`);
    }
    expect(read(outDir, "policy.html")).toContain(`estate ${TOOL_VERSION}`);
  });

  it("names the commit in every artifact of a run in a git checkout", () => {
    const projectDir = projectCopy();
    symlinkSync(path.join(REPO_ROOT, ".git"), path.join(projectDir, ".git"));
    const outDir = path.join(projectDir, "out");
    const { provenance } = runPipeline(projectDir, outDir, plan("eastus"));
    expect(provenance.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const file of ["plan.json", "cost.json", "policy.json"])
      expect(JSON.parse(read(outDir, file)).provenance.commit).toBe(provenance.commit);
    expect(read(outDir, "policy.md")).toContain(provenance.commit!.slice(0, 12));
    expect(read(outDir, "policy.junit.xml")).toContain(`<property name="commit" value="${provenance.commit}"/>`);
  });

  it("writes nothing when a waiver is bad: the previous run's plan.json stays beside its own reports", () => {
    const projectDir = projectWithOwnPolicies();
    const outDir = path.join(projectDir, ".estate", "dev");
    runPipeline(projectDir, outDir, plan("eastus"));
    const before = ["plan.json", "cost.json", "policy.json"].map((file) => read(outDir, file));
    writeFileSync(path.join(projectDir, "policies", "waivers.yaml"), "waivers:\n  - rule: EST-NOPE-001\n");
    expect(() => runPipeline(projectDir, outDir, plan("westeurope"))).toThrow(/waivers\.yaml/);
    expect(["plan.json", "cost.json", "policy.json"].map((file) => read(outDir, file))).toEqual(before);
  });

  it("writes only the policy reports for a plan read from a file", () => {
    const projectDir = projectCopy();
    const outDir = path.join(projectDir, "reports");
    const run = runPipeline(projectDir, outDir, plan("eastus"), { writePlanAndCost: false });
    expect(run.files.map((f) => path.basename(f))).not.toContain("plan.json");
    expect(run.cost).toBeUndefined();
  });
});
