import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as privatedns from "@pulumi/azure-native/privatedns";
import type * as inputs from "@pulumi/azure-native/types/input";
import { SECRET_SETTING, type AppSettingValue } from "../compute/index.js";
import type { BaseArgs } from "../core/args.js";
import { HEALTH_PATH } from "../core/health.js";
import { lockResource } from "../core/lock.js";
import { applySharedArgs } from "../core/shared.js";

/** The delegation an environment's infrastructure subnet needs (https://learn.microsoft.com/azure/container-apps/custom-virtual-networks#subnet). */
export const CONTAINER_APPS_SUBNET_DELEGATION = "Microsoft.App/environments";

/** The workload profile every app runs on: serverless, billed per use, scales to zero. */
export const CONSUMPTION_PROFILE = "Consumption";

export interface ContainerAppsEnvironmentArgs extends BaseArgs {
  /**
   * A subnet delegated to Microsoft.App/environments, /27 or larger (workload profiles
   * environments). Source: https://learn.microsoft.com/azure/container-apps/networking
   */
  infrastructureSubnetId: pulumi.Input<string>;
  /** The VNet the environment's private DNS zone is linked to, so callers there resolve its apps. */
  vnetId: pulumi.Input<string>;
  /** Spread the environment over the region's availability zones (the subnet must be in a zonal region). */
  zoneRedundant: boolean;
}

/** What an app needs to know of the environment it runs in. */
export interface EnvironmentRef {
  id: pulumi.Input<string>;
  /** Internal environments have no public address: their inbound IP is in the VNet. */
  internal: boolean;
}

/**
 * A Container Apps environment on the workload-profiles model (Consumption profile), injected in
 * a delegated subnet and internal: its only inbound address is an internal load balancer IP in
 * the VNet, so nothing in it can be reached from the internet. Traffic between apps is
 * encrypted. Logs go to Azure Monitor and from there, by the diagnostic setting, to the estate's
 * workspace: no workspace shared key in the environment's configuration. A private DNS zone for
 * the environment's domain (wildcard record to the inbound IP), linked to the VNet, lets the
 * gateway resolve the apps' host names.
 */
export class ContainerAppsEnvironment extends pulumi.ComponentResource {
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly defaultDomain: pulumi.Output<string>;
  readonly staticIp: pulumi.Output<string>;
  readonly ref: EnvironmentRef;

  constructor(name: string, args: ContainerAppsEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:containers:ContainerAppsEnvironment", name, {}, opts);
    const environment = new app.ManagedEnvironment(
      `${name}-cae`,
      {
        environmentName: args.namer.name("containerAppsEnvironment"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        workloadProfiles: [{ name: CONSUMPTION_PROFILE, workloadProfileType: CONSUMPTION_PROFILE }],
        vnetConfiguration: { infrastructureSubnetId: args.infrastructureSubnetId, internal: true },
        zoneRedundant: args.zoneRedundant,
        appLogsConfiguration: { destination: "azure-monitor" },
        peerTrafficConfiguration: { encryption: { enabled: true } },
      },
      { parent: this },
    );
    applySharedArgs(this, `${name}-cae`, environment.id, args);

    const zone = new privatedns.PrivateZone(
      `${name}-cae-dns`,
      {
        privateZoneName: environment.defaultDomain,
        resourceGroupName: args.resourceGroupName,
        location: "global",
      },
      { parent: this },
    );
    new privatedns.VirtualNetworkLink(
      `${name}-cae-dns-link`,
      {
        virtualNetworkLinkName: args.namer.name("privateDnsZoneLink", "containerapps"),
        privateZoneName: zone.name,
        resourceGroupName: args.resourceGroupName,
        location: "global",
        virtualNetwork: { id: args.vnetId },
        registrationEnabled: false,
      },
      { parent: this },
    );
    new privatedns.PrivateRecordSet(
      `${name}-cae-dns-wildcard`,
      {
        privateZoneName: zone.name,
        resourceGroupName: args.resourceGroupName,
        recordType: "A",
        relativeRecordSetName: "*",
        ttl: 300,
        aRecords: [{ ipv4Address: environment.staticIp }],
      },
      { parent: this },
    );
    lockResource(this, `${name}-cae-dns`, zone.id, args.lock);

    this.id = environment.id;
    this.name = environment.name;
    this.defaultDomain = environment.defaultDomain;
    this.staticIp = environment.staticIp;
    this.ref = { id: environment.id, internal: true };
    this.registerOutputs({ id: this.id, defaultDomain: this.defaultDomain });
  }
}

/** The registry an app pulls from: the ContainerRegistry component fits. */
export interface ImageRegistry {
  loginServer: pulumi.Input<string>;
  grantPull(key: string, principalId: pulumi.Input<string>): pulumi.Resource;
}

export interface ContainerAppArgs extends BaseArgs {
  /** The service's name: the app's name qualifier. */
  name: string;
  /** The Container Apps environment the app runs in (ContainerAppsEnvironment.ref). */
  environment: EnvironmentRef;
  /** The image: its `reference` (`repository:tag` or `repository@sha256:...`), pulled from `registry` with the app's identity. */
  image: { registry: ImageRegistry; reference: string };
  /**
   * Who may call the app. `vnet`: from the VNet through the environment's internal address
   * (ingress `external: true`, which on an internal environment means outside the environment,
   * not the internet). `environment`: only other apps of the same environment (`external: false`).
   * `targetPort`: the port the container listens on. `allowedSourceCidrs`: when given, only these
   * ranges may call (e.g. the gateway's subnet); absent: any caller the `from` setting admits.
   * Source: https://learn.microsoft.com/azure/container-apps/ingress-overview
   */
  ingress: { from: "vnet" | "environment"; targetPort: number; allowedSourceCidrs?: string[] };
  /**
   * `UserAssigned` (default): an identity created and granted AcrPull before the app exists, so
   * the first revision can pull. `SystemAssigned`: the app's own identity, granted after the app
   * is created; Azure retries the pull until the grant is there. Microsoft recommends a
   * user-assigned identity for pulls: https://learn.microsoft.com/azure/container-apps/managed-identity-image-pull
   * An existing identity: that one, for pulls and everything else.
   */
  identity?: "UserAssigned" | "SystemAssigned" | ExistingIdentity;
  /** vCPU per replica; memory is twice that in GiB (Consumption profile combinations). */
  cpu: number;
  /** Replicas kept running; 0 scales to zero when idle. */
  minReplicas: number;
  /** Replica ceiling the HTTP scale rule may reach. */
  maxReplicas: number;
  /** Concurrent HTTP requests per replica before another is added. */
  concurrentRequests: number;
  /** Environment variables: plain values, or Key Vault secrets the app reads with its identity. */
  env?: Record<string, AppSettingValue>;
  /**
   * What the app's first revision needs before the app is created, beside its own pull grant: an
   * existing identity's Key Vault grants, since Container Apps fetches each secret as it creates a
   * revision (https://learn.microsoft.com/azure/container-apps/manage-secrets#reference-secret-from-key-vault).
   */
  dependsOn?: pulumi.Resource[];
}

/**
 * The Consumption profile's CPU sizes: 0.25 to 4 vCPU in steps of 0.25, memory 2 GiB per vCPU.
 * Source: https://learn.microsoft.com/azure/container-apps/containers#allocations
 */
function memoryFor(appName: string, cpu: number): string {
  if (!(cpu >= 0.25 && cpu <= 4 && Number.isInteger(cpu * 4))) {
    throw new Error(`container app ${appName}: cpu got ${cpu}; expected 0.25 to 4 vCPU in steps of 0.25`);
  }
  return `${cpu * 2}Gi`;
}

/** Splits typed settings into the container's env and the app's Key Vault secrets, refusing secret literals. */
export function containerEnv(
  appName: string,
  settings: Record<string, AppSettingValue>,
  identity: pulumi.Input<string>,
): { env: inputs.app.EnvironmentVarArgs[]; secrets: inputs.app.SecretArgs[] } {
  const env: inputs.app.EnvironmentVarArgs[] = [];
  const secrets: inputs.app.SecretArgs[] = [];
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value === "object" && value !== null && "keyVaultSecretUri" in value) {
      // Secret names are lowercase DNS labels; the env var keeps the setting's own name.
      const secretRef = name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "");
      secrets.push({ name: secretRef, keyVaultUrl: value.keyVaultSecretUri, identity });
      env.push({ name, secretRef });
    } else if (SECRET_SETTING.test(name)) {
      throw new Error(
        `container app ${appName}: setting ${name} looks like a secret but is a plain value; pass { keyVaultSecretUri } so the app reads it from Key Vault`,
      );
    } else {
      env.push({ name, value });
    }
  }
  return { env, secrets };
}

/** A user-assigned identity made before the app, e.g. by a caller whose settings name it. */
export interface ExistingIdentity {
  id: pulumi.Input<string>;
  principalId: pulumi.Input<string>;
  clientId: pulumi.Input<string>;
}

/**
 * One service as a container app on the Consumption profile: HTTPS-only ingress (never
 * insecure), reachable from the VNet or only from its environment and never from the internet,
 * the image pulled from the estate's registry with a managed identity (no registry password),
 * HTTP scaling between min and max replicas, liveness, readiness and startup probes on the
 * estate's health path, and settings as env vars whose secrets are Key Vault references.
 */
export class ContainerApp extends pulumi.ComponentResource {
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  /** The app's host name (`<name>.<environment domain>`; `.internal.` for environment-only ingress). */
  readonly fqdn: pulumi.Output<string>;
  /** The identity the app runs (and pulls) as: grant it the data it uses. */
  readonly principalId: pulumi.Output<string>;
  /** The user-assigned identity's client id (AZURE_CLIENT_ID for the SDKs); absent for a system-assigned one. */
  readonly clientId?: pulumi.Output<string>;

  constructor(name: string, args: ContainerAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:containers:ContainerApp", name, {}, opts);
    const label = `container app ${args.name}`;
    if (args.ingress.from === "vnet" && !args.environment.internal) {
      throw new Error(
        `${label}: ingress from "vnet" is external ingress, and its environment is not internal: the app would be reachable from the internet. Use an internal environment`,
      );
    }
    if (!Number.isInteger(args.ingress.targetPort) || args.ingress.targetPort < 1 || args.ingress.targetPort > 65535) {
      throw new Error(`${label}: ingress.targetPort got ${args.ingress.targetPort}; expected a TCP port 1-65535`);
    }
    if (
      !Number.isInteger(args.minReplicas) ||
      args.minReplicas < 0 ||
      args.minReplicas > args.maxReplicas ||
      args.maxReplicas > 1000
    ) {
      throw new Error(
        `${label}: replicas ${args.minReplicas}..${args.maxReplicas} are not a valid range (0 <= min <= max <= 1000)`,
      );
    }
    if (!Number.isInteger(args.concurrentRequests) || args.concurrentRequests < 1) {
      throw new Error(`${label}: concurrentRequests got ${args.concurrentRequests}; expected a positive whole number`);
    }
    const memory = memoryFor(args.name, args.cpu);
    const logical = `${name}-ca`;
    const identityKind = args.identity ?? "UserAssigned";

    const user =
      typeof identityKind === "object"
        ? {
            id: pulumi.output(identityKind.id),
            principalId: pulumi.output(identityKind.principalId),
            clientId: pulumi.output(identityKind.clientId),
          }
        : identityKind === "UserAssigned"
          ? new managedidentity.UserAssignedIdentity(
              `${logical}-id`,
              {
                resourceName: args.namer.name("managedIdentity", args.name),
                resourceGroupName: args.resourceGroupName,
                location: args.location,
              },
              { parent: this },
            )
          : undefined;
    const pullGrant = user && args.image.registry.grantPull(args.name, user.principalId);
    // Container Apps names its system-assigned identity "system" wherever an identity is asked for.
    const pullIdentity: pulumi.Input<string> = user ? user.id : "system";

    const { env, secrets } = containerEnv(args.name, args.env ?? {}, pullIdentity);
    const probe = (
      type: "Liveness" | "Readiness" | "Startup",
      periodSeconds: number,
    ): inputs.app.ContainerAppProbeArgs => ({
      type,
      httpGet: { path: HEALTH_PATH, port: args.ingress.targetPort, scheme: "HTTP" },
      periodSeconds,
      timeoutSeconds: 5,
      failureThreshold: type === "Startup" ? 30 : 3,
    });
    const site = new app.ContainerApp(
      logical,
      {
        containerAppName: args.namer.name("containerApp", args.name),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        environmentId: args.environment.id,
        workloadProfileName: CONSUMPTION_PROFILE,
        identity: user ? { type: "UserAssigned", userAssignedIdentities: [user.id] } : { type: "SystemAssigned" },
        configuration: {
          activeRevisionsMode: "Single",
          ingress: {
            external: args.ingress.from === "vnet",
            targetPort: args.ingress.targetPort,
            transport: "http",
            allowInsecure: false,
            traffic: [{ latestRevision: true, weight: 100 }],
            ipSecurityRestrictions: (args.ingress.allowedSourceCidrs ?? []).map((cidr, index) => ({
              name: `allow-${index + 1}`,
              description: "Only the gateway's subnet may call the app.",
              action: "Allow",
              ipAddressRange: cidr,
            })),
          },
          registries: [{ server: args.image.registry.loginServer, identity: pullIdentity }],
          secrets,
        },
        template: {
          containers: [
            {
              name: args.name,
              image: pulumi.interpolate`${args.image.registry.loginServer}/${args.image.reference}`,
              resources: { cpu: args.cpu, memory },
              env,
              probes: [probe("Startup", 5), probe("Liveness", 30), probe("Readiness", 10)],
            },
          ],
          scale: {
            minReplicas: args.minReplicas,
            maxReplicas: args.maxReplicas,
            rules: [{ name: "http", http: { metadata: { concurrentRequests: String(args.concurrentRequests) } } }],
          },
        },
      },
      // A user-assigned identity pulls the first revision: its AcrPull grant must exist first.
      { parent: this, dependsOn: [...(pullGrant ? [pullGrant] : []), ...(args.dependsOn ?? [])] },
    );
    applySharedArgs(this, logical, site.id, args, { logs: false });

    this.principalId = user
      ? user.principalId
      : site.identity.apply((value) => {
          if (!value?.principalId) throw new Error(`${label}: Azure returned no managed identity`);
          return value.principalId;
        });
    if (!user) args.image.registry.grantPull(args.name, this.principalId);
    this.clientId = user?.clientId;
    this.id = site.id;
    this.name = site.name;
    this.fqdn = site.configuration.apply((configuration) => configuration?.ingress?.fqdn ?? "");
    this.registerOutputs({ id: this.id, fqdn: this.fqdn, principalId: this.principalId });
  }
}
