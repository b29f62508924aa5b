import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import type * as authorization from "@pulumi/azure-native/authorization";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";

/**
 * Registry tiers. Private endpoints, disabling public network access, zone redundancy, dedicated
 * data endpoints, retention and export policies are Premium only.
 * Source: https://learn.microsoft.com/azure/container-registry/container-registry-skus
 */
export const REGISTRY_SKUS = ["Basic", "Standard", "Premium"] as const;
export type RegistrySku = (typeof REGISTRY_SKUS)[number];

export interface RegistryArgs extends BaseArgs {
  /** Registry tier (Basic, Standard, Premium); the private endpoint, zone redundancy and retention need Premium. */
  sku: RegistrySku;
  /** Premium: replicas across the region's availability zones. */
  zoneRedundant?: boolean;
  /** Premium: the registry's private endpoint; public network access is then disabled. */
  privateEndpoint?: PrivateEndpointArgs;
  /** Premium: days untagged manifests are kept before they are purged (default 7). */
  untaggedRetentionDays?: number;
  /**
   * Never true: the admin user is one shared password with push rights. Pulls and pushes go
   * through Entra ID role assignments (grantPull / AcrPush). Present only so a caller passing it
   * from untyped config is refused instead of silently ignored.
   */
  adminUserEnabled?: false;
}

/**
 * An Azure Container Registry: no admin user, no anonymous pull, every pull and push by an Entra
 * identity with AcrPull / AcrPush. On Premium it is private (private endpoint, public network
 * access off, export of images off, trusted services not bypassing the firewall), optionally zone
 * redundant, with a dedicated data endpoint and untagged manifests purged after a retention.
 * Basic and Standard cannot close their public endpoint: Entra ID is then the only gate.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  /** `<name>.azurecr.io`: the server images are pulled from. */
  readonly loginServer: pulumi.Output<string>;

  constructor(
    private readonly logicalName: string,
    args: RegistryArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("estate:containers:ContainerRegistry", logicalName, {}, opts);
    const premium = args.sku === "Premium";
    if ((args as { adminUserEnabled?: boolean }).adminUserEnabled === true) {
      throw new Error(
        `registry ${logicalName}: adminUserEnabled must stay false; grant AcrPull or AcrPush to an identity instead`,
      );
    }
    if (!premium) {
      const premiumOnly = [
        args.zoneRedundant && "zoneRedundant",
        args.privateEndpoint && "privateEndpoint",
        args.untaggedRetentionDays !== undefined && "untaggedRetentionDays",
      ].filter(Boolean);
      if (premiumOnly.length)
        throw new Error(`registry ${logicalName}: ${premiumOnly.join(", ")} need sku Premium (got ${args.sku})`);
    }
    const retentionDays = args.untaggedRetentionDays ?? 7;
    if (!Number.isInteger(retentionDays) || retentionDays < 0 || retentionDays > 365) {
      throw new Error(
        `registry ${logicalName}: untaggedRetentionDays got ${retentionDays}; expected a whole number of days, 0-365`,
      );
    }
    const closed = premium && args.privateEndpoint !== undefined;

    const registry = new containerregistry.Registry(
      `${logicalName}-cr`,
      {
        registryName: args.namer.name("containerRegistry"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: args.sku },
        adminUserEnabled: false,
        anonymousPullEnabled: false,
        publicNetworkAccess: closed ? "Disabled" : "Enabled",
        ...(premium
          ? {
              zoneRedundancy: args.zoneRedundant ? "Enabled" : "Disabled",
              dataEndpointEnabled: true,
              // Nothing reaches a closed registry around its private endpoint, trusted services included.
              networkRuleBypassOptions: closed ? "None" : "AzureServices",
              policies: {
                retentionPolicy: { status: "enabled", days: retentionDays },
                // Export (az acr import/transfer out) needs public access; a private registry keeps its images.
                exportPolicy: { status: closed ? "disabled" : "enabled" },
              },
            }
          : {}),
      },
      { parent: this },
    );
    applySharedArgs(this, `${logicalName}-cr`, registry.id, args);
    if (closed)
      privateEndpoint(this, `${logicalName}-cr`, args, "containerRegistry", registry.id, args.privateEndpoint!);

    this.id = registry.id;
    this.name = registry.name;
    this.loginServer = registry.loginServer;
    this.registerOutputs({ id: this.id, loginServer: this.loginServer });
  }

  /** Lets one identity pull images (AcrPull on this registry only); `key` names the assignment. */
  grantPull(key: string, principalId: pulumi.Input<string>): authorization.RoleAssignment {
    return assignRoles(this, `${this.logicalName}-cr`, this.id, [{ role: "AcrPull", principalId, key }])[0]!;
  }
}
