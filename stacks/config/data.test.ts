import { describe, expect, it } from "vitest";
import { DEV_STACK as BASE, refusal } from "../../test/config.js";
import { loadConfig } from "./load.js";

const ADMIN = { login: "sql-admins", objectId: "6f1c2a7e-3b5d-4c8e-9a10-2d4e6f8a0b1c" };
const data = (value: unknown) => ({ "estate:data": JSON.stringify(value) });

const refuse = (raw: Record<string, string>) => refusal({ ...BASE, ...raw });

describe("estate:data defaults", () => {
  it("dev: serverless Cosmos, Standard Service Bus without private endpoint, Standard Redis, no zones, no SQL", () => {
    const { data: d } = loadConfig(BASE, { stack: "dev" });
    expect(d.cosmos).toMatchObject({ capacity: "serverless", zoneRedundant: false, backup: "periodic" });
    expect(d.serviceBus).toMatchObject({ sku: "Standard", privateEndpoint: false, zoneRedundant: false });
    expect(d.redis).toMatchObject({ enabled: true, sku: "Standard", zoneRedundant: false });
    expect(d.sql.enabled).toBe(false);
    expect(d.keyVault.purgeProtection).toBe(false);
    expect(d.lock).toBe("none");
  });

  it("prod: provisioned with 4000 RU/s autoscale shared by the database, continuous backup, Premium Service Bus with private endpoint, Premium Redis, zone redundant, purge protection", () => {
    const { data: d } = loadConfig({ ...BASE, "estate:profile": "prod" }, { stack: "prod" });
    expect(d.cosmos).toMatchObject({ capacity: "provisioned", zoneRedundant: true, backup: "continuous" });
    expect(d.cosmos.databases.map((db) => db.throughput)).toEqual([{ autoscaleMax: 4000 }]);
    expect(d.serviceBus).toMatchObject({ sku: "Premium", privateEndpoint: true, zoneRedundant: true });
    expect(d.redis).toMatchObject({ sku: "Premium", zoneRedundant: true });
    expect(d.storage.redundancy).toBe("ZRS");
    expect(d.keyVault.purgeProtection).toBe(true);
    expect(d.lock).toBe("CanNotDelete");
  });

  it("ephemeral: the cheapest Redis and no lock", () => {
    const { data: d } = loadConfig(
      { ...BASE, "estate:profile": "ephemeral", "estate:expiresAt": "2026-12-01T18:00:00Z" },
      { stack: "ephemeral-pr42" },
    );
    expect(d.redis.sku).toBe("Basic");
    expect(d.lock).toBe("none");
  });

  it("holds what the hosted services need", () => {
    const { data: d } = loadConfig(BASE, { stack: "dev" });
    expect(d.cosmos.databases).toEqual([
      {
        name: "estate",
        containers: [
          { name: "events", partitionKey: "/tenantId" },
          { name: "documents", partitionKey: "/tenantId" },
          { name: "idempotency", partitionKey: "/tenantId", defaultTtlSeconds: -1 },
        ],
      },
    ]);
    expect(d.storage.containers).toEqual(["documents"]);
    expect(d.storage.lifecycle).toEqual({ coolAfterDays: 30, archiveAfterDays: 90 });
    expect(d.serviceBus.queues).toEqual([
      {
        name: "document-processing",
        lockDurationSeconds: 60,
        ttlSeconds: 86400,
        maxDeliveryCount: 3,
        deadLetterOnExpiry: true,
      },
    ]);
  });

  it("has PostgreSQL and MySQL off, Burstable B1ms outside prod and zone-redundant General Purpose in prod", () => {
    const dev = loadConfig(BASE, { stack: "dev" }).data;
    const prod = loadConfig({ ...BASE, "estate:profile": "prod" }, { stack: "prod" }).data;
    for (const section of ["postgresql", "mysql"] as const) {
      expect(dev[section]).toMatchObject({
        enabled: false,
        sku: { name: "Standard_B1ms", tier: "Burstable" },
        highAvailability: "Disabled",
        backupRetentionDays: 7,
        geoRedundantBackup: false,
      });
      expect(prod[section]).toMatchObject({
        enabled: false,
        sku: { tier: "GeneralPurpose" },
        highAvailability: "ZoneRedundant",
        backupRetentionDays: 35,
        geoRedundantBackup: true,
      });
    }
    expect(prod.postgresql.sku.name).toBe("Standard_D2ds_v5");
    expect(prod.mysql.sku.name).toBe("Standard_D2ds_v4");
  });

  it("turns PostgreSQL on with just its admin and databases, defaulting the admin to a group", () => {
    const { data: d } = loadConfig(
      {
        ...BASE,
        ...data({
          postgresql: {
            enabled: true,
            admin: { principalName: "pg-admins", objectId: ADMIN.objectId },
            databases: ["events"],
          },
        }),
      },
      { stack: "dev" },
    );
    expect(d.postgresql).toMatchObject({
      enabled: true,
      admin: { principalName: "pg-admins", principalType: "Group" },
      databases: ["events"],
      version: "16",
    });
  });

  it("lets a stack change one nested key and keeps the rest of the section", () => {
    const { data: d } = loadConfig(
      { ...BASE, ...data({ sql: { enabled: true, admin: ADMIN }, redis: { enabled: false } }) },
      { stack: "dev" },
    );
    expect(d.sql).toMatchObject({
      enabled: true,
      admin: ADMIN,
      databases: [expect.objectContaining({ compute: "serverless" })],
    });
    expect(d.redis).toMatchObject({ enabled: false, sku: "Standard" });
  });
});

describe("estate:data impossible combinations", () => {
  const prod = { "estate:profile": "prod" };
  const cases: Array<[string, Record<string, string>, string, RegExp]> = [
    [
      "a private endpoint on Service Bus Standard",
      data({ serviceBus: { privateEndpoint: true } }),
      "estate:data.serviceBus.privateEndpoint",
      /Service Bus Standard has no private endpoints; set sku: Premium or privateEndpoint: false/,
    ],
    [
      "zone redundancy on Service Bus Standard",
      data({ serviceBus: { zoneRedundant: true } }),
      "estate:data.serviceBus.zoneRedundant",
      /Service Bus Standard has no zone redundancy/,
    ],
    [
      "messaging units on Service Bus Standard",
      data({ serviceBus: { capacity: 2 } }),
      "estate:data.serviceBus.capacity",
      /Premium setting/,
    ],
    [
      "zone redundancy on Redis Standard",
      data({ redis: { zoneRedundant: true } }),
      "estate:data.redis.zoneRedundant",
      /zone redundancy needs the Premium SKU; this cache is Standard/,
    ],
    [
      "zone redundancy in a region without zones",
      { ...prod, "estate:location": "westus", "estate:zoneRedundant": "false" },
      "estate:data.cosmos.zoneRedundant",
      /region westus has no availability zones; choose another region or set zoneRedundant: false/,
    ],
    [
      "Storage zone redundancy in a region without zones",
      { "estate:location": "ukwest", ...data({ storage: { redundancy: "GZRS" } }) },
      "estate:data.storage.redundancy",
      /ukwest has no availability zones/,
    ],
    [
      "a storage redundancy Azure does not offer",
      data({ storage: { redundancy: "GRS-Z" } }),
      "estate:data.storage.redundancy",
      /LRS.*RA-GZRS/,
    ],
    [
      "clustering on Redis Standard",
      data({ redis: { shardCount: 2 } }),
      "estate:data.redis.shardCount",
      /clustering needs the Premium SKU; this cache is Standard/,
    ],
    [
      "more than 10 Redis shards",
      { ...prod, ...data({ redis: { shardCount: 11 } }) },
      "estate:data.redis.shardCount",
      /got 11; a Premium cluster's shard count is 1-10/,
    ],
    [
      "an unknown Redis eviction policy",
      data({ redis: { evictionPolicy: "lru" } }),
      "estate:data.redis.evictionPolicy",
      /allkeys-lru/,
    ],
    [
      "serverless Business Critical SQL",
      data({
        sql: {
          enabled: true,
          admin: ADMIN,
          databases: [
            { name: "db", compute: "serverless", edition: "BusinessCritical", vCores: 2, backupRetentionDays: 7 },
          ],
        },
      }),
      "estate:data.sql.databases[0].edition",
      /serverless exists on GeneralPurpose only/,
    ],
    [
      "a serverless minimum above the maximum",
      data({
        sql: {
          enabled: true,
          admin: ADMIN,
          databases: [{ name: "db", compute: "serverless", vCores: 2, minVCores: 4, backupRetentionDays: 7 }],
        },
      }),
      "estate:data.sql.databases[0].minVCores",
      /got 4; expected 0.5 up to the maximum of 2 vCores/,
    ],
    [
      "a production database that pauses",
      {
        ...prod,
        ...data({
          sql: {
            enabled: true,
            admin: ADMIN,
            databases: [
              { name: "db", compute: "serverless", vCores: 2, autoPauseDelayMinutes: 60, backupRetentionDays: 35 },
            ],
          },
        }),
      },
      "estate:data.sql.databases[0].autoPauseDelayMinutes",
      /production databases do not pause/,
    ],
    [
      "a max size over 4 TB",
      data({
        sql: {
          enabled: true,
          admin: ADMIN,
          databases: [{ name: "db", compute: "provisioned", vCores: 2, maxSizeGB: 5000, backupRetentionDays: 7 }],
        },
      }),
      "estate:data.sql.databases[0].maxSizeGB",
      /got 5000; the maximum data size in GB is 1-4096/,
    ],
    [
      "long-term retention over 10 years",
      data({
        sql: {
          enabled: true,
          admin: ADMIN,
          databases: [
            {
              name: "db",
              compute: "provisioned",
              vCores: 2,
              backupRetentionDays: 7,
              longTermRetention: { weekly: "P521W" },
            },
          ],
        },
      }),
      "estate:data.sql.databases[0].longTermRetention.weekly",
      /got "P521W"; expected P1W to P520W/,
    ],
    [
      "PostgreSQL on without its admin",
      data({ postgresql: { enabled: true } }),
      "estate:data.postgresql.admin",
      /PostgreSQL allows Entra sign-in only/,
    ],
    [
      "HA on a Burstable PostgreSQL",
      data({ postgresql: { enabled: true, highAvailability: "ZoneRedundant" } }),
      "estate:data.postgresql.highAvailability",
      /needs the GeneralPurpose or MemoryOptimized tier; Standard_B1ms is Burstable/,
    ],
    [
      "PostgreSQL backups kept 3 days",
      data({ postgresql: { enabled: true, backupRetentionDays: 3 } }),
      "estate:data.postgresql.backupRetentionDays",
      /PostgreSQL keeps backups 7-35 days/,
    ],
    [
      "zone-redundant MySQL in a region without zones",
      { ...prod, "estate:location": "westus", "estate:zoneRedundant": "false", ...data({ mysql: { enabled: true } }) },
      "estate:data.mysql.highAvailability",
      /region westus has none/,
    ],
    [
      "a General Purpose size on the Burstable tier",
      data({ mysql: { enabled: true, sku: { name: "Standard_D2ds_v4", tier: "Burstable" } } }),
      "estate:data.mysql.sku",
      /Standard_D2ds_v4 is a GeneralPurpose size, not Burstable/,
    ],
    [
      "a MySQL system database",
      data({ mysql: { enabled: true, databases: ["sys"] } }),
      "estate:data.mysql.databases",
      /"sys" is a system database name/,
    ],
    [
      "a database name with a hyphen",
      data({ postgresql: { enabled: true, databases: ["my-app"] } }),
      "estate:data.postgresql.databases[0]",
      /expected 1-63 letters, digits and underscores/,
    ],
    [
      "a flexible server admin id that is not a GUID",
      data({ mysql: { enabled: true, admin: { principalName: "x", objectId: "mysql-admins" } } }),
      "estate:data.mysql.admin.objectId",
      /expected the Entra principal's object id, a GUID/,
    ],
    [
      "a queue TTL over the maximum",
      data({ serviceBus: { queues: [{ name: "q", ttlSeconds: 922_337_203_686 }] } }),
      "estate:data.serviceBus.queues[0].ttlSeconds",
      /got 922337203686; the message time to live in seconds is 1-922337203685/,
    ],
    [
      "a lock duration over 5 minutes",
      data({ serviceBus: { queues: [{ name: "q", lockDurationSeconds: 301 }] } }),
      "estate:data.serviceBus.queues[0].lockDurationSeconds",
      /got 301; the lock duration in seconds \(at most 5 minutes\) is 5-300/,
    ],
    [
      "a max delivery count of zero",
      data({ serviceBus: { queues: [{ name: "q", maxDeliveryCount: 0 }] } }),
      "estate:data.serviceBus.queues[0].maxDeliveryCount",
      /got 0/,
    ],
    [
      "a partition key that is not a path",
      data({ cosmos: { databases: [{ name: "estate", containers: [{ name: "c", partitionKey: "tenantId" }] }] } }),
      "estate:data.cosmos.databases[0].containers[0].partitionKey",
      /got "tenantId"; expected a path of property names such as \/tenantId/,
    ],
    [
      "a partition key with a wildcard",
      data({ cosmos: { databases: [{ name: "estate", containers: [{ name: "c", partitionKey: "/tenant/*" }] }] } }),
      "estate:data.cosmos.databases[0].containers[0].partitionKey",
      /expected a path of property names/,
    ],
    [
      "a Cosmos container name with a slash",
      data({ cosmos: { databases: [{ name: "estate", containers: [{ name: "a/b", partitionKey: "/id" }] }] } }),
      "estate:data.cosmos.databases[0].containers[0].name",
      /without \/ \\ # \?/,
    ],
    [
      "a container listed twice",
      data({
        cosmos: {
          databases: [
            {
              name: "estate",
              containers: [
                { name: "a", partitionKey: "/id" },
                { name: "A", partitionKey: "/id" },
              ],
            },
          ],
        },
      }),
      "estate:data.cosmos.databases[0].containers[1]",
      /"A" is listed twice/,
    ],
    [
      "a blob container name Azure refuses",
      data({ storage: { containers: ["Documents_1"] } }),
      "estate:data.storage.containers[0]",
      /got "Documents_1"; expected 3-63 lowercase letters/,
    ],
    [
      "a queue name Azure refuses",
      data({ serviceBus: { queues: [{ name: "-jobs" }] } }),
      "estate:data.serviceBus.queues[0].name",
      /got "-jobs"; expected 1-260 letters/,
    ],
    [
      "a secret name Azure refuses",
      data({ keyVault: { secrets: [{ name: "signing_secret", length: 64 }] } }),
      "estate:data.keyVault.secrets[0].name",
      /expected 1-127 letters, digits and hyphens/,
    ],
    [
      "names too long for Key Vault and Storage",
      { "estate:workload": "estatelong", "estate:environment": "pr123456" },
      "estate:data.keyVault",
      /keyVault name "kvestatelongpr123456weu\w+" is 29 characters; Azure allows 3-24/,
    ],
    [
      "SQL turned on without its admin group",
      data({ sql: { enabled: true } }),
      "estate:data.sql.admin",
      /SQL allows Entra sign-in only/,
    ],
    [
      "an admin object id that is not a GUID",
      data({ sql: { enabled: true, admin: { login: "x", objectId: "sql-admins" } } }),
      "estate:data.sql.admin.objectId",
      /expected the Entra group's object id, a GUID/,
    ],
    [
      "auto-pause on a provisioned database",
      data({
        sql: {
          enabled: true,
          admin: ADMIN,
          databases: [
            { name: "db", compute: "provisioned", vCores: 2, autoPauseDelayMinutes: 60, backupRetentionDays: 7 },
          ],
        },
      }),
      "estate:data.sql.databases[0].autoPauseDelayMinutes",
      /only serverless databases pause/,
    ],
    [
      "vCores the SKU does not offer",
      data({
        sql: {
          enabled: true,
          admin: ADMIN,
          databases: [{ name: "db", compute: "provisioned", vCores: 1, backupRetentionDays: 7 }],
        },
      }),
      "estate:data.sql.databases[0].vCores",
      /got 1; provisioned General Purpose databases take 2, 4/,
    ],
    [
      "backup retention over 35 days",
      data({
        sql: {
          enabled: true,
          admin: ADMIN,
          databases: [{ name: "db", compute: "serverless", vCores: 1, backupRetentionDays: 90 }],
        },
      }),
      "estate:data.sql.databases[0].backupRetentionDays",
      /got 90/,
    ],
    [
      "a system database name",
      data({
        sql: {
          enabled: true,
          admin: ADMIN,
          databases: [{ name: "master", compute: "serverless", vCores: 1, backupRetentionDays: 7 }],
        },
      }),
      "estate:data.sql.databases[0].name",
      /system database/,
    ],
    [
      "throughput on a serverless account",
      data({ cosmos: { databases: [{ name: "estate", throughput: { manual: 400 }, containers: [] }] } }),
      "estate:data.cosmos.databases[0].throughput",
      /serverless accounts have no provisioned throughput/,
    ],
    [
      "autoscale throughput off the 1000 RU/s steps",
      {
        ...prod,
        ...data({ cosmos: { databases: [{ name: "estate", throughput: { autoscaleMax: 1500 }, containers: [] }] } }),
      },
      "estate:data.cosmos.databases[0].throughput.autoscaleMax",
      /in steps of 1000/,
    ],
    [
      "400 RU/s of autoscale, which Azure does not have",
      {
        ...prod,
        ...data({ cosmos: { databases: [{ name: "estate", throughput: { autoscaleMax: 400 }, containers: [] }] } }),
      },
      "estate:data.cosmos.databases[0].throughput.autoscaleMax",
      /got 400; autoscale's maximum is 1000 RU\/s or more .*1000 scales 100-1000 RU\/s\); for a fixed 400 RU\/s use manual/,
    ],
    [
      "both manual and autoscale",
      {
        ...prod,
        ...data({
          cosmos: { databases: [{ name: "estate", throughput: { manual: 400, autoscaleMax: 1000 }, containers: [] }] },
        }),
      },
      "estate:data.cosmos.databases[0].throughput",
      /exactly one of manual/,
    ],
    [
      "manual throughput below 400",
      {
        ...prod,
        ...data({
          cosmos: {
            databases: [
              { name: "estate", containers: [{ name: "c", partitionKey: "/id", throughput: { manual: 300 } }] },
            ],
          },
        }),
      },
      "estate:data.cosmos.databases[0].containers[0].throughput.manual",
      /got 300; manual throughput is 400 RU\/s or more/,
    ],
    [
      "a provisioned container with no throughput anywhere",
      {
        ...prod,
        ...data({ cosmos: { databases: [{ name: "estate", containers: [{ name: "c", partitionKey: "/id" }] }] } }),
      },
      "estate:data.cosmos.databases[0].containers[0].throughput",
      /needs its own throughput or its database's shared throughput/,
    ],
    [
      "prod's Service Bus on Standard with the profile's messaging units left in",
      { ...prod, ...data({ serviceBus: { sku: "Standard", privateEndpoint: false, zoneRedundant: false } }) },
      "estate:data.serviceBus.capacity",
      /messaging units are a Premium setting; set sku: Premium or remove capacity/,
    ],
    [
      "a Redis size the SKU does not have",
      data({ redis: { sku: "Premium", capacity: 0 } }),
      "estate:data.redis.capacity",
      /got 0; Premium capacity is 1-5/,
    ],
    [
      "archiving before cooling",
      data({ storage: { lifecycle: { coolAfterDays: 60, archiveAfterDays: 30 } } }),
      "estate:data.storage.lifecycle.archiveAfterDays",
      /must move to Archive after they move to Cool/,
    ],
    [
      "soft delete retention beyond 90 days in Key Vault",
      data({ keyVault: { softDeleteRetentionDays: 120 } }),
      "estate:data.keyVault.softDeleteRetentionDays",
      /got 120/,
    ],
    [
      "a lock on an ephemeral stack",
      { "estate:profile": "ephemeral", "estate:expiresAt": "2026-12-01T18:00:00Z", ...data({ lock: "CanNotDelete" }) },
      "estate:data.lock",
      /ephemeral stacks are collected/,
    ],
    [
      "an unknown key in a queue",
      data({ serviceBus: { queues: [{ name: "q", ttl: 5 }] } }),
      "estate:data.serviceBus.queues[0].ttl",
      /unknown key; allowed keys here: name, lockDurationSeconds/,
    ],
  ];

  it.each(cases)("refuses %s, naming the key", (_label, change, key, message) => {
    const error = refuse(change);
    const problem = error.problems.find((p) => p.key === key);
    expect(problem, `no problem reported for ${key}: ${error.message}`).toBeDefined();
    expect(problem!.message).toMatch(message);
  });

  it("accepts shared autoscale beside dedicated manual throughput, and prod's Service Bus on Standard once capacity is cleared", () => {
    const prodRaw = { ...BASE, "estate:profile": "prod" };
    const cosmos = {
      capacity: "provisioned",
      databases: [
        {
          name: "estate",
          throughput: { autoscaleMax: 1000 },
          containers: [
            { name: "events", partitionKey: "/tenantId" },
            { name: "hot", partitionKey: "/id", throughput: { manual: 400 } },
          ],
        },
      ],
    };
    const serviceBus = { sku: "Standard", capacity: null, privateEndpoint: false, zoneRedundant: false };
    const config = loadConfig({ ...prodRaw, ...data({ cosmos, serviceBus }) }, { stack: "prod" });
    expect(config.data.cosmos.databases[0].containers[1].throughput).toEqual({ manual: 400 });
    expect(config.data.serviceBus).toMatchObject({ sku: "Standard", privateEndpoint: false });
    expect("capacity" in config.data.serviceBus).toBe(false);
  });

  it("accepts the queue shape the local broker reads, and Premium features on Premium", () => {
    const premium = { sku: "Premium", capacity: 2, zoneRedundant: true, privateEndpoint: true };
    const queue = {
      name: "q",
      lockDurationSeconds: 300,
      ttlSeconds: 922_337_203_685,
      maxDeliveryCount: 1,
      deadLetterOnExpiry: false,
    };
    const config = loadConfig({ ...BASE, ...data({ serviceBus: { ...premium, queues: [queue] } }) }, { stack: "dev" });
    expect(config.data.serviceBus.queues).toEqual([queue]);
  });
});
