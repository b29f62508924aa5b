import { planProgram } from "../cli/plan/engine.js";
import { OFFLINE_SUBSCRIPTION } from "../cli/plan/mocks.js";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import type { BaseArgs } from "../infra/core/args.js";
import { Namer } from "../infra/naming/index.js";

/** Shared arguments for a component under test: a fixed group, region, namer and workspace. */
export const BASE = {
  resourceGroupName: "rg-test",
  location: "westeurope",
  namer: new Namer({ workload: "estate", environment: "test", location: "westeurope" }),
  diagnostics: {
    workspaceId: `/subscriptions/${OFFLINE_SUBSCRIPTION}/resourceGroups/rg-test/providers/Microsoft.OperationalInsights/workspaces/log-test`,
  },
} satisfies BaseArgs;

export const PRIVATE_ENDPOINT = {
  subnetId: `/subscriptions/${OFFLINE_SUBSCRIPTION}/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-test/subnets/snet-pe`,
  privateDnsZoneId: `/subscriptions/${OFFLINE_SUBSCRIPTION}/resourceGroups/rg-test/providers/Microsoft.Network/privateDnsZones/zone`,
};

/** Plans a small program under the offline mocks (one at a time per test file: the runtime is per process). */
export function planComponents(
  program: () => void | Record<string, unknown> | Promise<void | Record<string, unknown>>,
): Promise<Plan> {
  return planProgram({
    project: "test",
    stack: "unit",
    config: {},
    secretKeys: [],
    program: async () => (await program()) ?? {},
  });
}

export function ofType(plan: Plan, type: string): PlanResource[] {
  return plan.resources.filter((r) => r.type === type);
}

export function oneOfType(plan: Plan, type: string): PlanResource {
  const found = ofType(plan, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** The private endpoint connected to `targetId`, and its DNS zone group. */
export function endpointOf(
  plan: Plan,
  targetId: unknown,
  /** The subnet it must be in, where a service has endpoints in several VNets (estate:dr). */
  subnetId?: unknown,
): { endpoint: PlanResource; zoneGroup: PlanResource } | undefined {
  const endpoint = ofType(plan, "azure-native:network:PrivateEndpoint").find(
    (r) =>
      (r.inputs.privateLinkServiceConnections as Array<{ privateLinkServiceId: string }>)[0].privateLinkServiceId ===
        targetId &&
      (subnetId === undefined || (r.inputs.subnet as { id: unknown }).id === subnetId),
  );
  if (!endpoint) return undefined;
  const zoneGroup = ofType(plan, "azure-native:network:PrivateDnsZoneGroup").find(
    (r) => r.inputs.privateEndpointName === endpoint.physicalName,
  );
  if (!zoneGroup) throw new Error(`private endpoint ${endpoint.physicalName} has no DNS zone group`);
  return { endpoint, zoneGroup };
}
