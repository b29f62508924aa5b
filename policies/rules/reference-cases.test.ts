/**
 * Edge cases the reference rules (PSRule for Azure, Checkov) document, beyond the rules' own
 * examples: where a rule's precondition does not hold it says so (not-applicable) instead of
 * passing (Premium-only zone rules, the subnets Azure reserves, function apps the platform keeps
 * warm, Consumption plans), the SKUs a replication rule accepts, a VirtualNetwork's inline subnets and
 * standalone SecurityRule resources (judged as the inline forms are).
 */
import { describe, expect, it } from "vitest";
import { compliantEstate, patchInputs } from "../fixtures/estate.js";
import { isNotApplicable, REMOVE, type Graph, type InputPatch, type RuleContext } from "../model.js";
import { DEFAULT_SETTINGS } from "../settings.js";
import { T } from "../types.js";
import { RULES } from "./index.js";

const context: RuleContext = {
  profile: "prod",
  stack: "test",
  now: new Date("2026-11-24T12:00:00Z"),
  settings: DEFAULT_SETTINGS,
};
const rule = (id: string) => RULES.find((r) => r.id === id)!;

/** The verdict of a resource rule on the fixture's first resource of `type`, patched. */
function verdict(id: string, type: string, patch: InputPatch) {
  const r = rule(id);
  if (r.kind !== "resource") throw new Error(`${id} is not a resource rule`);
  const subject = compliantEstate().resources.find((resource) => resource.type === type)!;
  return r.check({ ...subject, inputs: patchInputs(subject.inputs, patch) }, context);
}

/** The findings of a stack rule on the fixture after `edit`. */
function stackFindings(id: string, edit: (graph: Graph) => void) {
  const r = rule(id);
  if (r.kind !== "stack") throw new Error(`${id} is not a stack rule`);
  const graph = compliantEstate();
  edit(graph);
  return r.check(graph, context);
}

describe("rules report not-applicable where their precondition does not hold", () => {
  it.each([
    ["EST-RED-008", T.redis, { "sku.name": "Standard", "sku.family": "C", zones: REMOVE }, /Premium/],
    ["EST-APIM-007", T.apim, { "sku.name": "StandardV2", zones: REMOVE }, /Premium/],
    [
      "EST-NET-005",
      T.subnet,
      { networkSecurityGroup: REMOVE, subnetName: "GatewaySubnet" },
      /GatewaySubnet takes no network security group/,
    ],
    [
      "EST-NET-005",
      T.subnet,
      { networkSecurityGroup: REMOVE, subnetName: "AzureFirewallManagementSubnet" },
      /takes no network security group/,
    ],
    ["EST-NET-005", T.virtualNetwork, {}, /no inline subnets/],
    // PSRule Azure.VNET.UseNSGs exempts Route Server's subnet too.
    [
      "EST-NET-005",
      T.subnet,
      { networkSecurityGroup: REMOVE, subnetName: "RouteServerSubnet" },
      /RouteServerSubnet takes no network security group/,
    ],
    // PSRule Azure.AppService.PlanInstanceCount and MinPlan skip Consumption plans (IsConsumptionPlan).
    [
      "EST-APP-019",
      T.appServicePlan,
      { "sku.name": "FC1", "sku.tier": "FlexConsumption", "sku.capacity": REMOVE },
      /Flex Consumption/,
    ],
    ["EST-APP-019", T.appServicePlan, { "sku.name": "Y1", "sku.tier": "Dynamic" }, /Consumption/],
    ["EST-APP-020", T.appServicePlan, { "sku.name": "Y1", "sku.tier": "Dynamic" }, /Consumption/],
    ["EST-APP-013", T.webApp, { kind: "app,linux" }, /function apps only/],
    ["EST-APP-013", T.webApp, { functionAppConfig: { runtime: { name: "node", version: "22" } } }, /Flex Consumption/],
  ] as const)("%s on %s %j", (id, type, patch, reason) => {
    const found = verdict(id, type, patch);
    expect(isNotApplicable(found) && found.notApplicable).toMatch(reason);
  });

  it("EST-APP-015 does not apply to function apps on Elastic Premium, and still judges web apps there", () => {
    const onElasticPremium = (graph: Graph) => {
      for (const plan of graph.resources.filter((resource) => resource.type === T.appServicePlan))
        plan.inputs.sku = { name: "EP1", tier: "ElasticPremium" };
      for (const app of graph.resources.filter((resource) => resource.type === T.webApp))
        delete (app.inputs.siteConfig as Record<string, unknown>).alwaysOn;
    };
    expect(stackFindings("EST-APP-015", onElasticPremium)).toEqual([
      {
        urn: expect.any(String),
        message: "function app on plan EP1: the platform keeps its instances warm",
        notApplicable: true,
      },
    ]);
    const webApp = stackFindings("EST-APP-015", (graph) => {
      onElasticPremium(graph);
      for (const app of graph.resources.filter((resource) => resource.type === T.webApp)) app.inputs.kind = "app,linux";
    });
    expect(webApp.filter((finding) => !finding.notApplicable)).toHaveLength(1);
  });

  it("EST-STK-004 leaves a resource without diagnostics to EST-STK-003", () => {
    const findings = stackFindings(
      "EST-STK-004",
      (graph) =>
        void (graph.resources = graph.resources.filter(
          (resource) => !(resource.type === T.diagnosticSetting && resource.name === "kv-diag"),
        )),
    );
    expect(findings).toEqual([
      {
        urn: expect.stringContaining("::kv"),
        message: "no diagnostic setting: EST-STK-003 reports that",
        notApplicable: true,
      },
    ]);
  });

  it("EST-SQL-006 does not apply to a server without an enabled auditing policy", () => {
    const findings = stackFindings(
      "EST-SQL-006",
      (graph) => void (graph.resources = graph.resources.filter((resource) => resource.type !== T.sqlAuditing)),
    );
    expect(findings).toEqual([
      {
        urn: expect.any(String),
        message: expect.stringMatching(/no enabled ServerBlobAuditingPolicy/),
        notApplicable: true,
      },
    ]);
  });
});

describe("EST-NET-005 judges a VirtualNetwork's inline subnets as PSRule does", () => {
  const inline = (subnets: unknown[]) => verdict("EST-NET-005", T.virtualNetwork, { subnets });
  it("fails an inline subnet without a network security group, naming it", () => {
    expect(inline([{ name: "snet-app", networkSecurityGroup: { id: "/nsg" } }, { name: "snet-data" }])).toEqual([
      'subnets[1].networkSecurityGroup.id is not set (subnet "snet-data")',
    ]);
  });
  it("passes the reserved subnets and subnets with an NSG", () => {
    expect(
      inline([
        { name: "GatewaySubnet" },
        { name: "AzureFirewallSubnet" },
        { name: "RouteServerSubnet" },
        { name: "snet-app", networkSecurityGroup: { id: "/nsg" } },
      ]),
    ).toEqual([]);
  });
});

describe("the NSG rules judge standalone SecurityRule resources as they judge inline rules", () => {
  it.each([
    ["EST-NET-001", { sourceAddressPrefix: "*" }],
    ["EST-NET-001", { sourceAddressPrefix: REMOVE, sourceAddressPrefixes: ["0.0.0.0/0"] }],
    ["EST-NET-002", { sourceAddressPrefix: "Internet", destinationPortRange: "22" }],
  ] as const)("%s fails %j", (id, patch) => {
    expect(verdict(id, T.securityRule, patch)).toHaveLength(1);
  });
  it("passes the fixture's SecurityRule (from the ApiManagement service tag)", () => {
    expect(verdict("EST-NET-001", T.securityRule, {})).toEqual([]);
  });
});

describe("EST-ST-008 follows PSRule's replication list", () => {
  it.each(["Standard_LRS", "Premium_LRS"])("fails %s", (sku) => {
    expect(verdict("EST-ST-008", T.storageAccount, { "sku.name": sku })).toHaveLength(1);
  });
});

/** The findings of a rule judged on the API Management service, with the service left out of the graph (its children judged themselves). */
function withoutService(id: string, edit: (graph: Graph) => void = () => undefined) {
  return stackFindings(id, (graph) => {
    graph.resources = graph.resources.filter((resource) => resource.type !== T.apim);
    edit(graph);
  });
}
const editOne = (type: string, inputs: Record<string, unknown>) => (graph: Graph) =>
  Object.assign(graph.resources.find((resource) => resource.type === type)!.inputs, inputs);

describe("EST-APIM-012 reads policy documents as PSRule's Azure.APIM.PolicyBase does", () => {
  it("does not judge a policy given as a link, or a value with no <policies> document", () => {
    const link = withoutService("EST-APIM-012", editOne(T.apiPolicy, { format: "xml-link", value: "https://x/p.xml" }));
    expect(link.find((finding) => finding.urn.endsWith("api-events-policy"))).toMatchObject({
      notApplicable: true,
      message: expect.stringMatching(/link/),
    });
    const other = withoutService("EST-APIM-012", editOne(T.apiPolicy, { value: "<fragment><base /></fragment>" }));
    expect(other.find((finding) => finding.urn.endsWith("api-events-policy"))).toMatchObject({ notApplicable: true });
  });

  it("names the section and the child to change on the service", () => {
    const findings = stackFindings(
      "EST-APIM-012",
      editOne(T.productPolicy, { value: "<policies><inbound><base /></inbound></policies>" }),
    );
    expect(findings).toEqual([
      {
        urn: expect.stringContaining("ApiManagementService"),
        message: expect.stringMatching(/^ProductPolicy product-policy: value has no <backend> section/),
      },
    ]);
  });

  it("says where a document is not well-formed", () => {
    const [finding] = stackFindings("EST-APIM-012", editOne(T.apiPolicy, { value: "<policies><inbound></policies>" }));
    expect(finding!.message).toMatch(
      /ApiPolicy api-events-policy: value is not a well-formed policy document \(line 1/,
    );
  });
});

describe("EST-APIM-011 and EST-APIM-014 follow PSRule's Azure.APIM.APIDescriptors and Azure.APIM.SampleProducts", () => {
  it("fails an empty description and a missing display name, naming the API", () => {
    const [finding] = stackFindings("EST-APIM-011", editOne(T.api, { description: "", displayName: undefined }));
    expect(finding!.message).toBe("Api api-events: displayName is not set; Api api-events: description is not set");
  });

  it("passes a service without APIs", () => {
    const findings = stackFindings(
      "EST-APIM-011",
      (graph) => void (graph.resources = graph.resources.filter((resource) => resource.type !== T.api)),
    );
    expect(findings).toEqual([]);
  });

  it.each([
    [{ productId: "Starter" }, 1],
    [{ productId: "UNLIMITED" }, 1],
    [{ productId: "starter-plan" }, 0],
    [{ productId: "gold", displayName: "Starter" }, 0],
  ])("judges the product's name case-insensitively, not its display name: %j", (inputs, count) => {
    expect(stackFindings("EST-APIM-014", editOne(T.product, inputs))).toHaveLength(count);
  });
});

describe("EST-APP-015 follows PSRule's Azure.AppService.AlwaysOn on web apps, API apps and slots", () => {
  const onPlan = (sku: Record<string, unknown>) => (graph: Graph) => {
    for (const plan of graph.resources.filter((resource) => resource.type === T.appServicePlan)) plan.inputs.sku = sku;
  };
  /** A deployment slot of the fixture's app with the given inputs, naming no plan of its own. */
  const addSlot = (inputs: Record<string, unknown>) => (graph: Graph) => {
    const app = graph.resources.find((resource) => resource.type === T.webApp)!;
    graph.resources.push({
      ...app,
      type: T.webAppSlot,
      urn: `${app.urn}-staging`,
      name: "func-events-staging",
      inputs: { name: app.inputs.name, slot: "staging", ...inputs },
      dependsOn: [app.urn],
    });
  };
  const problems = (edit: (graph: Graph) => void) =>
    stackFindings("EST-APP-015", edit).filter((finding) => !finding.notApplicable);

  it.each(["app,linux", "api"])("fails a %s app whose alwaysOn is unset (Azure's default is off)", (kind) => {
    const findings = problems((graph) => {
      const app = graph.resources.find((resource) => resource.type === T.webApp)!;
      app.inputs.kind = kind;
      delete (app.inputs.siteConfig as Record<string, unknown>).alwaysOn;
    });
    expect(findings).toEqual([
      { urn: expect.any(String), message: "siteConfig.alwaysOn is not set on plan P1v3; expected true" },
    ]);
  });

  it("judges a slot on its site's plan: a function app slot on Elastic Premium is not applicable", () => {
    const findings = stackFindings("EST-APP-015", (graph) => {
      onPlan({ name: "EP1", tier: "ElasticPremium" })(graph);
      addSlot({ siteConfig: {} })(graph);
    });
    expect(findings.find((finding) => finding.urn.endsWith("-staging"))).toEqual({
      urn: expect.any(String),
      message: "function app on plan EP1: the platform keeps its instances warm",
      notApplicable: true,
    });
  });

  it("fails a slot on a dedicated plan with Always On off", () => {
    expect(problems(addSlot({ siteConfig: { alwaysOn: false } }))).toEqual([
      { urn: expect.stringMatching(/-staging$/), message: "siteConfig.alwaysOn is false on plan P1v3; expected true" },
    ]);
  });
});

describe("EST-APP-022 reads App Service authentication as Checkov's CKV_AZURE_56 does", () => {
  const auth = (inputs: Record<string, unknown>) => (graph: Graph) =>
    Object.assign(graph.resources.find((resource) => resource.type === T.webAppAuth)!.inputs, inputs);

  it.each([
    [{ platform: { enabled: false } }, /platform\.enabled is false/],
    [{ platform: undefined }, /platform\.enabled is not set/],
  ])("fails %j", (inputs, message) => {
    const [finding] = stackFindings("EST-APP-022", auth(inputs));
    expect(finding!.message).toMatch(message);
  });

  it("compares the unauthenticated action case-insensitively, as Azure does", () => {
    const globalValidation = {
      requireAuthentication: true,
      unauthenticatedClientAction: "return401",
      excludedPaths: ["/api/health"],
    };
    expect(stackFindings("EST-APP-022", auth({ globalValidation }))).toEqual([]);
  });
});
