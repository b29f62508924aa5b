import path from "node:path";
import { describe, expect, it } from "vitest";
import { estimateCost } from "../cli/cost/estimate.js";
import { loadPriceTable } from "../cli/cost/prices.js";
import { planStack } from "../cli/plan/stack.js";
import { evaluatePlan } from "../policies/evaluate.js";
import { RULES } from "../policies/rules/index.js";
import { loadStackPolicy } from "../policies/settings.js";

const projectDir = path.resolve(import.meta.dirname, "..");

/** The seed architectures as stacks (Pulumi.<name>.yaml at the project root, docs/seeds/<name>.md). */
const SEEDS = [
  { stack: "chatlings", profile: "prod" as const },
];

describe.each(SEEDS)("the $stack seed stack", ({ stack, profile }) => {
  it("plans with no mandatory policy violation and a price for every resource", async () => {
    const plan = await planStack({ projectDir, stack });
    const report = evaluatePlan(plan, loadStackPolicy(projectDir, RULES, { stack, profile }));
    expect(report.results.filter((r) => r.status === "fail" && r.enforcement === "mandatory").map((r) => `${r.ruleId} ${r.resource.name}`)).toEqual([]);
    const cost = estimateCost(plan, loadPriceTable());
    expect(cost.resources.filter((r) => r.status === "unknown").map((r) => `${r.type} ${r.name}`)).toEqual([]);
  }, 120_000);
});
