import { SEVERITIES } from "../../policies/model.js";
import type { PolicyReport } from "../../policies/evaluate.js";
import { controlTags, findings, ruleIndex, settingsOrigin, settingsRows, statusLabel } from "./format.js";

/** A table cell: pipes escaped, and angle brackets so policy XML in messages is shown, not parsed as HTML. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\n/g, " ");

/** A Markdown report for pull requests and wikis. */
export function toMarkdown(report: PolicyReport): string {
  const rules = ruleIndex(report);
  const { summary } = report;
  const out = [
    `# Policy report: ${report.stack} (${report.profile})`,
    "",
    `Offline plan from Pulumi's mock runtime, planned ${report.planCreatedAt}; rule pack ${report.packVersion}, evaluated ${report.evaluatedAt}.`,
    "",
    `**${summary.mandatoryViolations} mandatory violations**, ${summary.advisoryViolations} warnings, ${summary.waived} waived, ${summary.pass} passed, ${summary.notApplicable} not applicable — ${summary.rules} rules over ${summary.resources} resources.`,
    "",
    "| Severity | Pass | Fail | Waived | Not applicable |",
    "| --- | --- | --- | --- | --- |",
    ...SEVERITIES.map((severity) => {
      const counts = summary.bySeverity[severity];
      return `| ${severity} | ${counts.pass} | ${counts.fail} | ${counts.waived} | ${counts["not-applicable"]} |`;
    }),
    "",
    "## Findings",
    "",
  ];
  const list = findings(report);
  if (!list.length) out.push("No findings.", "");
  else {
    out.push("| Status | Severity | Rule | Resource | Message | Remediation | Controls |", "| --- | --- | --- | --- | --- | --- | --- |");
    for (const result of list) {
      const rule = rules.get(result.ruleId)!;
      out.push(
        `| ${statusLabel(result)}${result.baseline ? " (baseline)" : ""} | ${result.severity} | ${result.ruleId} ${cell(rule.title)} | \`${cell(result.resource.name)}\` | ${cell(result.message ?? "")} | ${cell(rule.remediation)} | ${controlTags(rule).join(", ")} |`,
      );
    }
    out.push("");
  }
  out.push("## Settings", "", `From ${settingsOrigin(report)}.`, "", "| Setting | Value |", "| --- | --- |", ...settingsRows(report.settings).map(([name, value]) => `| ${name} | ${cell(value)} |`), "");
  out.push("## Waivers", "");
  if (!report.waivers.length) out.push("No waivers.", "");
  else {
    out.push("| Rule | Resource | Owner | Expires | Status | Reason |", "| --- | --- | --- | --- | --- | --- |");
    for (const waiver of report.waivers) out.push(`| ${waiver.rule} | \`${cell(waiver.resource)}\` | ${waiver.owner} | ${waiver.expires} | ${waiver.status} | ${cell(waiver.reason)} |`);
    out.push("");
  }
  return `${out.join("\n")}\n`;
}
