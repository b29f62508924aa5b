import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import { Namer, type Region } from "../../infra/naming/index.js";
import { Monitoring } from "../../infra/observability/monitoring.js";
import type { SuppliedSecretArgs } from "../../infra/secrets/key-vault.js";
import { enforceRequiredTags, requiredTags } from "../../infra/tags/index.js";
import type { EstateConfig } from "../config/schema.js";
import { secondaryRegion } from "../config/dr.js";
import { secretExpiry, valueKey } from "../config/secrets.js";
import type { HostedService } from "../services.js";

/**
 * What every tier builds on: the resolved config, the hosted services, the resource group and its
 * names, the monitoring every component sends diagnostics to, and the deployer's Entra identity.
 */
export interface Foundation {
  config: EstateConfig;
  services: HostedService[];
  namer: Namer;
  group: resources.ResourceGroup;
  /** The arguments every component in the resource group takes. */
  base: { resourceGroupName: pulumi.Output<string>; location: pulumi.Output<string>; namer: Namer };
  monitoring: Monitoring;
  diagnostics: { workspaceId: pulumi.Output<string> };
  appInsights: { id: pulumi.Output<string>; connectionString: pulumi.Output<string> };
  /** The identity running the program (uploads packages, owns app registrations). */
  clientConfig: pulumi.Output<authorization.GetClientConfigResult>;
  /** The Key Vault secrets the operator supplies (estate:secrets.supplied), with their values. */
  suppliedSecrets: SuppliedSecretArgs[];
  /** The recovery region's resource group and names, when estate:dr is on. */
  secondary?: Site;
}

/**
 * A region the estate deploys its network and hosts to: the primary, or the secondary of estate:dr.
 * The secondary has a resource group of its own in its region: Resource Manager keeps a group's
 * metadata in the group's region, and its resources cannot be changed while that region is down
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/overview#resource-group-location-alignment).
 */
export interface Site {
  location: Region;
  /** Appended to the logical names of the site's components: "" in the primary region. */
  suffix: string;
  group: resources.ResourceGroup;
  base: { resourceGroupName: pulumi.Output<string>; location: pulumi.Output<string>; namer: Namer };
}

/** The primary region as a site. */
export const primarySite = ({ config, group, base }: Foundation): Site => ({
  location: config.location,
  suffix: "",
  group,
  base,
});

export function foundationTier(config: EstateConfig, services: HostedService[]): Foundation {
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
  const secondary = secondarySite(config);

  // Monitoring comes first: every other component sends its diagnostics to its workspace.
  const monitoring = new Monitoring("monitoring", { ...base, retentionDays: config.observability.retentionDays });
  return {
    config,
    services,
    namer,
    group,
    base,
    monitoring,
    diagnostics: { workspaceId: monitoring.workspaceId },
    appInsights: { id: monitoring.appInsightsId, connectionString: monitoring.appInsightsConnectionString },
    clientConfig: authorization.getClientConfigOutput(),
    suppliedSecrets: suppliedSecrets(config),
    ...(secondary ? { secondary } : {}),
  };
}

/** The secondary region's site when estate:dr is on (the config check refuses DR without a secondary). */
function secondarySite(config: EstateConfig): Site | undefined {
  const location = config.dr.enabled ? secondaryRegion(config.dr, config.location) : undefined;
  if (!location) return undefined;
  const namer = new Namer({ workload: config.workload, environment: config.environment, location });
  const group = new resources.ResourceGroup("rg-secondary", {
    resourceGroupName: namer.name("resourceGroup"),
    location,
  });
  return {
    location,
    suffix: "-secondary",
    group,
    base: { resourceGroupName: group.name, location: group.location, namer },
  };
}

/** Each supplied secret with its value read from the stack config as a Pulumi secret (loadConfig checked it is there and secure). */
function suppliedSecrets(config: EstateConfig): SuppliedSecretArgs[] {
  return config.secrets.supplied.map((secret) => {
    const { namespace, key } = valueKey(secret);
    // The config check refuses a secret whose dates give no expiry.
    return {
      name: secret.name,
      value: new pulumi.Config(namespace).requireSecret(key),
      expires: secretExpiry(secret)!,
      contentType: secret.contentType,
    };
  });
}
