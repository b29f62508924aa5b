import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { observabilityArea } from "../stacks/config/observability.js";

const docs = readFileSync(path.resolve(import.meta.dirname, "../docs/edge-gateway-compute.md"), "utf8");
/** The dev, ephemeral and prod cells of a row of the `estate:observability` defaults table. */
const row = (key: string) => {
  const table = docs.slice(docs.indexOf("### `estate:observability`"));
  const line = table.split("\n").find((l) => l.startsWith(`| \`${key}\``))!;
  return line
    .split("|")
    .slice(2, 5)
    .map((cell) => Number(cell.trim()));
};

describe("the documented observability defaults", () => {
  it("are the config's: budget, retention and alert severity per profile", () => {
    const defaults = (profile: "dev" | "ephemeral" | "prod") =>
      observabilityArea.defaults(profile) as {
        retentionDays: number;
        alerts: { severity: number };
        budget: { monthlyAmount: number };
      };
    const profiles = ["dev", "ephemeral", "prod"] as const;
    expect(row("budget.monthlyAmount")).toEqual(profiles.map((p) => defaults(p).budget.monthlyAmount));
    expect(row("retentionDays")).toEqual(profiles.map((p) => defaults(p).retentionDays));
    expect(row("alerts.severity")).toEqual(profiles.map((p) => defaults(p).alerts.severity));
  });
});
