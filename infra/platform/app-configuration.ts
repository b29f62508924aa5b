import * as pulumi from "@pulumi/pulumi";
import * as appconfiguration from "@pulumi/azure-native/appconfiguration";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { refuseProblems } from "./checks.js";

/**
 * Free has no SLA, no private endpoints, no soft delete and no purge protection; Standard and Premium
 * have all four. Sources: https://learn.microsoft.com/azure/azure-app-configuration/faq (tiers),
 * https://learn.microsoft.com/azure/azure-app-configuration/concept-private-endpoint,
 * https://learn.microsoft.com/azure/azure-app-configuration/concept-soft-delete (1-7 days kept).
 */
export type AppConfigurationSku = "free" | "standard" | "premium";
export const SOFT_DELETE_DAYS = { min: 1, max: 7 } as const;

export type AppConfigurationAccess = "App Configuration Data Reader";

export interface AppConfigurationArgs extends BaseArgs {
  sku: AppConfigurationSku;
  /** Days a deleted store can be recovered (Standard and Premium). */
  softDeleteRetentionDays: number;
  /** Deleted stores cannot be purged before retention ends; cannot be turned off again. */
  purgeProtection: boolean;
  privateEndpoint?: PrivateEndpointArgs;
}

export function appConfigurationProblems(args: Pick<AppConfigurationArgs, "sku" | "softDeleteRetentionDays" | "purgeProtection"> & { privateEndpoint?: unknown }): string[] {
  const problems: string[] = [];
  if (!["free", "standard", "premium"].includes(args.sku)) return [`sku "${args.sku}" is not one of free, standard, premium`];
  if (args.sku === "free") {
    if (args.privateEndpoint) problems.push("the free tier has no private endpoints; use standard or premium");
    if (args.purgeProtection) problems.push("the free tier has no purge protection; use standard or premium");
  }
  const days = args.softDeleteRetentionDays;
  if (!Number.isInteger(days) || days < SOFT_DELETE_DAYS.min || days > SOFT_DELETE_DAYS.max) {
    problems.push(`softDeleteRetentionDays ${days} is outside ${SOFT_DELETE_DAYS.min}-${SOFT_DELETE_DAYS.max}`);
  }
  return problems;
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
    const { resourceGroupName, location, namer, tags } = args;
    const paid = args.sku !== "free";

    const store = new appconfiguration.ConfigurationStore(
      `${name}-store`,
      {
        configStoreName: namer.name("appConfiguration"),
        resourceGroupName,
        location,
        tags,
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
  grantDataAccess(key: string, principalId: pulumi.Input<string>, role: AppConfigurationAccess = "App Configuration Data Reader") {
    return assignRoles(this, this.name, this.storeId, [{ role, principalId, key }])[0];
  }
}
