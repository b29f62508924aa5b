import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { buildServicePackage } from "./package.js";

export interface ServicePackageArgs {
  /** What the service runs as: a Function app (the Functions host layout) or a plain Node web app. */
  kind: "function-app" | "web-app";
  /** The service's entry file (absolute). */
  entryPath: string;
  /** The project folder: where Pulumi runs the program, and where packages are built (.estate/packages). */
  rootDir: string;
  /**
   * Where packages are uploaded, a container the deployer may write to: the storage account `accountName`,
   * its `blobEndpoint` (`https://<account>.blob.core.windows.net/`) and the `containerName`.
   */
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

/** Builds a service into its zip during the program (.estate/packages, named by its SHA-256). */
function built(args: Omit<ServicePackageArgs, "target">) {
  const pkg = buildServicePackage({
    kind: args.kind,
    entry: path.relative(args.rootDir, args.entryPath),
    rootDir: args.rootDir,
    outDir: path.join(args.rootDir, ".estate", "packages"),
  });
  // The zip relative to the project: the same plan on every machine, and Pulumi runs there.
  return { sha256: pkg.sha256, file: path.relative(args.rootDir, pkg.file) };
}

/**
 * Builds a service into its zip during the program and uploads it with the deployer's Entra
 * sign-in (`az ... --auth-mode login`): azure-native's Blob resource signs with the account key,
 * and the estate's storage accounts allow no shared keys. The blob is named by the zip's SHA-256,
 * so a code change replaces only that service's upload and its app's setting. Values reach the
 * shell as environment variables, never spliced into it.
 */
export function deployServicePackage(
  name: string,
  args: ServicePackageArgs,
  opts?: pulumi.CustomResourceOptions,
): ServicePackage {
  const pkg = built(args);
  const { accountName, blobEndpoint, containerName } = args.target;
  const blobName = `${name}/${pkg.sha256}.zip`;
  const target =
    '--auth-mode login --account-name "$ACCOUNT" --container-name "$CONTAINER" --name "$BLOB" --only-show-errors';
  const upload = new command.local.Command(
    `package-${name}`,
    {
      create: `az storage blob upload ${target} --file "$FILE" --overwrite`,
      delete: `az storage blob delete ${target} --delete-snapshots include`,
      environment: { ACCOUNT: accountName, CONTAINER: containerName, BLOB: blobName, FILE: pkg.file },
      // A new package (new hash) replaces the upload; the old blob is deleted once the app moved on.
      triggers: [pkg.sha256],
    },
    opts,
  );
  const url = pulumi.all([upload.id, blobEndpoint]).apply(([, endpoint]) => `${endpoint}${containerName}/${blobName}`);
  return { upload, url };
}

/**
 * Flex Consumption apps take no package URL: their package is published to the existing app with
 * One deploy (`az functionapp deployment source config-zip`), which writes it to the app's
 * deployment container with the app's identity and restarts the app
 * (https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#deploy-your-code-project).
 * The deployer reaches the app's SCM site, so that site must admit the deployer. A code change
 * (new hash) publishes again; nothing to delete, the next package replaces it.
 */
export function publishFlexPackage(
  name: string,
  args: Omit<ServicePackageArgs, "target"> & {
    app: { resourceGroupName: pulumi.Input<string>; name: pulumi.Input<string> };
  },
  opts?: pulumi.CustomResourceOptions,
): command.local.Command {
  const pkg = built(args);
  return new command.local.Command(
    `publish-${name}`,
    {
      create:
        'az functionapp deployment source config-zip --resource-group "$GROUP" --name "$APP" --src "$FILE" --only-show-errors',
      environment: { GROUP: args.app.resourceGroupName, APP: args.app.name, FILE: pkg.file },
      triggers: [pkg.sha256],
    },
    opts,
  );
}
