/**
 * Rules that judge a parent with its children (or a resource with inline children) report on the
 * parent and name the child to change, as PSRule reports them.
 */
import { describe, expect, it } from "vitest";
import { compliantEstate } from "../fixtures/estate.js";
import { problemsOf, type Graph, type GraphResource, type Rule, type RuleContext } from "../model.js";
import { DEFAULT_SETTINGS } from "../settings.js";
import { T } from "../types.js";
import { RULES } from "./index.js";

const context: RuleContext = {
  profile: "prod",
  stack: "test",
  now: new Date("2026-11-24T12:00:00Z"),
  settings: DEFAULT_SETTINGS,
};
const rule = (id: string): Rule => RULES.find((r) => r.id === id)!;
const one = (graph: Graph, type: string): GraphResource => graph.resources.find((resource) => resource.type === type)!;

/** Problems a rule finds on a graph, as `urn: message`, whatever the rule's kind (not-applicable notes left out). */
function findings(id: string, graph: Graph): { urn: string; message: string }[] {
  const r = rule(id);
  if (r.kind === "stack") return r.check(graph, context).filter((finding) => !finding.notApplicable);
  return graph.resources
    .filter((resource) => r.types.includes(resource.type))
    .flatMap((resource) => problemsOf(r.check(resource, context)).map((message) => ({ urn: resource.urn, message })));
}

describe("EST-NET-005 judges subnets declared inline in a VirtualNetwork", () => {
  it("names the inline subnet without an NSG and skips the reserved ones", () => {
    const graph = compliantEstate();
    const vnet = one(graph, T.virtualNetwork);
    vnet.inputs.subnets = [
      { name: "snet-app", addressPrefix: "10.20.1.0/24", networkSecurityGroup: { id: "/nsg" } },
      { name: "snet-data", addressPrefix: "10.20.2.0/24" },
      { name: "GatewaySubnet", addressPrefix: "10.20.3.0/27" },
      { name: "AzureBastionSubnet", addressPrefix: "10.20.4.0/26" },
    ];
    expect(findings("EST-NET-005", graph)).toEqual([
      { urn: vnet.urn, message: 'subnets[1].networkSecurityGroup.id is not set (subnet "snet-data")' },
      { urn: vnet.urn, message: 'subnets[3].networkSecurityGroup.id is not set (subnet "AzureBastionSubnet")' },
    ]);
  });
});

describe("EST-SQL-003 judges the server with its Entra child resources", () => {
  it("reports on the server and names the ServerAzureADOnlyAuthentication that turns Entra-only off", () => {
    const graph = compliantEstate();
    const server = one(graph, T.sqlServer);
    graph.resources.push({
      urn: `${server.urn}-aadonly`,
      type: T.sqlAdOnly,
      name: "sql-aadonly",
      inputs: { serverName: server.inputs.serverName, azureADOnlyAuthentication: false },
      outputs: {},
      dependsOn: [],
    });
    expect(findings("EST-SQL-003", graph)).toEqual([
      {
        urn: server.urn,
        message: "ServerAzureADOnlyAuthentication sql-aadonly has azureADOnlyAuthentication false; expected true",
      },
    ]);
  });

  it("does not take another server's child for this one's, even when neither names a server", () => {
    const graph = compliantEstate();
    const server = one(graph, T.sqlServer);
    delete server.inputs.serverName;
    graph.resources.push({
      urn: "urn:other-aadonly",
      type: T.sqlAdOnly,
      name: "other-aadonly",
      inputs: { azureADOnlyAuthentication: false },
      outputs: {},
      dependsOn: [],
    });
    expect(findings("EST-SQL-003", graph)).toEqual([]);
  });
});

describe("EST-SQL-006 judges the server with its auditing policy and the workspace it audits to", () => {
  it("names the auditing policy and the 30-day workspace", () => {
    const graph = compliantEstate();
    one(graph, T.workspace).inputs.retentionInDays = 30;
    expect(findings("EST-SQL-006", graph)).toEqual([
      {
        urn: one(graph, T.sqlServer).urn,
        message:
          "ServerBlobAuditingPolicy sql-audit sends audit records to Azure Monitor, where Workspace log keeps them 30 days (retentionInDays); expected at least 90 (setting sqlAuditRetentionDays)",
      },
    ]);
  });

  it("counts an unset workspace retention as Azure's default of 30 days", () => {
    const graph = compliantEstate();
    delete one(graph, T.workspace).inputs.retentionInDays;
    expect(findings("EST-SQL-006", graph)).toHaveLength(1);
  });
});

describe("blob service rules judge the storage account", () => {
  it.each(["EST-ST-012", "EST-ST-013", "EST-ST-014"])("%s reports an account without BlobServiceProperties", (id) => {
    const graph = compliantEstate();
    graph.resources = graph.resources.filter((resource) => resource.type !== T.blobService);
    expect(findings(id, graph)).toEqual([
      {
        urn: one(graph, T.storageAccount).urn,
        message: expect.stringMatching(/^no BlobServiceProperties for the account/),
      },
    ]);
  });

  it("names the blob service to change", () => {
    const graph = compliantEstate();
    one(graph, T.blobService).inputs.deleteRetentionPolicy = { enabled: true, days: 3 };
    expect(findings("EST-ST-012", graph)).toEqual([
      {
        urn: one(graph, T.storageAccount).urn,
        message: "BlobServiceProperties st-blob: deleteRetentionPolicy.days is 3; expected at least 7",
      },
    ]);
  });

  it("does not count another account's blob service", () => {
    const graph = compliantEstate();
    const service = one(graph, T.blobService);
    Object.assign(service, { inputs: { ...service.inputs, accountName: "stother" }, dependsOn: [] });
    expect(findings("EST-ST-012", graph)).toHaveLength(1);
  });
});

describe("EST-APP-015 judges the app with its plan", () => {
  it("does not ask function apps on Elastic Premium for always-on, but does on a dedicated plan", () => {
    const graph = compliantEstate();
    delete (one(graph, T.webApp).inputs.siteConfig as Record<string, unknown>).alwaysOn;
    expect(findings("EST-APP-015", graph)).toEqual([
      { urn: one(graph, T.webApp).urn, message: "siteConfig.alwaysOn is not set on plan P1v3; expected true" },
    ]);
    one(graph, T.appServicePlan).inputs.sku = { name: "EP1", tier: "ElasticPremium" };
    expect(findings("EST-APP-015", graph)).toEqual([]);
  });
});

describe("EST-STK-002 matches DNS zone groups to their endpoint, not by two unset names", () => {
  it("fails when the only zone group names no endpoint and depends on none", () => {
    const graph = compliantEstate();
    for (const group of graph.resources.filter((resource) => resource.type === T.privateDnsZoneGroup)) {
      delete group.inputs.privateEndpointName;
      group.dependsOn = [];
    }
    for (const pe of graph.resources.filter((resource) => resource.type === T.privateEndpoint))
      delete pe.inputs.privateEndpointName;
    expect(findings("EST-STK-002", graph).length).toBeGreaterThan(0);
  });
});

describe("API Management rules judge the service with its APIs and policies", () => {
  it("reports an HTTP API on the service, naming the API", () => {
    const graph = compliantEstate();
    one(graph, T.api).inputs.protocols = ["http", "https"];
    expect(findings("EST-APIM-009", graph)).toEqual([
      { urn: one(graph, T.apim).urn, message: 'Api api-events: protocols is ["http","https"]; expected ["https"]' },
    ]);
  });

  it("judges an API of a gateway outside the stack on the API itself", () => {
    const graph = compliantEstate();
    graph.resources = graph.resources.filter((resource) => resource.type !== T.apim);
    const api = one(graph, T.api);
    Object.assign(api, { inputs: { ...api.inputs, serviceName: "apim-shared", protocols: ["http"] }, dependsOn: [] });
    expect(findings("EST-APIM-009", graph)).toEqual([
      { urn: api.urn, message: 'protocols is ["http"]; expected ["https"]' },
    ]);
  });

  it("names the policy whose cors section has a wildcard header", () => {
    const graph = compliantEstate();
    const policy = one(graph, T.apiPolicy);
    policy.inputs.value = String(policy.inputs.value).replace(
      "</cors>",
      "<allowed-headers><header>*</header></allowed-headers></cors>",
    );
    expect(findings("EST-APIM-013", graph)).toEqual([
      {
        urn: one(graph, T.apim).urn,
        message:
          "ApiPolicy api-events-policy: the cors policy allows <allowed-headers><header>*</header>; expected explicit values",
      },
    ]);
  });
});
