/**
 * The policy model: a rule is data (id, severity, controls, mappings, remediation, enforcement per
 * profile) plus a check. Resource rules see one resource's inputs; stack rules see the whole graph.
 * Rules never import Pulumi's runtime, so the same objects run offline, in vitest and in the
 * PolicyPack (policies/index.ts).
 */

import type { Profile } from "../infra/core/profiles.js";
import type { PolicySettings } from "./settings.js";

/** Version of the rule pack; bump the patch version for a rule brought in line with its reference, the minor one when rules are added, the major one when a rule's meaning changes. */
export const PACK_VERSION = "2.3.0";

export { PROFILES, type Profile } from "../infra/core/profiles.js";

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Enforcement = "mandatory" | "advisory" | "disabled";

export type Pillar =
  | "Security"
  | "Reliability"
  | "Operational Excellence"
  | "Cost Optimization"
  | "Performance Efficiency";

export interface Controls {
  /** Microsoft cloud security benchmark v3 control ids, e.g. `NS-2`. */
  mcsb: string[];
  /** CIS Microsoft Azure Foundations Benchmark v2.0.0 recommendation ids, where one exists. */
  cis?: string[];
  /** Azure Well-Architected Framework pillar. */
  waf: Pillar;
}

export interface Mappings {
  /** PSRule for Azure rule names, e.g. `Azure.FrontDoorWAF.PreventionMode`. */
  psrule?: string[];
  /** Checkov check ids, e.g. `CKV_AZURE_35`. */
  checkov?: string[];
  /** Azure Policy built-in definition ids (GUIDs). */
  azurePolicy?: string[];
}

/** One resource as a rule sees it: the same shape offline (plan.json) and in the Pulumi engine. */
export interface Subject {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** One resource of the stack graph, for stack rules. */
export interface GraphResource extends Subject {
  parent?: string;
  dependsOn: string[];
  /** Which resources feed each top-level input (the engine knows this; the offline plan does not). */
  propertyDependencies?: Record<string, string[]>;
  outputs: Record<string, unknown>;
}

export interface Graph {
  resources: GraphResource[];
  /** The stack's outputs. */
  outputs: Record<string, unknown>;
}

export interface RuleContext {
  profile: Profile;
  stack: string;
  now: Date;
  /** The stack's effective policy settings (`policies/settings.yaml`): the choices rules take from configuration. */
  settings: PolicySettings;
}

/** A change to a compliant fixture: input path (dots, `[n]` for array items) to new value, or REMOVE. */
export type InputPatch = Record<string, unknown>;
export const REMOVE = Symbol("remove");

export interface RuleMeta {
  /** `EST-<AREA>-<NNN>`, stable forever: reports, waivers and dashboards key on it. */
  id: string;
  title: string;
  description: string;
  severity: Severity;
  /** Pulumi type tokens of the resources the rule judges. */
  types: string[];
  controls: Controls;
  mappings: Mappings;
  /** What to change, naming the exact input. */
  remediation: string;
  enforcement: Record<Profile, Enforcement>;
}

/**
 * A rule whose precondition does not hold for a resource (a Premium-only setting on a Standard
 * namespace, a name Azure generates) judges nothing: it says why, and reports show
 * `not-applicable`, never `pass`. Build it with `notApplicable(reason)`.
 */
export interface NotApplicable {
  notApplicable: string;
}

export const notApplicable = (reason: string): NotApplicable => ({ notApplicable: reason });

/** What a resource rule says about one resource: its problems (none: it passes), or that it does not apply. */
export type Verdict = string[] | NotApplicable;

export function isNotApplicable(value: unknown): value is NotApplicable {
  return (
    typeof value === "object" && value !== null && typeof (value as Partial<NotApplicable>).notApplicable === "string"
  );
}

/** The problems of a verdict: none when the rule passes or does not apply. */
export function problemsOf(verdict: Verdict): string[] {
  return isNotApplicable(verdict) ? [] : verdict;
}

export interface ResourceRule extends RuleMeta {
  kind: "resource";
  /** Messages, one per problem (none means the resource passes), or `notApplicable(reason)`. */
  check: (resource: Subject, context: RuleContext) => Verdict;
  /** Patches to a compliant resource of `types[0]` that must fail (and, optionally, that must still pass). */
  examples: { fail: InputPatch[]; pass?: InputPatch[] };
}

export interface StackFinding {
  urn: string;
  /** The problem; with `notApplicable`, why the rule does not apply to this resource. */
  message: string;
  /** The rule's precondition does not hold for this resource: reported `not-applicable`, not `pass`. */
  notApplicable?: true;
}

/** Edits the compliant estate fixture so that a stack rule must fail. */
export type GraphEdit = (graph: Graph) => void;

export interface StackRule extends RuleMeta {
  kind: "stack";
  /** Findings for resources of `types` (problems, or not-applicable notes); those of `types` without a finding pass. */
  check: (graph: Graph, context: RuleContext) => StackFinding[];
  examples: { fail: GraphEdit[]; pass?: GraphEdit[] };
}

export type Rule = ResourceRule | StackRule;

/** Enforcement shorthands used by the rule files. */
export const ENFORCE = {
  always: { dev: "mandatory", prod: "mandatory", ephemeral: "mandatory" },
  /** Mandatory in prod, a warning elsewhere (cost or convenience outweighs it outside prod). */
  prod: { dev: "advisory", prod: "mandatory", ephemeral: "advisory" },
  /** Only meaningful in prod (zone redundancy, instance counts). */
  prodOnly: { dev: "disabled", prod: "mandatory", ephemeral: "disabled" },
  advisory: { dev: "advisory", prod: "advisory", ephemeral: "advisory" },
  prodAdvisory: { dev: "disabled", prod: "advisory", ephemeral: "disabled" },
  ephemeralOnly: { dev: "disabled", prod: "disabled", ephemeral: "mandatory" },
} as const satisfies Record<string, Record<Profile, Enforcement>>;
