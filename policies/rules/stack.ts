import { ENFORCE, type Graph, type GraphResource, type Rule } from "../model.js";
import { AUDITABLE, DATA_SERVICES, DIAGNOSABLE, PRIVATE_ONLY, T } from "../types.js";
import { asArray, asRecord, get, isText, stackRule } from "./factory.js";
import { ofType, refersTo, refersToAny } from "./graph.js";

/** The URN stack outputs are reported against. */
export const STACK_OUTPUTS_URN = "pulumi:pulumi:Stack::outputs";

function privateEndpointsOf(graph: Graph, service: GraphResource): GraphResource[] {
  return ofType(graph, T.privateEndpoint).filter((pe) => refersToAny(pe, "privateLinkServiceConnections", "privateLinkServiceId", service));
}

/** Why a private endpoint's name does not resolve inside the VNet, if it does not. */
function dnsProblem(graph: Graph, pe: GraphResource): string | undefined {
  const groups = ofType(graph, T.privateDnsZoneGroup).filter((group) => group.inputs.privateEndpointName === pe.inputs.privateEndpointName || group.dependsOn.includes(pe.urn));
  const zones = ofType(graph, T.privateZone).filter((zone) => groups.some((group) => refersToAny(group, "privateDnsZoneConfigs", "privateDnsZoneId", zone)));
  if (!zones.length) return `private endpoint ${pe.name} has no DNS zone group pointing at a private DNS zone`;
  const subnet = ofType(graph, T.subnet).find((s) => refersTo(pe, "subnet.id", s));
  const vnet = ofType(graph, T.virtualNetwork).find((v) => subnet && (v.inputs.virtualNetworkName === subnet.inputs.virtualNetworkName || subnet.dependsOn.includes(v.urn)));
  const links = ofType(graph, T.vnetLink);
  const unlinked = zones.filter((zone) => !links.some((link) => (link.inputs.privateZoneName === zone.inputs.privateZoneName || link.dependsOn.includes(zone.urn)) && (!vnet || refersTo(link, "virtualNetwork.id", vnet))));
  return unlinked.length ? `private DNS zone ${unlinked.map((z) => z.inputs.privateZoneName ?? z.name).join(", ")} is not linked to the endpoint's VNet` : undefined;
}

function diagnosticSettingsOf(graph: Graph, resource: GraphResource): GraphResource[] {
  return ofType(graph, T.diagnosticSetting).filter((setting) => refersTo(setting, "resourceUri", resource, true));
}

/** Whether the resource accepts connections from the internet (Front Door is the one that should). */
function internetFacing(resource: GraphResource): string | undefined {
  const inputs = resource.inputs;
  switch (resource.type) {
    case T.keyVault:
    case T.cognitiveAccount:
      return isText("Disabled").test(get(inputs, "properties.publicNetworkAccess")) ? undefined : "properties.publicNetworkAccess is not Disabled";
    case T.webApp:
    case T.webAppSlot:
      return isText("Disabled").test(inputs.publicNetworkAccess) || isText("Deny").test(get(inputs, "siteConfig.ipSecurityRestrictionsDefaultAction"))
        ? undefined
        : "publicNetworkAccess is not Disabled and access restrictions do not deny by default";
    case T.apim:
      return ["Internal", "External"].includes(String(inputs.virtualNetworkType)) ? undefined : "virtualNetworkType is not Internal or External: the gateway is open to the internet";
    case T.publicIp:
      return "a public IP address exposes this resource";
    default:
      return isText("Disabled").test(inputs.publicNetworkAccess) ? undefined : "publicNetworkAccess is not Disabled";
  }
}

/** App settings that must come from Key Vault references, not literal values. */
const SECRET_NAME = /(secret|password|pwd|token|apikey|api_key|accountkey|connectionstring|connection_string)$/i;
const SECRET_VALUE = /(AccountKey=|SharedAccessKey=|Password=|pwd=|-----BEGIN [A-Z ]*PRIVATE KEY|eyJ[A-Za-z0-9_-]{10,}\.eyJ)/i;
/** Not secrets by Microsoft's own guidance: App Insights connection strings hold no credential. */
const NOT_SECRET = new Set(["APPLICATIONINSIGHTS_CONNECTION_STRING"]);

function secretLiterals(resource: GraphResource): string[] {
  return asArray(get(resource.inputs, "siteConfig.appSettings"))
    .map(asRecord)
    .filter((setting) => {
      const name = String(setting.name ?? "");
      const value = String(setting.value ?? "");
      if (NOT_SECRET.has(name) || value.startsWith("@Microsoft.KeyVault(")) return false;
      return SECRET_VALUE.test(value) || (SECRET_NAME.test(name) && value !== "");
    })
    .map((setting) => `app setting ${String(setting.name)} holds a literal secret; expected a Key Vault reference or an identity-based connection`);
}

function outputSecrets(outputs: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(outputs).flatMap(([key, value]) => {
    if (value !== null && typeof value === "object") return outputSecrets(value as Record<string, unknown>, `${prefix}${key}.`);
    return typeof value === "string" && SECRET_VALUE.test(value) ? [`stack output ${prefix}${key} holds a secret literal`] : [];
  });
}

const removeType = (type: string) => (graph: Graph) => {
  graph.resources = graph.resources.filter((resource) => resource.type !== type);
};

export const stackRules: Rule[] = [
  stackRule({
    id: "EST-STK-001", title: "Every data and platform service has a private endpoint", description: "Data and platform services (AI Search, Azure OpenAI, SignalR / Web PubSub, App Configuration) are reached only over private endpoints in the VNet.",
    severity: "critical", types: PRIVATE_ONLY,
    problemOf: (graph) => (service) => (privateEndpointsOf(graph, service).length ? undefined : "no private endpoint connects to it"),
    fail: [removeType(T.privateEndpoint)],
    controls: { mcsb: ["NS-2"], cis: ["3.10", "4.5.2", "8.7"], waf: "Security" },
    mappings: { checkov: ["CKV2_AZURE_33", "CKV2_AZURE_32", "CKV2_AZURE_45"], azurePolicy: ["6edd7eda-6dd8-40f7-810d-67160c639cd9", "58440f8a-10c5-4151-bdce-dfbaad4a20b7", "a6abeaec-4d90-4a02-805f-6b26c4d3fbe9", "7698e800-9299-47a6-b3b6-5a0fee576eed", "7803067c-7d34-46e3-8c79-0ca68fc4036d", "1c06e275-d63d-4540-b761-71f364c2111d"] },
    remediation: "Pass `privateEndpoint: { subnetId, dnsZoneId }` to the data or platform component (infra/network/private-endpoint).", enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-002", title: "Private endpoints resolve through a private DNS zone linked to the VNet", description: "Without the zone group and VNet link, clients resolve the public address and fail (or leak).",
    severity: "high", types: PRIVATE_ONLY,
    problemOf: (graph) => (service) => privateEndpointsOf(graph, service).map((pe) => dnsProblem(graph, pe)).find(Boolean),
    fail: [removeType(T.vnetLink), removeType(T.privateDnsZoneGroup)],
    controls: { mcsb: ["NS-10", "NS-2"], waf: "Security" },
    mappings: {},
    remediation: "Give each PrivateEndpoint a PrivateDnsZoneGroup for its `privatelink.*` zone and a VirtualNetworkLink from that zone to the VNet (infra/network/dns).", enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-003", title: "Every resource that supports diagnostics sends them", description: "Diagnostic settings on every diagnosable resource, to the shared workspace.",
    severity: "high", types: DIAGNOSABLE,
    problemOf: (graph) => (resource) => (diagnosticSettingsOf(graph, resource).length ? undefined : "no diagnostic setting targets it"),
    fail: [removeType(T.diagnosticSetting)],
    controls: { mcsb: ["LT-3", "LT-4", "LT-5"], cis: ["5.1.1", "5.1.4"], waf: "Operational Excellence" },
    mappings: {
      psrule: ["Azure.KeyVault.Logs", "Azure.FrontDoor.Logs", "Azure.ServiceBus.AuditLogs", "Azure.AppConfig.AuditLogs"],
      azurePolicy: ["cf820ca0-f99e-4f3e-84fb-66e913812d21", "f8d36e2f-389b-4ee4-898d-21aeb69a0f45", "91a78b24-f231-4a8a-8da9-02c35b2b6510"],
    },
    remediation: "Call `sendDiagnostics` (infra/observability/diagnostics.ts) for the resource with the workspace id.", enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-004", title: "Diagnostics include audit logs", description: "Resources with an audit category send it (categoryGroup `audit` or `allLogs`).",
    severity: "medium", types: AUDITABLE,
    problemOf: (graph) => (resource) => {
      const settings = diagnosticSettingsOf(graph, resource);
      if (!settings.length) return undefined; // EST-STK-003 reports it
      const audited = settings.some((setting) => asArray(setting.inputs.logs).map(asRecord).some((log) => log.enabled === true && ["audit", "allLogs"].includes(String(log.categoryGroup))));
      return audited ? undefined : "its diagnostic settings send no audit or allLogs category group";
    },
    fail: [(graph) => ofType(graph, T.diagnosticSetting).forEach((setting) => (setting.inputs.logs = [{ category: "Requests", enabled: true }]))],
    controls: { mcsb: ["LT-3"], cis: ["5.1.2"], waf: "Security" },
    mappings: {},
    remediation: "Add `{ categoryGroup: \"audit\", enabled: true }` (or `allLogs`) to the DiagnosticSetting's `logs`.", enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-005", title: "Nothing but Front Door accepts internet traffic", description: "Data services, apps and the gateway are private or restricted; Front Door is the single entry.",
    severity: "critical", types: [...PRIVATE_ONLY, T.webApp, T.webAppSlot, T.apim, T.publicIp],
    problemOf: () => internetFacing,
    fail: [(graph) => ofType(graph, T.storageAccount).forEach((account) => (account.inputs.publicNetworkAccess = "Enabled"))],
    controls: { mcsb: ["NS-1", "NS-2"], waf: "Security" },
    mappings: {},
    remediation: "Disable public network access on the resource (`publicNetworkAccess: \"Disabled\"`) and reach it through its private endpoint, APIM or Front Door.", enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-006", title: "Every alert targets an action group of the estate", description: "Alert actions point at an action group declared in the same stack.",
    severity: "high", types: [T.metricAlert, T.logAlert],
    problemOf: (graph) => {
      const groups = ofType(graph, T.actionGroup);
      const targets = (alert: GraphResource, group: GraphResource) =>
        alert.type === T.logAlert ? refersToAny(alert, "actions.actionGroups", "", group) : refersToAny(alert, "actions", "actionGroupId", group);
      return (alert) => (groups.some((group) => targets(alert, group)) ? undefined : "no action of the alert targets an action group of this stack");
    },
    fail: [removeType(T.actionGroup)],
    controls: { mcsb: ["IR-2"], waf: "Operational Excellence" },
    mappings: {},
    remediation: "Set the MetricAlert's `actions: [{ actionGroupId }]` (ScheduledQueryRule: `actions.actionGroups: [id]`) to the estate's action group.", enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-007", title: "No secret literal in app settings or stack outputs", description: "Secrets come from Key Vault references or identity-based connections, and never leave the stack as outputs.",
    severity: "critical", types: [T.webApp, T.webAppSlot, "pulumi:pulumi:Stack"],
    check: (graph) => [
      ...ofType(graph, T.webApp, T.webAppSlot).flatMap((app) => secretLiterals(app).map((message) => ({ urn: app.urn, message }))),
      ...outputSecrets(graph.outputs).map((message) => ({ urn: STACK_OUTPUTS_URN, message })),
    ],
    fail: [
      (graph) => ofType(graph, T.webApp).forEach((app) => asArray(get(app.inputs, "siteConfig.appSettings")).push({ name: "STORAGE_CONNECTION_STRING", value: "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc==" })),
      (graph) => (graph.outputs.serviceBusConnection = "Endpoint=sb://x/;SharedAccessKeyName=root;SharedAccessKey=abc="),
    ],
    controls: { mcsb: ["IM-8", "DP-6"], cis: ["9.11"], waf: "Security" },
    mappings: {},
    remediation: "Use `@Microsoft.KeyVault(SecretUri=…)` app settings or identity-based connections (`<name>__fullyQualifiedNamespace`), and do not export secrets as stack outputs.", enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-008", title: "Every storage account has a lifecycle policy", description: "Blobs are tiered and expired by policy.",
    severity: "low", types: [T.storageAccount],
    problemOf: (graph) => {
      const policies = ofType(graph, T.storagePolicy);
      return (account) =>
        policies.some((policy) => policy.inputs.accountName === account.inputs.accountName || policy.dependsOn.includes(account.urn)) ? undefined : "no ManagementPolicy for the account";
    },
    fail: [removeType(T.storagePolicy)],
    controls: { mcsb: [], waf: "Cost Optimization" },
    mappings: {},
    remediation: "Declare a storage ManagementPolicy for the account (storage component `lifecycle` args).", enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-009", title: "Every SQL server has auditing and Defender alerts", description: "Auditing and threat detection are declared per server.",
    severity: "high", types: [T.sqlServer],
    problemOf: (graph) => (server) => {
      const belongs = (child: GraphResource) => child.inputs.serverName === server.inputs.serverName || child.dependsOn.includes(server.urn);
      const missing = [
        ofType(graph, T.sqlAuditing).some(belongs) ? undefined : "ServerBlobAuditingPolicy",
        ofType(graph, T.sqlAlertPolicy).some(belongs) ? undefined : "ServerSecurityAlertPolicy",
      ].filter(Boolean);
      return missing.length ? `no ${missing.join(" or ")} for the server` : undefined;
    },
    fail: [removeType(T.sqlAuditing), removeType(T.sqlAlertPolicy)],
    controls: { mcsb: ["LT-1", "LT-3"], cis: ["4.1.1"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_23", "CKV2_AZURE_13"] },
    remediation: "Declare a ServerBlobAuditingPolicy and a ServerSecurityAlertPolicy for the sql Server (data/sql component).", enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-010", title: "Every Front Door endpoint is protected by the WAF policy", description: "A security policy associates a WAF policy with each endpoint.",
    severity: "critical", types: [T.afdEndpoint],
    problemOf: (graph) => {
      const policies = ofType(graph, T.afdSecurityPolicy).filter((policy) => ofType(graph, T.wafPolicy).some((waf) => refersTo(policy, "parameters.wafPolicy.id", waf)));
      return (endpoint) =>
        policies.some((policy) => asArray(get(policy.inputs, "parameters.associations")).some((_a, index) => refersToAny(policy, `parameters.associations[${index}].domains`, "id", endpoint)))
          ? undefined
          : "no security policy associates a WAF policy with the endpoint";
    },
    fail: [removeType(T.afdSecurityPolicy)],
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: { psrule: ["Azure.FrontDoor.UseWAF"], checkov: ["CKV_AZURE_121"], azurePolicy: ["055aa869-bc98-4af8-bafc-23f1ab6ffe2c"] },
    remediation: "Declare a cdn SecurityPolicy with `parameters: { type: \"WebApplicationFirewall\", wafPolicy: { id }, associations: [{ domains: [{ id: endpoint.id }], patternsToMatch: [\"/*\"] }] }`.", enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-011", title: "The estate is watched", description: "Metric alerts, an availability test and a budget exist for the estate.",
    severity: "medium", types: [T.workspace],
    check: (graph) => {
      const missing = [
        [T.metricAlert, "metric alerts"],
        [T.webTest, "an availability test"],
        [T.budget, "a budget"],
      ].filter(([type]) => !ofType(graph, type!).length).map(([, what]) => what);
      return missing.length ? ofType(graph, T.workspace).map((workspace) => ({ urn: workspace.urn, message: `the estate has no ${missing.join(", ")}` })) : [];
    },
    fail: [removeType(T.budget), removeType(T.webTest)],
    controls: { mcsb: ["LT-1", "IR-2"], waf: "Operational Excellence" },
    mappings: {},
    remediation: "Compose the alerts, availability test and budget of infra/observability in stacks/tiers/alerts.ts.", enforcement: ENFORCE.prod,
  }),
  stackRule({
    id: "EST-STK-012", title: "Production data services are locked against deletion", description: "A CanNotDelete lock stops an accidental delete of stateful services.",
    severity: "medium", types: DATA_SERVICES,
    problemOf: (graph) => {
      const locks = ofType(graph, T.lock).filter((lock) => isText("CanNotDelete").test(lock.inputs.level));
      return (service) => (locks.some((lock) => refersTo(lock, "scope", service)) ? undefined : "no CanNotDelete lock on it");
    },
    fail: [removeType(T.lock)],
    controls: { mcsb: ["BR-2"], waf: "Reliability" },
    mappings: {},
    remediation: "Pass `lock: \"CanNotDelete\"` to the data component (stack config in prod).", enforcement: ENFORCE.prodAdvisory,
  }),
];

