// A service's manifest names the queues, containers, databases and model deployments it binds to;
// the stack config names those it declares. Both must accept exactly the names Azure does (services/names.ts): a
// name one accepts and the other refuses is a service the estate cannot host.
import { describe, expect, it } from "vitest";
import { manifestSchema } from "../../services/manifest.js";
import { DEV_STACK } from "../../test/config.js";
import { ConfigError } from "./errors.js";
import { loadConfig } from "./load.js";

const ADMIN = { principalName: "db-admins", objectId: "6f1c2a7e-3b5d-4c8e-9a10-2d4e6f8a0b1c" };

interface Place {
  /** The manifest keys that name it, and the key of the name in the manifest's problems. */
  manifest: (name: string) => Record<string, unknown>;
  manifestKey: string;
  /** The config area's section that declares it, and the key of the name in the config's problems. */
  config: (name: string) => Record<string, unknown>;
  configKey: string;
  /** The config area, `estate:data` unless given. */
  area?: string;
}

const PLACES: Record<string, Place> = {
  "Service Bus queue": {
    manifest: (name) => ({ queues: [{ name, access: "send" }] }),
    manifestKey: "queues.0.name",
    config: (name) => ({ serviceBus: { queues: [{ name }] } }),
    configKey: "estate:data.serviceBus.queues[0].name",
  },
  "blob container": {
    manifest: (name) => ({ blobContainers: [{ name, access: "read" }] }),
    manifestKey: "blobContainers.0.name",
    config: (name) => ({ storage: { containers: [name] } }),
    configKey: "estate:data.storage.containers[0]",
  },
  "Cosmos container": {
    manifest: (name) => ({
      cosmos: [{ database: "estate", container: name, partitionKey: "/tenantId", access: "read" }],
    }),
    manifestKey: "cosmos.0.container",
    config: (name) => ({
      cosmos: { databases: [{ name: "estate", containers: [{ name, partitionKey: "/tenantId" }] }] },
    }),
    configKey: "estate:data.cosmos.databases[0].containers[0].name",
  },
  "SQL database": {
    manifest: (name) => ({ sql: { database: name, access: "read" } }),
    manifestKey: "sql.database",
    config: (name) => ({
      sql: {
        enabled: true,
        admin: { login: "sql-admins", objectId: ADMIN.objectId },
        databases: [{ name, compute: "serverless", vCores: 1, backupRetentionDays: 7 }],
      },
    }),
    configKey: "estate:data.sql.databases[0].name",
  },
  "PostgreSQL database": {
    manifest: (name) => ({ postgresql: { database: name, access: "read" } }),
    manifestKey: "postgresql.database",
    config: (name) => ({ postgresql: { enabled: true, admin: ADMIN, databases: [name] } }),
    configKey: "estate:data.postgresql.databases[0]",
  },
  "MySQL database": {
    manifest: (name) => ({ mysql: { database: name, access: "read" } }),
    manifestKey: "mysql.database",
    config: (name) => ({ mysql: { enabled: true, admin: ADMIN, databases: [name] } }),
    configKey: "estate:data.mysql.databases[0]",
  },
  "model deployment": {
    manifest: (name) => ({ openAi: { deployments: [name] } }),
    manifestKey: "openAi.deployments.0",
    area: "estate:platform",
    config: (name) => ({
      openAi: {
        enabled: true,
        deployments: [{ name, model: "gpt-4o-mini", version: "2024-07-18", sku: "GlobalStandard", capacity: 10 }],
      },
    }),
    configKey: "estate:platform.openAi.deployments[0].name",
  },
};

/** Names on both sides of the rules' edges: lengths, first and last characters, case, separators. */
const CANDIDATES = [
  "a",
  "ab",
  "jobs",
  "Jobs",
  "jobs.v2",
  "jobs_2",
  "job-queue",
  "a--b",
  "-jobs",
  "jobs-",
  "jobs.",
  "jobs_",
  "_jobs",
  "2jobs",
  "jobs/retry",
  "jobs q",
  "jobs ",
  "orders; archive",
  "docs?",
  "gpt-4o-mini",
  "gpt-4.1",
  "chat-",
  ".chat",
  "chat:v2",
  "x".repeat(63),
  "x".repeat(64),
  "x".repeat(65),
  "x".repeat(128),
  "x".repeat(255),
  "x".repeat(256),
  "x".repeat(260),
  "x".repeat(261),
];

function manifestAccepts(place: Place, name: string): boolean {
  const result = manifestSchema.safeParse({
    name: "svc",
    kind: "function-app",
    entry: "src/index.ts",
    ...place.manifest(name),
  });
  return result.success || !result.error.issues.some((issue) => issue.path.join(".") === place.manifestKey);
}

function configAccepts(place: Place, name: string): boolean {
  try {
    loadConfig({ ...DEV_STACK, [place.area ?? "estate:data"]: JSON.stringify(place.config(name)) }, { stack: "dev" });
    return true;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Any other problem would hide the name's: the candidate config is valid but for the name.
    expect(error.problems.filter((problem) => problem.key !== place.configKey)).toEqual([]);
    return false;
  }
}

describe.each(Object.entries(PLACES))("a %s name", (_what, place) => {
  it("is accepted by a service manifest exactly when the stack config accepts it", () => {
    const verdicts = CANDIDATES.map((name) => ({
      name: name.length > 20 ? `${name.length} characters` : name,
      manifest: manifestAccepts(place, name),
      config: configAccepts(place, name),
    }));
    expect(verdicts.filter((verdict) => verdict.manifest !== verdict.config)).toEqual([]);
    // Both sides judged: some candidates pass and some fail.
    expect(new Set(verdicts.map((verdict) => verdict.config))).toEqual(new Set([true, false]));
  });
});
