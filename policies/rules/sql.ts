/** Azure SQL: the server judged with its databases, auditing, Entra administrators and firewall rules. */
import { ENFORCE, notApplicable, REMOVE, type Graph, type GraphResource, type Rule } from "../model.js";
import { T } from "../types.js";
import {
  asRecord,
  atLeast,
  customRule,
  inputRule,
  is,
  isText,
  oneOf,
  present,
  show,
  stackRule,
  TLS,
  tlsAtLeast,
} from "./factory.js";
import { belongsTo, childrenOf, nameOf, ofType, refersTo } from "./graph.js";

/** A graph edit applied to the inputs of every resource of one type. */
const editInputs = (type: string, edit: (inputs: Record<string, unknown>) => void) => (graph: Graph) => {
  for (const resource of ofType(graph, type)) edit(resource.inputs);
};

/** A child resource of the compliant fixture's SQL server, for examples. */
function sqlChild(graph: Graph, type: string, name: string, inputs: Record<string, unknown>): GraphResource {
  const [server] = ofType(graph, T.sqlServer);
  return {
    urn: `${server!.urn}-${name}`,
    type,
    name,
    inputs: { serverName: server!.inputs.serverName, ...inputs },
    outputs: { id: `${String(server!.outputs.id)}/${name}` },
    dependsOn: [server!.urn],
  };
}

/** What is wrong with a server's Entra administrator and Entra-only setting, inline or as child resources. */
function entraProblems(graph: Graph, server: GraphResource): string[] {
  const inline = asRecord(server.inputs.administrators);
  const admins = childrenOf(graph, server, T.sqlAdAdmin, "serverName");
  const entraOnly = childrenOf(graph, server, T.sqlAdOnly, "serverName");
  const problems: string[] = [];
  if (admins.length) {
    for (const admin of admins) {
      const missing = [
        isText("ActiveDirectory").test(admin.inputs.administratorType)
          ? undefined
          : 'administratorType "ActiveDirectory"',
        ...["login", "sid"].map((key) => (present.test(admin.inputs[key]) ? undefined : key)),
      ].filter(Boolean);
      if (missing.length) problems.push(`${nameOf(admin)} lacks ${missing.join(", ")}`);
    }
  } else if (!isText("ActiveDirectory").test(inline.administratorType)) {
    problems.push(
      'administrators.administratorType is not "ActiveDirectory" and no ServerAzureADAdministrator names an Entra administrator',
    );
  }
  // Azure keeps one Entra-only setting per server: the child resource, where declared, is it.
  if (entraOnly.length) {
    for (const setting of entraOnly.filter((child) => child.inputs.azureADOnlyAuthentication !== true))
      problems.push(
        `${nameOf(setting)} has azureADOnlyAuthentication ${show(setting.inputs.azureADOnlyAuthentication)}; expected true`,
      );
  } else if (inline.azureADOnlyAuthentication !== true) {
    problems.push(
      "administrators.azureADOnlyAuthentication is not true and no ServerAzureADOnlyAuthentication turns it on",
    );
  }
  return problems;
}

/** Days the workspace keeps data: Azure's default is 30 when retentionInDays is unset. */
const workspaceDays = (workspace: GraphResource) => Number(workspace.inputs.retentionInDays ?? 30);

/** Why a server's audit records are not kept `minimum` days (the sqlAuditRetentionDays setting), per auditing policy and destination. */
function auditRetentionProblems(graph: Graph, server: GraphResource, minimum: number): string[] {
  const policies = childrenOf(graph, server, T.sqlAuditing, "serverName");
  // Audit records reach Azure Monitor through the diagnostic settings of the server's (master) databases.
  const targets = [server, ...childrenOf(graph, server, T.sqlDatabase, "serverName")];
  const settings = ofType(graph, T.diagnosticSetting).filter((setting) =>
    targets.some((target) => refersTo(setting, "resourceUri", target, true)),
  );
  const workspaces = ofType(graph, T.workspace).filter((workspace) =>
    settings.some((setting) => refersTo(setting, "workspaceId", workspace)),
  );
  return policies.flatMap((policy) => {
    if (!isText("Enabled").test(policy.inputs.state)) return []; // EST-SQL-005 reports it
    const problems: string[] = [];
    const days = policy.inputs.retentionDays;
    if (
      present.test(policy.inputs.storageEndpoint) &&
      !(days === undefined || days === 0 || atLeast(minimum).test(days))
    ) {
      problems.push(
        `${nameOf(policy)} keeps storage audit records ${show(days)} days (retentionDays); expected 0 (forever) or at least ${minimum} (setting sqlAuditRetentionDays)`,
      );
    }
    if (policy.inputs.isAzureMonitorTargetEnabled === true) {
      if (!workspaces.length)
        problems.push(
          `${nameOf(policy)} sends audit records to Azure Monitor, but no diagnostic setting of the server's databases sends them to a workspace`,
        );
      for (const workspace of workspaces.filter((w) => workspaceDays(w) < minimum)) {
        problems.push(
          `${nameOf(policy)} sends audit records to Azure Monitor, where ${nameOf(workspace)} keeps them ${workspaceDays(workspace)} days (retentionInDays); expected at least ${minimum} (setting sqlAuditRetentionDays)`,
        );
      }
    }
    return problems;
  });
}

/** What is wrong with a server's firewall rules: 0.0.0.0 rules by name, and the public addresses they admit in all. */
function firewallProblems(rules: GraphResource[]): string[] {
  const problems: string[] = [];
  let total = 0;
  for (const rule of rules) {
    const start = String(rule.inputs.startIpAddress ?? "");
    const end = String(rule.inputs.endIpAddress ?? "");
    if (start === "0.0.0.0") {
      problems.push(
        `${nameOf(rule)}: startIpAddress is "0.0.0.0" (to ${end}); expected no firewall rules, private endpoints only`,
      );
      continue;
    }
    const count = publicAddresses(start, end);
    if (count === undefined)
      problems.push(`${nameOf(rule)}: ${JSON.stringify(start)} to ${JSON.stringify(end)} is not an IPv4 range`);
    else total += count;
  }
  if (total > MAX_PUBLIC_ADDRESSES)
    problems.push(
      `the firewall rules admit ${total} public addresses (${rules.map((rule) => `${rule.name}: startIpAddress ${rule.inputs.startIpAddress} to endIpAddress ${rule.inputs.endIpAddress}`).join(", ")}); expected at most ${MAX_PUBLIC_ADDRESSES}: narrow the ranges or remove the rules (private endpoints only)`,
    );
  return problems;
}

/** Public addresses a rule admits: more than this many is the internet (PSRule Azure.SQL.FirewallIPRange). */
const MAX_PUBLIC_ADDRESSES = 10;

const PRIVATE_RANGES: Array<[number, number]> = [
  ["10.0.0.0", "10.255.255.255"],
  ["172.16.0.0", "172.31.255.255"],
  ["192.168.0.0", "192.168.255.255"],
].map(([low, high]) => [ipv4(low!)!, ipv4(high!)!]);

function ipv4(text: string): number | undefined {
  const parts = text.split(".").map(Number);
  return parts.length === 4 && parts.every((part) => Number.isInteger(part) && part >= 0 && part <= 255)
    ? parts.reduce((sum, part) => sum * 256 + part, 0)
    : undefined;
}

/** How many addresses from `start` to `end` are outside RFC 1918; undefined when the range is not IPv4. */
function publicAddresses(start: string, end: string): number | undefined {
  const low = ipv4(start);
  const high = ipv4(end);
  if (low === undefined || high === undefined || high < low) return undefined;
  const privateCount = PRIVATE_RANGES.reduce(
    (sum, [from, to]) => sum + Math.max(0, Math.min(high, to) - Math.max(low, from) + 1),
    0,
  );
  return high - low + 1 - privateCount;
}

export const sqlRules: Rule[] = [
  inputRule({
    id: "EST-SQL-001",
    title: "Azure SQL requires the minimum TLS version",
    description: "Older TLS versions are weak.",
    severity: "high",
    types: [T.sqlServer],
    path: "minimalTlsVersion",
    expect: tlsAtLeast(TLS.numeric),
    bad: "1.0",
    // PSRule Azure.SQL.MinTLS (version >= 1.2) and Checkov CKV_AZURE_52 fail an absent value; "None" means no minimum.
    fail: [
      { minimalTlsVersion: REMOVE },
      { minimalTlsVersion: "None" },
      { minimalTlsVersion: "1.1" },
      { minimalTlsVersion: 1.1 },
    ],
    // Checkov accepts 1.3 and the number 1.2.
    pass: [{ minimalTlsVersion: "1.3" }, { minimalTlsVersion: 1.2 }],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: {
      psrule: ["Azure.SQL.MinTLS"],
      checkov: ["CKV_AZURE_52"],
      azurePolicy: ["32e6bbec-16b6-44c2-be37-c5b672d103cf"],
    },
    remediation:
      'Set `minimalTlsVersion` on the sql Server to the `minimumTlsVersion` policy setting (`"1.2"` by default) or newer.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-SQL-002",
    title: "Azure SQL disables public network access",
    description: "The server is reached only through its private endpoint.",
    severity: "high",
    types: [T.sqlServer],
    path: "publicNetworkAccess",
    expect: isText("Disabled"),
    bad: "Enabled",
    // Checkov CKV_AZURE_113 fails an absent value (Azure's default is Enabled).
    fail: [{ publicNetworkAccess: REMOVE }, { publicNetworkAccess: "SecuredByPerimeter" }],
    pass: [{ publicNetworkAccess: "disabled" }],
    controls: { mcsb: ["NS-2"], cis: ["4.1.2"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_113"], azurePolicy: ["1b8ca024-1d5c-4dec-8995-b1a932b41780"] },
    remediation: 'Set `publicNetworkAccess: "Disabled"` on the sql Server.',
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-SQL-003",
    title: "Azure SQL uses Microsoft Entra-only authentication",
    description:
      "SQL logins are passwords outside Entra ID's conditional access and audit. The server is judged with its children: a ServerAzureADAdministrator " +
      "or ServerAzureADOnlyAuthentication resource sets the same thing as the server's inline `administrators`, and wins over it.",
    severity: "high",
    types: [T.sqlServer],
    problemOf: (graph) => (server) => entraProblems(graph, server).join("; ") || undefined,
    fail: [
      editInputs(T.sqlServer, (inputs) => (asRecord(inputs.administrators).azureADOnlyAuthentication = false)),
      editInputs(T.sqlServer, (inputs) => delete inputs.administrators),
      // A child resource that turns Entra-only off overrides the inline setting.
      (graph) =>
        void graph.resources.push(
          sqlChild(graph, T.sqlAdOnly, "sql-aadonly", {
            authenticationName: "Default",
            azureADOnlyAuthentication: false,
          }),
        ),
      // An administrator resource that is not an Entra principal.
      (graph) => {
        editInputs(T.sqlServer, (inputs) => delete inputs.administrators)(graph);
        graph.resources.push(
          sqlChild(graph, T.sqlAdAdmin, "sql-admin", {
            administratorName: "ActiveDirectory",
            administratorType: "ActiveDirectory",
            login: "sql-admins",
          }),
        );
        graph.resources.push(
          sqlChild(graph, T.sqlAdOnly, "sql-aadonly", {
            authenticationName: "Default",
            azureADOnlyAuthentication: true,
          }),
        );
      },
    ],
    pass: [
      // Both settings as child resources instead of inline (PSRule Azure.SQL.AAD / Azure.SQL.AADOnly accept either).
      (graph) => {
        editInputs(T.sqlServer, (inputs) => delete inputs.administrators)(graph);
        graph.resources.push(
          sqlChild(graph, T.sqlAdAdmin, "sql-admin", {
            administratorName: "ActiveDirectory",
            administratorType: "ActiveDirectory",
            login: "sql-admins",
            sid: "00000000-0000-0000-0000-000000000001",
          }),
        );
        graph.resources.push(
          sqlChild(graph, T.sqlAdOnly, "sql-aadonly", {
            authenticationName: "Default",
            azureADOnlyAuthentication: true,
          }),
        );
      },
    ],
    controls: { mcsb: ["IM-1"], cis: ["4.1.4"], waf: "Security" },
    mappings: {
      psrule: ["Azure.SQL.AAD", "Azure.SQL.AADOnly"],
      checkov: ["CKV2_AZURE_27", "CKV2_AZURE_7"],
      azurePolicy: ["1f314764-cb73-4fc9-b863-8eca98ac36e9"],
    },
    remediation:
      'Set `administrators: { administratorType: "ActiveDirectory", azureADOnlyAuthentication: true, login, sid, tenantId }` on the sql Server, or declare a ServerAzureADAdministrator (administratorType, login, sid) and a ServerAzureADOnlyAuthentication with `azureADOnlyAuthentication: true`.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-SQL-004",
    title: "Azure SQL declares no SQL administrator password",
    description: "A password in the program ends up in state and config.",
    severity: "high",
    types: [T.sqlServer],
    check: (inputs) =>
      inputs.administratorLoginPassword !== undefined || inputs.administratorLogin !== undefined
        ? "administratorLogin/administratorLoginPassword are set; expected Entra-only administrators"
        : undefined,
    fail: [{ administratorLogin: "sqladmin", administratorLoginPassword: "[secret]" }],
    controls: { mcsb: ["IM-8"], waf: "Security" },
    mappings: {},
    remediation: "Remove `administratorLogin` and `administratorLoginPassword` from the sql Server.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-SQL-005",
    title: "Azure SQL auditing goes to Azure Monitor",
    description: "Audit logs record who read and changed data.",
    severity: "high",
    types: [T.sqlAuditing],
    check: (inputs) => {
      const problems: string[] = [];
      if (!isText("Enabled").test(inputs.state))
        problems.push(`state is ${JSON.stringify(inputs.state)}; expected "Enabled"`);
      if (inputs.isAzureMonitorTargetEnabled !== true) problems.push("isAzureMonitorTargetEnabled is not true");
      return problems;
    },
    // PSRule Azure.SQL.Auditing asks for state Enabled only; Estate also wants the Azure Monitor target
    // (the workspace keeps the records with the rest of the estate's logs): stricter.
    fail: [
      { state: "Disabled" },
      { isAzureMonitorTargetEnabled: false },
      { state: REMOVE },
      { isAzureMonitorTargetEnabled: REMOVE },
    ],
    pass: [{ state: "enabled" }],
    controls: { mcsb: ["LT-3"], cis: ["4.1.1"], waf: "Security" },
    mappings: {
      psrule: ["Azure.SQL.Auditing"],
      checkov: ["CKV_AZURE_23"],
      azurePolicy: ["a6fb4358-5bf4-4ad7-ba82-2cd2f41ce5e9"],
    },
    remediation:
      'Set `state: "Enabled"` and `isAzureMonitorTargetEnabled: true` on the ServerBlobAuditingPolicy, with a diagnostic setting for SQLSecurityAuditEvents.',
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-SQL-006",
    title: "Azure SQL audit records are kept long enough",
    description:
      "Investigations need months of audit history: records are kept at least the `sqlAuditRetentionDays` policy setting (90 days by default). The server is judged with its auditing policies and where they send records: " +
      "a storage target keeps them `retentionDays` (0 or unset: forever), Azure Monitor keeps them as long as the workspace the server's diagnostic settings send to.",
    severity: "medium",
    types: [T.sqlServer],
    problemOf: (graph, context) => (server) => {
      if (
        !childrenOf(graph, server, T.sqlAuditing, "serverName").some((policy) =>
          isText("Enabled").test(policy.inputs.state),
        )
      ) {
        return notApplicable("no enabled ServerBlobAuditingPolicy: EST-STK-009 and EST-SQL-005 report that");
      }
      return auditRetentionProblems(graph, server, context.settings.sqlAuditRetentionDays).join("; ") || undefined;
    },
    fail: [
      editInputs(T.sqlAuditing, (inputs) =>
        Object.assign(inputs, {
          retentionDays: 30,
          isAzureMonitorTargetEnabled: false,
          storageEndpoint: "https://st.blob.core.windows.net",
        }),
      ),
      // Audit goes to Azure Monitor; the workspace keeps 30 days whatever retentionDays says.
      editInputs(T.workspace, (inputs) => (inputs.retentionInDays = 30)),
      // Azure Monitor target, but no diagnostic setting sends the records to a workspace.
      (graph) =>
        void (graph.resources = graph.resources.filter(
          (r) => !(r.type === T.diagnosticSetting && r.name === "sqldb-diag"),
        )),
    ],
    pass: [
      editInputs(T.sqlAuditing, (inputs) =>
        Object.assign(inputs, {
          retentionDays: undefined,
          isAzureMonitorTargetEnabled: false,
          storageEndpoint: "https://st.blob.core.windows.net",
        }),
      ),
    ],
    controls: { mcsb: ["LT-6"], cis: ["4.1.6"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_24", "CKV_AZURE_156"] },
    remediation:
      "Set `retentionDays` to 0 or at least the `sqlAuditRetentionDays` policy setting (90 by default) on the ServerBlobAuditingPolicy for a storage target; for Azure Monitor, send the databases' diagnostics to a Workspace whose `retentionInDays` is at least that (prod profile).",
    // Dev and ephemeral workspaces keep 30 days by design (EST-MON-001); audit evidence matters in prod.
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-SQL-007",
    title: "Microsoft Defender for SQL alerts are on",
    description: "Threat detection flags injection and anomalous access.",
    severity: "medium",
    types: [T.sqlAlertPolicy],
    path: "state",
    expect: isText("Enabled"),
    bad: "Disabled",
    // PSRule Azure.SQL.DefenderCloud and Checkov CKV2_AZURE_13: an absent state is Disabled.
    fail: [{ state: REMOVE }],
    pass: [{ state: "enabled" }],
    controls: { mcsb: ["LT-1"], waf: "Security" },
    mappings: { psrule: ["Azure.SQL.DefenderCloud"], checkov: ["CKV2_AZURE_13"] },
    remediation: 'Set `state: "Enabled"` on the ServerSecurityAlertPolicy.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-SQL-008",
    title: "Transparent data encryption is on",
    description: "Data files and backups are encrypted at rest.",
    severity: "high",
    types: [T.sqlTde],
    path: "state",
    expect: isText("Enabled"),
    bad: "Disabled",
    // PSRule Azure.SQL.TDE: the state compares case-insensitively; an absent state is not Enabled.
    fail: [{ state: REMOVE }],
    pass: [{ state: "enabled" }],
    controls: { mcsb: ["DP-4"], cis: ["4.1.5"], waf: "Security" },
    mappings: { psrule: ["Azure.SQL.TDE"], checkov: ["CKV2_AZURE_25"] },
    remediation: 'Set `state: "Enabled"` on the TransparentDataEncryption.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-SQL-009",
    title: "Production SQL databases are zone redundant",
    description: "Zone redundancy keeps the database up through a zone outage.",
    severity: "medium",
    types: [T.sqlDatabase],
    path: "zoneRedundant",
    expect: is(true),
    bad: false,
    // Checkov CKV_AZURE_229: absent is Azure's default, not zone redundant.
    fail: [{ zoneRedundant: REMOVE }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { checkov: ["CKV_AZURE_229"] },
    remediation: "Set `zoneRedundant: true` on the sql Database (needs a zone-capable SKU).",
    enforcement: ENFORCE.prodOnly,
  }),
  inputRule({
    id: "EST-SQL-010",
    title: "Production SQL backups are geo redundant",
    description: "Geo-redundant backup storage survives a regional disaster.",
    severity: "medium",
    types: [T.sqlDatabase],
    path: "requestedBackupStorageRedundancy",
    expect: oneOf("Geo", "GeoZone"),
    bad: "Local",
    controls: { mcsb: ["BR-1"], waf: "Reliability" },
    mappings: {},
    remediation: 'Set `requestedBackupStorageRedundancy: "GeoZone"` (or `Geo`) on the sql Database.',
    enforcement: ENFORCE.prod,
  }),
  customRule({
    id: "EST-SQL-012",
    title: "SQL point-in-time restore keeps at least 7 days (14 in production)",
    description: "Short-term backups let a bad deployment or deletion be rolled back.",
    severity: "medium",
    types: [T.sqlBackupRetention],
    check: (inputs, context) => {
      const minimum = context.profile === "prod" ? 14 : 7;
      return atLeast(minimum).test(inputs.retentionDays)
        ? undefined
        : `retentionDays is ${JSON.stringify(inputs.retentionDays)}; expected at least ${minimum}`;
    },
    fail: [{ retentionDays: 1 }],
    controls: { mcsb: ["BR-1"], waf: "Reliability" },
    mappings: {},
    remediation: "Set `retentionDays` (7 to 35) on the sql BackupShortTermRetentionPolicy.",
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-SQL-011",
    title: "No SQL firewall rule opens the server to the internet or all of Azure",
    description: `0.0.0.0 rules admit every Azure customer; a server whose firewall rules admit more than ${MAX_PUBLIC_ADDRESSES} public addresses in all admits the internet. Judged on the server with its FirewallRule resources.`,
    severity: "critical",
    types: [T.sqlServer, T.sqlFirewallRule],
    check: (graph) => {
      const servers = ofType(graph, T.sqlServer);
      const rules = ofType(graph, T.sqlFirewallRule);
      // Rules of a server outside the stack are judged on their own.
      const orphans = rules.filter((rule) => !servers.some((server) => belongsTo(rule, server, "serverName")));
      return [
        ...servers.map((server) => ({
          urn: server.urn,
          rules: childrenOf(graph, server, T.sqlFirewallRule, "serverName"),
        })),
        ...orphans.map((rule) => ({ urn: rule.urn, rules: [rule] })),
      ].flatMap(({ urn, rules: own }) => {
        const message = firewallProblems(own).join("; ");
        return message ? [{ urn, message }] : [];
      });
    },
    fail: [
      editInputs(T.sqlFirewallRule, (inputs) =>
        Object.assign(inputs, { startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" }),
      ),
      editInputs(T.sqlFirewallRule, (inputs) =>
        Object.assign(inputs, { startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" }),
      ),
      editInputs(T.sqlFirewallRule, (inputs) =>
        Object.assign(inputs, { startIpAddress: "1.0.0.0", endIpAddress: "255.255.255.255" }),
      ),
      editInputs(T.sqlFirewallRule, (inputs) =>
        Object.assign(inputs, { startIpAddress: "203.0.113.0", endIpAddress: "203.0.113.255" }),
      ),
      // Two rules of six public addresses each: twelve in all (PSRule Azure.SQL.FirewallIPRange counts the server's total).
      (graph) => {
        editInputs(T.sqlFirewallRule, (inputs) =>
          Object.assign(inputs, { startIpAddress: "203.0.113.10", endIpAddress: "203.0.113.15" }),
        )(graph);
        const [rule] = ofType(graph, T.sqlFirewallRule);
        graph.resources.push({
          ...rule!,
          urn: `${rule!.urn}-2`,
          name: "sql-fw-2",
          inputs: { ...rule!.inputs, startIpAddress: "198.51.100.10", endIpAddress: "198.51.100.15" },
        });
      },
    ],
    pass: [
      editInputs(T.sqlFirewallRule, (inputs) =>
        Object.assign(inputs, { startIpAddress: "203.0.113.10", endIpAddress: "203.0.113.19" }),
      ),
      editInputs(T.sqlFirewallRule, (inputs) =>
        Object.assign(inputs, { startIpAddress: "10.0.0.0", endIpAddress: "10.255.255.255" }),
      ),
    ],
    controls: { mcsb: ["NS-2"], cis: ["4.1.2"], waf: "Security" },
    mappings: {
      psrule: ["Azure.SQL.AllowAzureAccess", "Azure.SQL.FirewallIPRange"],
      checkov: ["CKV_AZURE_11", "CKV2_AZURE_34"],
    },
    remediation: "Delete the sql FirewallRule; reach the server through its private endpoint.",
    enforcement: ENFORCE.always,
  }),
];
