import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applyAccountArgs, blobServiceArgs, privateAccountArgs } from "../data/storage.js";
import type { StorageRedundancy } from "../data/options.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { contentTypeOf, SITE_INDEX, snapshotSite, type SiteContent } from "./content.js";

/** How long a file a later deployment overwrote is kept as a version: a rollback reaches a month back. */
export const PREVIOUS_VERSION_DAYS = 30;

export interface StorageWebsiteArgs extends BaseArgs {
  /** The service's name: the storage account's name qualifier (with the workload and environment, 24 characters at most). */
  name: string;
  /** The site's build output, served as is: the `folder` (with index.html at its root), relative to `rootDir`, the project folder. */
  content: { folder: string; rootDir: string };
  /** Replication of the account: LRS, ZRS, GRS, GZRS and their read-access variants. */
  redundancy: StorageRedundancy;
  /** Days deleted or overwritten blobs (and containers) are kept; a bad deployment can be rolled back within them. */
  softDeleteDays: number;
  /**
   * The blob private endpoint the deployment writes through (the account has no public network
   * access): its subnet and the `privatelink.blob.core.windows.net` zone.
   */
  privateEndpoint: PrivateEndpointArgs;
  /** The Entra object id of the identity running the deployment: it is granted Storage Blob Data Contributor on `$web` only. */
  deployerPrincipalId: pulumi.Input<string>;
}

/**
 * One service's built front end served by a storage account's static website: the account is
 * Entra-only and private (no shared keys, no public network access, TLS 1.2, HTTPS only), the
 * build output is snapshotted during the program (infra/static/content.ts) and every file is a
 * block blob in `$web` with its Content-Type from a fixed table. Front Door Premium reaches the
 * website endpoint over Private Link (`privateLinkOrigin`, sub-resource `web`).
 *
 * Anonymous access: the account keeps `allowBlobPublicAccess: false`. "Files in the $web
 * container are ... served through anonymous access requests and are available only through read
 * operations", and changing the container's access level "has no impact on the primary static
 * website endpoint" (https://learn.microsoft.com/azure/storage/blobs/storage-blob-static-website):
 * the website endpoint needs no anonymous blob access on the account; the blob endpoint still
 * refuses anonymous callers.
 *
 * Shared keys: azure-native v3 enables the website and writes blobs with the provider's Entra
 * token on the data plane (SetProperties, PutBlob), not with an account key
 * (https://github.com/pulumi/pulumi-azure-native/blob/master/provider/pkg/resources/customresources/custom_storage_azidentity.go),
 * so the account allows no shared key; the deployer needs the data role granted here.
 */
export class StorageWebsite extends pulumi.ComponentResource {
  readonly accountId: pulumi.Output<string>;
  readonly accountName: pulumi.Output<string>;
  /** `<account>.z<n>.web.core.windows.net`: Front Door's origin and origin host header. */
  readonly defaultHostname: pulumi.Output<string>;
  /** What Front Door Premium connects to over Private Link: the account and its `web` sub-resource, in its region. */
  readonly privateLinkOrigin: { resourceId: pulumi.Output<string>; groupId: "web"; location: pulumi.Input<string> };
  readonly content: SiteContent;

  constructor(name: string, args: StorageWebsiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:static:StorageWebsite", name, {}, opts);
    const { resourceGroupName, location, namer } = args;
    // Before anything is declared: a missing or empty build folder stops the program here.
    this.content = snapshotSite({ ...args.content, outDir: path.join(args.content.rootDir, ".estate", "sites") });

    const logical = `${name}-st`;
    const account = new storage.StorageAccount(
      logical,
      privateAccountArgs(
        { resourceGroupName, location, accountName: namer.name("storageAccount", args.name) },
        args.redundancy,
      ),
      { parent: this },
    );
    const inAccount = { accountName: account.name, resourceGroupName };
    new storage.BlobServiceProperties(
      `${logical}-blob`,
      blobServiceArgs(account.name, resourceGroupName, args.softDeleteDays),
      { parent: this },
    );
    // Every deployment overwrites the site's files, keeping the old ones as versions: they expire
    // after a month. Base blobs stay Hot: an archived file could not be served.
    new storage.ManagementPolicy(
      `${logical}-lifecycle`,
      {
        ...inAccount,
        managementPolicyName: "default",
        policy: {
          rules: [
            {
              name: "expire-previous-deployments",
              enabled: true,
              type: "Lifecycle",
              definition: {
                filters: { blobTypes: ["blockBlob"] },
                actions: { version: { delete: { daysAfterCreationGreaterThan: PREVIOUS_VERSION_DAYS } } },
              },
            },
          ],
        },
      },
      { parent: this },
    );
    const endpoint = privateEndpoint(this, logical, args, "blob", account.id, args.privateEndpoint);
    applyAccountArgs(this, logical, account.id, args);

    // A single-page app: unknown paths get the app's own page, which routes on the client.
    const website = new storage.StorageAccountStaticWebsite(
      `${logical}-website`,
      { ...inAccount, indexDocument: SITE_INDEX, error404Document: SITE_INDEX },
      { parent: this, dependsOn: [endpoint] },
    );
    const [writer] = assignRoles(
      this,
      `${logical}-web`,
      // Through the website's container name: $web exists once the website is on.
      pulumi.interpolate`${account.id}/blobServices/default/containers/${website.containerName}`,
      [{ role: "Storage Blob Data Contributor", principalId: args.deployerPrincipalId, key: "deployer" }],
    );
    for (const file of this.content.paths) {
      new storage.Blob(
        `${logical}-file-${file}`,
        {
          ...inAccount,
          containerName: website.containerName,
          blobName: file,
          type: "Block",
          contentType: contentTypeOf(file),
          // The snapshot, named by the content's hash: what was planned is what is uploaded.
          source: new pulumi.asset.FileAsset(path.join(this.content.folder, file)),
        },
        { parent: this, dependsOn: [writer!] },
      );
    }

    this.accountId = account.id;
    this.accountName = account.name;
    // https://<account>.z6.web.core.windows.net/ → <account>.z6.web.core.windows.net
    this.defaultHostname = account.primaryEndpoints.apply((endpoints) => {
      if (!endpoints.web) throw new Error(`storage website ${args.name}: Azure returned no web endpoint`);
      return new URL(endpoints.web).host;
    });
    this.privateLinkOrigin = { resourceId: account.id, groupId: "web", location };
    this.registerOutputs({ accountId: this.accountId, defaultHostname: this.defaultHostname });
  }
}
