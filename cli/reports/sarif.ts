import type { PolicyReport, PolicyResult } from "../../policies/evaluate.js";
import { findingKey, resultKey } from "./baseline.js";
import type { ReportContext } from "./context.js";
import { controlTags, findings, mappingTags } from "./format.js";

const SEVERITY_SCORE = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.0" } as const;

function level(result: PolicyResult): "error" | "warning" | "note" {
  if (result.status === "waived") return "note";
  return result.enforcement === "mandatory" ? "error" : "warning";
}

/**
 * SARIF 2.1.0: one run, rule metadata with help and control tags; each result located where its
 * resource was declared (the component's infra file and line, or the stack file: see
 * `sourceLocator`), relative to the project folder, with the resource's URN as logical location.
 */
export function toSarif(report: PolicyReport, context: ReportContext): object {
  const ruleIds = report.rules.map((rule) => rule.id);
  // SARIF's baselineState: each failure is new or unchanged against the baseline or previous run.
  const unchanged = new Set((context.comparison?.unchanged ?? []).map(findingKey));
  const baselineState = (result: PolicyResult) =>
    context.comparison && result.status === "fail"
      ? { baselineState: unchanged.has(resultKey(result)) ? "unchanged" : "new" }
      : {};
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "estate-policy",
            version: report.packVersion,
            informationUri: "https://github.com/estate/estate#policies",
            rules: report.rules.map((rule) => ({
              id: rule.id,
              name: rule.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase()),
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.description },
              help: {
                text: `${rule.description}\nRemediation: ${rule.remediation}`,
                markdown: `${rule.description}\n\n**Remediation:** ${rule.remediation}\n\n**Controls:** ${controlTags(rule).join(", ")}${mappingTags(rule).length ? `\n\n**Mappings:** ${mappingTags(rule).join(", ")}` : ""}`,
              },
              defaultConfiguration: {
                level:
                  rule.enforcement === "mandatory" ? "error" : rule.enforcement === "advisory" ? "warning" : "none",
                enabled: rule.enforcement !== "disabled",
              },
              properties: {
                tags: ["security", ...controlTags(rule), ...mappingTags(rule)],
                "security-severity": SEVERITY_SCORE[rule.severity],
                severity: rule.severity,
                enforcement: rule.enforcement,
                resourceTypes: rule.types,
              },
            })),
          },
        },
        invocations: [{ executionSuccessful: true, endTimeUtc: report.evaluatedAt }],
        originalUriBaseIds: { SRCROOT: { description: { text: "the estate project folder (where Pulumi.yaml is)" } } },
        results: findings(report).map((result) => ({
          ruleId: result.ruleId,
          ruleIndex: ruleIds.indexOf(result.ruleId),
          level: level(result),
          kind: "fail",
          message: { text: `${result.resource.name}: ${result.message ?? "violation"}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: context.locate(result.resource).uri, uriBaseId: "SRCROOT" },
                region: { startLine: context.locate(result.resource).line },
              },
              logicalLocations: [
                { fullyQualifiedName: result.resource.urn, name: result.resource.name, kind: "resource" },
              ],
            },
          ],
          ...baselineState(result),
          partialFingerprints: { "estateResource/v1": `${result.ruleId}:${result.resource.urn}` },
          ...(result.waiver
            ? {
                suppressions: [
                  {
                    kind: "external",
                    status: "accepted",
                    justification: `${result.waiver.reason} (owner ${result.waiver.owner}, until ${result.waiver.expires})`,
                  },
                ],
              }
            : {}),
          properties: {
            severity: result.severity,
            enforcement: result.enforcement,
            resourceType: result.resource.type,
            ...(result.baseline ? { baseline: true } : {}),
          },
        })),
        // Results list findings only; passes and not-applicable verdicts are counted here, apart.
        properties: {
          provenance: context.provenance,
          stack: report.stack,
          profile: report.profile,
          mode: report.mode,
          planCreatedAt: report.planCreatedAt,
          summary: report.summary,
          settings: report.settings,
          settingsFrom: report.settingsFrom,
        },
      },
    ],
  };
}
