import { describe, expect, it } from "vitest";
import { T } from "../../policies/types.js";
import { fixturePlan } from "../testing/plan-fixture.js";
import { buildDrReport, renderDr } from "./report.js";

const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

// A vault whose DR secondary is not its region's pair: both objectives unbounded, and a note.
const plan = {
  ...fixturePlan(
    "prod",
    [{ type: T.keyVault, name: "kv", physicalName: "kvestateprodweu", inputs: { location: "westeurope" } }],
    "prod",
  ),
  outputs: {
    dr: { primary: "westeurope", secondary: "swedencentral", pair: "northeurope", rpoMinutes: 5, rtoMinutes: 60 },
  },
};

describe("the estate dr terminal report", () => {
  const report = buildDrReport(plan);

  it("wraps each reason and note to the width, the lines after the first indented under it", () => {
    const note = report.resources[0]!.notes[0]!;
    expect(`note kvestateprodweu: ${note}`.length).toBeGreaterThan(80);
    const lines = plain(renderDr(report, 80)).split("\n");
    expect(lines.filter((line) => line.length > 80)).toEqual([]);
    const first = lines.findIndex((line) => line.startsWith("note kvestateprodweu: "));
    const continued = lines.slice(first + 1).filter((line) => line.startsWith("  "));
    expect(continued.length).toBeGreaterThan(0);
    expect([lines[first], ...continued].map((line) => line.trim()).join(" ")).toBe(`note kvestateprodweu: ${note}`);
    // Each reason names its page, cut where the page is longer than a line: every character kept.
    const reasons = lines.filter((line) => line.startsWith("not met kvestateprodweu"));
    expect(reasons).toHaveLength(2);
    const rto = lines.slice(lines.indexOf(reasons[1]!)).join("\n");
    expect(rto.replace(/\n {2}/g, "")).toContain(`(${report.resources[0]!.rto.source})`);
  });

  it("leaves a reason or a note that fits on one line", () => {
    const wide = plain(renderDr(report, 400)).split("\n");
    expect(wide.filter((line) => line.startsWith("note ") || line.startsWith("not met "))).toHaveLength(3);
    expect(wide.some((line) => line.startsWith("  ") && !line.startsWith("  offline"))).toBe(false);
  });
});
