import { z } from "zod";
import {
  flexibleServerProblems,
  MYSQL_LIMITS,
  POSTGRESQL_LIMITS,
  type EngineLimits,
} from "../../infra/data/flexible-server.js";
import {
  REDIS_EVICTION_POLICIES,
  STORAGE_REDUNDANCY,
  ZONAL_REDUNDANCY,
  type StorageRedundancy,
} from "../../infra/data/options.js";
import { Namer, NamingError, type NameKind } from "../../infra/naming/index.js";
import { DATA_NAME_RULES, followsRule, type DataNameRule } from "../../services/names.js";
import { defineArea, type Profile, type Report } from "./area.js";
import { checkRange, checkZones } from "./checks.js";

const int = z.number().int();

/** A queue entry: the same shape the local Service Bus broker reads, so both agree on a queue. */
const queueSchema = z
  .object({
    name: z.string(),
    lockDurationSeconds: int.optional(),
    ttlSeconds: int.optional(),
    maxDeliveryCount: int.optional(),
    deadLetterOnExpiry: z.boolean().optional(),
  })
  .strict();

/** Provisioned RU/s: `manual` (fixed) or `autoscaleMax` (autoscale up to it), exactly one. */
const throughput = z.object({ manual: int.optional(), autoscaleMax: int.optional() }).strict();
export type ThroughputConfig = z.output<typeof throughput>;

const cosmos = z
  .object({
    /** serverless: pay per request; provisioned: RU/s per database (shared) and/or per container (dedicated). */
    /** false: no Cosmos DB account (a service using one is refused). */
    enabled: z.boolean(),
    capacity: z.enum(["serverless", "provisioned"]),
    zoneRedundant: z.boolean(),
    backup: z.enum(["continuous", "periodic"]),
    databases: z.array(
      z
        .object({
          name: z.string(),
          /** Shared by the database's containers that have none of their own. */
          throughput: throughput.optional(),
          containers: z.array(
            z
              .object({
                name: z.string(),
                /** Dedicated to this container. */
                throughput: throughput.optional(),
                partitionKey: z.string(),
                defaultTtlSeconds: int.optional(),
                indexing: z
                  .object({
                    includedPaths: z.array(z.string()).optional(),
                    excludedPaths: z.array(z.string()).optional(),
                  })
                  .strict()
                  .optional(),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

const sql = z
  .object({
    enabled: z.boolean(),
    /** The Entra group administering the server: its display name and object id. */
    admin: z
      .object({ login: z.string().min(1), objectId: z.string().uuid("expected the Entra group's object id, a GUID") })
      .strict()
      .optional(),
    zoneRedundant: z.boolean(),
    databases: z.array(
      z
        .object({
          name: z.string(),
          compute: z.enum(["serverless", "provisioned"]),
          edition: z.enum(["GeneralPurpose", "BusinessCritical"]).optional(),
          vCores: z.number(),
          minVCores: z.number().optional(),
          autoPauseDelayMinutes: int.optional(),
          maxSizeGB: int.optional(),
          backupRetentionDays: int,
          /** ISO 8601 durations: weekly P1W-P520W, monthly P1M-P120M, yearly P1Y-P10Y; weekOfYear 1-52. */
          longTermRetention: z
            .object({
              weekly: z.string().optional(),
              monthly: z.string().optional(),
              yearly: z.string().optional(),
              weekOfYear: int.optional(),
            })
            .strict()
            .optional(),
        })
        .strict(),
    ),
  })
  .strict();

const redis = z
  .object({
    enabled: z.boolean(),
    sku: z.enum(["Basic", "Standard", "Premium"]),
    capacity: int,
    zoneRedundant: z.boolean(),
    /** Premium clustering. */
    shardCount: int.optional(),
    evictionPolicy: z.enum(REDIS_EVICTION_POLICIES).optional(),
  })
  .strict();

/** A PostgreSQL or MySQL flexible server: off unless a stack turns it on and names its Entra admin. */
const flexibleServer = z
  .object({
    enabled: z.boolean(),
    /** The Entra principal (a group, usually) that administers the server. */
    admin: z
      .object({
        principalName: z.string().min(1),
        objectId: z.string().uuid("expected the Entra principal's object id, a GUID"),
        principalType: z.enum(["Group", "User", "ServicePrincipal"]).default("Group"),
      })
      .strict()
      .optional(),
    version: z.string(),
    sku: z.object({ name: z.string(), tier: z.enum(["Burstable", "GeneralPurpose", "MemoryOptimized"]) }).strict(),
    storageSizeGB: int,
    highAvailability: z.enum(["Disabled", "SameZone", "ZoneRedundant"]),
    backupRetentionDays: int,
    geoRedundantBackup: z.boolean(),
    databases: z.array(z.string()),
  })
  .strict();

const storage = z
  .object({
    redundancy: z.enum(Object.keys(STORAGE_REDUNDANCY) as [StorageRedundancy, ...StorageRedundancy[]]),
    containers: z.array(z.string()),
    softDeleteDays: int,
    lifecycle: z.object({ coolAfterDays: int, archiveAfterDays: int }).strict(),
  })
  .strict();

const serviceBus = z
  .object({
    /** false: no Service Bus namespace (a service using a queue is refused). */
    enabled: z.boolean(),
    sku: z.enum(["Standard", "Premium"]),
    /** Premium messaging units. */
    capacity: int.optional(),
    zoneRedundant: z.boolean(),
    privateEndpoint: z.boolean(),
    queues: z.array(queueSchema),
  })
  .strict();

const keyVault = z
  .object({
    sku: z.enum(["standard", "premium"]),
    softDeleteRetentionDays: int,
    purgeProtection: z.boolean(),
    /** Secrets generated at deploy time and kept only in the vault. */
    secrets: z.array(z.object({ name: z.string(), length: int }).strict()),
  })
  .strict();

const schema = z
  .object({
    /** A management lock on every data service; ephemeral stacks cannot have one (they are collected). */
    lock: z.enum(["none", "CanNotDelete", "ReadOnly"]),
    cosmos,
    sql,
    redis,
    postgresql: flexibleServer,
    mysql: flexibleServer,
    storage,
    serviceBus,
    keyVault,
  })
  .strict();
export type DataConfig = z.output<typeof schema>;

/** What the hosted services need: their Cosmos containers, blob container and queue. */
const CONTENT = {
  databases: [
    {
      name: "estate",
      containers: [
        { name: "events", partitionKey: "/tenantId" },
        { name: "documents", partitionKey: "/tenantId" },
        // Idempotency records carry their own `ttl`.
        { name: "idempotency", partitionKey: "/tenantId", defaultTtlSeconds: -1 },
      ],
    },
  ],
  blobContainers: ["documents"],
  queues: [
    {
      name: "document-processing",
      lockDurationSeconds: 60,
      ttlSeconds: 24 * 3600,
      maxDeliveryCount: 3,
      deadLetterOnExpiry: true,
    },
  ],
  secrets: [{ name: "signing-secret", length: 64 }],
};

function defaults(profile: Profile): z.input<typeof schema> {
  const prod = profile === "prod";
  return {
    lock: prod ? "CanNotDelete" : "none",
    cosmos: {
      enabled: true,
      capacity: prod ? "provisioned" : "serverless",
      zoneRedundant: prod,
      backup: prod ? "continuous" : "periodic",
      // Prod's containers share 4000 RU/s of autoscale (400-4000) in their database.
      databases: prod
        ? CONTENT.databases.map((db) => ({ ...db, throughput: { autoscaleMax: 4000 } }))
        : CONTENT.databases,
    },
    sql: {
      // Off unless a stack turns it on: the hosted services do not use SQL, and an Entra-only server
      // needs its admin group, which only the stack knows (Pulumi.dev.yaml and Pulumi.prod.yaml give theirs).
      enabled: false,
      zoneRedundant: prod,
      databases: [
        prod
          ? { name: "estate", compute: "provisioned", vCores: 2, backupRetentionDays: 35 }
          : { name: "estate", compute: "serverless", vCores: 1, autoPauseDelayMinutes: 60, backupRetentionDays: 7 },
      ],
    },
    redis: {
      enabled: true,
      sku: prod ? "Premium" : profile === "dev" ? "Standard" : "Basic",
      capacity: prod ? 1 : 0,
      zoneRedundant: prod,
    },
    // Off unless a stack turns them on (with its admin principal). Burstable B1ms outside prod;
    // General Purpose with a zone-redundant standby and geo-redundant 35-day backups in prod.
    // Sizes: https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-compute (Ddsv5),
    // https://learn.microsoft.com/azure/mysql/flexible-server/concepts-service-tiers-storage (MySQL's
    // General Purpose sizes are Ddsv4 and Dadsv5: no D2ds_v5, so D2ds_v4, the same 2 vCores and 8 GiB).
    postgresql: flexibleServerDefaults(prod, {
      version: "16",
      generalPurpose: "Standard_D2ds_v5",
      storageSizeGB: prod ? 128 : 32,
    }),
    mysql: flexibleServerDefaults(prod, {
      version: "8.0.21",
      generalPurpose: "Standard_D2ds_v4",
      storageSizeGB: prod ? 128 : 20,
    }),
    storage: {
      redundancy: prod ? "ZRS" : "LRS",
      containers: CONTENT.blobContainers,
      softDeleteDays: prod ? 30 : 7,
      lifecycle: { coolAfterDays: 30, archiveAfterDays: 90 },
    },
    serviceBus: {
      enabled: true,
      sku: prod ? "Premium" : "Standard",
      ...(prod ? { capacity: 1 } : {}),
      zoneRedundant: prod,
      privateEndpoint: prod,
      queues: CONTENT.queues,
    },
    keyVault: { sku: "standard", softDeleteRetentionDays: 90, purgeProtection: prod, secrets: CONTENT.secrets },
  };
}

function flexibleServerDefaults(
  prod: boolean,
  engine: { version: string; generalPurpose: string; storageSizeGB: number },
) {
  return {
    enabled: false,
    version: engine.version,
    sku: prod
      ? { name: engine.generalPurpose, tier: "GeneralPurpose" as const }
      : { name: "Standard_B1ms", tier: "Burstable" as const },
    storageSizeGB: engine.storageSizeGB,
    highAvailability: prod ? ("ZoneRedundant" as const) : ("Disabled" as const),
    backupRetentionDays: prod ? 35 : 7,
    geoRedundantBackup: prod,
    databases: [],
  };
}

const FLEXIBLE_SERVERS: Array<{ section: "postgresql" | "mysql"; limits: EngineLimits; database: DataNameRule }> = [
  { section: "postgresql", limits: POSTGRESQL_LIMITS, database: DATA_NAME_RULES.postgresqlDatabase },
  { section: "mysql", limits: MYSQL_LIMITS, database: DATA_NAME_RULES.mysqlDatabase },
];

/**
 * Cosmos DB throughput rules: manual 400 RU/s or more in steps of 100; autoscale maximum 1000
 * RU/s or more in steps of 1000, scaling between a tenth of it and it; at most 25 containers
 * share a database's throughput.
 * Sources: https://learn.microsoft.com/azure/cosmos-db/set-throughput,
 * https://learn.microsoft.com/azure/cosmos-db/provision-throughput-autoscale,
 * https://learn.microsoft.com/azure/cosmos-db/concepts-limits#provisioned-throughput-1
 */
const MANUAL_MIN = 400;
const AUTOSCALE_MIN = 1000;
const MAX_SHARED_CONTAINERS = 25;

function checkThroughput(
  report: Report,
  path: Array<string | number>,
  value: ThroughputConfig | undefined,
  capacity: "serverless" | "provisioned",
): void {
  if (!value) return;
  if (capacity === "serverless") {
    report(path, "serverless accounts have no provisioned throughput; remove it (null) or set capacity: provisioned");
    return;
  }
  const { manual, autoscaleMax } = value;
  if ((manual === undefined) === (autoscaleMax === undefined)) {
    report(path, "expected exactly one of manual (fixed RU/s) or autoscaleMax (autoscale up to that many RU/s)");
    return;
  }
  if (manual !== undefined && (manual < MANUAL_MIN || manual % 100 !== 0)) {
    report([...path, "manual"], `got ${manual}; manual throughput is ${MANUAL_MIN} RU/s or more, in steps of 100`);
  }
  if (autoscaleMax !== undefined && (autoscaleMax < AUTOSCALE_MIN || autoscaleMax % 1000 !== 0)) {
    report(
      [...path, "autoscaleMax"],
      `got ${autoscaleMax}; autoscale's maximum is ${AUTOSCALE_MIN} RU/s or more in steps of 1000, and it scales between a tenth of it and it (1000 scales 100-1000 RU/s); for a fixed ${Math.max(autoscaleMax, MANUAL_MIN)} RU/s use manual instead`,
    );
  }
}

/** Service Bus' longest message TTL (.NET TimeSpan.MaxValue, in whole seconds). */
const MAX_QUEUE_TTL_SECONDS = 922_337_203_685;
/** vCores per compute model (General Purpose and Business Critical provisioned share a list); min vCores and max size per edition. Source: https://learn.microsoft.com/azure/azure-sql/database/resource-limits-vcore-single-databases */
const SQL_VCORES = {
  serverless: [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 32, 40, 80],
  provisioned: [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 32, 40, 80],
};
const SQL_MAX_SIZE_GB = 4096;
/** Long-term retention limits: up to 10 years in weeks, months or years. Source: https://learn.microsoft.com/azure/azure-sql/database/long-term-retention-overview */
const SQL_LTR = { weekly: ["W", 520], monthly: ["M", 120], yearly: ["Y", 10] } as const;
const SQL_RESERVED = ["master", "model", "msdb", "tempdb"];
const REDIS_CAPACITY = { Basic: [0, 6], Standard: [0, 6], Premium: [1, 5] } as const;

/** Checks each name of a list (`list[i].name` for entries that are objects) and that none repeats. */
function checkNames(
  report: Report,
  path: Array<string | number>,
  entries: Array<string | { name: string }>,
  rule: DataNameRule,
): void {
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const name = typeof entry === "string" ? entry : entry.name;
    if (!followsRule(rule, name)) {
      report(
        typeof entry === "string" ? [...path, i] : [...path, i, "name"],
        `got ${JSON.stringify(name)}; expected ${rule.allowed}`,
      );
    }
    if (seen.has(name.toLowerCase())) report([...path, i], `${JSON.stringify(name)} is listed twice`);
    seen.add(name.toLowerCase());
  });
}

export const dataArea = defineArea({
  schema,
  defaults,
  check: (data, context, report) => {
    if (context.profile === "ephemeral" && data.lock !== "none") {
      report(
        ["lock"],
        `ephemeral stacks are collected when they expire and a ${data.lock} lock would stop that; set lock: none`,
      );
    }

    // Names derived from workload, environment and region must fit each service's rules.
    const namer = new Namer({
      workload: context.workload,
      environment: context.environment,
      location: context.location,
    });
    const named: Array<[string, NameKind, boolean]> = [
      ["cosmos", "cosmosAccount", data.cosmos.enabled],
      ["sql", "sqlServer", data.sql.enabled],
      ["redis", "redis", data.redis.enabled],
      ["postgresql", "postgresqlServer", data.postgresql.enabled],
      ["mysql", "mysqlServer", data.mysql.enabled],
      ["storage", "storageAccount", true],
      ["serviceBus", "serviceBusNamespace", data.serviceBus.enabled],
      ["keyVault", "keyVault", true],
    ];
    for (const [section, kind, used] of named) {
      try {
        if (used) namer.name(kind);
      } catch (error) {
        if (!(error instanceof NamingError)) throw error;
        report([section], error.message);
      }
    }

    // Cosmos DB
    const c = data.cosmos;
    checkZones(report, ["cosmos", "zoneRedundant"], c.zoneRedundant, context.location);
    checkNames(report, ["cosmos", "databases"], c.databases, DATA_NAME_RULES.cosmosName);
    c.databases.forEach((db, d) => {
      checkThroughput(report, ["cosmos", "databases", d, "throughput"], db.throughput, c.capacity);
      if (db.throughput && db.containers.length > MAX_SHARED_CONTAINERS) {
        report(
          ["cosmos", "databases", d, "containers"],
          `${db.containers.length} containers; a database with shared throughput holds at most ${MAX_SHARED_CONTAINERS}`,
        );
      }
      const path = ["cosmos", "databases", d, "containers"];
      checkNames(report, path, db.containers, DATA_NAME_RULES.cosmosName);
      db.containers.forEach((container, i) => {
        checkThroughput(report, [...path, i, "throughput"], container.throughput, c.capacity);
        if (c.capacity === "provisioned" && !db.throughput && !container.throughput) {
          report(
            [...path, i, "throughput"],
            `missing; on a provisioned account ${db.name}/${container.name} needs its own throughput or its database's shared throughput`,
          );
        }
        if (!/^(\/[A-Za-z_][A-Za-z0-9_]*)+$/.test(container.partitionKey)) {
          report(
            [...path, i, "partitionKey"],
            `got ${JSON.stringify(container.partitionKey)}; expected a path of property names such as /tenantId`,
          );
        }
        const ttl = container.defaultTtlSeconds;
        if (ttl !== undefined && ttl !== -1 && (ttl < 1 || ttl > 2_147_483_647)) {
          report(
            [...path, i, "defaultTtlSeconds"],
            `got ${ttl}; expected -1 (items set their own ttl) or 1-2147483647 seconds`,
          );
        }
        for (const kind of ["includedPaths", "excludedPaths"] as const) {
          for (const p of container.indexing?.[kind] ?? []) {
            if (!/^\/(.*\/)?(\*|\?)$/.test(p))
              report(
                [...path, i, "indexing", kind],
                `got ${JSON.stringify(p)}; expected a path ending in /* or /?, such as /tenantId/?`,
              );
          }
        }
      });
    });

    // Azure SQL
    const s = data.sql;
    if (s.enabled) {
      if (!s.admin)
        report(
          ["sql", "admin"],
          "missing; SQL allows Entra sign-in only, so give the admin group as { login, objectId } or set enabled: false",
        );
      checkZones(report, ["sql", "zoneRedundant"], s.zoneRedundant, context.location);
      checkNames(report, ["sql", "databases"], s.databases, DATA_NAME_RULES.sqlDatabase);
      s.databases.forEach((db, i) => {
        const path = ["sql", "databases", i];
        if (SQL_RESERVED.includes(db.name.toLowerCase()))
          report([...path, "name"], `${db.name} is a system database name`);
        if (!SQL_VCORES[db.compute].includes(db.vCores)) {
          report(
            [...path, "vCores"],
            `got ${db.vCores}; ${db.compute} General Purpose databases take ${SQL_VCORES[db.compute].join(", ")} vCores`,
          );
        }
        if (db.compute === "provisioned" && db.autoPauseDelayMinutes !== undefined) {
          report(
            [...path, "autoPauseDelayMinutes"],
            "only serverless databases pause; remove it or set compute: serverless",
          );
        }
        if (db.compute === "serverless" && db.edition === "BusinessCritical") {
          report(
            [...path, "edition"],
            "serverless exists on GeneralPurpose only; set edition: GeneralPurpose or compute: provisioned",
          );
        }
        if (db.minVCores !== undefined) {
          if (db.compute !== "serverless")
            report(
              [...path, "minVCores"],
              "only serverless databases scale between a minimum and maximum; remove it or set compute: serverless",
            );
          else if (db.minVCores < 0.5 || db.minVCores > db.vCores)
            report(
              [...path, "minVCores"],
              `got ${db.minVCores}; expected 0.5 up to the maximum of ${db.vCores} vCores`,
            );
        }
        // A paused production database makes its first caller wait for resume: prod never pauses.
        if (context.profile === "prod" && db.compute === "serverless" && (db.autoPauseDelayMinutes ?? 60) !== -1) {
          report(
            [...path, "autoPauseDelayMinutes"],
            "production databases do not pause (the first connection after a pause waits for resume); set -1 or compute: provisioned",
          );
        }
        checkRange(report, [...path, "maxSizeGB"], db.maxSizeGB, 1, SQL_MAX_SIZE_GB, "the maximum data size in GB");
        const ltr = db.longTermRetention ?? {};
        for (const [kind, [unit, max]] of Object.entries(SQL_LTR)) {
          const value = ltr[kind as keyof typeof SQL_LTR];
          if (value === undefined) continue;
          const match = new RegExp(`^P(\\d+)${unit}$`).exec(value);
          if (!match || Number(match[1]) < 1 || Number(match[1]) > max)
            report(
              [...path, "longTermRetention", kind],
              `got ${JSON.stringify(value)}; expected P1${unit} to P${max}${unit}`,
            );
        }
        if (ltr.weekOfYear !== undefined && !ltr.yearly)
          report(
            [...path, "longTermRetention", "weekOfYear"],
            "weekOfYear picks the yearly backup; set yearly too or remove it",
          );
        checkRange(report, [...path, "longTermRetention", "weekOfYear"], ltr.weekOfYear, 1, 52, "the week of the year");
        const pause = db.autoPauseDelayMinutes;
        if (pause !== undefined && pause !== -1 && (pause < 15 || pause > 10080)) {
          report([...path, "autoPauseDelayMinutes"], `got ${pause}; expected -1 (never pause) or 15-10080 minutes`);
        }
        checkRange(
          report,
          [...path, "backupRetentionDays"],
          db.backupRetentionDays,
          1,
          35,
          "point-in-time restore retention in days",
        );
      });
    }

    // Redis
    const r = data.redis;
    if (r.enabled) {
      const [min, max] = REDIS_CAPACITY[r.sku];
      checkRange(report, ["redis", "capacity"], r.capacity, min, max, `${r.sku} capacity`);
      if (r.zoneRedundant && r.sku !== "Premium") {
        report(["redis", "zoneRedundant"], `zone redundancy needs the Premium SKU; this cache is ${r.sku}`);
      }
      if (r.shardCount !== undefined) {
        if (r.sku !== "Premium")
          report(["redis", "shardCount"], `clustering needs the Premium SKU; this cache is ${r.sku}`);
        else checkRange(report, ["redis", "shardCount"], r.shardCount, 1, 10, "a Premium cluster's shard count");
      }
      checkZones(report, ["redis", "zoneRedundant"], r.zoneRedundant, context.location);
    }

    // PostgreSQL and MySQL flexible servers: the components' own checks, each under its key.
    for (const { section, limits, database } of FLEXIBLE_SERVERS) {
      const server = data[section];
      if (!server.enabled) continue;
      if (!server.admin)
        report(
          [section, "admin"],
          `missing; ${limits.engine} allows Entra sign-in only, so give the admin as { principalName, objectId } or set enabled: false`,
        );
      for (const problem of flexibleServerProblems({ ...server, location: context.location }, limits))
        report([section, problem.key], problem.message);
      server.databases.forEach((name, i) => {
        if (!followsRule(database, name))
          report([section, "databases", i], `got ${JSON.stringify(name)}; expected ${database.allowed}`);
      });
    }

    // Storage
    const st = data.storage;
    checkZones(report, ["storage", "redundancy"], ZONAL_REDUNDANCY.includes(st.redundancy), context.location);
    checkNames(report, ["storage", "containers"], st.containers, DATA_NAME_RULES.blobContainer);
    checkRange(report, ["storage", "softDeleteDays"], st.softDeleteDays, 1, 365, "soft delete retention in days");
    checkRange(
      report,
      ["storage", "lifecycle", "coolAfterDays"],
      st.lifecycle.coolAfterDays,
      0,
      99_999,
      "days before moving to Cool",
    );
    if (st.lifecycle.archiveAfterDays <= st.lifecycle.coolAfterDays) {
      report(
        ["storage", "lifecycle", "archiveAfterDays"],
        `got ${st.lifecycle.archiveAfterDays}; blobs must move to Archive after they move to Cool (${st.lifecycle.coolAfterDays} days)`,
      );
    }

    // Service Bus
    const sb = data.serviceBus;
    if (sb.sku === "Standard") {
      if (sb.privateEndpoint)
        report(
          ["serviceBus", "privateEndpoint"],
          "Service Bus Standard has no private endpoints; set sku: Premium or privateEndpoint: false",
        );
      if (sb.zoneRedundant)
        report(
          ["serviceBus", "zoneRedundant"],
          "Service Bus Standard has no zone redundancy; set sku: Premium or zoneRedundant: false",
        );
      if (sb.capacity !== undefined)
        report(
          ["serviceBus", "capacity"],
          "messaging units are a Premium setting; set sku: Premium or remove capacity (capacity: null clears the profile's default)",
        );
    } else if (sb.capacity !== undefined && ![1, 2, 4, 8, 16].includes(sb.capacity)) {
      report(["serviceBus", "capacity"], `got ${sb.capacity}; expected 1, 2, 4, 8 or 16 messaging units`);
    }
    checkZones(report, ["serviceBus", "zoneRedundant"], sb.zoneRedundant, context.location);
    checkNames(report, ["serviceBus", "queues"], sb.queues, DATA_NAME_RULES.serviceBusQueue);
    sb.queues.forEach((q, i) => {
      const path = ["serviceBus", "queues", i];
      checkRange(
        report,
        [...path, "lockDurationSeconds"],
        q.lockDurationSeconds,
        5,
        300,
        "the lock duration in seconds (at most 5 minutes)",
      );
      checkRange(
        report,
        [...path, "ttlSeconds"],
        q.ttlSeconds,
        1,
        MAX_QUEUE_TTL_SECONDS,
        "the message time to live in seconds",
      );
      checkRange(
        report,
        [...path, "maxDeliveryCount"],
        q.maxDeliveryCount,
        1,
        2_147_483_647,
        "the maximum delivery count",
      );
    });

    // Key Vault
    const kv = data.keyVault;
    checkRange(
      report,
      ["keyVault", "softDeleteRetentionDays"],
      kv.softDeleteRetentionDays,
      7,
      90,
      "soft delete retention in days",
    );
    checkNames(report, ["keyVault", "secrets"], kv.secrets, DATA_NAME_RULES.keyVaultSecret);
    kv.secrets.forEach((secret, i) =>
      checkRange(report, ["keyVault", "secrets", i, "length"], secret.length, 32, 1024, "a generated secret's length"),
    );
  },
});
