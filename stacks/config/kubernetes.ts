import { z } from "zod";
import { aksProblems, workloadProblems } from "../../infra/kubernetes/index.js";
import { Namer } from "../../infra/naming/index.js";
import { bindingsShape } from "../../services/manifest.js";
import { defineArea, type Profile } from "./area.js";

const int = z.number().int();
const pool = z.object({ name: z.string(), vmSize: z.string().min(1), minCount: int, maxCount: int }).strict();

/** The containerised app the estate deploys into the cluster in the same run. */
const workload = z
  .object({
    name: z.string(),
    /** Repository and tag in the estate's registry, e.g. `feastfrenzy-api:1.4.2`; the registry's login server is prepended. */
    image: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9._-]+$/, "expected repository:tag, e.g. feastfrenzy-api:1.4.2"),
    port: int,
    healthPath: z.string(),
    replicas: z.object({ min: int, max: int, cpuUtilization: int }).strict(),
    resources: z.object({ cpu: z.string().min(1), memory: z.string().min(1) }).strict(),
    exposure: z.enum(["internal", "cluster"]),
    env: z.record(z.string()).optional(),
    /** A MySQL database the pods use as their workload identity (MYSQL_HOST, MYSQL_DATABASE, MYSQL_USER). */
    mysql: bindingsShape.mysql,
    /** A PostgreSQL database the pods use as their workload identity (PGHOST, PGDATABASE, PGUSER). */
    postgresql: bindingsShape.postgresql,
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
    /** A registry of the stack's own the nodes pull from (ARM id); without it, the estate's registry (`estate:hosts.registry`). */
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
    workload: workload.optional(),
  })
  .strict();

type Pool = z.input<typeof pool>;
const pools = (system: Pool, user: Pool) => ({ systemPool: system, userPool: user });

/**
 * Per profile: Free tier and one small node per pool outside prod; prod runs the Standard tier
 * (uptime SLA) with three system nodes, one per zone, and a user pool from three. VM sizes:
 * https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/ddsv5-series (system
 * pools need at least 2 vCPUs and 4 GiB, https://learn.microsoft.com/azure/aks/use-system-pools).
 */
const DEFAULTS: Record<Profile, Omit<z.input<typeof schema>, "workload" | "registry" | "kubernetesVersion">> = {
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
    if (value.workload) {
      for (const problem of workloadProblems(value.workload)) report(["workload", ...problem.path], problem.message);
    }
  },
});
