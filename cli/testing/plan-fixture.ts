import { PLAN_SCHEMA_VERSION, type Plan, type PlanResource } from "../plan/schema.js";

/** Hand-made plans for tests of the plan tools: only what each test needs, in the plan.json shape. */
export interface FixtureResource {
  type: string;
  name: string;
  inputs?: Record<string, unknown>;
  physicalName?: string;
  armType?: string;
  /** Logical name of the parent component, if any. */
  parent?: string;
  /** Logical names this resource depends on. */
  dependsOn?: string[];
  custom?: boolean;
}

export function fixturePlan(stack: string, resources: FixtureResource[], profile = "dev"): Plan {
  const urnOf = new Map<string, string>();
  const urn = (r: FixtureResource) => {
    const parentType = r.parent ? resources.find((p) => p.name === r.parent)?.type : undefined;
    return `urn:pulumi:${stack}::estate::${parentType ? `${parentType}$` : ""}${r.type}::${r.name}`;
  };
  for (const r of resources) urnOf.set(r.name, urn(r));
  const planResources: PlanResource[] = resources.map((r) => ({
    urn: urnOf.get(r.name)!,
    type: r.type,
    name: r.name,
    physicalName: r.physicalName ?? (r.custom === false ? undefined : r.name),
    armType: r.armType,
    custom: r.custom ?? true,
    parent: r.parent ? urnOf.get(r.parent) : undefined,
    dependsOn: (r.dependsOn ?? []).map((d) => urnOf.get(d)!),
    inputs: r.inputs ?? {},
    outputs: {},
  }));
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    stack,
    profile,
    mode: "offline",
    project: "estate",
    createdAt: "2026-11-24T00:00:00.000Z",
    durationMs: 1,
    resources: planResources,
    outputs: {},
  };
}
