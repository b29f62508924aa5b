import { z } from "zod";
import { aksProblems, replicaProblems } from "../../infra/kubernetes/index.js";
import { Namer } from "../../infra/naming/index.js";
import { defineArea, type Profile } from "./area.js";

const int = z.number().int();
const pool = z.object({ name: z.string(), vmSize: z.string().min(1), minCount: int, maxCount: int }).strict();

/**
 * How the cluster runs each `container` service it hosts (services/<name>/manifest.json with
 * `host: aks`, deployed into it in the same run): the HPA's replica range and CPU target, each
 * pod's requests, and how its Service is reached.
 */
const apps = z
  .object({
    replicas: z.object({ min: int, max: int, cpuUtilization: int }).strict(),
    /** Kubernetes quantities per pod, e.g. `250m` and `512Mi`; the memory limit equals the request. */
    resources: z.object({ cpu: z.string().min(1), memory: z.string().min(1) }).strict(),
    /** `internal`: an internal Azure load balancer in the VNet; `cluster`: a ClusterIP Service only. */
    exposure: z.enum(["internal", "cluster"]),
  })
  .strict();

const schema = z
  .object({
    /** Off by default: only stacks that host containers on AKS get a cluster. */
    enabled: z.boolean(),
    kubernetesVersion: z.string().optional(),
    tier: z.enum(["Free", "Standard", "Premium"]),
    upgradeChannel: z.enum(["patch", "stable", "rapid", "node-image"]),
    systemPool: pool,
    userPool: pool,
    /** Entra ID groups with cluster-admin through Azure RBAC. */
    adminGroupObjectIds: z.array(z.string().uuid("expected an Entra group's object id, a GUID")),
    defender: z.boolean(),
    /** A registry of the stack's own the nodes pull the services' images from (ARM id); without it, the estate's registry (`estate:hosts.registry`). */
    registry: z
      .object({
        id: z
          .string()
          .regex(
            /^\/subscriptions\/.+\/providers\/Microsoft\.ContainerRegistry\/registries\/[^/]+$/i,
            "expected a Microsoft.ContainerRegistry/registries ARM id",
          ),
        loginServer: z.string().min(1),
      })
      .strict()
      .optional(),
    apps,
  })
  .strict();

type Pool = z.input<typeof pool>;
const pools = (system: Pool, user: Pool) => ({ systemPool: system, userPool: user });

/**
 * Per profile: Free tier and one small node per pool outside prod; prod runs the Standard tier
 * (uptime SLA) with three system nodes, one per zone, and a user pool from three. Apps keep at
 * least 2 replicas everywhere (a node loss or a rollout keeps one serving). VM sizes:
 * https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/ddsv5-series (system
 * pools need at least 2 vCPUs and 4 GiB, https://learn.microsoft.com/azure/aks/use-system-pools).
 */
const POD = { cpu: "250m", memory: "512Mi" };
const DEFAULTS: Record<Profile, Omit<z.input<typeof schema>, "registry" | "kubernetesVersion">> = {
  dev: {
    enabled: false,
    tier: "Free",
    upgradeChannel: "stable",
    adminGroupObjectIds: [],
    defender: false,
    ...pools(
      { name: "system", vmSize: "Standard_D2ds_v5", minCount: 1, maxCount: 3 },
      { name: "apps", vmSize: "Standard_D2ds_v5", minCount: 1, maxCount: 3 },
    ),
    apps: { replicas: { min: 2, max: 3, cpuUtilization: 70 }, resources: POD, exposure: "internal" },
  },
  ephemeral: {
    enabled: false,
    tier: "Free",
    upgradeChannel: "stable",
    adminGroupObjectIds: [],
    defender: false,
    ...pools(
      { name: "system", vmSize: "Standard_D2ds_v5", minCount: 1, maxCount: 1 },
      { name: "apps", vmSize: "Standard_D2ds_v5", minCount: 1, maxCount: 2 },
    ),
    apps: { replicas: { min: 2, max: 2, cpuUtilization: 70 }, resources: POD, exposure: "internal" },
  },
  prod: {
    enabled: false,
    tier: "Standard",
    upgradeChannel: "stable",
    adminGroupObjectIds: [],
    defender: false,
    ...pools(
      { name: "system", vmSize: "Standard_D4ds_v5", minCount: 3, maxCount: 5 },
      { name: "apps", vmSize: "Standard_D4ds_v5", minCount: 3, maxCount: 10 },
    ),
    apps: { replicas: { min: 2, max: 10, cpuUtilization: 70 }, resources: POD, exposure: "internal" },
  },
};

export const kubernetesArea = defineArea({
  schema,
  defaults: (profile) => DEFAULTS[profile],
  check: (value, context, report) => {
    if (!value.enabled) return;
    // The component's own checks, so a stack file fails before anything is declared.
    const namer = new Namer({
      workload: context.workload,
      environment: context.environment,
      location: context.location,
    });
    const zones = context.zoneRedundant ? (["1", "2", "3"] as const) : [];
    for (const problem of aksProblems({ ...value, namer, zones: [...zones] })) report(problem.path, problem.message);
    if (context.zoneRedundant && value.systemPool.minCount < 3) {
      report(
        ["systemPool", "minCount"],
        `got ${value.systemPool.minCount}; a zone-redundant cluster keeps at least 3 system nodes, one per zone`,
      );
    }
    for (const problem of replicaProblems(value.apps.replicas)) report(["apps", ...problem.path], problem.message);
  },
});
