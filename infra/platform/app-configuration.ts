import * as pulumi from "@pulumi/pulumi";
import * as appconfiguration from "@pulumi/azure-native/appconfiguration";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { appConfigurationProblems, refuseProblems, type AppConfigurationSku } from "./limits.js";

export type AppConfigurationAccess = "App Configuration Data Reader";

export interface AppConfigurationArgs extends BaseArgs {
  /**
   * Store tier: free, standard or premium (soft delete, purge protection and private endpoints need standard
   * or above).
   */
  sku: AppConfigurationSku;
  /** Days a deleted store can be recovered (Standard and Premium). */
  softDeleteRetentionDays: number;
  /** Deleted stores cannot be purged before retention ends; cannot be turned off again. */
  purgeProtection: boolean;
  /** Where the service's private endpoint goes; absent: none (public network access stays disabled). */
  privateEndpoint?: PrivateEndpointArgs;
}

/**
 * An App Configuration store read with Entra ID (access keys off), only through its private endpoint,
 * with soft delete (and purge protection where asked) and diagnostics to the workspace.
 */
export class AppConfiguration extends pulumi.ComponentResource {
  readonly storeId: pulumi.Output<string>;
  readonly storeName: pulumi.Output<string>;
  /** `https://<store>.azconfig.io` */
  readonly endpoint: pulumi.Output<string>;
  private readonly name: string;

  constructor(name: string, args: AppConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
    refuseProblems(`App Configuration ${name}`, appConfigurationProblems(args));
    super("estate:platform:AppConfiguration", name, {}, opts);
    this.name = name;
    const { resourceGroupName, location, namer } = args;
    const paid = args.sku !== "free";

    const store = new appconfiguration.ConfigurationStore(
      `${name}-store`,
      {
        configStoreName: namer.name("appConfiguration"),
        resourceGroupName,
        location,
        sku: { name: args.sku },
        disableLocalAuth: true,
        publicNetworkAccess: "Disabled",
        identity: { type: "SystemAssigned" },
        softDeleteRetentionInDays: paid ? args.softDeleteRetentionDays : undefined,
        enablePurgeProtection: paid ? args.purgeProtection : undefined,
      },
      { parent: this },
    );

    if (args.privateEndpoint) privateEndpoint(this, name, args, "appConfiguration", store.id, args.privateEndpoint);
    applySharedArgs(this, name, store.id, args);

    this.storeId = store.id;
    this.storeName = store.name;
    this.endpoint = pulumi.interpolate`https://${store.name}.azconfig.io`;
    this.registerOutputs({ storeId: this.storeId, endpoint: this.endpoint });
  }

  /** App Configuration Data Reader on the store: read key-values and feature flags. */
  grantDataAccess(
    key: string,
    principalId: pulumi.Input<string>,
    role: AppConfigurationAccess = "App Configuration Data Reader",
  ) {
    return assignRoles(this, this.name, this.storeId, [{ role, principalId, key }])[0];
  }
}
