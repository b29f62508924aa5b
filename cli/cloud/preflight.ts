import { spawn } from "node:child_process";
import { EstateError } from "../errors.js";

/** The cloud path cannot run here: what to install or run, in one message. Exit 1. */
export class CloudSetupError extends EstateError {}

export interface CommandResult {
  /** Null when the program could not be started at all (not installed). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs external tools (pulumi, az); tests replace it. */
export type Toolchain = (command: string, args: string[], env?: Record<string, string>) => Promise<CommandResult>;

export const systemToolchain: Toolchain = (command, args, env) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", (error) => resolve({ code: null, stdout, stderr: error.message }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });

export const INSTALL_PULUMI =
  "The Pulumi CLI is not installed (no `pulumi` on PATH); the cloud path runs it through the Automation API. " +
  "Install it (https://www.pulumi.com/docs/install/), then run `estate bootstrap`. " +
  "Without it, `estate plan <stack>` plans offline.";

/** Azure credentials the azure-native provider accepts without the Azure CLI. */
function hasServicePrincipalEnv(env: NodeJS.ProcessEnv): boolean {
  if (env.ARM_USE_MSI === "true") return true;
  return Boolean(
    env.ARM_CLIENT_ID &&
      env.ARM_TENANT_ID &&
      (env.ARM_CLIENT_SECRET || env.ARM_USE_OIDC === "true" || env.ARM_CLIENT_CERTIFICATE_PATH),
  );
}

export interface PreflightOptions {
  toolchain: Toolchain;
  /** Backend environment (PULUMI_BACKEND_URL...); the login check runs with it. */
  backendEnv: Record<string, string>;
  /** The `pulumi login` line to suggest, from `estate bootstrap`, when known. */
  loginHint?: string;
  /** Bootstrap keeps its own state locally: it needs no backend login. */
  needsLogin: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Checks, in order, the Pulumi CLI, the backend login and Azure credentials; the first missing one throws. */
export async function preflight(options: PreflightOptions): Promise<void> {
  const { toolchain } = options;
  const version = await toolchain("pulumi", ["version"]);
  if (version.code === null) throw new CloudSetupError(INSTALL_PULUMI);
  if (version.code !== 0)
    throw new CloudSetupError(`\`pulumi version\` failed: ${version.stderr.trim() || version.stdout.trim()}`);
  if (options.needsLogin) {
    const whoami = await toolchain("pulumi", ["whoami"], options.backendEnv);
    if (whoami.code !== 0) {
      throw new CloudSetupError(
        `Not logged in to a Pulumi backend. Run ${options.loginHint ? `\`${options.loginHint}\`` : "`estate bootstrap` and then the `pulumi login` line it prints"}.` +
          (whoami.stderr.trim() ? ` (pulumi whoami: ${whoami.stderr.trim()})` : ""),
      );
    }
  }
  if (hasServicePrincipalEnv(options.env ?? process.env)) return;
  const account = await toolchain("az", ["account", "show", "--output", "none"]);
  if (account.code !== 0) {
    throw new CloudSetupError(
      "No Azure credentials. Run `az login` (and `az account set --subscription <id>`), or set ARM_CLIENT_ID, ARM_TENANT_ID and " +
        "ARM_SUBSCRIPTION_ID with ARM_CLIENT_SECRET or ARM_USE_OIDC=true" +
        (account.code === null
          ? " (the Azure CLI is not installed: https://learn.microsoft.com/cli/azure/install-azure-cli)."
          : "."),
    );
  }
}
