import chalk from "chalk";
import { SEVERITIES, type Profile, type RuleMeta } from "../../policies/model.js";
import type { PolicyReport } from "../../policies/evaluate.js";
import type { ResolvedSettings, SettingsFile } from "../../policies/settings.js";
import { OFFLINE_LABEL } from "../plan/schema.js";
import { findings, ruleIndex, settingsOrigin, settingsRows, statusLabel } from "../reports/format.js";
import { renderTable, wrapLine } from "./table.js";

const COLOUR: Record<string, (text: string) => string> = {
  violation: chalk.red.bold,
  warning: chalk.yellow,
  waived: chalk.magenta,
};

/** The terminal table's status columns, as `statusLabel` names them. */
const COLUMNS = [
  ["Violations", "violation"],
  ["Warnings", "warning"],
  ["Waived", "waived"],
  ["Passed", "pass"],
  ["Not applicable", "not-applicable"],
] as const;

/** The terminal summary: counts by severity and status, then every finding with its remediation. With a baseline, what it holds is marked and only the rest fails. */
export function renderPolicy(report: PolicyReport, baseline?: { file: string }): string {
  const counts = SEVERITIES.map((severity) => {
    const of = report.results.filter((result) => result.severity === severity);
    return [
      severity,
      ...COLUMNS.map(([, label]) => String(of.filter((result) => statusLabel(result) === label).length)),
    ];
  });
  const table = renderTable(["Severity", ...COLUMNS.map(([head]) => head)], counts);
  const rules = ruleIndex(report);
  const lines = [
    chalk.dim(
      `Policy for ${report.stack} (profile ${report.profile}), rule pack ${report.packVersion}; ${OFFLINE_LABEL}`,
    ),
    chalk.dim(
      wrapLine(
        `Settings (${settingsOrigin(report)}): ${settingsRows(report.settings)
          .map(([name, value]) => `${name} ${value}`)
          .join("; ")}`,
      ),
    ),
    table,
  ];
  for (const result of findings(report)) {
    const label = statusLabel(result);
    const rule = rules.get(result.ruleId)!;
    lines.push(
      `${COLOUR[label]!(label.toUpperCase())} ${result.ruleId} [${result.severity}] ${rule.title}${result.baseline ? chalk.dim(" (in the baseline)") : ""}`,
    );
    lines.push(`  resource:    ${result.resource.physicalName ?? result.resource.name} (${result.resource.type})`);
    lines.push(`  finding:     ${result.message ?? ""}`);
    lines.push(
      result.waiver
        ? `  waived:      by ${result.waiver.owner} until ${result.waiver.expires}: ${result.waiver.reason}`
        : `  remediation: ${rule.remediation}`,
    );
  }
  const { summary } = report;
  if (baseline) {
    const known = report.results.filter(
      (r) => r.status === "fail" && r.enforcement === "mandatory" && r.baseline,
    ).length;
    const fresh = summary.mandatoryViolations - known;
    lines.push(
      fresh
        ? chalk.red(
            `${fresh} mandatory violation(s) not in the baseline ${baseline.file} (${known} in it): exit code 3.`,
          )
        : chalk.green(
            `No mandatory violations beyond the baseline ${baseline.file} (${known} in it, ${summary.advisoryViolations} warning(s), ${summary.waived} waived, ${summary.notApplicable} not applicable).`,
          ),
    );
    return lines.join("\n");
  }
  lines.push(
    summary.mandatoryViolations
      ? chalk.red(`${summary.mandatoryViolations} mandatory violation(s): exit code 3.`)
      : chalk.green(
          `No mandatory violations (${summary.advisoryViolations} warning(s), ${summary.waived} waived, ${summary.notApplicable} not applicable).`,
        ),
  );
  return lines.join("\n");
}

/** `estate policy --list`: the catalogue with each rule's enforcement per profile. */
export function renderCatalogue(rules: RuleMeta[]): string {
  const rows = rules.map((rule) => [
    rule.id,
    rule.severity,
    rule.enforcement.dev,
    rule.enforcement.prod,
    rule.enforcement.ephemeral,
    rule.title,
  ]);
  return `${renderTable(["Rule", "Severity", "dev", "prod", "ephemeral", "Title"], rows)}\n${rules.length} rules.`;
}

/** `estate policy --list`: the effective settings, and the sections that override them per profile and stack. */
export function renderSettings(
  resolved: ResolvedSettings,
  context: { stack?: string; profile?: Profile; profiles: SettingsFile["profiles"]; stacks: SettingsFile["stacks"] },
): string {
  const of = context.stack ? `of stack ${context.stack} (profile ${context.profile})` : "project-wide";
  const lines = [
    `Policy settings ${of}, from ${resolved.from.length ? resolved.from.join(", ") : "the built-in defaults"}:`,
    renderTable(["Setting", "Value"], settingsRows(resolved.values)),
  ];
  const overrides = [
    ...Object.entries(context.profiles).map(([name, section]) => `  profiles.${name}: ${JSON.stringify(section)}`),
    ...Object.entries(context.stacks).map(([glob, section]) => `  stacks.${glob}: ${JSON.stringify(section)}`),
  ];
  if (!context.stack && overrides.length)
    lines.push("Overrides (estate policy <stack> --list shows a stack's effective settings):", ...overrides);
  return lines.join("\n");
}
