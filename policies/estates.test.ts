import path from "node:path";
import { describe, expect, it } from "vitest";
import { planStack } from "../cli/plan/stack.js";
import { evaluatePlan } from "./evaluate.js";
import { RULES } from "./rules/index.js";
import { loadWaivers } from "./waivers.js";

const projectDir = path.resolve(import.meta.dirname, "..");

/**
 * Mandatory violations of the default estates that are reported to the owning component and not
 * yet fixed, as `stack rule resource`. Never add to this list to make a test pass: fix the
 * component. Fixed entries may stay until someone removes them; new violations fail the test.
 */
const REPORTED_TO_OWNERS = new Set<string>([]);

// Plans run one after another: Pulumi's mock runtime is per process.
describe.sequential("the default estates", () => {
  it.each([
    ["dev", "dev", {}],
    ["prod", "prod", {}],
    ["ephemeral", "dev", { "estate:profile": "ephemeral", "estate:expiresAt": "2099-01-01T00:00:00Z" }],
  ] as const)("%s has no mandatory violation beyond those reported to owners", async (label, stack, configOverrides) => {
    const plan = await planStack({ projectDir, stack, configOverrides });
    const report = evaluatePlan(plan, { waivers: loadWaivers(projectDir, stack, RULES) });
    expect(report.results.length).toBeGreaterThan(100);
    const mandatory = report.results
      .filter((result) => result.status === "fail" && result.enforcement === "mandatory")
      .map((result) => `${label} ${result.ruleId} ${result.resource.name}`);
    expect(mandatory.filter((finding) => !REPORTED_TO_OWNERS.has(finding))).toEqual([]);
    expect(report.waivers.every((waiver) => waiver.status === "active")).toBe(true);
  }, 60_000);
});
