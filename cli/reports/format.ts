import type { PolicyReport, PolicyResult, RuleInfo } from "../../policies/evaluate.js";
import type { PolicySettings } from "../../policies/settings.js";
import { severityRank } from "../../policies/evaluate.js";
import { byText } from "../output/order.js";

/** Failures and waived findings, worst first: what every report lists (passes and not-applicable are counted, not listed). */
export function findings(report: PolicyReport): PolicyResult[] {
  return report.results
    .filter((result) => result.status === "fail" || result.status === "waived")
    .sort(
      (a, b) =>
        Number(a.status === "waived") - Number(b.status === "waived") ||
        Number(a.enforcement === "advisory") - Number(b.enforcement === "advisory") ||
        severityRank(a.severity) - severityRank(b.severity) ||
        byText(a.ruleId, b.ruleId) ||
        byText(a.resource.name, b.resource.name),
    );
}

export function ruleIndex(report: PolicyReport): Map<string, RuleInfo> {
  return new Map(report.rules.map((rule) => [rule.id, rule]));
}

/** Control tags as reports show them: `MCSB NS-2`, `CIS 3.7`, `WAF Security`. */
export function controlTags(rule: RuleInfo): string[] {
  return [
    ...rule.controls.mcsb.map((id) => `MCSB ${id}`),
    ...(rule.controls.cis ?? []).map((id) => `CIS ${id}`),
    `WAF ${rule.controls.waf}`,
  ];
}

export function mappingTags(rule: RuleInfo): string[] {
  const { psrule = [], checkov = [], azurePolicy = [] } = rule.mappings;
  return [...psrule, ...checkov, ...azurePolicy.map((id) => `Azure Policy ${id}`)];
}

/** What the status column says: a failed advisory rule is a warning, not a violation. */
export function statusLabel(result: PolicyResult): string {
  if (result.status === "fail") return result.enforcement === "mandatory" ? "violation" : "warning";
  return result.status;
}

/** The policy settings as reports show them: one `name: value` pair per setting. */
export function settingsRows(settings: PolicySettings): Array<[string, string]> {
  const { maxDays, allowCriticalOnAllResources } = settings.waivers;
  return [
    ["allowedRegions", settings.allowedRegions.join(", ")],
    ["minimumTlsVersion", settings.minimumTlsVersion],
    ["logRetentionDays", String(settings.logRetentionDays)],
    ["sqlAuditRetentionDays", String(settings.sqlAuditRetentionDays)],
    [
      "waivers.maxDays",
      Object.entries(maxDays)
        .map(([severity, days]) => `${severity} ${days}`)
        .join(", "),
    ],
    ["waivers.allowCriticalOnAllResources", String(allowCriticalOnAllResources)],
  ];
}

/** Where the settings came from, for a report's header. */
export function settingsOrigin(report: Pick<PolicyReport, "settingsFrom">): string {
  return report.settingsFrom.length ? report.settingsFrom.join(", ") : "built-in defaults";
}

/** The control frameworks rules cite, with the versions `Controls` in policies/model.ts names. */
export const FRAMEWORKS = {
  MCSB: "Microsoft cloud security benchmark v3",
  CIS: "CIS Microsoft Azure Foundations Benchmark v2.0.0",
} as const;

/** A rule's area: the `<AREA>` of `EST-<AREA>-<NNN>`. */
export const ruleArea = (ruleId: string): string => ruleId.split("-")[1] ?? ruleId;
