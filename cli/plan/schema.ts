import { z } from "zod";
import { STACK_NAME, STACK_NAME_RULE } from "../../stacks/config/stack-name.js";
import type { RunProvenance } from "../provenance.js";

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
  /** The run that wrote the file: the same in every artifact it wrote (cli/pipeline.ts). */
  provenance?: RunProvenance;
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

/**
 * An object of any keys and values, checked as such without visiting each key: `z.record` parses
 * every key and value of every resource's inputs and outputs, which made reading a saved plan take
 * ten times as long as parsing its JSON.
 */
const record = z.custom<Record<string, unknown>>(
  (value) => typeof value === "object" && value !== null && !Array.isArray(value),
  (value) => ({
    message:
      value === undefined
        ? "Required"
        : `Expected object, received ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value}`,
  }),
);

/**
 * A saved plan as the tools read it back: every field they use, so a hand-edited or truncated
 * plan.json is refused naming the field rather than crashing a command halfway. The stack name
 * must be one `estate plan` could have written: it becomes a folder under `.estate/`.
 */
export const planFileSchema = z.object({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  stack: z.string().regex(STACK_NAME, STACK_NAME_RULE),
  profile: z.string(),
  mode: z.literal("offline"),
  project: z.string(),
  createdAt: z.string().datetime({ offset: true }),
  durationMs: z.number(),
  resources: z.array(
    z.object({
      urn: z.string().min(1),
      type: z.string().min(1),
      name: z.string(),
      physicalName: z.string().optional(),
      armType: z.string().optional(),
      custom: z.boolean(),
      parent: z.string().optional(),
      dependsOn: z.array(z.string()),
      inputs: record,
      outputs: record,
    }),
  ),
  outputs: record,
  provenance: z.object({ commit: z.string().optional(), runAt: z.string(), toolVersion: z.string() }).optional(),
});

/** A type token as the plan tools print it: `network:VirtualNetwork` for `azure-native:network:VirtualNetwork`. */
export const shortType = (type: string): string => type.replace(/^azure-native:/, "");

/** The last segment of an Azure resource id (`.../servers/sql-a` gives `sql-a`): the name it refers to. */
export const idName = (id: unknown): string =>
  String(id ?? "")
    .split("/")
    .pop() ?? "";
