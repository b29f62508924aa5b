import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { sendDiagnostics } from "../observability/diagnostics.js";
import { STORAGE_REDUNDANCY, type StorageRedundancy } from "./options.js";

export interface StorageArgs extends BaseArgs {
  /** Replication: LRS, ZRS, GRS, GZRS and their read-access variants (STORAGE_REDUNDANCY). */
  redundancy: StorageRedundancy;
  /** Private blob containers created in the account. */
  containers: string[];
  /** Days kept after delete, for blobs and for containers. */
  softDeleteDays: number;
  /** Lifecycle: blobs unmodified for `coolAfterDays` days move to Cool, after `archiveAfterDays` days to Archive. */
  lifecycle: { coolAfterDays: number; archiveAfterDays: number };
  /** Where the account's blob private endpoint goes; absent: none (public network access stays disabled). */
  privateEndpoint?: PrivateEndpointArgs;
}

export type BlobAccess = "read" | "write";
const BLOB_ROLES: Record<BlobAccess, string> = {
  read: "Storage Blob Data Reader",
  write: "Storage Blob Data Contributor",
};

/**
 * A StorageV2 account reached with Entra ID only: no shared keys, no anonymous blobs, HTTPS and
 * TLS 1.2, no public network access (private endpoints only), no cross-tenant replication.
 */
export function privateAccountArgs(
  where: { resourceGroupName: pulumi.Input<string>; location: pulumi.Input<string>; accountName: string },
  redundancy: StorageRedundancy,
): storage.StorageAccountArgs {
  return {
    ...where,
    kind: "StorageV2",
    sku: { name: STORAGE_REDUNDANCY[redundancy] },
    accessTier: "Hot",
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    defaultToOAuthAuthentication: true,
    allowCrossTenantReplication: false,
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
    publicNetworkAccess: "Disabled",
    networkRuleSet: { defaultAction: "Deny", bypass: "None" },
  };
}

/** The blob service with versioning, and soft delete for blobs and containers kept `softDeleteDays` days. */
export function blobServiceArgs(
  accountName: pulumi.Input<string>,
  resourceGroupName: pulumi.Input<string>,
  softDeleteDays: number,
): storage.BlobServicePropertiesArgs {
  return {
    accountName,
    resourceGroupName,
    blobServicesName: "default",
    isVersioningEnabled: true,
    deleteRetentionPolicy: { enabled: true, days: softDeleteDays },
    containerDeleteRetentionPolicy: { enabled: true, days: softDeleteDays },
  };
}

/** The account's lock and diagnostics: metrics on the account, blob reads, writes and deletes on its blob service. */
export function applyAccountArgs(
  owner: pulumi.Resource,
  name: string,
  accountId: pulumi.Output<string>,
  args: Pick<BaseArgs, "diagnostics" | "lock">,
): void {
  applySharedArgs(owner, name, accountId, args, { logs: false });
  // Blob reads, writes and deletes are logged by the blob service, not the account.
  sendDiagnostics(owner, `${name}-blob`, pulumi.interpolate`${accountId}/blobServices/default`, args.diagnostics);
}

/**
 * A StorageV2 account for blobs: Entra-only (no shared keys, no anonymous blobs), HTTPS and
 * TLS 1.2, reachable through its blob private endpoint, with soft delete, versioning and a
 * lifecycle that cools and archives old blobs.
 */
export class BlobStorage extends pulumi.ComponentResource {
  readonly accountId: pulumi.Output<string>;
  readonly accountName: pulumi.Output<string>;
  readonly blobEndpoint: pulumi.Output<string>;
  /** The containers by name, for resources that must wait for one (e.g. package uploads). */
  readonly containers: Record<string, storage.BlobContainer> = {};

  constructor(
    private readonly name: string,
    args: StorageArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("estate:data:BlobStorage", name, {}, opts);
    const { resourceGroupName, location, namer } = args;

    const account = new storage.StorageAccount(
      `${name}-account`,
      privateAccountArgs({ resourceGroupName, location, accountName: namer.name("storageAccount") }, args.redundancy),
      { parent: this },
    );

    const blobService = new storage.BlobServiceProperties(
      `${name}-blob`,
      blobServiceArgs(account.name, resourceGroupName, args.softDeleteDays),
      { parent: this },
    );

    for (const container of args.containers) {
      this.containers[container] = new storage.BlobContainer(
        `${name}-${container}`,
        { accountName: account.name, resourceGroupName, containerName: container, publicAccess: "None" },
        { parent: this, dependsOn: [blobService] },
      );
    }

    new storage.ManagementPolicy(
      `${name}-lifecycle`,
      {
        accountName: account.name,
        resourceGroupName,
        managementPolicyName: "default",
        policy: {
          rules: [
            {
              name: "cool-then-archive",
              enabled: true,
              type: "Lifecycle",
              definition: {
                filters: { blobTypes: ["blockBlob"] },
                actions: {
                  baseBlob: {
                    tierToCool: { daysAfterModificationGreaterThan: args.lifecycle.coolAfterDays },
                    tierToArchive: { daysAfterModificationGreaterThan: args.lifecycle.archiveAfterDays },
                  },
                  version: {
                    tierToCool: { daysAfterCreationGreaterThan: args.lifecycle.coolAfterDays },
                    tierToArchive: { daysAfterCreationGreaterThan: args.lifecycle.archiveAfterDays },
                  },
                },
              },
            },
          ],
        },
      },
      { parent: this },
    );

    if (args.privateEndpoint) privateEndpoint(this, name, args, "blob", account.id, args.privateEndpoint);
    applyAccountArgs(this, name, account.id, args);

    this.accountId = account.id;
    this.accountName = account.name;
    this.blobEndpoint = account.primaryEndpoints.blob;
    this.registerOutputs({ accountId: this.accountId, blobEndpoint: this.blobEndpoint });
  }

  /**
   * Blob data access for a principal on one container, never the whole account: Reader for "read",
   * Contributor for "write".
   */
  grantBlobAccess(key: string, principalId: pulumi.Input<string>, access: BlobAccess, container: string) {
    const target = this.containers[container];
    if (!target) {
      throw new Error(
        `storage ${this.name} has no container "${container}"; containers: ${Object.keys(this.containers).join(", ")}`,
      );
    }
    return assignRoles(this, `${this.name}-${container}`, target.id, [
      { role: BLOB_ROLES[access], principalId, key },
    ])[0];
  }
}
