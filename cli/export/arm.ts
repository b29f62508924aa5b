import { catalogEntry } from "../../infra/catalog/index.js";
import { OFFLINE_LABEL, type Plan, type PlanResource } from "../plan/schema.js";

export const ARM_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

export interface ArmResource {
  type: string;
  apiVersion: string;
  /** ARM name: child resources as `parent/child`. */
  name: string;
  /** Extension resources (role assignments, locks, diagnostic settings): the id they attach to. */
  scope?: string;
  location?: string;
  tags?: Record<string, string>;
  sku?: unknown;
  kind?: unknown;
  identity?: unknown;
  zones?: unknown;
  properties: Record<string, unknown>;
  dependsOn: string[];
}

export interface ArmTemplate {
  $schema: string;
  contentVersion: string;
  metadata: {
    generator: string;
    stack: string;
    profile: string;
    note: string;
    /** Plan entries that are not ARM resources (components, Pulumi-only resources, Entra ID and Kubernetes objects) or unknown to the catalog. */
    skipped: Array<{ name: string; type: string; reason: string }>;
  };
  resources: ArmResource[];
}

/** Inputs that are top-level fields of an ARM resource rather than its `properties`. */
const TOP_LEVEL = ["location", "tags", "sku", "kind", "identity", "zones"] as const;

function toArmResource(resource: PlanResource, idOf: Map<string, string>): ArmResource | string {
  const entry = catalogEntry(resource.type);
  if (!entry) return "not in infra/catalog: ARM type and API version unknown";
  if (!entry.arm) {
    if (resource.type.startsWith("azuread:")) return "an Entra ID object: Microsoft Graph, not ARM";
    if (resource.type.startsWith("kubernetes:")) return "a Kubernetes object: applied through the cluster's API server, not ARM";
    return "not an Azure resource (Pulumi-only)";
  }
  const { inputs } = resource;
  const segments = entry.names.map((input, i) =>
    String(inputs[input] ?? (i === entry.names.length - 1 ? (resource.physicalName ?? resource.name) : "unknown")),
  );
  const consumed = new Set<string>([...entry.names, "resourceGroupName", ...(entry.scopeInput ? [entry.scopeInput] : []), ...TOP_LEVEL, "properties"]);
  const rest = Object.fromEntries(Object.entries(inputs).filter(([key]) => !consumed.has(key)));
  // Most azure-native inputs are ARM properties flattened; a few types keep an explicit `properties` bag.
  const nested = inputs.properties && typeof inputs.properties === "object" ? (inputs.properties as Record<string, unknown>) : {};
  const top = Object.fromEntries(TOP_LEVEL.filter((key) => inputs[key] !== undefined).map((key) => [key, inputs[key]]));
  return {
    type: entry.arm,
    apiVersion: entry.apiVersion,
    name: segments.join("/") || (resource.physicalName ?? resource.name),
    ...(entry.scopeInput && inputs[entry.scopeInput] !== undefined ? { scope: String(inputs[entry.scopeInput]) } : {}),
    ...top,
    properties: { ...rest, ...nested },
    dependsOn: resource.dependsOn.map((urn) => idOf.get(urn)).filter((id): id is string => id !== undefined),
  };
}

/** The plan's resource inventory shaped as an ARM template, for tools that read ARM. */
export function toArmTemplate(plan: Plan): ArmTemplate {
  const idOf = new Map(
    plan.resources.filter((r) => r.armType && typeof r.outputs.id === "string").map((r) => [r.urn, r.outputs.id as string]),
  );
  const resources: ArmResource[] = [];
  const skipped: ArmTemplate["metadata"]["skipped"] = [];
  for (const resource of plan.resources) {
    if (!resource.custom) {
      skipped.push({ name: resource.name, type: resource.type, reason: "component: a Pulumi grouping, not deployed" });
      continue;
    }
    const arm = toArmResource(resource, idOf);
    if (typeof arm === "string") skipped.push({ name: resource.name, type: resource.type, reason: arm });
    else resources.push(arm);
  }
  return {
    $schema: ARM_SCHEMA,
    contentVersion: "1.0.0.0",
    metadata: {
      generator: "estate export",
      stack: plan.stack,
      profile: plan.profile,
      note: `Resource inventory from an ${OFFLINE_LABEL}. ARM-shaped for other tools; ids and computed values are the mocks' and it is not meant to be deployed as is.`,
      skipped,
    },
    resources,
  };
}
