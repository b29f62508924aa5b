import { SEVERITIES } from "../../policies/model.js";
import type { PolicyReport } from "../../policies/evaluate.js";
import { controlTags, findings, ruleIndex, settingsOrigin, settingsRows, statusLabel } from "./format.js";
import type { ReportContext } from "./context.js";

/**
 * GitHub Markdown for table cells. Pipes are escaped everywhere (the table is split before inline
 * parsing, so `\|` works inside code spans too) and newlines become spaces. Outside code spans,
 * `<`, `>` and `&` become entities so policy XML is shown, not parsed as HTML; inside a code span
 * nothing is entity-decoded, so the text stays as it is.
 */
const pipes = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const entities = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Prose that may hold code spans (`like this`, as rule messages and remediations write them). */
export function cell(text: string): string {
  const spans = /(`+)([\s\S]*?[^`])\1(?!`)/g;
  let out = "";
  let at = 0;
  for (const match of text.matchAll(spans)) {
    out += entities(text.slice(at, match.index)) + pipes(match[0]);
    at = match.index + match[0].length;
  }
  return pipes(out + entities(text.slice(at)));
}

/** A code span of any text: a backtick fence longer than any run inside it. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${pipes(text)}${pad}${fence}`;
}

/** A Markdown report for pull requests and wikis. */
export function toMarkdown(report: PolicyReport, { provenance }: ReportContext): string {
  const rules = ruleIndex(report);
  const { summary } = report;
  const out = [
    `# Policy report: ${report.stack} (${report.profile})`,
    "",
    `Offline plan from Pulumi's mock runtime, planned ${report.planCreatedAt}; rule pack ${report.packVersion}, evaluated ${report.evaluatedAt} by estate ${provenance.toolVersion}${provenance.commit ? ` at commit \`${provenance.commit.slice(0, 12)}\`` : ""}.`,
    "",
    `**${summary.mandatoryViolations} mandatory violations**, ${summary.advisoryViolations} warnings, ${summary.waived} waived, ${summary.pass} passed, ${summary.notApplicable} not applicable — ${summary.rules} rules judged ${summary.resources} resources (those any rule applies to).`,
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
    out.push(
      "| Status | Severity | Rule | Resource | Message | Remediation | Controls |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const result of list) {
      const rule = rules.get(result.ruleId)!;
      out.push(
        `| ${statusLabel(result)}${result.baseline ? " (baseline)" : ""} | ${result.severity} | ${result.ruleId} ${cell(rule.title)} | ${code(result.resource.name)} | ${cell(result.message ?? "")} | ${cell(rule.remediation)} | ${controlTags(rule).join(", ")} |`,
      );
    }
    out.push("");
  }
  out.push(
    "## Settings",
    "",
    `From ${settingsOrigin(report)}.`,
    "",
    "| Setting | Value |",
    "| --- | --- |",
    ...settingsRows(report.settings).map(([name, value]) => `| ${name} | ${cell(value)} |`),
    "",
  );
  out.push("## Waivers", "");
  if (!report.waivers.length) out.push("No waivers.", "");
  else {
    out.push("| Rule | Resource | Owner | Expires | Status | Reason |", "| --- | --- | --- | --- | --- | --- |");
    for (const waiver of report.waivers)
      out.push(
        `| ${waiver.rule} | ${code(waiver.resource)} | ${cell(waiver.owner)} | ${waiver.expires} | ${waiver.status} | ${cell(waiver.reason)} |`,
      );
    out.push("");
  }
  return `${out.join("\n")}\n`;
}
