import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { Namer } from "../infra/naming/index.js";
import { Network, planSubnets } from "../infra/network/index.js";
import { Monitoring } from "../infra/observability/monitoring.js";
import { enforceRequiredTags, requiredTags } from "../infra/tags/index.js";
import type { EstateConfig } from "./config/schema.js";

/** What the estate exports as stack outputs (and what the CLI prints after a plan or an `up`). */
export interface EstateOutputs {
  resourceGroupName: pulumi.Output<string>;
  vnetId: pulumi.Output<string>;
}

/**
 * The whole estate for one stack, composed from the components in infra/. Decides what to build
 * from the resolved config; knows no resource details.
 */
export function composeEstate(config: EstateConfig): EstateOutputs {
  const namer = new Namer({ workload: config.workload, environment: config.environment, location: config.location });
  const tags = requiredTags({
    environment: config.environment,
    owner: config.owner,
    costCentre: config.costCentre,
    expiresAt: config.expiresAt,
    extra: config.tags,
  });
  enforceRequiredTags(tags);

  const group = new resources.ResourceGroup("rg", {
    resourceGroupName: namer.name("resourceGroup"),
    location: config.location,
  });
  const base = { resourceGroupName: group.name, location: group.location, namer };

  // Monitoring comes first: every other component sends its diagnostics to its workspace.
  const monitoring = new Monitoring("monitoring", { ...base, retentionDays: config.observability.retentionDays });
  const diagnostics = { workspaceId: monitoring.workspaceId };

  const network = new Network("network", {
    ...base,
    diagnostics,
    addressSpace: config.network.addressSpace,
    subnets: planSubnets(config.network.addressSpace, config.network.subnets),
  });

  return { resourceGroupName: group.name, vnetId: network.vnetId };
}
