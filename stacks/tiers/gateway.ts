import { BackendAuth } from "../../infra/gateway/backend-auth.js";
import { Gateway } from "../../infra/gateway/index.js";
import { entraJwt } from "../../infra/gateway/policy-xml.js";
import { GATEWAY_ZONES, gatewayCapacity } from "../config/gateway.js";
import type { EstateConfig } from "../config/schema.js";
import { publisherEmail } from "../config/contacts.js";
import type { Foundation } from "./foundation.js";
import { backendOf, type HostsTier } from "./hosts.js";
import { gatewaySubnetRole, type NetworkTier } from "./network.js";

/** API Management in front of the routed apps, which answer only its identity. */
export interface GatewayTier {
  gateway: Gateway;
}

/** None when the stack has no gateway (`estate:gateway.sku: none`). */
export function gatewayTier(
  foundation: Foundation,
  { network }: NetworkTier,
  hosts: HostsTier,
): GatewayTier | undefined {
  const { config, services, base, diagnostics, appInsights, clientConfig, group } = foundation;
  const sku = config.gateway.sku;
  if (sku === "none") return undefined;

  // Each app behind the gateway gets an Entra app registration: the audience of the gateway's
  // managed-identity token. It lives in the deployer's tenant, where the gateway's identity gets
  // its tokens, which may differ from the tenant whose caller tokens the gateway validates.
  const routed = services.filter((service) => service.routes.length > 0);
  const { tenantId } = hosts;
  const backends = Object.fromEntries(routed.map((service) => [service.name, backendOf(hosts, service.name)]));
  const backendAuth = Object.fromEntries(
    routed.map((service) => [
      service.name,
      new BackendAuth(`${service.name}-backend-auth`, {
        appName: backends[service.name].name,
        tenantId: clientConfig.tenantId,
        owners: [clientConfig.objectId],
      }),
    ]),
  );

  const { auth, rateLimit, quota } = config.gateway;
  const gateway = new Gateway("gateway", {
    ...base,
    diagnostics,
    sku,
    capacity: gatewayCapacity({ sku, capacity: config.gateway.capacity }),
    zones: config.zoneRedundant ? GATEWAY_ZONES : undefined,
    // loadConfig refuses a stack with a gateway and no publisher email.
    publisherEmail: publisherEmail(config)!,
    publisherName: `${config.workload} platform (${config.owner})`,
    // Azure allows no inbound private endpoint on an injected gateway: private link replaces injection.
    subnetId: gatewaySubnetRole(config) ? network.subnetIds.gateway : undefined,
    appInsights,
    samplingPercentage: config.gateway.samplingPercentage,
    apis: routed.map((service) => ({
      service: service.name,
      routes: service.routes,
      backend: { hostName: backends[service.name].hostName, resource: backendAuth[service.name].identifierUri },
    })),
    jwt: tenantId.apply((tenantId) => entraJwt(tenantId, auth.audience, auth.requiredClaims)),
    rateLimit: rateLimit && { calls: rateLimit.callsPerMinute, renewalPeriodSeconds: 60, key: rateLimit.key },
    quota: quota && { calls: quota.callsPerDay, renewalPeriodSeconds: 86_400, key: quota.key },
    cors: {
      allowedOrigins: config.gateway.corsOrigins,
      allowedMethods: [...new Set(services.flatMap((s) => s.routes.flatMap((r) => r.methods)))],
      allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
    },
  });

  // The apps answer only the gateway's identity (health probes aside). Container apps admit only
  // the gateway's subnet by their ingress rules; the gateway's token for them is issued only to
  // its identity, and the service checks its audience itself.
  for (const [name, registration] of Object.entries(backendAuth)) {
    const backend = backends[name];
    if (backend.kind === "app-service")
      registration.admitOnly(gateway.principalId, { name: backend.name, resourceGroupName: group.name });
    else registration.grantGateway(gateway.principalId);
  }
  return { gateway };
}
