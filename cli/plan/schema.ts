/**
 * The plan file (`.estate/<stack>/plan.json`): what the estate program declared for one stack.
 * Versioned: a change that removes or renames a field bumps PLAN_SCHEMA_VERSION. Documented in
 * docs/plan-schema.md.
 */
export const PLAN_SCHEMA_VERSION = 1;

/** Shown wherever the plan is printed: the plan comes from mocks, never from Azure. */
export const OFFLINE_LABEL = "offline plan from Pulumi's mock runtime — not Azure's answer";

export interface Plan {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  stack: string;
  profile: string;
  mode: "offline";
  project: string;
  createdAt: string;
  /** Milliseconds the program took under mocks. */
  durationMs: number;
  resources: PlanResource[];
  /** The stack's outputs, secrets redacted. */
  outputs: Record<string, unknown>;
}

export interface PlanResource {
  urn: string;
  /** Pulumi type token, e.g. `azure-native:network:VirtualNetwork`. */
  type: string;
  /** Logical (Pulumi) name. */
  name: string;
  /** Azure's name for it, where it has one. */
  physicalName?: string;
  /** ARM resource type, e.g. `Microsoft.Network/virtualNetworks`, where the catalog knows it. */
  armType?: string;
  /** Component resources group others; they are not deployed themselves. */
  custom: boolean;
  /** URN of the parent resource (a component, or the stack). */
  parent?: string;
  /** URNs this resource depends on: explicit `dependsOn` and every resource whose outputs feed its inputs. */
  dependsOn: string[];
  /** Inputs as registered, secrets replaced by REDACTED. */
  inputs: Record<string, unknown>;
  /** Outputs Azure would compute (from the mocks): id, host names, principal ids... */
  outputs: Record<string, unknown>;
}

export const REDACTED = "[secret]";

/** A type token as the plan tools print it: `network:VirtualNetwork` for `azure-native:network:VirtualNetwork`. */
export const shortType = (type: string): string => type.replace(/^azure-native:/, "");
