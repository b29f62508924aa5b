import type { PolicyReport } from "../../policies/evaluate.js";
import { escapeXml as x } from "../../infra/core/xml.js";
import type { ReportContext } from "./context.js";

/**
 * JUnit XML: one suite per rule, one test case per rule × resource; waived and not-applicable cases
 * are skipped, each saying which. Each suite carries the run's provenance among its properties: JUnit
 * has no place for it on `<testsuites>`, and a CI tool may show one suite alone.
 */
export function toJunit(report: PolicyReport, context: Pick<ReportContext, "provenance">): string {
  const { provenance } = context;
  const property = (name: string, value: string) => `<property name="${name}" value="${x(value)}"/>`;
  const provenanceProperties = [
    ...(provenance.commit ? [property("commit", provenance.commit)] : []),
    property("evaluated-at", provenance.evaluatedAt),
    property("estate-version", provenance.toolVersion),
    property("pack-version", provenance.packVersion),
  ].join("");
  // Each rule's results in one pass, in the report's order (not one pass over every result per rule).
  const byRule = new Map<string, PolicyReport["results"]>();
  for (const result of report.results) {
    const same = byRule.get(result.ruleId);
    if (same) same.push(result);
    else byRule.set(result.ruleId, [result]);
  }
  const suites = report.rules
    .map((rule) => ({ rule, results: byRule.get(rule.id) ?? [] }))
    .filter(({ results }) => results.length);
  const count = (status: string) => report.results.filter((result) => result.status === status).length;
  const skipped = (results: PolicyReport["results"]) =>
    results.filter((result) => result.status === "waived" || result.status === "not-applicable").length;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="estate policy ${x(report.stack)}" tests="${report.results.length}" failures="${count("fail")}" skipped="${skipped(report.results)}" errors="0" time="${(report.durationMs / 1000).toFixed(3)}">`,
  ];
  for (const { rule, results } of suites) {
    const failures = results.filter((result) => result.status === "fail").length;
    lines.push(
      `  <testsuite name="${x(rule.id)} ${x(rule.title)}" tests="${results.length}" failures="${failures}" skipped="${skipped(results)}" errors="0">`,
    );
    const properties = [
      property("severity", rule.severity),
      property("enforcement", rule.enforcement),
      property("waived", String(results.filter((r) => r.status === "waived").length)),
      property("not-applicable", String(results.filter((r) => r.status === "not-applicable").length)),
    ];
    lines.push(`    <properties>${properties.join("")}${provenanceProperties}</properties>`);
    for (const result of results) {
      const open = `    <testcase classname="${x(rule.id)}" name="${x(result.resource.name)} (${x(result.resource.type)})"`;
      if (result.status === "pass") lines.push(`${open}/>`);
      else if (result.status === "not-applicable")
        lines.push(`${open}><skipped message="${x(`not applicable: ${result.message ?? ""}`)}"/></testcase>`);
      else if (result.status === "waived")
        lines.push(
          `${open}><skipped message="${x(`waived by ${result.waiver!.owner} until ${result.waiver!.expires}: ${result.waiver!.reason}`)}"/></testcase>`,
        );
      else
        lines.push(
          `${open}><failure type="${result.enforcement}" message="${x(result.message ?? "")}">${x(`${result.resource.urn}\nRemediation: ${rule.remediation}`)}</failure></testcase>`,
        );
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}
