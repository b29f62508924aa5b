import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import type { BaseArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import {
  apiPolicyXml,
  globalPolicyXml,
  operationPolicyXml,
  type CorsSettings,
  type JwtSettings,
  type LimitSettings,
} from "./policy-xml.js";
import { apiSpec, assertDistinctPaths, type RouteSpec } from "./routes.js";

export { type RouteSpec } from "./routes.js";

/**
 * Gateway TLS hardening (APIM `customProperties`): no SSL 3.0 / TLS 1.0 / TLS 1.1 on either side,
 * no 3DES and no CBC-mode RSA key-exchange ciphers.
 */
export const TLS_HARDENING: Record<string, string> = Object.fromEntries(
  [
    ...[
      "Protocols.Tls10",
      "Protocols.Tls11",
      "Protocols.Ssl30",
      "Backend.Protocols.Tls10",
      "Backend.Protocols.Tls11",
      "Backend.Protocols.Ssl30",
    ],
    ...[
      "Ciphers.TripleDes168",
      "Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA",
      "Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA",
      "Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA256",
      "Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA256",
      "Ciphers.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
      "Ciphers.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
      "Ciphers.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
      "Ciphers.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
      "Ciphers.TLS_RSA_WITH_AES_128_GCM_SHA256",
      "Ciphers.TLS_RSA_WITH_AES_256_GCM_SHA384",
    ],
  ].map((key) => [`Microsoft.WindowsAzure.ApiManagement.Gateway.Security.${key}`, "False"]),
);

export interface GatewayApi {
  /** The hosted service, e.g. `api`. */
  service: string;
  routes: RouteSpec[];
  /**
   * The service's host, reached over HTTPS with a managed-identity token for `resource`, the
   * application ID URI of the app's registration (BackendAuth).
   */
  backend: { hostName: pulumi.Input<string>; resource: pulumi.Input<string> };
  /**
   * The service's host in each additional location, by location (`westus`): that region's
   * gateway calls it (the others call `backend`).
   */
  regionalBackends?: Record<string, pulumi.Input<string>>;
}

/**
 * A regional gateway of a Premium instance: the gateway component replicated to another region,
 * with its own units, zones and (when the instance is injected) a subnet of a VNet in that region.
 * Other tiers have no additional locations.
 * Source: https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region ("Applies to: Premium").
 */
export interface GatewayLocation {
  /** Azure's location name, e.g. northeurope. */
  location: string;
  /** The location's display name, as `context.Deployment.Region` gives it (North Europe). */
  displayName: string;
  capacity: number;
  zones?: string[];
  /** Required when the instance is injected: a subnet of a VNet in this location. */
  subnetId?: pulumi.Input<string>;
}

/**
 * API Management tiers, and what each does with a VNet: Developer and Premium are injected into
 * a subnet; StandardV2 integrates outbound with a subnet delegated to Microsoft.Web/serverFarms;
 * Consumption and BasicV2 take no VNet.
 * Sources: https://learn.microsoft.com/azure/api-management/virtual-network-concepts and
 * https://learn.microsoft.com/azure/api-management/integrate-vnet-outbound
 */
export const GATEWAY_TIERS = {
  Consumption: { vnet: "none", capacity: [0, 0] },
  Developer: { vnet: "injected", capacity: [1, 1] },
  BasicV2: { vnet: "none", capacity: [1, 10] },
  StandardV2: { vnet: "integrated", capacity: [1, 10] },
  Premium: { vnet: "injected", capacity: [1, 31] },
} as const satisfies Record<string, { vnet: "none" | "injected" | "integrated"; capacity: readonly [number, number] }>;
export type GatewaySku = keyof typeof GATEWAY_TIERS;

/**
 * Policies a tier lacks: Consumption has neither rate-limit-by-key nor quota-by-key, the v2 tiers
 * no quota-by-key. Sources: https://learn.microsoft.com/azure/api-management/rate-limit-by-key-policy
 * and https://learn.microsoft.com/azure/api-management/quota-by-key-policy (their "applies to" tiers).
 */
export const LIMITS_BY_TIER: Record<GatewaySku, { rateLimit: boolean; quota: boolean }> = {
  Consumption: { rateLimit: false, quota: false },
  Developer: { rateLimit: true, quota: true },
  BasicV2: { rateLimit: true, quota: false },
  StandardV2: { rateLimit: true, quota: false },
  Premium: { rateLimit: true, quota: true },
};

export interface GatewayArgs extends BaseArgs {
  /** API Management tier (GATEWAY_TIERS): how it joins the VNet and how many units it takes. */
  sku: GatewaySku;
  /** Scale units, within the tier's range (GATEWAY_TIERS; Consumption 0). */
  capacity: number;
  /** Availability zones for the units (Premium only). */
  zones?: string[];
  /** Regional gateways in other regions (Premium only). */
  additionalLocations?: GatewayLocation[];
  /** Appended to the key of its role assignment on the shared App Insights: another region's instance gets its own. */
  roleKeySuffix?: string;
  /** The publisher's contact address API Management requires (notifications go there). */
  publisherEmail: string;
  /** The publisher's name shown on the developer portal and in notifications. */
  publisherName: string;
  /**
   * The gateway's subnet: injection (External mode) on Developer and Premium, outbound
   * integration on StandardV2 (the subnet delegated to Microsoft.Web/serverFarms). Without it
   * the gateway is in no VNet.
   */
  subnetId?: pulumi.Input<string>;
  /**
   * The Application Insights resource the gateway logs to with its identity: its resource `id` and its
   * `connectionString`.
   */
  appInsights: { id: pulumi.Input<string>; connectionString: pulumi.Input<string> };
  /** Share of requests logged to Application Insights, in percent (0-100). */
  samplingPercentage: number;
  /** One API per hosted service: its routes (under /api/v1) and its backend. */
  apis: GatewayApi[];
  /** The validate-jwt settings every API applies: issuer (OpenID configuration), audience, required claims. */
  jwt: pulumi.Input<JwtSettings>;
  /** Per-caller rate limit (rate-limit-by-key); absent: none (and must be where the tier lacks the policy). */
  rateLimit?: LimitSettings;
  /** Per-caller quota (quota-by-key) over its renewal period; absent: none (and must be where the tier lacks the policy). */
  quota?: LimitSettings;
  /** The CORS policy: allowed origins (never `*`), methods and headers. */
  cors: CorsSettings;
}

/**
 * API Management in front of the hosted services: VNet-injected (External) in the gateway
 * subnet, TLS hardened, system-assigned identity, App Insights logging with that identity, one
 * API per service under /api/v1 with policies generated from typed settings, and HTTPS backends
 * that the gateway calls with a managed-identity token.
 */
export class Gateway extends pulumi.ComponentResource {
  readonly id: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  readonly gatewayUrl: pulumi.Output<string>;
  readonly gatewayHostName: pulumi.Output<string>;
  /**
   * The primary region's own gateway host (`<name>-<region>-01.regional.azure-api.net`), and each
   * additional location's by location: an origin per region in front of a multi-region gateway.
   */
  readonly regionalHostName: pulumi.Output<string>;
  readonly additionalHostNames: Record<string, pulumi.Output<string>>;
  readonly principalId: pulumi.Output<string>;
  /** Backend URL per service. */
  readonly backendUrls: Record<string, pulumi.Output<string>> = {};
  private readonly args: GatewayArgs;
  private readonly name: string;

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:gateway:Gateway", name, {}, opts);
    this.args = args;
    this.name = name;
    checkTier(args);
    const { resourceGroupName, location, namer } = args;

    const service = new apimanagement.ApiManagementService(
      `${name}-apim`,
      {
        serviceName: namer.name("apiManagement"),
        resourceGroupName,
        location,
        sku: { name: args.sku, capacity: args.capacity },
        zones: args.zones,
        publisherEmail: args.publisherEmail,
        publisherName: args.publisherName,
        identity: { type: "SystemAssigned" },
        virtualNetworkType: args.subnetId ? "External" : "None",
        virtualNetworkConfiguration: args.subnetId ? { subnetResourceId: args.subnetId } : undefined,
        additionalLocations: args.additionalLocations?.map((extra) => ({
          location: extra.location,
          sku: { name: args.sku, capacity: extra.capacity },
          zones: extra.zones,
          virtualNetworkConfiguration: extra.subnetId ? { subnetResourceId: extra.subnetId } : undefined,
        })),
        customProperties: TLS_HARDENING,
        // Control-plane clients older than this API version cannot bypass newer access checks.
        apiVersionConstraint: { minApiVersion: "2021-08-01" },
      },
      { parent: this },
    );
    applySharedArgs(this, `${name}-apim`, service.id, args);

    this.id = service.id;
    this.serviceName = service.name;
    this.gatewayUrl = service.gatewayUrl;
    this.gatewayHostName = service.gatewayUrl.apply((url) => new URL(url).host);
    const hostOf = (url: string | undefined, location: string) => {
      if (!url) throw new Error(`gateway: Azure returned no regional gateway URL for ${location}`);
      return new URL(url).host;
    };
    this.regionalHostName = service.gatewayRegionalUrl.apply((url) => hostOf(url, "the primary region"));
    this.additionalHostNames = Object.fromEntries(
      (args.additionalLocations ?? []).map((extra, i) => [
        extra.location,
        service.additionalLocations.apply((locations) => hostOf(locations?.[i]?.gatewayRegionalUrl, extra.location)),
      ]),
    );
    this.principalId = service.identity.apply((identity) => {
      if (!identity?.principalId) throw new Error("gateway: Azure returned no managed identity for API Management");
      return identity.principalId;
    });

    this.logging(service);
    const specs = args.apis.map((api) => ({ service: api.service, ...apiSpec(api.service, api.routes) }));
    assertDistinctPaths(specs);
    args.apis.forEach((api, i) => this.publish(service, api, specs[i]));
    this.registerOutputs({ id: this.id, gatewayUrl: this.gatewayUrl, principalId: this.principalId });
  }

  /** Request telemetry to App Insights, written with the gateway's own identity (no keys). */
  private logging(service: apimanagement.ApiManagementService): void {
    const { resourceGroupName, appInsights } = this.args;
    const publisher = assignRoles(this, `${this.name}-apim-telemetry`, appInsights.id, [
      {
        role: "Monitoring Metrics Publisher",
        principalId: this.principalId,
        key: `apim${this.args.roleKeySuffix ?? ""}`,
      },
    ]);
    const logger = new apimanagement.Logger(
      `${this.name}-logger`,
      {
        serviceName: service.name,
        resourceGroupName,
        loggerId: "appinsights",
        loggerType: "applicationInsights",
        resourceId: appInsights.id,
        credentials: { connectionString: appInsights.connectionString, identityClientId: "SystemAssigned" },
      },
      { parent: this, dependsOn: publisher },
    );
    new apimanagement.Diagnostic(
      `${this.name}-diagnostic`,
      {
        serviceName: service.name,
        resourceGroupName,
        diagnosticId: "applicationinsights",
        loggerId: logger.id,
        alwaysLog: "allErrors",
        httpCorrelationProtocol: "W3C",
        verbosity: "information",
        logClientIp: true,
        sampling: { samplingType: "fixed", percentage: this.args.samplingPercentage },
        // Bodies may hold personal data: headers and bodies stay out of the logs.
        frontend: { request: { body: { bytes: 0 } }, response: { body: { bytes: 0 } } },
        backend: { request: { body: { bytes: 0 } }, response: { body: { bytes: 0 } } },
      },
      { parent: this },
    );
  }

  private publish(
    service: apimanagement.ApiManagementService,
    api: GatewayApi,
    spec: ReturnType<typeof apiSpec>,
  ): void {
    const { resourceGroupName } = this.args;
    const common = { serviceName: service.name, resourceGroupName };
    const prefix = `${this.name}-${api.service}`;
    const backendUrl = pulumi.interpolate`https://${api.backend.hostName}/${spec.path}`;
    this.backendUrls[api.service] = backendUrl;
    const backend = new apimanagement.Backend(
      `${prefix}-backend`,
      {
        ...common,
        backendId: `${api.service}-backend`,
        title: `${api.service} host`,
        protocol: "http",
        url: backendUrl,
        tls: { validateCertificateChain: true, validateCertificateName: true },
      },
      { parent: this },
    );
    // A multi-region instance's other regions call the service's host in their own region.
    const regional = (this.args.additionalLocations ?? []).flatMap((extra) => {
      const hostName = api.regionalBackends?.[extra.location];
      if (!hostName) return [];
      const regionalBackend = new apimanagement.Backend(
        `${prefix}-backend-${extra.location}`,
        {
          ...common,
          backendId: `${api.service}-backend-${extra.location}`,
          title: `${api.service} host in ${extra.displayName}`,
          protocol: "http",
          url: pulumi.interpolate`https://${hostName}/${spec.path}`,
          tls: { validateCertificateChain: true, validateCertificateName: true },
        },
        { parent: this },
      );
      return [{ region: extra.displayName, backendId: regionalBackend.name }];
    });
    const keyedBySubscription = this.args.rateLimit?.key === "subscription" || this.args.quota?.key === "subscription";
    const apiResource = new apimanagement.Api(
      `${prefix}-api`,
      {
        ...common,
        apiId: `${api.service}-v1`,
        displayName: `${api.service} v1`,
        path: spec.path,
        protocols: ["https"],
        apiType: "http",
        serviceUrl: backendUrl,
        // Subscription keys are needed only when a limit counts by subscription; tokens identify callers otherwise.
        subscriptionRequired: keyedBySubscription,
      },
      { parent: this },
    );
    new apimanagement.ApiPolicy(
      `${prefix}-api-policy`,
      {
        ...common,
        apiId: apiResource.name,
        policyId: "policy",
        format: "xml",
        value: pulumi
          .all([backend.name, pulumi.all(regional.map((r) => r.backendId))])
          .apply(([backendId, regionalIds]) =>
            apiPolicyXml({
              cors: this.args.cors,
              backendId,
              regionalBackends: regional.map((r, i) => ({ region: r.region, backendId: regionalIds[i] })),
            }),
          ),
      },
      { parent: this },
    );
    for (const op of spec.operations) {
      const operation = new apimanagement.ApiOperation(
        `${prefix}-${op.operationId}`,
        {
          ...common,
          apiId: apiResource.name,
          operationId: op.operationId,
          displayName: `${op.method} ${op.urlTemplate}`,
          method: op.method,
          urlTemplate: op.urlTemplate,
          templateParameters: op.parameters.map((p) => ({ name: p, type: "string", required: true })),
        },
        { parent: this },
      );
      // Anonymous operations get one too: it attaches the gateway's token for the backend.
      new apimanagement.ApiOperationPolicy(
        `${prefix}-${op.operationId}-policy`,
        {
          ...common,
          apiId: apiResource.name,
          operationId: operation.name,
          policyId: "policy",
          format: "xml",
          value: pulumi.all([this.args.jwt, api.backend.resource]).apply(([jwt, backendResource]) =>
            operationPolicyXml({
              caller: op.auth === "anonymous" ? "anonymous" : jwt,
              backendResource,
              rateLimit: this.args.rateLimit,
              quota: this.args.quota,
            }),
          ),
        },
        { parent: this },
      );
    }
  }

  /**
   * Serves only requests that came through the given Front Door profile (its id arrives in the
   * X-Azure-FDID header). Separate from the constructor because Front Door is created after the
   * gateway: its origin is the gateway's host.
   */
  acceptOnlyFrontDoor(frontDoorId: pulumi.Input<string>): apimanagement.Policy {
    return new apimanagement.Policy(
      `${this.name}-global-policy`,
      {
        serviceName: this.serviceName,
        resourceGroupName: this.args.resourceGroupName,
        policyId: "policy",
        format: "xml",
        value: pulumi.output(frontDoorId).apply((id) => globalPolicyXml({ frontDoorId: id })),
      },
      { parent: this },
    );
  }
}

/** The tier's own limits: units, zones, VNet and the limit policies it has. */
function checkTier(args: GatewayArgs): void {
  const tier = GATEWAY_TIERS[args.sku];
  const [min, max] = tier.capacity;
  if (args.capacity < min || args.capacity > max)
    throw new Error(`gateway: ${args.sku} takes ${min === max ? min : `${min}-${max}`} units, not ${args.capacity}`);
  if (args.zones?.length && args.sku !== "Premium")
    throw new Error(`gateway: availability zones need sku Premium, not ${args.sku}`);
  if (args.additionalLocations?.length && args.sku !== "Premium")
    throw new Error(
      `gateway: additional locations need sku Premium, not ${args.sku}; deploy a second instance in the other region`,
    );
  for (const extra of args.additionalLocations ?? []) {
    if (extra.capacity < min || extra.capacity > max)
      throw new Error(`gateway: location ${extra.location} takes ${min}-${max} units, not ${extra.capacity}`);
    if (Boolean(extra.subnetId) !== Boolean(args.subnetId))
      throw new Error(
        `gateway: location ${extra.location} needs a subnet of its own region exactly when the instance is in a VNet`,
      );
  }
  if (args.subnetId && tier.vnet === "none")
    throw new Error(
      `gateway: ${args.sku} cannot join a VNet; use StandardV2 (outbound integration), Developer or Premium (injection)`,
    );
  const limits = LIMITS_BY_TIER[args.sku];
  if (args.rateLimit && !limits.rateLimit)
    throw new Error(`gateway: ${args.sku} has no rate-limit-by-key policy; leave rateLimit out`);
  if (args.quota && !limits.quota) throw new Error(`gateway: ${args.sku} has no quota-by-key policy; leave quota out`);
}
