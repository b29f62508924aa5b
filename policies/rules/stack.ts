import { ENFORCE, notApplicable, type Graph, type GraphResource, type Rule } from "../model.js";
import { AUDITABLE, DATA_SERVICES, DIAGNOSABLE, PRIVATE_ONLY, T } from "../types.js";
import { asArray, asRecord, get, isText, stackRule } from "./factory.js";
import { belongsTo, knownOr, knownOrUndefined, nameOf, ofType, refersTo, refersToAny, sameName } from "./graph.js";

/** The URN stack outputs are reported against. */
export const STACK_OUTPUTS_URN = "pulumi:pulumi:Stack::outputs";

function privateEndpointsOf(graph: Graph, service: GraphResource): GraphResource[] {
  return ofType(graph, T.privateEndpoint).filter((pe) =>
    refersToAny(pe, "privateLinkServiceConnections", "privateLinkServiceId", service),
  );
}

/** Why a private endpoint's name does not resolve inside the VNet, if it does not. */
function dnsProblem(graph: Graph, pe: GraphResource): string | undefined {
  const groups = ofType(graph, T.privateDnsZoneGroup).filter((group) => belongsTo(group, pe, "privateEndpointName"));
  const zones = ofType(graph, T.privateZone).filter((zone) =>
    groups.some((group) => refersToAny(group, "privateDnsZoneConfigs", "privateDnsZoneId", zone)),
  );
  if (!zones.length) return `private endpoint ${pe.name} has no private DNS zone group pointing at a private DNS zone`;
  const subnet = ofType(graph, T.subnet).find((s) => refersTo(pe, "subnet.id", s));
  const vnet = ofType(graph, T.virtualNetwork).find((v) => subnet && belongsTo(subnet, v, "virtualNetworkName"));
  const links = ofType(graph, T.vnetLink);
  const unlinked = zones.filter(
    (zone) =>
      !links.some(
        (link) => belongsTo(link, zone, "privateZoneName") && (!vnet || refersTo(link, "virtualNetwork.id", vnet)),
      ),
  );
  return unlinked.length
    ? `private DNS zone ${unlinked.map((z) => z.inputs.privateZoneName ?? z.name).join(", ")} has no virtual network link to the endpoint's VNet`
    : undefined;
}

function diagnosticSettingsOf(graph: Graph, resource: GraphResource): GraphResource[] {
  return ofType(graph, T.diagnosticSetting).filter((setting) => refersTo(setting, "resourceUri", resource, true));
}

function diagnosticSettingsOfType(graph: Graph, type: string): GraphResource[] {
  return ofType(graph, type).flatMap((resource) => diagnosticSettingsOf(graph, resource));
}

interface AuditLogs {
  /** Category groups that carry the audit records. */
  groups: string[];
  /** Categories that together carry them (all of them needed). */
  categories: string[];
  what: string;
}

const DEFAULT_AUDIT_LOGS: AuditLogs = {
  groups: ["audit", "allLogs"],
  categories: [],
  what: "audit or allLogs category group",
};

/**
 * Where a service's audit records are, by its supported log categories (Azure Monitor "Supported logs",
 * https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/logs-index), as PSRule's
 * Azure.KeyVault.Logs, Azure.ServiceBus.AuditLogs, Azure.AppConfig.AuditLogs and Azure.FrontDoor.Logs read them.
 */
const AUDIT_LOGS: Record<string, AuditLogs> = {
  [T.keyVault]: {
    groups: ["audit", "allLogs"],
    categories: ["AuditEvent"],
    what: "audit or allLogs category group and no AuditEvent category",
  },
  [T.serviceBus]: {
    groups: ["audit", "allLogs"],
    categories: ["RuntimeAuditLogs"],
    what: "audit or allLogs category group and no RuntimeAuditLogs category",
  },
  [T.appConfiguration]: {
    groups: ["audit", "allLogs"],
    categories: ["Audit"],
    what: "audit or allLogs category group and no Audit category",
  },
  // PSRule's Azure.FrontDoor.Logs accepts the allLogs group or both categories, not the audit group.
  [T.frontDoor]: {
    groups: ["allLogs"],
    categories: ["FrontDoorAccessLog", "FrontDoorWebApplicationFirewallLog"],
    what: "allLogs category group and not both FrontDoorAccessLog and FrontDoorWebApplicationFirewallLog",
  },
};

/** Whether the resource accepts connections from the internet (Front Door is the one that should). */
function internetFacing(resource: GraphResource): string | undefined {
  const inputs = resource.inputs;
  switch (resource.type) {
    case T.keyVault:
    case T.cognitiveAccount:
      return isText("Disabled").test(get(inputs, "properties.publicNetworkAccess"))
        ? undefined
        : "properties.publicNetworkAccess is not Disabled";
    case T.webApp:
    case T.webAppSlot:
      return isText("Disabled").test(inputs.publicNetworkAccess) ||
        isText("Deny").test(get(inputs, "siteConfig.ipSecurityRestrictionsDefaultAction"))
        ? undefined
        : "publicNetworkAccess is not Disabled and access restrictions do not deny by default";
    case T.apim:
      return ["Internal", "External"].includes(String(inputs.virtualNetworkType))
        ? undefined
        : "virtualNetworkType is not Internal or External: the gateway is open to the internet";
    case T.publicIp:
      return "a public IP address exposes this resource";
    case T.psqlServer:
    case T.mysqlServer:
      return isText("Disabled").test(get(inputs, "network.publicNetworkAccess")) ||
        get(inputs, "network.delegatedSubnetResourceId")
        ? undefined
        : "network.publicNetworkAccess is not Disabled";
    default:
      return isText("Disabled").test(inputs.publicNetworkAccess) ? undefined : "publicNetworkAccess is not Disabled";
  }
}

/** App settings that must come from Key Vault references, not literal values. */
const SECRET_NAME = /(secret|password|pwd|token|apikey|api_key|accountkey|connectionstring|connection_string)$/i;
const SECRET_VALUE =
  /(AccountKey=|SharedAccessKey=|Password=|pwd=|-----BEGIN [A-Z ]*PRIVATE KEY|eyJ[A-Za-z0-9_-]{10,}\.eyJ)/i;
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
    .map(
      (setting) =>
        `app setting ${String(setting.name)} holds a literal secret; expected a Key Vault reference or an identity-based connection`,
    );
}

function outputSecrets(outputs: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(outputs).flatMap(([key, value]) => {
    if (value !== null && typeof value === "object")
      return outputSecrets(value as Record<string, unknown>, `${prefix}${key}.`);
    return typeof value === "string" && SECRET_VALUE.test(value)
      ? [`stack output ${prefix}${key} holds a secret literal`]
      : [];
  });
}

/**
 * The addresses other resources' inputs name a resource by: its ARM id; for blob storage, its URL
 * (the account's blob endpoint, a container under it, a package the estate uploads into one,
 * infra/compute/deploy.ts). Lower case, no trailing slash.
 */
function addressesOf(graph: Graph): Map<GraphResource, string[]> {
  // Settings of a child Azure creates with its parent (the account's one blob service): its id
  // names something that exists once the parent does.
  const settingsOfImplicitChild = new Set<string>([T.blobService]);
  const text = (value: unknown) =>
    typeof value === "string" && value !== "" ? value.toLowerCase().replace(/\/+$/, "") : undefined;
  const endpoints = new Map<string, string>();
  for (const account of ofType(graph, T.storageAccount)) {
    const name = text(knownOrUndefined(() => account.inputs.accountName));
    const endpoint = text(get(account.outputs, "primaryEndpoints.blob"));
    if (name && endpoint) endpoints.set(name, endpoint);
  }
  const under = (account: unknown, ...rest: unknown[]) => {
    const endpoint = endpoints.get(text(account) ?? "");
    const segments = rest.map(text);
    return endpoint && segments.every(Boolean) ? [[endpoint, ...segments].join("/")] : [];
  };
  return new Map(
    graph.resources.map((resource) => {
      const id = text(resource.outputs.id);
      const inputs = resource.inputs;
      const read = (key: string) => knownOrUndefined(() => inputs[key]);
      const urls =
        resource.type === T.storageAccount
          ? under(read("accountName"))
          : resource.type === T.blobContainer
            ? under(read("accountName"), read("containerName"))
            : resource.type === T.localCommand
              ? under(
                  ...(["ACCOUNT", "CONTAINER", "BLOB"].map((key) =>
                    knownOrUndefined(() => get(inputs, `environment.${key}`)),
                  ) as [unknown, ...unknown[]]),
                )
              : [];
      const armId = id?.startsWith("/subscriptions/") && !settingsOfImplicitChild.has(resource.type) ? [id] : [];
      return [resource, [...armId, ...urls]];
    }),
  );
}

/** Every text input of a resource with its path; unknown values (a preview's) are skipped. */
function textInputs(value: unknown, path = "", found: [string, string][] = []): [string, string][] {
  if (typeof value === "string") found.push([path, value]);
  if (value === null || typeof value !== "object") return found;
  // The engine's proxies throw on unknown values: even listing keys is read as "unknown".
  const keys = knownOr(
    () => (Array.isArray(value) ? Array.from({ length: value.length }, (_unused, index) => index) : Object.keys(value)),
    [],
  ) as (string | number)[];
  for (const key of keys) {
    const child = knownOrUndefined(() => (value as Record<string | number, unknown>)[key]);
    textInputs(child, typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key, found);
  }
  return found;
}

/** Which resources each resource depends on, directly or through others. */
function dependencyClosure(graph: Graph): (resource: GraphResource) => Set<string> {
  const byUrn = new Map(graph.resources.map((resource) => [resource.urn, resource]));
  const closures = new Map<string, Set<string>>();
  const closure = (urn: string): Set<string> => {
    const known = closures.get(urn);
    if (known) return known;
    const reached = new Set<string>();
    closures.set(urn, reached);
    for (const dependency of byUrn.get(urn)?.dependsOn ?? []) {
      reached.add(dependency);
      for (const further of closure(dependency)) reached.add(further);
    }
    return reached;
  };
  return (resource) => closure(resource.urn);
}

/**
 * Inputs that name another resource of the program (by ARM id or blob URL, or anything under
 * them) without a dependency on it: Pulumi may create the two in any order, so a first deploy (or
 * a replacement) can point at something that does not exist yet.
 */
function unorderedReferences(graph: Graph): { urn: string; message: string }[] {
  const addresses = [...addressesOf(graph)].flatMap(([resource, list]) =>
    list.map((address) => ({ resource, address })),
  );
  // By address, in their order: a value names an address when it is the address or starts with it
  // and a `/`, so the candidates are the value and its prefixes before each `/` (one lookup each,
  // not a pass over every address for every input of every resource).
  const byAddress = new Map<string, number[]>();
  addresses.forEach(({ address }, index) => byAddress.set(address, [...(byAddress.get(address) ?? []), index]));
  // A value that names an address starts with it: values whose first characters begin no address
  // (most inputs: names, SKUs, policy documents) are passed over without a lookup per `/`.
  const prefixLength = Math.min(16, ...addresses.map(({ address }) => address.length));
  const prefixes = new Set(addresses.map(({ address }) => address.slice(0, prefixLength)));
  const named = (value: string) => {
    if (!prefixes.has(value.slice(0, prefixLength))) return [];
    const found = [...(byAddress.get(value) ?? [])];
    for (let slash = value.indexOf("/"); slash >= 0; slash = value.indexOf("/", slash + 1))
      found.push(...(byAddress.get(value.slice(0, slash)) ?? []));
    return found.sort((a, b) => a - b).map((index) => addresses[index]!);
  };
  const dependsOn = dependencyClosure(graph);
  return graph.resources.flatMap((resource) => {
    const reported = new Set<GraphResource>();
    return textInputs(resource.inputs).flatMap(([path, value]) => {
      return named(value.toLowerCase())
        .filter(({ resource: target }) => target !== resource)
        .filter(({ resource: target }) => !reported.has(target) && !dependsOn(resource).has(target.urn))
        .map(({ resource: target }) => {
          reported.add(target);
          return {
            urn: resource.urn,
            message: `input ${path} names ${nameOf(target)}, which it does not depend on: it may be created first`,
          };
        });
    });
  });
}

/** Examples: the estate's first grant scoped to its first container, waiting for what `waitsFor` says. */
function grantOnContainer(graph: Graph, waitsFor: (container: GraphResource) => string[]): void {
  const container = ofType(graph, T.blobContainer)[0]!;
  const grant = ofType(graph, T.roleAssignment)[0]!;
  grant.inputs.scope = container.outputs.id;
  grant.dependsOn = waitsFor(container);
}

/** Examples: the estate's first storage account with its blob endpoint, as the engine returns it; its name. */
function withBlobEndpoint(graph: Graph): string {
  const account = ofType(graph, T.storageAccount)[0]!;
  const name = String(account.inputs.accountName);
  account.outputs.primaryEndpoints = { blob: `https://${name}.blob.core.windows.net/` };
  return name;
}

const removeType = (type: string) => (graph: Graph) => {
  graph.resources = graph.resources.filter((resource) => resource.type !== type);
};

export const stackRules: Rule[] = [
  stackRule({
    id: "EST-STK-001",
    title: "Every data and platform service has a private endpoint",
    description:
      "Data and platform services (AI Search, Azure OpenAI, SignalR / Web PubSub, App Configuration) are reached only over private endpoints in the VNet.",
    severity: "critical",
    types: PRIVATE_ONLY,
    problemOf: (graph) => (service) =>
      privateEndpointsOf(graph, service).length ? undefined : "no private endpoint connects to it",
    fail: [
      removeType(T.privateEndpoint),
      // Checkov CKV2_AZURE_33/45/56/57 connect the endpoint to the service: an endpoint to another resource is none.
      (graph) =>
        ofType(graph, T.privateEndpoint).forEach(
          (pe) =>
            (pe.inputs.privateLinkServiceConnections = [
              {
                name: "other",
                privateLinkServiceId:
                  "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/other",
                groupIds: ["blob"],
              },
            ]),
        ),
    ],
    controls: { mcsb: ["NS-2"], cis: ["3.10", "4.5.2", "8.7"], waf: "Security" },
    mappings: {
      checkov: ["CKV2_AZURE_33", "CKV2_AZURE_32", "CKV2_AZURE_45", "CKV2_AZURE_56", "CKV2_AZURE_57"],
      azurePolicy: [
        "6edd7eda-6dd8-40f7-810d-67160c639cd9",
        "58440f8a-10c5-4151-bdce-dfbaad4a20b7",
        "a6abeaec-4d90-4a02-805f-6b26c4d3fbe9",
        "7698e800-9299-47a6-b3b6-5a0fee576eed",
        "7803067c-7d34-46e3-8c79-0ca68fc4036d",
        "1c06e275-d63d-4540-b761-71f364c2111d",
      ],
    },
    remediation:
      "Pass `privateEndpoint: { subnetId, dnsZoneId }` to the data or platform component (infra/network/private-endpoint).",
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-002",
    title: "Private endpoints resolve through a private DNS zone linked to the VNet",
    description: "Without the zone group and VNet link, clients resolve the public address and fail (or leak).",
    severity: "high",
    types: PRIVATE_ONLY,
    problemOf: (graph) => (service) =>
      privateEndpointsOf(graph, service)
        .map((pe) => dnsProblem(graph, pe))
        .find(Boolean),
    fail: [removeType(T.vnetLink), removeType(T.privateDnsZoneGroup)],
    controls: { mcsb: ["NS-10", "NS-2"], waf: "Security" },
    mappings: {},
    remediation:
      "Give each PrivateEndpoint a PrivateDnsZoneGroup for its `privatelink.*` zone and a VirtualNetworkLink from that zone to the VNet (infra/network/dns).",
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-003",
    title: "Every resource that supports diagnostics sends them",
    description: "Diagnostic settings on every diagnosable resource, to the shared workspace.",
    severity: "high",
    types: DIAGNOSABLE,
    problemOf: (graph) => (resource) =>
      diagnosticSettingsOf(graph, resource).length ? undefined : "no diagnostic setting targets it",
    fail: [removeType(T.diagnosticSetting)],
    controls: { mcsb: ["LT-3", "LT-4", "LT-5"], cis: ["5.1.1", "5.1.4"], waf: "Operational Excellence" },
    mappings: {
      azurePolicy: [
        "cf820ca0-f99e-4f3e-84fb-66e913812d21",
        "f8d36e2f-389b-4ee4-898d-21aeb69a0f45",
        "91a78b24-f231-4a8a-8da9-02c35b2b6510",
      ],
    },
    remediation: "Call `sendDiagnostics` (infra/observability/diagnostics.ts) for the resource with the workspace id.",
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-004",
    title: "Diagnostics include audit and access logs",
    description:
      "Resources with an audit category send it (categoryGroup `audit` or `allLogs`, or the service's own audit categories); Front Door sends its access and WAF logs.",
    severity: "medium",
    types: AUDITABLE,
    problemOf: (graph) => (resource) => {
      const settings = diagnosticSettingsOf(graph, resource);
      if (!settings.length) return notApplicable("no diagnostic setting: EST-STK-003 reports that");
      const enabled = settings.flatMap((setting) =>
        asArray(setting.inputs.logs)
          .map(asRecord)
          .filter((log) => log.enabled === true),
      );
      const sends = (key: "category" | "categoryGroup", name: string) =>
        enabled.some((log) => String(log[key] ?? "").toLowerCase() === name.toLowerCase());
      const { groups, categories, what } = AUDIT_LOGS[resource.type] ?? DEFAULT_AUDIT_LOGS;
      if (
        groups.some((group) => sends("categoryGroup", group)) ||
        (categories.length && categories.every((category) => sends("category", category)))
      )
        return undefined;
      return `its diagnostic settings send no ${what}`;
    },
    fail: [
      (graph) =>
        ofType(graph, T.diagnosticSetting).forEach(
          (setting) => (setting.inputs.logs = [{ category: "Requests", enabled: true }]),
        ),
      // Key Vault with a setting for policy evaluations only (PSRule Azure.KeyVault.Logs wants AuditEvent).
      (graph) =>
        diagnosticSettingsOfType(graph, T.keyVault).forEach(
          (setting) => (setting.inputs.logs = [{ category: "AzurePolicyEvaluationDetails", enabled: true }]),
        ),
      // Service Bus sending operational logs only (PSRule Azure.ServiceBus.AuditLogs wants RuntimeAuditLogs).
      (graph) =>
        diagnosticSettingsOfType(graph, T.serviceBus).forEach(
          (setting) => (setting.inputs.logs = [{ category: "OperationalLogs", enabled: true }]),
        ),
      // Front Door with access logs but no WAF logs, and the audit group (PSRule Azure.FrontDoor.Logs wants both categories or allLogs).
      (graph) =>
        diagnosticSettingsOfType(graph, T.frontDoor).forEach(
          (setting) =>
            (setting.inputs.logs = [
              { category: "FrontDoorAccessLog", enabled: true },
              { categoryGroup: "audit", enabled: true },
            ]),
        ),
      // The category is listed but switched off.
      (graph) =>
        diagnosticSettingsOfType(graph, T.keyVault).forEach(
          (setting) => (setting.inputs.logs = [{ category: "AuditEvent", enabled: false }]),
        ),
      // App Configuration sending request logs only (PSRule Azure.AppConfig.AuditLogs wants Audit).
      (graph) =>
        diagnosticSettingsOfType(graph, T.appConfiguration).forEach(
          (setting) => (setting.inputs.logs = [{ category: "HttpRequest", enabled: true }]),
        ),
      // No logs at all, only metrics.
      (graph) => diagnosticSettingsOfType(graph, T.keyVault).forEach((setting) => delete setting.inputs.logs),
    ],
    pass: [
      (graph) =>
        diagnosticSettingsOfType(graph, T.keyVault).forEach(
          (setting) => (setting.inputs.logs = [{ category: "AuditEvent", enabled: true }]),
        ),
      (graph) =>
        diagnosticSettingsOfType(graph, T.serviceBus).forEach(
          (setting) => (setting.inputs.logs = [{ category: "RuntimeAuditLogs", enabled: true }]),
        ),
      (graph) =>
        diagnosticSettingsOfType(graph, T.frontDoor).forEach(
          (setting) =>
            (setting.inputs.logs = [
              { category: "FrontdoorAccessLog", enabled: true },
              { category: "FrontDoorWebApplicationFirewallLog", enabled: true },
            ]),
        ),
      (graph) =>
        diagnosticSettingsOfType(graph, T.appConfiguration).forEach(
          (setting) => (setting.inputs.logs = [{ category: "Audit", enabled: true }]),
        ),
      // Category groups compare case-insensitively, as Azure does.
      (graph) =>
        diagnosticSettingsOfType(graph, T.keyVault).forEach(
          (setting) => (setting.inputs.logs = [{ categoryGroup: "AllLogs", enabled: true }]),
        ),
    ],
    controls: { mcsb: ["LT-3"], cis: ["5.1.2"], waf: "Security" },
    mappings: {
      psrule: [
        "Azure.KeyVault.Logs",
        "Azure.FrontDoor.Logs",
        "Azure.ServiceBus.AuditLogs",
        "Azure.AppConfig.AuditLogs",
      ],
    },
    remediation:
      "Add `{ categoryGroup: \"allLogs\", enabled: true }` (or `audit`, or the service's audit categories: Key Vault `AuditEvent`, Service Bus `RuntimeAuditLogs`, Front Door `FrontDoorAccessLog` and `FrontDoorWebApplicationFirewallLog`, App Configuration `Audit`) to the DiagnosticSetting's `logs`.",
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-005",
    title: "Nothing but Front Door accepts internet traffic",
    description: "Data services, apps and the gateway are private or restricted; Front Door is the single entry.",
    severity: "critical",
    types: [...PRIVATE_ONLY, T.webApp, T.webAppSlot, T.apim, T.publicIp],
    problemOf: () => internetFacing,
    fail: [
      (graph) => ofType(graph, T.storageAccount).forEach((account) => (account.inputs.publicNetworkAccess = "Enabled")),
    ],
    controls: { mcsb: ["NS-1", "NS-2"], waf: "Security" },
    mappings: {},
    remediation:
      'Disable public network access on the resource (`publicNetworkAccess: "Disabled"`) and reach it through its private endpoint, APIM or Front Door.',
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-006",
    title: "Every alert targets an action group of the estate",
    description: "Alert actions point at an action group declared in the same stack.",
    severity: "high",
    types: [T.metricAlert, T.logAlert],
    problemOf: (graph) => {
      const groups = ofType(graph, T.actionGroup);
      const targets = (alert: GraphResource, group: GraphResource) =>
        alert.type === T.logAlert
          ? refersToAny(alert, "actions.actionGroups", "", group)
          : refersToAny(alert, "actions", "actionGroupId", group);
      return (alert) =>
        groups.some((group) => targets(alert, group))
          ? undefined
          : "no action of the alert targets an action group of this stack";
    },
    fail: [removeType(T.actionGroup)],
    controls: { mcsb: ["IR-2"], waf: "Operational Excellence" },
    mappings: {},
    remediation:
      "Set the MetricAlert's `actions: [{ actionGroupId }]` (ScheduledQueryRule: `actions.actionGroups: [id]`) to the estate's action group.",
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-007",
    title: "No secret literal in app settings or stack outputs",
    description:
      "Secrets come from Key Vault references or identity-based connections, and never leave the stack as outputs.",
    severity: "critical",
    types: [T.webApp, T.webAppSlot, "pulumi:pulumi:Stack"],
    check: (graph) => [
      ...ofType(graph, T.webApp, T.webAppSlot).flatMap((app) =>
        secretLiterals(app).map((message) => ({ urn: app.urn, message })),
      ),
      ...outputSecrets(graph.outputs).map((message) => ({ urn: STACK_OUTPUTS_URN, message })),
    ],
    fail: [
      (graph) =>
        ofType(graph, T.webApp).forEach((app) =>
          asArray(get(app.inputs, "siteConfig.appSettings")).push({
            name: "STORAGE_CONNECTION_STRING",
            value: "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc==",
          }),
        ),
      (graph) =>
        (graph.outputs.serviceBusConnection = "Endpoint=sb://x/;SharedAccessKeyName=root;SharedAccessKey=abc="),
    ],
    controls: { mcsb: ["IM-8", "DP-6"], cis: ["9.11"], waf: "Security" },
    mappings: {},
    remediation:
      "Use `@Microsoft.KeyVault(SecretUri=…)` app settings or identity-based connections (`<name>__fullyQualifiedNamespace`), and do not export secrets as stack outputs.",
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-008",
    title: "Every storage account has a lifecycle policy",
    description: "Blobs are tiered and expired by policy.",
    severity: "low",
    types: [T.storageAccount],
    problemOf: (graph) => {
      const policies = ofType(graph, T.storagePolicy);
      return (account) =>
        policies.some((policy) => belongsTo(policy, account, "accountName"))
          ? undefined
          : "no ManagementPolicy for the account";
    },
    fail: [removeType(T.storagePolicy)],
    controls: { mcsb: [], waf: "Cost Optimization" },
    mappings: {},
    remediation: "Declare a storage ManagementPolicy for the account (storage component `lifecycle` args).",
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-009",
    title: "Every SQL server has auditing and Defender alerts",
    description: "Auditing and threat detection are declared per server.",
    severity: "high",
    types: [T.sqlServer],
    // Checkov CKV_AZURE_23 / CKV2_AZURE_13 want the policies enabled, not merely declared.
    problemOf: (graph) => (server) => {
      const enabled = (child: GraphResource) =>
        belongsTo(child, server, "serverName") && isText("Enabled").test(child.inputs.state);
      const missing = [
        ofType(graph, T.sqlAuditing).some(enabled) ? undefined : "ServerBlobAuditingPolicy",
        ofType(graph, T.sqlAlertPolicy).some(enabled) ? undefined : "ServerSecurityAlertPolicy",
      ].filter(Boolean);
      return missing.length ? `no ${missing.join(" or ")} with state "Enabled" for the server` : undefined;
    },
    fail: [
      removeType(T.sqlAuditing),
      removeType(T.sqlAlertPolicy),
      (graph) => ofType(graph, T.sqlAuditing).forEach((policy) => (policy.inputs.state = "Disabled")),
      (graph) => ofType(graph, T.sqlAlertPolicy).forEach((policy) => (policy.inputs.state = "Disabled")),
    ],
    controls: { mcsb: ["LT-1", "LT-3"], cis: ["4.1.1"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_23", "CKV2_AZURE_13"] },
    remediation:
      'Declare a ServerBlobAuditingPolicy and a ServerSecurityAlertPolicy with `state: "Enabled"` for the sql Server (data/sql component).',
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-010",
    title: "Every Front Door endpoint is protected by the WAF policy",
    description: "A security policy associates a WAF policy with each endpoint.",
    severity: "critical",
    types: [T.afdEndpoint],
    problemOf: (graph) => {
      const policies = ofType(graph, T.afdSecurityPolicy).filter((policy) =>
        ofType(graph, T.wafPolicy).some((waf) => refersTo(policy, "parameters.wafPolicy.id", waf)),
      );
      return (endpoint) =>
        policies.some((policy) =>
          asArray(get(policy.inputs, "parameters.associations")).some((_a, index) =>
            refersToAny(policy, `parameters.associations[${index}].domains`, "id", endpoint),
          ),
        )
          ? undefined
          : "no security policy associates a WAF policy with the endpoint";
    },
    fail: [
      removeType(T.afdSecurityPolicy),
      // PSRule Azure.FrontDoor.UseWAF: the endpoint itself must be associated; a policy on the custom domain alone
      // leaves the endpoint's azurefd.net host unprotected.
      (graph) =>
        ofType(graph, T.afdSecurityPolicy).forEach(
          (policy) =>
            (asRecord(policy.inputs.parameters).associations = ofType(graph, T.afdCustomDomain).map((domain) => ({
              domains: [{ id: domain.outputs.id }],
              patternsToMatch: ["/*"],
            }))),
        ),
      // A security policy whose WAF policy is not the estate's.
      (graph) =>
        ofType(graph, T.afdSecurityPolicy).forEach(
          (policy) =>
            (asRecord(policy.inputs.parameters).wafPolicy = {
              id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/frontdoorWebApplicationFirewallPolicies/other",
            }),
        ),
    ],
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: {
      psrule: ["Azure.FrontDoor.UseWAF"],
      checkov: ["CKV_AZURE_121"],
      azurePolicy: ["055aa869-bc98-4af8-bafc-23f1ab6ffe2c"],
    },
    remediation:
      'Declare a cdn SecurityPolicy with `parameters: { type: "WebApplicationFirewall", wafPolicy: { id }, associations: [{ domains: [{ id: endpoint.id }], patternsToMatch: ["/*"] }] }`.',
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-STK-011",
    title: "The estate is watched",
    description: "Metric alerts, an availability test and a budget exist for the estate.",
    severity: "medium",
    types: [T.workspace],
    check: (graph) => {
      const missing = [
        [T.metricAlert, "metric alerts"],
        [T.webTest, "an availability test"],
        [T.budget, "a budget"],
      ]
        .filter(([type]) => !ofType(graph, type!).length)
        .map(([, what]) => what);
      return missing.length
        ? ofType(graph, T.workspace).map((workspace) => ({
            urn: workspace.urn,
            message: `the estate has no ${missing.join(", ")}`,
          }))
        : [];
    },
    fail: [removeType(T.budget), removeType(T.webTest)],
    controls: { mcsb: ["LT-1", "IR-2"], waf: "Operational Excellence" },
    mappings: {},
    remediation: "Compose the alerts, availability test and budget of infra/observability in stacks/tiers/alerts.ts.",
    enforcement: ENFORCE.prod,
  }),
  stackRule({
    id: "EST-STK-012",
    title: "Production data services are locked against deletion",
    description: "A CanNotDelete lock stops an accidental delete of stateful services.",
    severity: "medium",
    types: DATA_SERVICES,
    problemOf: (graph) => {
      const locks = ofType(graph, T.lock).filter((lock) => isText("CanNotDelete").test(lock.inputs.level));
      return (service) =>
        locks.some((lock) => refersTo(lock, "scope", service))
          ? undefined
          : "no ManagementLockByScope of level CanNotDelete on it";
    },
    fail: [removeType(T.lock)],
    controls: { mcsb: ["BR-2"], waf: "Reliability" },
    mappings: {},
    remediation: 'Pass `lock: "CanNotDelete"` to the data component (stack config in prod).',
    enforcement: ENFORCE.prodAdvisory,
  }),
  stackRule({
    id: "EST-STK-013",
    title: "Every input naming another resource of the program waits for it",
    description:
      "An input that names a resource the program creates (its ARM id, a blob URL under a storage account and container the stack declares, or anything under them) depends on that resource, directly or through others: otherwise a first deploy or a code change may point an app at a package not yet uploaded, or grant a role on a container not yet created. Judges every resource; the types listed are where the estate has such inputs.",
    severity: "high",
    types: [T.webApp, T.roleAssignment, T.blobContainer, T.diagnosticSetting, T.privateEndpoint],
    check: unorderedReferences,
    fail: [
      // A grant scoped by a container's id that waits only for the account (the Functions host's grants did).
      (graph) => grantOnContainer(graph, (container) => container.dependsOn),
      // An app running from a blob whose upload it does not wait for.
      (graph) => {
        const container = ofType(graph, T.blobContainer)[0]!;
        const account = withBlobEndpoint(graph);
        const upload = {
          urn: "urn:pulumi:test::estate::command:local:Command::package-api",
          type: T.localCommand,
          name: "package-api",
          outputs: { id: "upload" },
          dependsOn: [container.urn],
          inputs: { environment: { ACCOUNT: account, CONTAINER: container.inputs.containerName, BLOB: "api/1.zip" } },
        };
        graph.resources.push(upload);
        const app = ofType(graph, T.webApp)[0]!;
        app.dependsOn.push(container.urn);
        asArray(get(app.inputs, "siteConfig.appSettings")).push({
          name: "WEBSITE_RUN_FROM_PACKAGE",
          value: `https://${account}.blob.core.windows.net/${String(container.inputs.containerName)}/api/1.zip`,
        });
      },
    ],
    pass: [
      // The same grant waiting for the container through another resource is ordered.
      (graph) => {
        const container = ofType(graph, T.blobContainer)[0]!;
        const between = {
          urn: "urn:pulumi:test::estate::test:index:Between::between",
          type: "test:index:Between",
          name: "between",
          inputs: {},
          outputs: {},
          dependsOn: [container.urn],
        };
        graph.resources.push(between);
        grantOnContainer(graph, () => [between.urn]);
      },
    ],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: {},
    remediation:
      "Build the input from the named resource's outputs (`container.id`, `container.name`, the upload's `id`) rather than from names and constants, or add `dependsOn` on it: infra/compute/deploy.ts returns the package URL through its upload.",
    enforcement: ENFORCE.always,
  }),
];
