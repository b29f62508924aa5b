// The one resolver of the manifests' setting sources, for every environment a service runs in:
// Azure (stacks/services.ts) and the local environment (local/environment.ts). What the manifest
// and the stack's queues decide is answered here, once; each environment answers the rest, in a
// table that must name every other source, so a new source fails to compile in both.
import type { ServiceManifest, SettingSource } from "./manifest.js";

/**
 * Service Bus's max delivery count when a queue leaves it unset, which the local broker keeps too
 * (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-dead-letter-queues#maximum-delivery-count).
 */
export const DEFAULT_MAX_DELIVERY_COUNT = 10;

export type ManifestSetting = ServiceManifest["settings"][number];

/** The sources whose value follows from the manifest and the stack config alone. */
const SHARED_SOURCES = [
  "literal",
  "servicebus.queue",
  "servicebus.maxDeliveryCount",
  "gateway.callerTokenHeader",
  "cosmos.database",
  "postgresql.database",
  "appInsights.connectionString",
] as const satisfies readonly SettingSource[];

/** The sources only an environment can answer: its addresses, identities and secrets. */
export type EnvironmentSource = Exclude<SettingSource, (typeof SHARED_SOURCES)[number]>;

export interface SettingEnvironment<V> {
  /** The stack's queues (estate:data.serviceBus.queues), which the local broker serves too. */
  queues: readonly { name: string; maxDeliveryCount?: number }[];
  /** The header a gateway in front of the services moves the caller's token to; absent without one. */
  callerTokenHeader?: string;
  /** Each environment source's value; undefined leaves the setting unset. */
  sources: { [S in EnvironmentSource]: (setting: ManifestSetting) => V | undefined };
}

/** The value of one of a service's settings in an environment; undefined leaves it unset. */
export function resolveSetting<V>(
  setting: ManifestSetting,
  service: ServiceManifest,
  environment: SettingEnvironment<V>,
): V | string | undefined {
  const queue = () => {
    const found = environment.queues.find((q) => q.name === setting.value);
    if (!found)
      throw new Error(
        `service ${service.name}: setting ${setting.name} names queue "${setting.value}", which the stack does not declare`,
      );
    return found;
  };
  switch (setting.from) {
    case "literal":
      return setting.value;
    case "servicebus.queue":
      return queue().name;
    case "servicebus.maxDeliveryCount":
      return String(queue().maxDeliveryCount ?? DEFAULT_MAX_DELIVERY_COUNT);
    // Only a gateway moves the caller's token there; an app it does not route to reads Authorization.
    case "gateway.callerTokenHeader":
      return service.routes.length ? environment.callerTokenHeader : undefined;
    case "cosmos.database":
      return service.cosmos[0]?.database;
    case "postgresql.database":
      return service.postgresql?.database;
    // App Service sets it on its own (stacks/tiers/containers.ts gives it to Container Apps); locally there is none.
    case "appInsights.connectionString":
      return undefined;
    default:
      return environment.sources[setting.from](setting);
  }
}
