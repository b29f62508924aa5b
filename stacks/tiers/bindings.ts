import * as pulumi from "@pulumi/pulumi";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import {
  mysqlEntraUser,
  postgresqlEntraRole,
  sqlContainedUser,
  type DatabaseUserStep,
  type DataTier,
} from "../../infra/data/index.js";
import { IDENTITY_BINDINGS, isKeyVaultSetting } from "../../services/manifest.js";
import type { BindingIdentity, HostedService } from "../services.js";
import type { Foundation } from "./foundation.js";
import type { PlatformServicesTier } from "./platform.js";

/** One identity a service's code runs as, and the key its grants are named by. */
export interface Grantee {
  key: string;
  principalId: pulumi.Input<string>;
}

/** A binding identity with the resource id its host attaches. */
export type ServiceIdentity = BindingIdentity & { id: pulumi.Output<string>; name: string };

/**
 * The user-assigned identity of a service with identity bindings (Redis, SQL, PostgreSQL, MySQL):
 * their users are named by an Entra object id or name, which a web app's own identity only gets
 * with the app and which differs on its staging slot. Absent for other services.
 */
export function serviceIdentity(foundation: Foundation, service: HostedService): ServiceIdentity | undefined {
  return IDENTITY_BINDINGS.some((key) => service[key]) ? ownIdentity(foundation, service) : undefined;
}

/** A user-assigned identity of the service's own (`id-<workload>-<env>-<region>-<service>`), whatever it binds. */
export function ownIdentity({ base, namer }: Foundation, service: HostedService): ServiceIdentity {
  const name = namer.name("managedIdentity", service.name);
  const identity = new managedidentity.UserAssignedIdentity(`identity-${service.name}`, {
    resourceName: name,
    resourceGroupName: base.resourceGroupName,
    location: base.location,
  });
  return { id: identity.id, name, principalId: identity.principalId, clientId: identity.clientId };
}

/**
 * Key Vault Secrets User on each secret the service reads, generated or supplied, and no other
 * secret of the vault: the grants, which a host that fetches the secrets as it starts (Container
 * Apps, AKS) must wait for.
 */
export function grantSecretReads(
  service: HostedService,
  { key, principalId }: Grantee,
  data: DataTier,
): pulumi.Resource[] {
  return service.settings
    .filter(isKeyVaultSetting)
    .map((setting) => data.keyVault.grantSecretRead(key, principalId, setting.value!));
}

/**
 * Grants one identity of a service exactly the data its manifest lists, each role on that one
 * resource. `bindings: false` keeps to queues, Cosmos and blob containers: what a Functions
 * trigger reads with the app's own identity when the code itself signs in as the service identity.
 * loadHostedServices has refused bindings to services the stack leaves out.
 */
export function grantServiceData(
  service: HostedService,
  { key, principalId }: Grantee,
  data: DataTier,
  platform: PlatformServicesTier,
  { bindings }: { bindings: boolean },
): void {
  if (service.cosmos.length) data.cosmos!.grantDataAccess(key, principalId);
  // Blob roles are per container: an app can touch neither another's data nor any package.
  for (const blob of service.blobContainers)
    data.storage.grantBlobAccess(key, principalId, blob.access === "readwrite" ? "write" : "read", blob.name);
  for (const queue of service.queues) data.serviceBus!.grantQueueAccess(key, principalId, queue.name, queue.access);
  if (!bindings) return;
  // On the geo-secondary cache too (estate:dr): the service's apps in either region use it after a failover.
  if (service.redis)
    data.grantCacheAccess(key, principalId, service.redis.access === "readwrite" ? "Data Contributor" : "Data Reader");
  if (service.search)
    platform.search!.grantDataAccess(
      key,
      principalId,
      service.search.access === "readwrite" ? "Search Index Data Contributor" : "Search Index Data Reader",
    );
  if (service.openAi) platform.openAi!.grantDataAccess(key, principalId);
  if (service.signalR || service.webPubSub) platform.realtime!.grantDataAccess(key, principalId);
  if (service.appConfig) platform.appConfiguration!.grantDataAccess(key, principalId);
}

/** A database user one service needs. */
export type ServiceDatabaseUser = DatabaseUserStep & { service: string };

/** The database users a service's SQL, PostgreSQL and MySQL bindings need, for the server's administrator to create. */
export function databaseUserSteps(
  service: Pick<HostedService, "name" | "sql" | "postgresql" | "mysql">,
  identity: Pick<ServiceIdentity, "name" | "clientId">,
  data: DataTier,
): ServiceDatabaseUser[] {
  const user = identity.name;
  const steps: DatabaseUserStep[] = [];
  if (service.sql) {
    const { database, access } = service.sql;
    steps.push({
      engine: "sql",
      server: data.sql!.fullyQualifiedDomainName,
      database,
      user,
      statements: pulumi.output(sqlContainedUser(user, access)),
    });
  }
  if (service.postgresql) {
    const { database, access } = service.postgresql;
    steps.push({
      engine: "postgresql",
      server: data.postgresql!.fullyQualifiedDomainName,
      database,
      user,
      statements: pulumi.output(postgresqlEntraRole(user, database, access)),
    });
  }
  if (service.mysql) {
    const { database, access } = service.mysql;
    steps.push({
      engine: "mysql",
      server: data.mysql!.fullyQualifiedDomainName,
      database,
      user,
      statements: mysqlEntraUser(user, identity.clientId, database, access),
    });
  }
  return steps.map((step) => ({ service: service.name, ...step }));
}
