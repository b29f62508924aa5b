/**
 * Adapts the rules to the Pulumi policy engine. Kept apart from `index.ts` because constructing a
 * PolicyPack starts its gRPC server: this file only builds plain policy objects, so it is tested
 * offline by calling their validators.
 */
import type {
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import {
  problemsOf,
  type Graph,
  type GraphResource,
  type Profile,
  type Rule,
  type RuleContext,
  type RuleMeta,
} from "./model.js";
import { evaluate } from "./evaluate.js";
import { DEFAULT_SETTINGS, type PolicySettings } from "./settings.js";
import { isExpired, WAIVER_RULES, waiverMatches, waiverProblem, type Waiver } from "./waivers.js";

const STACK_TYPE = "pulumi:pulumi:Stack";

export interface EngineSettings {
  profile: Profile;
  stack: string;
  waivers: Waiver[];
  /** The stack's effective policy settings; default: the built-in defaults. */
  policySettings?: PolicySettings;
  now?: () => Date;
}

function ruleContext(settings: EngineSettings, now: Date): RuleContext {
  return {
    profile: settings.profile,
    stack: settings.stack,
    now,
    settings: settings.policySettings ?? DEFAULT_SETTINGS,
  };
}

/** Metadata every engine policy carries: shown by `pulumi preview` and the Pulumi Cloud console. */
function describe(rule: RuleMeta, profile: Profile) {
  return {
    name: rule.id,
    displayName: rule.title,
    description: rule.description,
    severity: rule.severity,
    enforcementLevel: rule.enforcement[profile],
    remediationSteps: rule.remediation,
    tags: [
      ...rule.controls.mcsb.map((id) => `mcsb:${id}`),
      ...(rule.controls.cis ?? []).map((id) => `cis:${id}`),
      `waf:${rule.controls.waf}`,
    ],
  };
}

function graphResource(resource: PolicyResource): GraphResource {
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    inputs: resource.props,
    // During preview the engine's props hold inputs plus whatever outputs are known (ids after the first `up`).
    outputs: resource.props,
    parent: resource.parent?.urn,
    dependsOn: resource.dependencies.map((dependency) => dependency.urn),
    propertyDependencies: Object.fromEntries(
      Object.entries(resource.propertyDependencies).map(([key, deps]) => [key, deps.map((d) => d.urn)]),
    ),
  };
}

/** The engine's resources as the rules' graph: the stack resource is not one of the estate's, its props are the stack outputs. */
export function engineGraph(resources: PolicyResource[]): Graph {
  const stack = resources.find((resource) => resource.type === STACK_TYPE);
  return {
    resources: resources.filter((resource) => resource !== stack).map(graphResource),
    outputs: stack?.props ?? {},
  };
}

function waived(settings: EngineSettings, ruleId: string, resource: { urn: string; name: string }, now: Date): boolean {
  return settings.waivers.some(
    (waiver) => waiver.rule === ruleId && !isExpired(waiver, now) && waiverMatches(waiver, resource),
  );
}

function resourcePolicy(rule: Extract<Rule, { kind: "resource" }>, settings: EngineSettings): ResourceValidationPolicy {
  return {
    ...describe(rule, settings.profile),
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (!rule.types.includes(args.type)) return;
      const now = settings.now?.() ?? new Date();
      const context = ruleContext(settings, now);
      // The engine knows only violations: a rule that does not apply reports nothing, like a pass.
      const messages = problemsOf(
        rule.check({ urn: args.urn, type: args.type, name: args.name, inputs: args.props }, context),
      );
      if (messages.length && !waived(settings, rule.id, args, now)) report(messages.join("; "));
    },
  };
}

function stackPolicy(rule: Extract<Rule, { kind: "stack" }>, settings: EngineSettings): StackValidationPolicy {
  return {
    ...describe(rule, settings.profile),
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const now = settings.now?.() ?? new Date();
      const graph = engineGraph(args.resources);
      for (const finding of rule.check(graph, ruleContext(settings, now)).filter((f) => !f.notApplicable)) {
        const resource = graph.resources.find((r) => r.urn === finding.urn) ?? { urn: finding.urn, name: finding.urn };
        if (!waived(settings, rule.id, resource, now))
          report(finding.message, graph.resources.some((r) => r.urn === finding.urn) ? finding.urn : undefined);
      }
    },
  };
}

/** Expired waivers fail the deployment in the engine too. */
function expiredWaivers(settings: EngineSettings): StackValidationPolicy {
  return {
    ...describe(WAIVER_RULES.expired, settings.profile),
    validateStack: (_args: StackValidationArgs, report: ReportViolation) => {
      const now = settings.now?.() ?? new Date();
      for (const waiver of settings.waivers.filter((w) => isExpired(w, now)))
        report(`waiver ${waiver.source} ${waiverProblem(waiver, "expired")}`);
    },
  };
}

/**
 * Waivers that match nothing their rule judged, as offline: each live waiver's rule is judged on
 * the engine's graph by the offline evaluator (a rule disabled for the profile judges nothing).
 */
function unmatchedWaivers(rules: readonly Rule[], settings: EngineSettings): StackValidationPolicy {
  return {
    ...describe(WAIVER_RULES.unmatched, settings.profile),
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const now = settings.now?.() ?? new Date();
      const graph = engineGraph(args.resources);
      const meta = { stack: settings.stack, profile: settings.profile, planCreatedAt: now.toISOString() };
      const policySettings = { values: settings.policySettings ?? DEFAULT_SETTINGS, from: [] };
      for (const waiver of settings.waivers.filter((w) => !isExpired(w, now))) {
        const rule = rules.find((r) => r.id === waiver.rule && r.enforcement[settings.profile] !== "disabled");
        const judged =
          rule &&
          evaluate(graph, meta, { rules: [rule], waivers: [waiver], now, settings: policySettings }).waivers[0]
            .status !== "unmatched";
        if (!judged) report(`waiver ${waiver.source} ${waiverProblem(waiver, "unmatched")}`);
      }
    },
  };
}

/** The pack's policies: one per rule, enforcement from the profile, waivers honoured and checked. */
export function enginePolicies(rules: readonly Rule[], settings: EngineSettings): Policies {
  return [
    ...rules.map((rule) => (rule.kind === "resource" ? resourcePolicy(rule, settings) : stackPolicy(rule, settings))),
    expiredWaivers(settings),
    unmatchedWaivers(rules, settings),
  ];
}
