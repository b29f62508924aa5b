import { beforeAll, describe, expect, it } from "vitest";
import { estimateCost } from "../cli/cost/estimate.js";
import { loadPriceTable } from "../cli/cost/prices.js";
import type { Plan } from "../cli/plan/schema.js";
import { planEstates } from "../test/estate-plans.js";

let plans: Record<"dev" | "prod" | "ephemeral", Plan>;
beforeAll(async () => {
  plans = await planEstates();
});

describe("each profile's budget", () => {
  it.each(["dev", "prod", "ephemeral"] as const)(
    "%s: sits above the estimated fixed cost, so its alerts mean unusual spend",
    (name) => {
      const plan = plans[name];
      const budget = plan.resources.find((r) => r.type === "azure-native:consumption:Budget")!;
      const estimate = estimateCost(plan, loadPriceTable()).total.monthly;
      expect(estimate).toBeGreaterThan(0);
      expect(Number(budget.inputs.amount)).toBeGreaterThan(estimate * 1.1);
    },
  );
});
