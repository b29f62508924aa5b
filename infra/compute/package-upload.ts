import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";

export interface PackageUploadArgs {
  accountName: pulumi.Input<string>;
  /** Blob endpoint of the account, e.g. https://stexample.blob.core.windows.net/ */
  blobEndpoint: pulumi.Input<string>;
  containerName: string;
  blobName: string;
  /** The zip, relative to the project folder (where Pulumi runs the program). */
  file: string;
  /** The zip's SHA-256: a new hash uploads a new blob, and only that app's setting changes. */
  sha256: string;
}

export interface PackageUpload {
  resource: command.local.Command;
  /** Where the app runs its code from (WEBSITE_RUN_FROM_PACKAGE). */
  url: pulumi.Output<string>;
}

/**
 * Uploads a service's zip with the deployer's Entra sign-in (`az ... --auth-mode login`):
 * azure-native's Blob resource signs with the account key, and the estate's storage accounts
 * allow no shared keys. Values reach the shell as environment variables, never spliced into it.
 */
export function uploadPackage(name: string, args: PackageUploadArgs, opts?: pulumi.CustomResourceOptions): PackageUpload {
  const target = '--auth-mode login --account-name "$ACCOUNT" --container-name "$CONTAINER" --name "$BLOB" --only-show-errors';
  const resource = new command.local.Command(
    name,
    {
      create: `az storage blob upload ${target} --file "$FILE" --overwrite`,
      delete: `az storage blob delete ${target} --delete-snapshots include`,
      environment: { ACCOUNT: args.accountName, CONTAINER: args.containerName, BLOB: args.blobName, FILE: args.file },
      // A new package (new hash) replaces the upload; the old blob is deleted once the app moved on.
      triggers: [args.sha256],
    },
    opts,
  );
  return { resource, url: pulumi.interpolate`${args.blobEndpoint}${args.containerName}/${args.blobName}` };
}
