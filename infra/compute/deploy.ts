import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { buildServicePackage } from "./package.js";

export interface ServicePackageArgs {
  kind: "function-app" | "web-app";
  /** The service's entry file (absolute). */
  entryPath: string;
  /** The project folder: where Pulumi runs the program, and where packages are built (.estate/packages). */
  rootDir: string;
  /** Where packages are uploaded: a container the deployer may write to. */
  target: { accountName: pulumi.Input<string>; blobEndpoint: pulumi.Input<string>; containerName: string };
}

export interface ServicePackage {
  upload: command.local.Command;
  /**
   * Where the app runs its code from (WEBSITE_RUN_FROM_PACKAGE). Read through the upload, so
   * whatever takes it waits for the blob to exist: on the first deploy and on every code change.
   */
  url: pulumi.Output<string>;
}

/**
 * Builds a service into its zip during the program and uploads it with the deployer's Entra
 * sign-in (`az ... --auth-mode login`): azure-native's Blob resource signs with the account key,
 * and the estate's storage accounts allow no shared keys. The blob is named by the zip's SHA-256,
 * so a code change replaces only that service's upload and its app's setting. Values reach the
 * shell as environment variables, never spliced into it.
 */
export function deployServicePackage(name: string, args: ServicePackageArgs, opts?: pulumi.CustomResourceOptions): ServicePackage {
  const built = buildServicePackage({
    kind: args.kind,
    entry: path.relative(args.rootDir, args.entryPath),
    rootDir: args.rootDir,
    outDir: path.join(args.rootDir, ".estate", "packages"),
  });
  const { accountName, blobEndpoint, containerName } = args.target;
  const blobName = `${name}/${built.sha256}.zip`;
  const target = '--auth-mode login --account-name "$ACCOUNT" --container-name "$CONTAINER" --name "$BLOB" --only-show-errors';
  const upload = new command.local.Command(
    `package-${name}`,
    {
      create: `az storage blob upload ${target} --file "$FILE" --overwrite`,
      delete: `az storage blob delete ${target} --delete-snapshots include`,
      // The zip relative to the project: the same plan on every machine, and Pulumi runs there.
      environment: { ACCOUNT: accountName, CONTAINER: containerName, BLOB: blobName, FILE: path.relative(args.rootDir, built.file) },
      // A new package (new hash) replaces the upload; the old blob is deleted once the app moved on.
      triggers: [built.sha256],
    },
    opts,
  );
  const url = pulumi.all([upload.id, blobEndpoint]).apply(([, endpoint]) => `${endpoint}${containerName}/${blobName}`);
  return { upload, url };
}
