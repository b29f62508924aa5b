import { performance } from "node:perf_hooks";
import {
  isNotApplicable,
  PACK_VERSION,
  PROFILES,
  SEVERITIES,
  type Enforcement,
  type Graph,
  type GraphResource,
  type Profile,
  type Rule,
  type RuleContext,
  type RuleMeta,
  type Severity,
} from "./model.js";
import { RULES } from "./rules/index.js";
import { indexByType, ofType } from "./rules/graph.js";
import { STACK_OUTPUTS_URN } from "./rules/stack.js";
import { DEFAULT_SETTINGS, type PolicySettings, type ResolvedSettings } from "./settings.js";
import { globToRegExp, isExpired, WAIVER_RULES, waiverMatches, waiverProblem, type Waiver } from "./waivers.js";

/** Version of policy.json's shape; bump on a removed or renamed field, or a new meaning of one. */
export const REPORT_SCHEMA_VERSION = 2;

/** `not-applicable`: the rule's precondition does not hold for the resource, so it judged nothing. */
export const STATUSES = ["pass", "fail", "waived", "not-applicable"] as const;
export type Status = (typeof STATUSES)[number];

export interface ResultResource {
  urn: string;
  type: string;
  name: string;
  physicalName?: string;
}

export interface PolicyResult {
  ruleId: string;
  severity: Severity;
  enforcement: Exclude<Enforcement, "disabled">;
  status: Status;
  resource: ResultResource;
  /** Why it failed; for `not-applicable`, why the rule does not apply. */
  message?: string;
  /** The waiver that turned a failure into "waived". */
  waiver?: Pick<Waiver, "reason" | "owner" | "expires" | "source">;
  /** A failure the baseline given to `estate policy --baseline` already holds. */
  baseline?: true;
}

/** A rule as reports show it: its data, and its enforcement for this report's profile. */
export interface RuleInfo {
  id: string;
  kind: "resource" | "stack" | "waiver";
  title: string;
  description: string;
  severity: Severity;
  types: string[];
  controls: Rule["controls"];
  mappings: Rule["mappings"];
  remediation: string;
  enforcement: Enforcement;
}

export interface WaiverStatus extends Waiver {
  status: "active" | "expired" | "unmatched";
  /** Failures it waived. */
  waived: number;
}

export interface Summary {
  rules: number;
  resources: number;
  results: number;
  pass: number;
  fail: number;
  waived: number;
  notApplicable: number;
  mandatoryViolations: number;
  advisoryViolations: number;
  bySeverity: Record<Severity, Record<Status, number>>;
}

export interface PolicyReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  packVersion: string;
  stack: string;
  profile: Profile;
  mode: "offline";
  planCreatedAt: string;
  evaluatedAt: string;
  durationMs: number;
  /** The effective policy settings the rules judged with. */
  settings: PolicySettings;
  /** The settings sections that applied, in order (`policies/settings.yaml#profiles.dev`); none: the defaults. */
  settingsFrom: string[];
  rules: RuleInfo[];
  results: PolicyResult[];
  waivers: WaiverStatus[];
  summary: Summary;
}

export interface EvaluateOptions {
  rules?: readonly Rule[];
  waivers?: Waiver[];
  now?: Date;
  /** The stack's settings (`loadSettings`); default: the built-in defaults. */
  settings?: ResolvedSettings;
}

export function isProfile(value: string): value is Profile {
  return (PROFILES as readonly string[]).includes(value);
}

/**
 * What the pack reads of a plan (the CLI's plan.json is one): the stack and profile it is of, when
 * it was made, and its resources, which already carry urn, type, parent, dependsOn, inputs, outputs.
 */
export interface PlannedStack {
  stack: string;
  profile: string;
  createdAt: string;
  resources: Array<GraphResource & { physicalName?: string }>;
  outputs: Record<string, unknown>;
}

/** The plan as the rules' graph. */
export function planGraph(plan: Pick<PlannedStack, "resources" | "outputs">): Graph {
  return { resources: plan.resources, outputs: plan.outputs };
}

function ruleInfo(rule: RuleMeta, kind: RuleInfo["kind"], profile: Profile): RuleInfo {
  const { id, title, description, severity, types, controls, mappings, remediation } = rule;
  return {
    id,
    kind,
    title,
    description,
    severity,
    types: [...types],
    controls,
    mappings,
    remediation,
    enforcement: rule.enforcement[profile],
  };
}

const toResource = (resource: GraphResource & { physicalName?: string }): ResultResource => ({
  urn: resource.urn,
  type: resource.type,
  name: resource.name,
  ...(resource.physicalName ? { physicalName: resource.physicalName } : {}),
});

interface Judgement {
  resource: ResultResource;
  messages: string[];
  /** Why the rule does not apply to the resource (then `messages` is empty). */
  notApplicable?: string;
}

/** Each rule's verdict on each resource of its types: the rule × resource matrix before waivers. */
function judge(graph: Graph, rule: Rule, context: RuleContext): Judgement[] {
  const subjects = ofType(graph, ...rule.types);
  if (rule.kind === "resource") {
    return subjects.map((resource) => {
      const verdict = rule.check(resource, context);
      return isNotApplicable(verdict)
        ? { resource: toResource(resource), messages: [], notApplicable: verdict.notApplicable }
        : { resource: toResource(resource), messages: verdict };
    });
  }
  const all = rule.check(graph, context);
  const findings = all.filter((finding) => !finding.notApplicable);
  const verdicts: Judgement[] = subjects.map((resource) => {
    const messages = findings.filter((finding) => finding.urn === resource.urn).map((finding) => finding.message);
    // A problem outweighs a not-applicable note about the same resource.
    const reasons = messages.length
      ? []
      : all
          .filter((finding) => finding.notApplicable && finding.urn === resource.urn)
          .map((finding) => finding.message);
    return {
      resource: toResource(resource),
      messages,
      ...(reasons.length ? { notApplicable: reasons.join("; ") } : {}),
    };
  });
  // Findings about something that is not a resource of the graph (the stack's outputs).
  const orphans = findings.filter((finding) => !subjects.some((resource) => resource.urn === finding.urn));
  for (const urn of new Set(orphans.map((finding) => finding.urn))) {
    const type = urn === STACK_OUTPUTS_URN ? "pulumi:pulumi:Stack" : "unknown";
    verdicts.push({
      resource: { urn, type, name: urn === STACK_OUTPUTS_URN ? "stack outputs" : urn },
      messages: orphans.filter((f) => f.urn === urn).map((f) => f.message),
    });
  }
  return verdicts;
}

export function summarize(results: PolicyResult[], rules: number): Summary {
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((severity) => [severity, Object.fromEntries(STATUSES.map((status) => [status, 0]))]),
  ) as Summary["bySeverity"];
  for (const result of results) bySeverity[result.severity][result.status] += 1;
  const failures = results.filter((result) => result.status === "fail");
  return {
    rules,
    resources: new Set(results.map((result) => result.resource.urn)).size,
    results: results.length,
    pass: results.filter((result) => result.status === "pass").length,
    fail: failures.length,
    waived: results.filter((result) => result.status === "waived").length,
    notApplicable: results.filter((result) => result.status === "not-applicable").length,
    mandatoryViolations: failures.filter((result) => result.enforcement === "mandatory").length,
    advisoryViolations: failures.filter((result) => result.enforcement === "advisory").length,
    bySeverity,
  };
}

/**
 * Runs every rule enabled for the profile over the graph, applies waivers, and reports waivers
 * that are expired or match nothing. Pure: the same inputs give the same report (but evaluatedAt
 * and durationMs).
 */
export function evaluate(
  graph: Graph,
  meta: { stack: string; profile: Profile; planCreatedAt: string },
  options: EvaluateOptions = {},
): PolicyReport {
  const started = performance.now();
  const now = options.now ?? new Date();
  const rules = options.rules ?? RULES;
  const waivers = options.waivers ?? [];
  const settings = options.settings ?? { values: DEFAULT_SETTINGS, from: [] };
  const context: RuleContext = { profile: meta.profile, stack: meta.stack, now, settings: settings.values };
  const usage = new Map<Waiver, { matched: number; waived: number }>(
    waivers.map((waiver) => [waiver, { matched: 0, waived: 0 }]),
  );
  const results: PolicyResult[] = [];
  const indexed = indexByType(graph);

  for (const rule of rules) {
    const enforcement = rule.enforcement[meta.profile];
    if (enforcement === "disabled") continue;
    for (const { resource, messages, notApplicable } of judge(indexed, rule, context)) {
      if (notApplicable !== undefined) {
        // Nothing was judged, so there is nothing to waive: a waiver matching only these is unmatched.
        results.push({
          ruleId: rule.id,
          severity: rule.severity,
          enforcement,
          status: "not-applicable",
          resource,
          message: notApplicable,
        });
        continue;
      }
      const result: PolicyResult = {
        ruleId: rule.id,
        severity: rule.severity,
        enforcement,
        status: messages.length ? "fail" : "pass",
        resource,
      };
      if (messages.length) result.message = messages.join("; ");
      for (const waiver of waivers) {
        if (waiver.rule !== rule.id || !waiverMatches(waiver, resource)) continue;
        usage.get(waiver)!.matched += 1;
        if (result.status === "fail" && !isExpired(waiver, now)) {
          result.status = "waived";
          result.waiver = {
            reason: waiver.reason,
            owner: waiver.owner,
            expires: waiver.expires,
            source: waiver.source,
          };
          usage.get(waiver)!.waived += 1;
        }
      }
      results.push(result);
    }
  }

  const waiverStatuses: WaiverStatus[] = waivers.map((waiver) => {
    const { matched, waived } = usage.get(waiver)!;
    const status = isExpired(waiver, now) ? "expired" : matched === 0 ? "unmatched" : "active";
    return { ...waiver, status, waived };
  });
  for (const waiver of waiverStatuses) {
    if (waiver.status === "active") continue;
    const rule = waiver.status === "expired" ? WAIVER_RULES.expired : WAIVER_RULES.unmatched;
    const enforcement = rule.enforcement[meta.profile];
    if (enforcement === "disabled") continue;
    results.push({
      ruleId: rule.id,
      severity: rule.severity,
      enforcement,
      status: "fail",
      resource: {
        urn: `waiver:${waiver.source}`,
        type: "estate:policy:Waiver",
        name: `${waiver.rule} ${waiver.resource}`,
      },
      message: `waiver ${waiverProblem(waiver, waiver.status)}`,
    });
  }

  const infos = [
    ...rules.map((rule) => ruleInfo(rule, rule.kind, meta.profile)),
    ruleInfo(WAIVER_RULES.expired, "waiver", meta.profile),
    ruleInfo(WAIVER_RULES.unmatched, "waiver", meta.profile),
  ];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    packVersion: PACK_VERSION,
    stack: meta.stack,
    profile: meta.profile,
    mode: "offline",
    planCreatedAt: meta.planCreatedAt,
    evaluatedAt: now.toISOString(),
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    settings: settings.values,
    settingsFrom: settings.from,
    rules: infos,
    results,
    waivers: waiverStatuses,
    summary: summarize(results, infos.filter((info) => info.enforcement !== "disabled").length),
  };
}

/** Evaluates a saved or fresh plan; the profile comes from the plan. */
export function evaluatePlan(plan: PlannedStack, options: EvaluateOptions = {}): PolicyReport {
  if (!isProfile(plan.profile))
    throw new Error(
      `plan of ${plan.stack}: profile ${JSON.stringify(plan.profile)} is not one of ${PROFILES.join(", ")}`,
    );
  return evaluate(
    planGraph(plan),
    { stack: plan.stack, profile: plan.profile, planCreatedAt: plan.createdAt },
    options,
  );
}

/** Narrows a report to some rules (ids or globs like EST-WAF-*) and a minimum severity. */
export function filterReport(report: PolicyReport, filter: { minSeverity?: Severity; rules?: string[] }): PolicyReport {
  const patterns = (filter.rules ?? []).map(globToRegExp);
  const keepRule = (id: string, severity: Severity) =>
    (!patterns.length || patterns.some((pattern) => pattern.test(id))) &&
    (!filter.minSeverity || severityRank(severity) <= severityRank(filter.minSeverity));
  const rules = report.rules.filter((rule) => keepRule(rule.id, rule.severity));
  const results = report.results.filter((result) => keepRule(result.ruleId, result.severity));
  return {
    ...report,
    rules,
    results,
    summary: summarize(results, rules.filter((rule) => rule.enforcement !== "disabled").length),
  };
}

/** 0 for critical, the worst; SEVERITIES lists them worst first. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
