import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, ofType, oneOfType, planComponents } from "../../test/components.js";
import { findAll, parseXml } from "../../test/xml.js";
import { Gateway, TLS_HARDENING, type GatewayArgs } from "./index.js";
import { entraJwt } from "./policy-xml.js";
import { apiSpec, assertDistinctPaths, type RouteSpec } from "./routes.js";

const SUBNET =
  "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-gateway";
const ROUTES: RouteSpec[] = [
  { methods: ["GET", "POST"], path: "/api/v1/events", auth: "jwt" },
  { methods: ["GET"], path: "/api/v1/documents/{id}", auth: "jwt" },
  { methods: ["GET"], path: "/api/v1/health", auth: "anonymous" },
];
const ARGS: GatewayArgs = {
  ...BASE,
  sku: "Premium",
  capacity: 3,
  zones: ["1", "2", "3"],
  publisherEmail: "platform@contoso.com",
  publisherName: "platform",
  subnetId: SUBNET,
  appInsights: {
    id: "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Insights/components/appi",
    connectionString: "InstrumentationKey=x",
  },
  samplingPercentage: 25,
  apis: [
    {
      service: "api",
      routes: ROUTES,
      backend: { hostName: "func-api.azurewebsites.net", resource: "api://tenant-1/func-api" },
    },
  ],
  jwt: entraJwt("tenant-1", "api://estate", ["org_id"]),
  rateLimit: { calls: 600, renewalPeriodSeconds: 60, key: "subject" },
  quota: { calls: 10_000, renewalPeriodSeconds: 86_400, key: "subject" },
  cors: { allowedOrigins: ["https://app.contoso.com"], allowedMethods: ["GET"], allowedHeaders: ["Authorization"] },
};

let plan: Plan;
beforeAll(async () => {
  plan = await planComponents(() => {
    const gateway = new Gateway("gateway", ARGS);
    gateway.acceptOnlyFrontDoor("fd-id-1");
    return { host: gateway.gatewayHostName, principal: gateway.principalId, backend: gateway.backendUrls.api };
  });
});

describe("Gateway (API Management)", () => {
  it("is VNet-injected in External mode, identity on, TLS 1.0/1.1 and weak ciphers off", () => {
    const apim = oneOfType(plan, "azure-native:apimanagement:ApiManagementService").inputs as any;
    expect(apim).toMatchObject({
      sku: { name: "Premium", capacity: 3 },
      zones: ["1", "2", "3"],
      virtualNetworkType: "External",
      virtualNetworkConfiguration: { subnetResourceId: SUBNET },
      identity: { type: "SystemAssigned" },
      apiVersionConstraint: { minApiVersion: "2021-08-01" },
    });
    for (const key of ["Protocols.Tls10", "Protocols.Tls11", "Backend.Protocols.Tls11", "Ciphers.TripleDes168"]) {
      expect(apim.customProperties[`Microsoft.WindowsAzure.ApiManagement.Gateway.Security.${key}`]).toBe("False");
    }
    expect(Object.values(TLS_HARDENING).every((v) => v === "False")).toBe(true);
  });

  it("logs to App Insights with its managed identity, which may publish there", () => {
    const logger = oneOfType(plan, "azure-native:apimanagement:Logger").inputs as any;
    expect(logger).toMatchObject({
      loggerType: "applicationInsights",
      credentials: { identityClientId: "SystemAssigned" },
    });
    expect(oneOfType(plan, "azure-native:apimanagement:Diagnostic").inputs).toMatchObject({
      loggerId: oneOfType(plan, "azure-native:apimanagement:Logger").outputs.id,
    });
    const role = ofType(plan, "azure-native:authorization:RoleAssignment").find(
      (r) => r.inputs.scope === ARGS.appInsights.id,
    );
    expect(role?.inputs.principalId).toBe(plan.outputs.principal);
  });

  it("publishes one API under /api/v1 with an operation per route and method", () => {
    expect(oneOfType(plan, "azure-native:apimanagement:Api").inputs).toMatchObject({
      path: "api/v1",
      protocols: ["https"],
      subscriptionRequired: false,
    });
    const ops = ofType(plan, "azure-native:apimanagement:ApiOperation").map(
      (o) => `${o.inputs.method} ${o.inputs.urlTemplate}`,
    );
    expect(ops.sort()).toEqual(["GET /documents/{id}", "GET /events", "GET /health", "POST /events"]);
  });

  it("validates tokens on every operation except the anonymous health route", () => {
    const policies = ofType(plan, "azure-native:apimanagement:ApiOperationPolicy");
    expect(policies.map((p) => p.inputs.operationId).sort()).toEqual([
      "get-documents-id",
      "get-events",
      "get-health",
      "post-events",
    ]);
    const validating = policies.filter((p) => findAll(parseXml(p.inputs.value as string), "validate-jwt").length > 0);
    expect(validating.map((p) => p.inputs.operationId).sort()).toEqual([
      "get-documents-id",
      "get-events",
      "post-events",
    ]);
    const doc = parseXml(validating[0].inputs.value as string);
    expect(findAll(doc, "issuer")[0].text).toBe("https://login.microsoftonline.com/tenant-1/v2.0");
    expect(findAll(doc, "claim").map((c) => c.attributes.name)).toEqual(["org_id"]);
  });

  it("sends requests to the Function app over HTTPS, every operation with a managed-identity token for its registration", () => {
    const backend = oneOfType(plan, "azure-native:apimanagement:Backend").inputs as any;
    expect(backend).toMatchObject({
      url: "https://func-api.azurewebsites.net/api/v1",
      tls: { validateCertificateChain: true, validateCertificateName: true },
    });
    const doc = parseXml(oneOfType(plan, "azure-native:apimanagement:ApiPolicy").inputs.value as string);
    expect(findAll(doc, "set-backend-service")[0].attributes["backend-id"]).toBe(backend.backendId);
    expect(findAll(doc, "authentication-managed-identity")).toHaveLength(0);
    const operations = ofType(plan, "azure-native:apimanagement:ApiOperationPolicy");
    expect(operations).toHaveLength(ofType(plan, "azure-native:apimanagement:ApiOperation").length);
    for (const policy of operations) {
      const tokens = findAll(parseXml(policy.inputs.value as string), "authentication-managed-identity");
      expect(
        tokens.map((e) => e.attributes.resource),
        String(policy.inputs.operationId),
      ).toEqual(["api://tenant-1/func-api"]);
    }
  });

  it("accepts only the given Front Door's traffic once told its id", () => {
    const doc = parseXml(oneOfType(plan, "azure-native:apimanagement:Policy").inputs.value as string);
    expect(findAll(doc, "check-header")[0].children[0].text).toBe("fd-id-1");
    expect(plan.outputs.host).toMatch(/^apim-.*\.azure-api\.net$/);
  });

  it("refuses zones below Premium", async () => {
    await expect(
      planComponents(() => void new Gateway("gateway", { ...ARGS, sku: "Developer", capacity: 1 })),
    ).rejects.toThrow(/zones need sku Premium/);
  });
});

describe("routes to APIM operations", () => {
  it("takes the shared literal prefix as the API path", () => {
    expect(apiSpec("api", ROUTES).path).toBe("api/v1");
    expect(apiSpec("reports", [{ methods: ["GET"], path: "/api/v1/reports/{id}", auth: "jwt" }])).toMatchObject({
      path: "api/v1/reports",
      operations: [{ urlTemplate: "/{id}", parameters: ["id"], operationId: "get-id" }],
    });
  });

  it("refuses bad paths, duplicates and two services on one path", () => {
    expect(() => apiSpec("api", [{ methods: ["GET"], path: "/v2/x", auth: "jwt" }])).toThrow(
      /service api: route "\/v2\/x"/,
    );
    expect(() => apiSpec("api", [ROUTES[0], ROUTES[0]])).toThrow(/listed twice/);
    expect(() =>
      assertDistinctPaths([
        { service: "a", path: "api/v1" },
        { service: "b", path: "api/v1" },
      ]),
    ).toThrow(/a and b both publish/);
  });
});

describe("Gateway tiers", () => {
  it.each<[string, Partial<GatewayArgs>, RegExp]>([
    [
      "Consumption with units",
      {
        sku: "Consumption",
        capacity: 1,
        zones: undefined,
        subnetId: undefined,
        rateLimit: undefined,
        quota: undefined,
      },
      /Consumption takes 0 units, not 1/,
    ],
    [
      "Consumption in a VNet",
      { sku: "Consumption", capacity: 0, zones: undefined, rateLimit: undefined, quota: undefined },
      /Consumption cannot join a VNet/,
    ],
    [
      "BasicV2 in a VNet",
      { sku: "BasicV2", capacity: 1, zones: undefined, quota: undefined },
      /BasicV2 cannot join a VNet/,
    ],
    [
      "Consumption with a rate limit",
      { sku: "Consumption", capacity: 0, zones: undefined, subnetId: undefined, quota: undefined },
      /Consumption has no rate-limit-by-key/,
    ],
    ["StandardV2 with a quota", { sku: "StandardV2", capacity: 1, zones: undefined }, /StandardV2 has no quota-by-key/],
    [
      "zones on StandardV2",
      { sku: "StandardV2", capacity: 1, quota: undefined },
      /availability zones need sku Premium/,
    ],
  ])("refuses %s", async (_label, change, message) => {
    await expect(planComponents(() => void new Gateway("gateway", { ...ARGS, ...change }))).rejects.toThrow(message);
  });

  it("integrates StandardV2 with its subnet (External) and leaves Consumption out of any VNet, without the limits they lack", async () => {
    const v2 = await planComponents(
      () =>
        void new Gateway("gateway", { ...ARGS, sku: "StandardV2", capacity: 2, zones: undefined, quota: undefined }),
    );
    expect(oneOfType(v2, "azure-native:apimanagement:ApiManagementService").inputs).toMatchObject({
      sku: { name: "StandardV2", capacity: 2 },
      virtualNetworkType: "External",
      virtualNetworkConfiguration: { subnetResourceId: SUBNET },
    });
    const consumption = await planComponents(
      () =>
        void new Gateway("gateway", {
          ...ARGS,
          sku: "Consumption",
          capacity: 0,
          zones: undefined,
          subnetId: undefined,
          rateLimit: undefined,
          quota: undefined,
        }),
    );
    expect(oneOfType(consumption, "azure-native:apimanagement:ApiManagementService").inputs).toMatchObject({
      sku: { name: "Consumption", capacity: 0 },
      virtualNetworkType: "None",
    });
    for (const policy of ofType(consumption, "azure-native:apimanagement:ApiOperationPolicy")) {
      expect(String(policy.inputs.value)).not.toMatch(/rate-limit-by-key|quota-by-key/);
    }
  });
});
