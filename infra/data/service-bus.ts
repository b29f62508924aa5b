import * as pulumi from "@pulumi/pulumi";
import * as servicebus from "@pulumi/azure-native/servicebus";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";

/** A queue as the estate's config and the local Service Bus broker both describe it. */
export interface QueueArgs {
  /** The queue's name in the namespace, e.g. `documents`. */
  name: string;
  /** Seconds a received message stays locked to its receiver (peek-lock); absent: Service Bus' default. */
  lockDurationSeconds?: number;
  /** Seconds a message lives before it expires; absent: Service Bus' default (no practical expiry). */
  ttlSeconds?: number;
  /** Deliveries before a message goes to the dead-letter queue; absent: Service Bus' default. */
  maxDeliveryCount?: number;
  /** Move expired messages to the dead-letter queue rather than drop them; default true. */
  deadLetterOnExpiry?: boolean;
}

export type ServiceBusSku = "Standard" | "Premium";

export interface ServiceBusArgs extends BaseArgs {
  /**
   * Namespace tier: Standard (shared, public endpoint) or Premium (dedicated units, zones, private endpoint,
   * geo-replication).
   */
  sku: ServiceBusSku;
  /** Premium only: messaging units (1, 2, 4, 8 or 16). */
  capacity?: number;
  /** Premium only. */
  zoneRedundant: boolean;
  /** The namespace's queues. */
  queues: QueueArgs[];
  /**
   * Premium only: Standard namespaces support neither private endpoints nor turning public access
   * off, so a Standard namespace stays on its public endpoint with Entra-only auth and TLS 1.2.
   */
  privateEndpoint?: PrivateEndpointArgs;
  /**
   * Premium only: geo-replication of metadata and messages to a secondary region, under the same
   * namespace name (clients keep their host name across a promotion): the replica's `location`.
   * Writes fail when the secondary lags more than `maxReplicationLagSeconds` (0: synchronous,
   * else 300-86400).
   * Source: https://learn.microsoft.com/azure/service-bus-messaging/service-bus-geo-replication
   */
  geoReplica?: { location: string; maxReplicationLagSeconds: number };
}

export type QueueAccess = "send" | "receive";
const QUEUE_ROLES: Record<QueueAccess, string> = {
  send: "Azure Service Bus Data Sender",
  receive: "Azure Service Bus Data Receiver",
};

const seconds = (n: number) => `PT${n}S`;

/** A Service Bus namespace with Entra-only auth (SAS keys off) and its queues. */
export class ServiceBus extends pulumi.ComponentResource {
  readonly namespaceId: pulumi.Output<string>;
  readonly namespaceName: pulumi.Output<string>;
  /** `<namespace>.servicebus.windows.net`: what clients connect to with a managed identity. */
  readonly fullyQualifiedNamespace: pulumi.Output<string>;
  readonly queueIds: Record<string, pulumi.Output<string>> = {};

  constructor(
    private readonly name: string,
    args: ServiceBusArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("estate:data:ServiceBus", name, {}, opts);
    const { resourceGroupName, location, namer } = args;
    const premium = args.sku === "Premium";
    if (!premium && (args.privateEndpoint || args.zoneRedundant || args.geoReplica)) {
      throw new Error(
        `Service Bus ${name}: private endpoints, zone redundancy and geo-replication need the Premium SKU`,
      );
    }
    const lag = args.geoReplica?.maxReplicationLagSeconds;
    if (lag !== undefined && lag !== 0 && (lag < 300 || lag > 86400)) {
      throw new Error(`Service Bus ${name}: maxReplicationLagSeconds is ${lag}; expected 0 or 300-86400`);
    }

    const namespace = new servicebus.Namespace(
      `${name}-namespace`,
      {
        namespaceName: namer.name("serviceBusNamespace"),
        resourceGroupName,
        location,
        sku: { name: args.sku, tier: args.sku, capacity: premium ? (args.capacity ?? 1) : undefined },
        premiumMessagingPartitions: premium ? 1 : undefined,
        zoneRedundant: premium ? args.zoneRedundant : undefined,
        disableLocalAuth: true,
        minimumTlsVersion: "1.2",
        publicNetworkAccess: args.privateEndpoint ? "Disabled" : "Enabled",
        geoDataReplication: args.geoReplica
          ? {
              locations: [
                { locationName: location, roleType: "Primary" },
                { locationName: args.geoReplica.location, roleType: "Secondary" },
              ],
              maxReplicationLagDurationInSeconds: args.geoReplica.maxReplicationLagSeconds,
            }
          : undefined,
      },
      { parent: this },
    );

    for (const q of args.queues) {
      const queue = new servicebus.Queue(
        `${name}-${q.name}`,
        {
          namespaceName: namespace.name,
          resourceGroupName,
          queueName: q.name,
          lockDuration: q.lockDurationSeconds === undefined ? undefined : seconds(q.lockDurationSeconds),
          defaultMessageTimeToLive: q.ttlSeconds === undefined ? undefined : seconds(q.ttlSeconds),
          maxDeliveryCount: q.maxDeliveryCount,
          deadLetteringOnMessageExpiration: q.deadLetterOnExpiry ?? true,
        },
        { parent: this },
      );
      this.queueIds[q.name] = queue.id;
    }

    if (args.privateEndpoint) privateEndpoint(this, name, args, "serviceBus", namespace.id, args.privateEndpoint);
    applySharedArgs(this, name, namespace.id, args);

    this.namespaceId = namespace.id;
    this.namespaceName = namespace.name;
    this.fullyQualifiedNamespace = namespace.serviceBusEndpoint.apply((e) => new URL(e).hostname);
    this.registerOutputs({ namespaceId: this.namespaceId, fullyQualifiedNamespace: this.fullyQualifiedNamespace });
  }

  /** Sender or Receiver data role for a principal, scoped to one queue. */
  grantQueueAccess(key: string, principalId: pulumi.Input<string>, queue: string, access: QueueAccess) {
    const queueId = this.queueIds[queue];
    if (!queueId) {
      throw new Error(
        `Service Bus ${this.name} has no queue "${queue}"; queues: ${Object.keys(this.queueIds).join(", ")}`,
      );
    }
    return assignRoles(this, `${this.name}-${queue}`, queueId, [{ role: QUEUE_ROLES[access], principalId, key }])[0];
  }
}
