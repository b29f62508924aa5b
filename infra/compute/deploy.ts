import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { buildServicePackage, buildSourcePackage, type PackageRun } from "./package.js";

/** A service's code: a Node entry file esbuild bundles, or a Python source folder zipped as it is (both absolute). */
export type AppCode = { runtime: "node"; entryPath: string } | { runtime: "python"; sourcePath: string };

export interface ServicePackageArgs {
  /** What the service runs as: a Function app (the Functions host layout) or a plain Node web app. */
  kind: "function-app" | "web-app";
  /** The code to package: a Node entry file (bundled) or a Python source folder (zipped as it is), relative to rootDir. */
  code: AppCode;
  /** The project folder: where Pulumi runs the program, and where packages are built (.estate/packages). */
  rootDir: string;
  /** What this run has learnt about builds, shared by its packages (see PackageArgs). */
  packageRun?: PackageRun;
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
  const common = { kind: args.kind, rootDir: args.rootDir, outDir: path.join(args.rootDir, ".estate", "packages") };
  const pkg =
    args.code.runtime === "node"
      ? buildServicePackage({
          ...common,
          entry: path.relative(args.rootDir, args.code.entryPath),
          run: args.packageRun,
        })
      : buildSourcePackage({ ...common, source: path.relative(args.rootDir, args.code.sourcePath) });
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
 * Publishes a package to an app that exists, by zip deploy through its deployment (SCM) site, which
 * must admit the deployer. Flex Consumption apps take no package URL: theirs arrives by One deploy
 * (`az functionapp deployment source config-zip`), written to the app's deployment container with
 * the app's identity (https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#deploy-your-code-project).
 * Python apps are built in Azure, which run-from-package URLs rule out ("remote builds are not
 * performed when an app has previously been set to run in Run From Package mode",
 * https://learn.microsoft.com/azure/azure-functions/functions-deployment-technologies#remote-build):
 * a function app's zip goes the same way with `--build-remote true`
 * (https://learn.microsoft.com/cli/azure/functionapp/deployment/source#az-functionapp-deployment-source-config-zip),
 * a web app's by `az webapp deploy --type zip`, built as its SCM_DO_BUILD_DURING_DEPLOYMENT setting
 * asks (https://learn.microsoft.com/azure/app-service/configure-language-python). A code change (new
 * hash) publishes again; nothing to delete, the next package replaces it.
 */
export function publishPackage(
  name: string,
  args: Omit<ServicePackageArgs, "target"> & {
    /** The app, and for a web app's staging slot, the slot. */
    app: { resourceGroupName: pulumi.Input<string>; name: pulumi.Input<string>; slot?: string };
  },
  opts?: pulumi.CustomResourceOptions,
): command.local.Command {
  const pkg = built(args);
  const slot = args.app.slot ? ' --slot "$SLOT"' : "";
  const create =
    args.kind === "web-app"
      ? `az webapp deploy --resource-group "$GROUP" --name "$APP"${slot} --src-path "$FILE" --type zip --only-show-errors`
      : `az functionapp deployment source config-zip --resource-group "$GROUP" --name "$APP" --src "$FILE"${args.code.runtime === "python" ? " --build-remote true" : ""} --only-show-errors`;
  return new command.local.Command(
    `publish-${name}`,
    {
      create,
      environment: {
        GROUP: args.app.resourceGroupName,
        APP: args.app.name,
        FILE: pkg.file,
        ...(args.app.slot ? { SLOT: args.app.slot } : {}),
      },
      triggers: [pkg.sha256],
    },
    opts,
  );
}
