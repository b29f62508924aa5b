import { describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../plan/schema.js";
import { renderPlan } from "./plan.js";

const resource = (name: string, type: string, extra: Partial<PlanResource> = {}): PlanResource => ({
  urn: `urn:pulumi:dev::estate::${type}::${name}`,
  type,
  name,
  custom: true,
  dependsOn: [],
  inputs: {},
  outputs: {},
  ...extra,
});

const planOf = (resources: PlanResource[]): Plan => ({
  schemaVersion: 1,
  stack: "dev",
  profile: "dev",
  mode: "offline",
  project: "estate",
  createdAt: "2026-12-02T00:00:00Z",
  durationMs: 1,
  resources,
  outputs: {},
});

const directLine = (plan: Plan, width = 200) =>
  renderPlan(plan, { width })
    .split("\n")
    .find((line) => line.includes("directly in the stack: "));

describe("the plan summary", () => {
  it("names the few resources outside components", () => {
    const plan = planOf([
      resource("rg", "azure-native:resources:ResourceGroup", { physicalName: "rg-estate-dev-weu" }),
      resource("package-api", "command:local:Command"),
    ]);
    expect(directLine(plan)).toContain("directly in the stack: rg-estate-dev-weu, package-api");
  });

  it("counts them by type when every service adds its own", () => {
    const plan = planOf([
      resource("rg", "azure-native:resources:ResourceGroup"),
      ...Array.from({ length: 8 }, (_, i) => resource(`package-s${i}`, "command:local:Command")),
      ...Array.from({ length: 3 }, (_, i) => resource(`id-s${i}`, "azure-native:managedidentity:UserAssignedIdentity")),
    ]);
    const line = directLine(plan)!;
    expect(line).toContain(
      "directly in the stack: 12 resources (8 command:local:Command, 3 managedidentity:UserAssignedIdentity, 1 resources:ResourceGroup)",
    );
    expect(line).not.toContain("package-s0");
  });

  it("wraps its long lines to the width, under their text", () => {
    const lines = renderPlan(planOf([]), {
      width: 40,
      summary: ["Policy: no mandatory violations, 18 warning(s), 1 waived"],
    }).split("\n");
    expect(lines).toContain("Policy: no mandatory violations, 18");
    expect(lines).toContain("  warning(s), 1 waived");
  });
});
