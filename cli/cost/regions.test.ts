import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REGION_NAMES } from "../../infra/naming/regions.js";
import { fixturePlan } from "../testing/plan-fixture.js";
import { estimateCost } from "./estimate.js";
import { loadPriceTable } from "./prices.js";
import { FREE_TYPES } from "./rules.js";
import { costSummaryLine, renderCost } from "./report.js";

const table = loadPriceTable();
const docs = readFileSync(path.resolve(import.meta.dirname, "../../docs/cost.md"), "utf8");
/** The regions docs/cost.md lists after a bullet's bold label, e.g. `- **Unpriced**: a, b.` */
const listed = (label: string) => {
  const bullet = docs.slice(docs.indexOf(`- **${label}**`)).split(/\n- |\n\n/)[0]!;
  return (bullet.match(/\b[a-z]+[0-9]?\b/g) ?? [])
    .filter((word) => (REGION_NAMES as readonly string[]).includes(word))
    .sort();
};
const plan = (region: string) =>
  fixturePlan("x", [
    { type: "azure-native:resources:ResourceGroup", name: "rg", inputs: { location: region } },
    {
      type: "azure-native:web:AppServicePlan",
      name: "asp",
      inputs: { location: region, sku: { name: "P1v3", capacity: 1 } },
    },
  ]);

describe("every region the config accepts, in the price table", () => {
  const own = REGION_NAMES.filter((region) => table.regions[region]);
  const approximated = REGION_NAMES.filter((region) => table.approximatedRegions?.[region]);
  const unpriced = REGION_NAMES.filter((region) => !own.includes(region) && !approximated.includes(region));

  it("is priced, approximated from the same geography's priced region, or unpriced, as docs/cost.md lists them", () => {
    expect(listed("Priced")).toEqual([...own].sort());
    expect(listed("Approximated from East US")).toEqual([...approximated].sort());
    expect(listed("Unpriced")).toEqual([...unpriced].sort());
    // Only US regions borrow East US's prices: no region borrows from another geography.
    for (const region of approximated)
      expect(table.approximatedRegions![region]).toMatchObject({
        from: "eastus",
        factor: 1,
        reason: expect.stringContaining("same geography (United States)"),
      });
  });

  it("labels every line priced from East US's meters in an approximated region", () => {
    for (const region of ["westus", "centralus", "westus3"]) {
      const report = estimateCost(plan(region), table);
      const asp = report.resources.find((r) => r.name === "asp")!;
      expect(asp.status).toBe("priced");
      expect(asp.lines.every((line) => line.approximation?.startsWith(`${region} priced as eastus`))).toBe(true);
      expect(asp.monthly).toBe(estimateCost(plan("eastus"), table).resources.find((r) => r.name === "asp")!.monthly);
      expect(costSummaryLine(report)).toContain("approximated from another region");
    }
  });

  it("shows an unpriced region as such: in cost.json, above the table and in the summary line, with the total a floor", () => {
    const report = estimateCost(plan("uksouth"), table);
    expect(report.unpricedRegions).toEqual(["uksouth"]);
    expect(report.resources.find((r) => r.name === "asp")).toMatchObject({ status: "unknown", monthly: null });
    expect(report.total.complete).toBe(false);
    expect(costSummaryLine(report)).toMatch(/^Estimated cost: at least .*no prices for uksouth in the price table/);
    const text = renderCost(report).split("\n");
    expect(text.findIndex((line) => line.includes("has no prices for uksouth"))).toBeLessThan(
      text.findIndex((line) => line.includes("Resource")),
    );
    expect(estimateCost(plan("eastus"), table).unpricedRegions).toEqual([]);
  });

  it("fits every line of the cost text to the width, the list of free resources included", () => {
    const free = Object.keys(FREE_TYPES);
    const many = fixturePlan(
      "x",
      free.map((type, i) => ({ type, name: `free-${i}`, inputs: {} })),
    );
    const lines = renderCost(estimateCost(many, table)).split("\n");
    expect(lines.some((line) => line.includes(`Free (${free.length})`))).toBe(true);
    expect(Math.max(...lines.map((line) => line.replace(/\x1b\[[0-9;]*m/g, "").length))).toBeLessThanOrEqual(120);
  });
});
