// Where a stack runs its `container` services: Azure Container Apps, or its AKS cluster. The one
// rule, read by the services check (stacks/services.ts) and by every tier that builds for them.
import type { ContainerHost } from "../services/manifest.js";
import type { EstateConfig } from "./config/schema.js";
import type { HostedService } from "./services.js";

/** The stack keys that give each host, for the messages that name them. */
export const CONTAINER_HOST_KEYS: Record<ContainerHost, string> = {
  "container-apps": "estate:hosts.registry.enabled",
  aks: "estate:kubernetes.enabled",
};

/**
 * The hosts this stack offers container services: Container Apps when it has the estate's registry
 * (the apps pull from it with their identities), AKS when it has a cluster.
 */
export function offeredContainerHosts(config: EstateConfig): ContainerHost[] {
  return [
    ...(config.hosts.registry.enabled ? (["container-apps"] as const) : []),
    ...(config.kubernetes.enabled ? (["aks"] as const) : []),
  ];
}

/**
 * Where a container service runs: the host its manifest names, else the stack's only one.
 * Undefined for other kinds, for a host the stack does not offer, and where the manifest names
 * none and the stack offers two or none (loadHostedServices refuses those before anything is declared).
 */
export function containerHostOf(service: HostedService, config: EstateConfig): ContainerHost | undefined {
  if (service.kind !== "container") return undefined;
  const offered = offeredContainerHosts(config);
  if (service.host) return offered.includes(service.host) ? service.host : undefined;
  return offered.length === 1 ? offered[0] : undefined;
}

/** The container services the stack runs on one host. */
export const containersOn = (
  host: ContainerHost,
  config: EstateConfig,
  services: readonly HostedService[],
): HostedService[] => services.filter((service) => containerHostOf(service, config) === host);

/**
 * Whether the stack gets the estate's own registry: for its container apps, and for the services
 * on its AKS cluster when the stack names no registry of its own (`estate:kubernetes.registry`).
 */
export const needsEstateRegistry = (config: EstateConfig, services: readonly HostedService[]): boolean =>
  containersOn("container-apps", config, services).length > 0 ||
  (containersOn("aks", config, services).length > 0 && !config.kubernetes.registry);
