import path from "node:path";
import chalk from "chalk";
import { writeJson } from "../output/files.js";
import { renderTable, wrapLine } from "../output/table.js";
import { OFFLINE_LABEL, shortType } from "../plan/schema.js";
import type { CostReport, ResourceCost } from "./estimate.js";

/**
 * An amount in cents with thousands separators (1,234.50), written out rather than with
 * Intl.NumberFormat, whose ICU start-up cost every command that prints a cost tens of milliseconds.
 */
export function money(amount: number, currency: string): string {
  const [units, cents] = (Math.round(Math.abs(amount) * 100) / 100).toFixed(2).split(".");
  const grouped = units!.replace(/\B(?=(\d{3})+$)/g, ",");
  return `${currency === "USD" ? "$" : `${currency} `}${amount < 0 ? "-" : ""}${grouped}.${cents}`;
}

const label = (r: ResourceCost) => r.physicalName ?? r.name;

/** One line for `estate plan` and `estate env up`: fixed total, and what it leaves out. */
export function costSummaryLine(report: CostReport): string {
  const { total, counts, currency } = report;
  const extras = [
    report.unpricedRegions.length ? `no prices for ${report.unpricedRegions.join(", ")} in the price table` : "",
    counts.usage ? `${counts.usage} usage-billed on top` : "",
    counts.unknown ? `${counts.unknown} without a price, so the real cost is higher and unknown` : "",
    report.approximations.length ? "some prices approximated from another region (estate cost lists them)" : "",
  ].filter(Boolean);
  return (
    `Estimated cost: ${total.complete ? "" : "at least "}${money(total.monthly, currency)}/month (${money(total.daily, currency)}/day)` +
    `${extras.length ? `, ${extras.join(", ")}` : ""} — price table ${report.priceTable.version} of ${report.priceTable.pricesAsOf}`
  );
}

export function renderCost(report: CostReport): string {
  const lines: string[] = [];
  lines.push(chalk.bold(`Cost estimate of stack ${report.stack} (profile ${report.profile || "?"})`));
  lines.push(
    chalk.yellow(
      `  ${OFFLINE_LABEL}; list prices from price table ${report.priceTable.version} (${report.priceTable.pricesAsOf})`,
    ),
  );
  if (report.unpricedRegions.length) lines.push(chalk.red(`  ${unpricedRegionsNote(report)}`));
  const rows: string[][] = [];
  const priced = report.resources
    .filter((r) => r.status === "priced")
    .sort((a, b) => (b.monthly ?? 0) - (a.monthly ?? 0));
  for (const r of priced) {
    const detail = r.lines.map((l) => `${l.sku}${l.note ? ` (${l.note})` : ""}`).join("; ");
    rows.push([
      label(r),
      shortType(r.type),
      detail,
      money(r.monthly ?? 0, report.currency),
      money(r.daily ?? 0, report.currency),
    ]);
  }
  rows.push([
    chalk.bold(
      report.total.complete ? "Total (fixed charges)" : `At least (${report.counts.unknown} resources unpriced)`,
    ),
    "",
    "",
    chalk.bold(money(report.total.monthly, report.currency)),
    chalk.bold(money(report.total.daily, report.currency)),
  ]);
  lines.push(renderTable(["Resource", "Type", "Billed as", "Monthly", "Daily"], rows));
  if (report.byRegion.length > 1) {
    const share = (amount: number) =>
      report.total.monthly ? ` (${Math.round((amount / report.total.monthly) * 100)} %)` : "";
    lines.push(
      `By region: ${report.byRegion.map((r) => `${r.region} ${money(r.monthly, report.currency)}${share(r.monthly)}`).join(", ")}`,
    );
  }
  const section = (title: string, items: ResourceCost[]) => {
    if (!items.length) return;
    lines.push(title);
    for (const r of items) lines.push(`  ${label(r)} ${chalk.dim(shortType(r.type))}: ${r.reason}`);
  };
  section(
    chalk.cyan(`Usage-billed, not in the total (${report.counts.usage}):`),
    report.resources.filter((r) => r.status === "usage"),
  );
  section(
    chalk.red(`Unknown, no price (${report.counts.unknown}):`),
    report.resources.filter((r) => r.status === "unknown"),
  );
  lines.push(chalk.dim(wrapLine(`Free (${report.counts.free}): ${summariseFree(report)}`)));
  for (const approximation of report.approximations) lines.push(chalk.yellow(`Approximated: ${approximation}`));
  return lines.join("\n");
}

/** Why a whole region's resources are unknown: said before the table, not only beside each resource. */
const unpricedRegionsNote = (report: CostReport): string =>
  `Price table ${report.priceTable.version} has no prices for ${report.unpricedRegions.join(", ")} (docs/cost.md, "Regions"): resources there are unknown and the total is a floor.`;

function summariseFree(report: CostReport): string {
  const byType = new Map<string, number>();
  for (const r of report.resources.filter((x) => x.status === "free"))
    byType.set(shortType(r.type), (byType.get(shortType(r.type)) ?? 0) + 1);
  return [...byType.entries()].map(([type, n]) => `${type} x${n}`).join(", ") || "none";
}

export function writeCost(outDir: string, report: CostReport): string {
  return writeJson(path.join(outDir, "cost.json"), report);
}
