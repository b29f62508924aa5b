import chalk from "chalk";
import { OFFLINE_LABEL, shortType, type Plan, type PlanResource } from "../plan/schema.js";
import { renderTable, terminalWidth, wrapLine } from "./table.js";
import { byText } from "./order.js";

/**
 * What `estate plan` prints: the header, then the run's summary (counts, cost and policy lines,
 * entry points) where a first run sees it, then one line per component, or with `tree` every
 * resource under its component and the counts by type.
 */
export function renderPlan(plan: Plan, options: { summary?: string[]; tree?: boolean; width?: number } = {}): string {
  const { width = terminalWidth() } = options;
  const lines: string[] = [];
  lines.push(chalk.bold(`Plan of stack ${plan.stack} (profile ${plan.profile || "?"})`));
  lines.push(chalk.yellow(`  ${OFFLINE_LABEL}`));
  lines.push(`${resourceCount(plan)}, planned in ${plan.durationMs} ms.`);
  lines.push(...(options.summary ?? []).map((line) => wrapLine(line, width)));
  const urls = entryPoints(plan.outputs);
  if (urls.length)
    lines.push(
      wrapLine(`Entry points (names as planned): ${urls.map(([key, url]) => `${key} ${url}`).join(", ")}`, width),
    );
  lines.push("");
  const children = new Map<string | undefined, PlanResource[]>();
  for (const r of plan.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  if (!options.tree) {
    const inside = (urn: string): number =>
      (children.get(urn) ?? []).reduce((n, r) => n + (r.custom ? 1 : 0) + inside(r.urn), 0);
    const top = children.get(undefined) ?? [];
    for (const r of top.filter((x) => !x.custom))
      lines.push(
        `  ${chalk.cyan("◆")} ${chalk.bold(r.name)} ${chalk.dim(r.type)}: ${plural(inside(r.urn), "resource")}`,
      );
    const direct = top.filter((x) => x.custom);
    if (direct.length)
      lines.push(wrapLine(`  ${chalk.green("+")} directly in the stack: ${directResources(direct)}`, width));
    lines.push(
      chalk.dim(
        `Every resource: estate plan ${plan.stack} --tree; the graph: estate graph ${plan.stack}; all of it: plan.json.`,
      ),
    );
    return lines.join("\n");
  }
  const walk = (parent: string | undefined, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      const label = r.custom
        ? `${chalk.green("+")} ${r.physicalName ?? r.name} ${chalk.dim(shortType(r.type))}`
        : `${chalk.cyan("◆")} ${chalk.bold(r.name)} ${chalk.dim(r.type)}`;
      lines.push(`${"  ".repeat(depth + 1)}${label}`);
      walk(r.urn, depth + 1);
    }
  };
  walk(undefined, 0);
  lines.push("");
  lines.push(renderCounts(plan));
  return lines.join("\n");
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** Names listed on the summary's line of resources outside components; more are counted by type (each service adds its own). */
const DIRECT_NAMES_AT_MOST = 6;

function directResources(direct: PlanResource[]): string {
  if (direct.length <= DIRECT_NAMES_AT_MOST) return direct.map((r) => r.physicalName ?? r.name).join(", ");
  return `${plural(direct.length, "resource")} (${byType(direct)
    .map(([type, n]) => `${n} ${shortType(type)}`)
    .join(", ")})`;
}

/** How many resources a plan holds, said the same way everywhere: components are not resources. */
export function resourceCount(plan: Plan): string {
  const custom = plan.resources.filter((r) => r.custom);
  // Entra ID objects, passwords and deploy commands are resources too, but not in Azure Resource Manager.
  const inArm = custom.filter((r) => r.armType).length;
  return `${custom.length} resources (${inArm} in Azure Resource Manager) in ${plan.resources.length - custom.length} components`;
}

/** The stack outputs a user opens: the top-level URLs (ids and the rest stay in plan.json). */
function entryPoints(outputs: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(outputs).filter(
    (entry): entry is [string, string] => typeof entry[1] === "string" && /^https:\/\//.test(entry[1]),
  );
}

/** How many resources of each type, the most first. */
function byType(resources: PlanResource[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || byText(a[0], b[0]));
}

function renderCounts(plan: Plan): string {
  return renderTable(
    ["Resource type", "Count"],
    byType(plan.resources.filter((r) => r.custom)).map(([type, count]) => [type, String(count)]),
  );
}
