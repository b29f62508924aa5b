import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import type { ProgramError } from "../cli/plan/engine.js";
import { planStack } from "../cli/plan/stack.js";
import type { ConfigError } from "./config/errors.js";
import { NSG_RULES } from "../infra/network/nsg-rules.js";
import { ofType, oneOfType } from "../test/components.js";
import { findAll, parseXml } from "../test/xml.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const plans: Record<string, Plan> = {};

beforeAll(async () => {
  // One after another: Pulumi's runtime is per process.
  plans.dev = await planStack({ projectDir: ROOT, stack: "dev" });
  plans.prod = await planStack({ projectDir: ROOT, stack: "prod" });
  plans.ephemeral = await planStack({
    projectDir: ROOT,
    stack: "dev",
    configOverrides: {
      "estate:profile": "ephemeral",
      "estate:environment": "pr42",
      "estate:expiresAt": "2026-12-01T18:00:00Z",
      "estate:data": "{}",
    },
  });
});

/**
 * ARM types that support diagnostic settings (Azure Monitor's "supported categories" list) and
 * that the estate declares. Types without them (WAF policies, routes, role assignments...) are absent.
 */
const DIAGNOSABLE = [
  "Microsoft.Cdn/profiles",
  "Microsoft.ApiManagement/service",
  "Microsoft.Web/sites",
  "Microsoft.Web/serverfarms",
  "Microsoft.Network/virtualNetworks",
  "Microsoft.Network/networkSecurityGroups",
  "Microsoft.OperationalInsights/workspaces",
  "Microsoft.Insights/components",
  "Microsoft.DocumentDB/databaseAccounts",
  "Microsoft.Sql/servers/databases",
  "Microsoft.Cache/redis",
  "Microsoft.ServiceBus/namespaces",
  "Microsoft.KeyVault/vaults",
  "Microsoft.Storage/storageAccounts",
  "Microsoft.Storage/storageAccounts/blobServices",
];

const ALERT_TYPES = ["azure-native:monitor:MetricAlert", "azure-native:monitor:ScheduledQueryRule"];
const idOf = (r: PlanResource) => r.outputs.id as string;
const hostOf = (url: string) => new URL(url).host;

describe.each(["dev", "prod", "ephemeral"])("the %s estate's edge, gateway, hosts and alerts", (name) => {
  const plan = () => plans[name];

  it("sends diagnostics from every resource type that supports them", () => {
    const diagnosed = new Set(
      ofType(plan(), "azure-native:monitor:DiagnosticSetting").map((d) => d.inputs.resourceUri),
    );
    const diagnosable = plan().resources.filter((r) => r.armType && DIAGNOSABLE.includes(r.armType));
    // Every listed type is declared (ephemeral has no SQL database), so the check below is not vacuous.
    expect(new Set(diagnosable.map((r) => r.armType)).size).toBe(DIAGNOSABLE.length - (name === "ephemeral" ? 1 : 0));
    for (const r of diagnosable) expect(diagnosed.has(idOf(r)), `${r.type} ${r.name} sends no diagnostics`).toBe(true);
  });

  it("points every alert at real resources of the estate and at its action group", () => {
    const ids = new Set(plan().resources.map(idOf));
    const actionGroup = idOf(oneOfType(plan(), "azure-native:monitor:ActionGroup"));
    const alerts = ALERT_TYPES.flatMap((t) => ofType(plan(), t));
    for (const alert of alerts) {
      for (const scope of alert.inputs.scopes as string[])
        expect(ids.has(scope), `${alert.name} watches ${scope}`).toBe(true);
      const groups = alert.type.endsWith("MetricAlert")
        ? (alert.inputs.actions as Array<{ actionGroupId: string }>).map((a) => a.actionGroupId)
        : (alert.inputs.actions as { actionGroups: string[] }).actionGroups;
      expect(groups).toEqual([actionGroup]);
    }
    const watched = new Set(alerts.flatMap((a) => a.inputs.scopes as string[]));
    const mustBeWatched = [
      "azure-native:web:WebApp",
      "azure-native:cosmosdb:DatabaseAccount",
      "azure-native:redis:Redis",
      "azure-native:sql:Database",
      "azure-native:servicebus:Namespace",
      "azure-native:applicationinsights:Component",
      "azure-native:applicationinsights:WebTest",
    ];
    for (const type of mustBeWatched)
      for (const r of ofType(plan(), type)) expect(watched.has(idOf(r)), `${type} has no alert`).toBe(true);
  });

  it("tests availability on the Front Door host's /api/v1/health, and budgets the resource group", () => {
    const test = oneOfType(plan(), "azure-native:applicationinsights:WebTest").inputs as any;
    expect(test.request.requestUrl).toBe(`${plan().outputs.frontDoorUrl}/api/v1/health`);
    const budget = oneOfType(plan(), "azure-native:consumption:Budget").inputs as any;
    // The primary region's group (prod's DR group holds only its plan, apps and endpoints: docs/dr.md).
    const [primaryGroup] = ofType(plan(), "azure-native:resources:ResourceGroup");
    expect(budget.scope).toBe(idOf(primaryGroup));
    // The profiles' defaults, but prod's stack file raises its own for the DR region.
    expect(budget.amount).toBe({ dev: 500, prod: 29_500, ephemeral: 450 }[name]);
  });

  it("gives Front Door one origin per region: API Management's gateway", () => {
    const apim = oneOfType(plan(), "azure-native:apimanagement:ApiManagementService");
    const origins = ofType(plan(), "azure-native:cdn:AFDOrigin").sort(
      (a, b) => Number(a.inputs.priority) - Number(b.inputs.priority),
    );
    // Prod (estate:dr): one per region, each region's own gateway host (stacks/estate-dr.test.ts).
    expect(origins.map((o) => o.inputs.hostName)).toEqual(
      name === "prod"
        ? [
            hostOf(apim.outputs.gatewayRegionalUrl as string),
            hostOf((apim.outputs.additionalLocations as Array<{ gatewayRegionalUrl: string }>)[0].gatewayRegionalUrl),
          ]
        : [hostOf(apim.outputs.gatewayUrl as string)],
    );
    expect(plan().outputs.gatewayUrl).toBe(apim.outputs.gatewayUrl);
    expect(plan().outputs.frontDoorUrl).toBe(
      `https://${oneOfType(plan(), "azure-native:cdn:AFDEndpoint").outputs.hostName}`,
    );
  });

  it("sends API Management's traffic only to the Function apps, over HTTPS", () => {
    const functionHosts = ofType(plan(), "azure-native:web:WebApp")
      .filter((w) => String(w.inputs.kind).startsWith("functionapp"))
      .map((w) => w.outputs.defaultHostName);
    const backends = ofType(plan(), "azure-native:apimanagement:Backend");
    expect(backends.length).toBeGreaterThan(0);
    for (const b of backends) {
      const url = new URL(b.inputs.url as string);
      expect(url.protocol).toBe("https:");
      expect(functionHosts).toContain(url.host);
    }
    const backendIds = backends.map((b) => b.inputs.backendId);
    for (const policy of ofType(plan(), "azure-native:apimanagement:ApiPolicy")) {
      const target = findAll(parseXml(policy.inputs.value as string), "set-backend-service")[0].attributes[
        "backend-id"
      ];
      expect(backendIds).toContain(target);
    }
  });

  it("calls each app with the gateway's managed identity, the only principal the app admits", () => {
    const apimPrincipal = (
      oneOfType(plan(), "azure-native:apimanagement:ApiManagementService").outputs.identity as { principalId: string }
    ).principalId;
    const policies = ofType(plan(), "azure-native:apimanagement:ApiPolicy");
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      const doc = parseXml(policy.inputs.value as string);
      const backendId = findAll(doc, "set-backend-service")[0].attributes["backend-id"];
      const backend = ofType(plan(), "azure-native:apimanagement:Backend").find(
        (b) => b.inputs.backendId === backendId,
      )!;
      const app = ofType(plan(), "azure-native:web:WebApp").find(
        (w) => w.outputs.defaultHostName === hostOf(backend.inputs.url as string),
      )!;
      const auth = ofType(plan(), "azure-native:web:WebAppAuthSettingsV2").filter(
        (a) => a.inputs.name === app.inputs.name,
      );
      expect(auth, `${app.name} has one auth config`).toHaveLength(1);
      const { globalValidation, identityProviders } = auth[0].inputs as any;
      expect(globalValidation).toMatchObject({ requireAuthentication: true, unauthenticatedClientAction: "Return401" });
      const aad = identityProviders.azureActiveDirectory;
      expect(aad.validation.defaultAuthorizationPolicy.allowedPrincipals.identities).toEqual([apimPrincipal]);
      // Every operation of the API asks for a token for the app's registration, the one audience the app accepts...
      const operations = ofType(plan(), "azure-native:apimanagement:ApiOperationPolicy").filter(
        (op) => op.inputs.apiId === policy.inputs.apiId,
      );
      expect(operations.length).toBe(
        ofType(plan(), "azure-native:apimanagement:ApiOperation").filter(
          (op) => op.inputs.apiId === policy.inputs.apiId,
        ).length,
      );
      const resources = operations.flatMap((op) =>
        findAll(parseXml(op.inputs.value as string), "authentication-managed-identity").map(
          (e) => e.attributes.resource,
        ),
      );
      const [resource] = resources;
      expect(resources).toEqual(operations.map(() => resource));
      const registration = ofType(plan(), "azuread:index/application:Application").find(
        (r) => r.outputs.clientId === aad.registration.clientId,
      )!;
      expect(registration.inputs.identifierUris).toEqual([resource]);
      // An Entra object takes no ARM tag map: the required-tags transformation leaves it alone.
      expect(registration.inputs.tags).toBeUndefined();
      expect(aad.validation.allowedAudiences).toEqual([resource]);
      // ...and holds the registration's role, which its service principal requires.
      const principal = ofType(plan(), "azuread:index/servicePrincipal:ServicePrincipal").find(
        (p) => p.inputs.clientId === aad.registration.clientId,
      )!;
      expect(principal.inputs.appRoleAssignmentRequired).toBe(true);
      const grants = ofType(plan(), "azuread:index/appRoleAssignment:AppRoleAssignment").filter(
        (g) => g.inputs.resourceObjectId === principal.outputs.objectId,
      );
      expect(grants.map((g) => [g.inputs.principalObjectId, g.inputs.appRoleId])).toEqual([
        [apimPrincipal, (registration.outputs.appRoleIds as Record<string, string>)["Gateway.Invoke"]],
      ]);
    }
  });

  it("leaves no public path to an app that bypasses Front Door and API Management", () => {
    // Each region's VNet has its gateway subnet (prod has a second region: estate:dr).
    const gatewaySubnetIn = (location: unknown) => {
      const vnet = ofType(plan(), "azure-native:network:VirtualNetwork").find((v) => v.inputs.location === location)!;
      return ofType(plan(), "azure-native:network:Subnet").find(
        (s) => s.inputs.virtualNetworkName === vnet.outputs.name && String(s.inputs.subnetName).includes("-gateway"),
      )!;
    };
    const gatewaySubnet = gatewaySubnetIn("westeurope");
    // Apps: only their region's gateway subnet may call them; their SCM sites admit nobody.
    for (const app of ofType(plan(), "azure-native:web:WebApp")) {
      const config = app.inputs.siteConfig as any;
      expect(config.ipSecurityRestrictionsDefaultAction, app.name).toBe("Deny");
      for (const rule of config.ipSecurityRestrictions) {
        if (rule.action === "Allow")
          expect(rule.vnetSubnetResourceId, app.name).toBe(idOf(gatewaySubnetIn(app.inputs.location)));
      }
      expect(config.scmIpSecurityRestrictionsDefaultAction).toBe("Deny");
      expect(config.scmIpSecurityRestrictions).toEqual([]);
    }
    // The gateway sits in that subnet, whose NSG admits client traffic from Front Door only...
    const apim = oneOfType(plan(), "azure-native:apimanagement:ApiManagementService").inputs as any;
    expect(apim.virtualNetworkConfiguration.subnetResourceId).toBe(idOf(gatewaySubnet));
    const httpsIn = NSG_RULES.gateway.filter(
      (r) =>
        r.direction === "Inbound" && r.access === "Allow" && String(r.destinationPortRange).split(",").includes("443"),
    );
    expect(httpsIn.map((r) => r.sourceAddressPrefix)).toEqual(["AzureFrontDoor.Backend"]);
    // ...and serves only requests carrying this estate's Front Door id.
    const global = parseXml(oneOfType(plan(), "azure-native:apimanagement:Policy").inputs.value as string);
    expect(findAll(global, "value")[0].text).toBe(oneOfType(plan(), "azure-native:cdn:Profile").outputs.frontDoorId);
  });
});

describe("contacts and origins the estate needs, checked before anything is declared", () => {
  /** The plan's failure: its config problems and how many resources it registered first. */
  const failure = (configOverrides: Record<string, string>) =>
    planStack({ projectDir: ROOT, stack: "dev", configOverrides }).then(
      () => expect.unreachable("the plan should fail"),
      (error: ProgramError) => ({ problems: (error.cause as ConfigError).problems, declared: error.declared }),
    );

  it("lists a bad publisher email and a bad alert email together, and registers no resource", async () => {
    const { problems, declared } = await failure({
      "estate:gateway": JSON.stringify({ publisherEmail: "api-at-contoso" }),
      "estate:observability": JSON.stringify({ alerts: { emails: ["ops@contoso.com", "oncall"] } }),
    });
    expect(problems.map((p) => p.key)).toEqual([
      "estate:observability.alerts.emails[1]",
      "estate:gateway.publisherEmail",
    ]);
    expect(declared).toBe(0);
  });

  it("refuses an owner that is no email address when nothing else names the publisher or the alerts' receivers", async () => {
    const noEmail = { "estate:owner": "Platform Team" };
    const { problems, declared } = await failure(noEmail);
    expect(problems).toEqual([
      { key: "estate:gateway.publisherEmail", message: expect.stringContaining('estate:owner "Platform Team"') },
      { key: "estate:observability.alerts.emails", message: expect.stringContaining("alerts would reach nobody") },
    ]);
    expect(declared).toBe(0);
    // A webhook is a receiver too; the gateway still needs its publisher.
    const withWebhook = {
      ...noEmail,
      "estate:observability": JSON.stringify({ alerts: { webhooks: ["https://chat.contoso.com/hook"] } }),
    };
    expect((await failure(withWebhook)).problems.map((p) => p.key)).toEqual(["estate:gateway.publisherEmail"]);
  });

  it("refuses Front Door with neither a gateway nor a service with routes to send traffic to", async () => {
    const { problems, declared } = await failure({
      "estate:gateway": JSON.stringify({ sku: "none" }),
      "estate:services": JSON.stringify([]),
    });
    expect(problems.map((p) => p.key)).toEqual(["estate:edge.sku"]);
    expect(declared).toBe(0);
  });
});

describe("profile differences at the edge", () => {
  it("prod: Premium Front Door with managed rules in Prevention; dev and ephemeral: Standard in Detection", () => {
    const waf = (name: string) => oneOfType(plans[name], "azure-native:frontdoor:Policy").inputs as any;
    expect(waf("prod").policySettings.mode).toBe("Prevention");
    expect(waf("prod").managedRules.managedRuleSets).toHaveLength(2);
    for (const name of ["dev", "ephemeral"]) {
      expect(waf(name).policySettings.mode).toBe("Detection");
      expect(waf(name).sku.name).toBe("Standard_AzureFrontDoor");
    }
  });

  it("prod: zone-redundant Premium gateway and plans of at least 3 instances", () => {
    expect(oneOfType(plans.prod, "azure-native:apimanagement:ApiManagementService").inputs).toMatchObject({
      sku: { name: "Premium", capacity: 3 },
      zones: ["1", "2", "3"],
    });
    for (const p of ofType(plans.prod, "azure-native:web:AppServicePlan")) {
      expect(p.inputs).toMatchObject({ zoneRedundant: true });
      expect((p.inputs.sku as any).capacity).toBeGreaterThanOrEqual(3);
    }
    expect(oneOfType(plans.dev, "azure-native:apimanagement:ApiManagementService").inputs).toMatchObject({
      sku: { name: "Developer", capacity: 1 },
    });
  });

  /** A resource of `type` whose inputs include `inputs` (a partial match). */
  const resource = (type: string, inputs: Record<string, unknown> = {}) =>
    expect.objectContaining({ type, inputs: expect.objectContaining(inputs) });
  /** What every profile's estate holds, whatever else it gains. */
  const EVERY_PROFILE = [
    resource("azure-native:cdn:Profile"),
    resource("azure-native:frontdoor:Policy", { policySettings: expect.objectContaining({ enabledState: "Enabled" }) }),
    resource("azure-native:cdn:SecurityPolicy", {
      parameters: expect.objectContaining({ type: "WebApplicationFirewall" }),
    }),
    resource("azure-native:apimanagement:ApiManagementService"),
    resource("azure-native:network:VirtualNetwork"),
    resource("azure-native:keyvault:Vault"),
    resource("azure-native:storage:StorageAccount", { allowBlobPublicAccess: false }),
    resource("azure-native:cosmosdb:DatabaseAccount", { publicNetworkAccess: "Disabled" }),
    resource("azure-native:redis:Redis"),
    resource("azure-native:servicebus:Namespace"),
    resource("azure-native:operationalinsights:Workspace"),
    resource("azure-native:applicationinsights:WebTest"),
    resource("azure-native:monitor:ActionGroup"),
    resource("azure-native:consumption:Budget"),
  ];
  const PROFILE: Record<string, { must: unknown[]; mustNot: string[] }> = {
    dev: {
      must: [
        resource("azure-native:frontdoor:Policy", { sku: { name: "Standard_AzureFrontDoor" } }),
        resource("azure-native:sql:Server"),
        resource("azure-native:sql:Database"),
      ],
      // Nothing locked, no second region.
      mustNot: [
        "azure-native:authorization:ManagementLockByScope",
        "azure-native:sql:FailoverGroup",
        "azure-native:redis:LinkedServer",
      ],
    },
    ephemeral: {
      must: [resource("azure-native:frontdoor:Policy", { sku: { name: "Standard_AzureFrontDoor" } })],
      // Its stack file leaves SQL out; an ephemeral estate is collected, so nothing may lock it.
      mustNot: [
        "azure-native:sql:Server",
        "azure-native:authorization:ManagementLockByScope",
        "azure-native:sql:FailoverGroup",
        "azure-native:redis:LinkedServer",
      ],
    },
    prod: {
      must: [
        resource("azure-native:frontdoor:Policy", {
          sku: { name: "Premium_AzureFrontDoor" },
          policySettings: expect.objectContaining({ mode: "Prevention" }),
        }),
        resource("azure-native:authorization:ManagementLockByScope", { level: "CanNotDelete" }),
        // The DR region: SQL's failover group and Redis's geo-replication link.
        resource("azure-native:sql:FailoverGroup"),
        resource("azure-native:redis:LinkedServer"),
      ],
      mustNot: [],
    },
  };

  it.each(["dev", "prod", "ephemeral"])(
    "%s holds what its profile must, Front Door's WAF on its endpoint among it, and nothing it must not",
    (name) => {
      const { resources } = plans[name];
      for (const expected of [...EVERY_PROFILE, ...PROFILE[name].must]) expect(resources).toContainEqual(expected);
      for (const type of PROFILE[name].mustNot) expect(ofType(plans[name], type), type).toEqual([]);
      // The WAF guards the endpoint: the security policy names the WAF policy and the endpoint's domain.
      const security = oneOfType(plans[name], "azure-native:cdn:SecurityPolicy").inputs.parameters as any;
      expect(security.wafPolicy.id).toBe(idOf(oneOfType(plans[name], "azure-native:frontdoor:Policy")));
      expect(security.associations[0].domains).toContainEqual({
        id: idOf(oneOfType(plans[name], "azure-native:cdn:AFDEndpoint")),
      });
    },
  );
});
