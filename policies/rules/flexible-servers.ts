import { ENFORCE, REMOVE, type Graph, type GraphResource, type Rule, type RuleContext } from "../model.js";
import { T } from "../types.js";
import { atLeast, customRule, get, inputRule, isText, present, show, stackRule, TLS, tlsAtLeast } from "./factory.js";
import { childrenOf, knownOr, nameOf, ofType } from "./graph.js";

// Azure Database for PostgreSQL and MySQL flexible servers. Their TLS and Entra-only switches are
// server parameters (configurations), separate resources that name their server.

/** Public access is off, or the server is injected into a delegated subnet (then it has none). */
function publicAccessProblem(inputs: Record<string, unknown>): string | undefined {
  if (
    isText("Disabled").test(get(inputs, "network.publicNetworkAccess")) ||
    get(inputs, "network.delegatedSubnetResourceId")
  )
    return undefined;
  return `network.publicNetworkAccess is ${show(get(inputs, "network.publicNetworkAccess"))}; expected "Disabled" (reach the server through its private endpoint)`;
}

/** Point-in-time restore retention: a week everywhere, two in production (as for Azure SQL, EST-SQL-012). */
function retentionProblem(inputs: Record<string, unknown>, context: RuleContext): string | undefined {
  const minimum = context.profile === "prod" ? 14 : 7;
  const days = get(inputs, "backup.backupRetentionDays");
  // Unset means Azure's default of 7 days.
  return atLeast(minimum).test(days ?? 7)
    ? undefined
    : `backup.backupRetentionDays is ${show(days)}; expected at least ${minimum}`;
}

/** A server's parameter by name: the configuration resources that point at the server. */
function parameterOf(graph: Graph, type: string, server: GraphResource, parameter: string): GraphResource | undefined {
  return ofType(graph, type).find(
    (config) =>
      config.inputs.configurationName === parameter &&
      ((server.inputs.serverName !== undefined && config.inputs.serverName === server.inputs.serverName) ||
        config.dependsOn.includes(server.urn)),
  );
}

/**
 * What is wrong with a server's Microsoft Entra administrators (child resources): none, or one
 * lacking a field PSRule's Azure.PostgreSQL.AAD / Azure.MySQL.AAD want set.
 */
function entraAdministratorProblem(
  graph: Graph,
  server: GraphResource,
  type: string,
  required: Record<string, string | undefined>,
): string | undefined {
  const admins = childrenOf(graph, server, type, "serverName");
  if (!admins.length) return `no Microsoft Entra administrator (${type.split(":").slice(1).join(" ")}) for the server`;
  // A value computed during `pulumi preview` (an identity's id) is set, just not known yet.
  const unknown = Symbol("unknown");
  const problems = admins.flatMap((admin) => {
    const missing = Object.entries(required).filter(([key, expected]) => {
      const value = knownOr(() => admin.inputs[key], unknown);
      if (value === unknown) return false;
      return expected === undefined ? !present.test(value) : !isText(expected).test(value);
    });
    return missing.length
      ? [
          `${nameOf(admin)} lacks ${missing.map(([key, value]) => (value ? `${key} ${JSON.stringify(value)}` : key)).join(", ")}`,
        ]
      : [];
  });
  return problems.join("; ") || undefined;
}

/** A graph edit applying `edit` to the inputs of every resource of a type (a server, an administrator). */
const editEach = (type: string, edit: (inputs: Record<string, unknown>) => void) => (graph: Graph) =>
  ofType(graph, type).forEach((resource) => edit(resource.inputs));

const setParameter = (type: string, parameter: string, value: string) => (graph: Graph) => {
  for (const config of ofType(graph, type))
    if (config.inputs.configurationName === parameter) config.inputs.value = value;
};
const removeParameter = (type: string, parameter: string) => (graph: Graph) => {
  graph.resources = graph.resources.filter((r) => !(r.type === type && r.inputs.configurationName === parameter));
};

/** What differs between the two engines' twin rules (public access, zone-redundant HA, retention, geo-redundant backup). */
interface Engine {
  id: "PSQL" | "MYSQL";
  name: "PostgreSQL" | "MySQL";
  type: string;
  /** The azure-native module the remediations name. */
  module: "dbforpostgresql" | "dbformysql";
  privateEndpointGroup: string;
  /** The tiers that offer high availability. */
  haTiers: string;
  /** What the retention rule's description adds for this engine. */
  retentionNote: string;
  publicAccessMappings: Rule["mappings"];
  geoBackupCheckov: string;
}

/** The rules both engines share; PSRule names its rules per engine (Azure.PostgreSQL.*, Azure.MySQL.*). */
function serverRules(engine: Engine): Rule[] {
  const { id, name, type, module } = engine;
  return [
    customRule({
      id: `EST-${id}-002`,
      title: `${name} disables public network access`,
      description: "The server is reached only through its private endpoint (or from its delegated subnet).",
      severity: "high",
      types: [type],
      check: publicAccessProblem,
      fail: [{ "network.publicNetworkAccess": "Enabled" }, { network: REMOVE }],
      controls: { mcsb: ["NS-2"], waf: "Security" },
      mappings: engine.publicAccessMappings,
      remediation: `Set \`network: { publicNetworkAccess: "Disabled" }\` on the ${module} Server and give it a private endpoint (group id ${engine.privateEndpointGroup}).`,
      enforcement: ENFORCE.always,
    }),
    inputRule({
      id: `EST-${id}-004`,
      title: `Production ${name} has zone-redundant high availability`,
      description: "A standby in another zone takes over automatically when the primary's zone fails.",
      severity: "medium",
      types: [type],
      path: "highAvailability.mode",
      expect: isText("ZoneRedundant"),
      bad: "Disabled",
      // PSRule Azure.<engine>.ZoneRedundantHA: absent is Azure's default (Disabled); SameZone HA is not zone redundant; values compare case-insensitively.
      fail: [{ "highAvailability.mode": REMOVE }, { "highAvailability.mode": "SameZone" }],
      pass: [{ "highAvailability.mode": "zoneredundant" }],
      controls: { mcsb: ["BR-1"], waf: "Reliability" },
      mappings: { psrule: [`Azure.${name}.ZoneRedundantHA`] },
      remediation: `Set \`highAvailability: { mode: "ZoneRedundant" }\` on the ${module} Server (${engine.haTiers} tier, a region with zones).`,
      enforcement: ENFORCE.prodOnly,
    }),
    customRule({
      id: `EST-${id}-005`,
      title: `${name} point-in-time restore keeps at least 7 days (14 in production)`,
      description: `Backups let a bad deployment or deletion be rolled back${engine.retentionNote}.`,
      severity: "medium",
      types: [type],
      check: retentionProblem,
      fail: [{ "backup.backupRetentionDays": 1 }],
      controls: { mcsb: ["BR-1"], waf: "Reliability" },
      mappings: {},
      remediation: `Set \`backup.backupRetentionDays\` (7 to 35) on the ${module} Server.`,
      enforcement: ENFORCE.always,
    }),
    inputRule({
      id: `EST-${id}-006`,
      title: `Production ${name} backups are geo redundant`,
      description: "Geo-redundant backups restore the server in the paired region after a regional disaster.",
      severity: "low",
      types: [type],
      path: "backup.geoRedundantBackup",
      expect: isText("Enabled"),
      bad: "Disabled",
      // PSRule Azure.<engine>.GeoRedundantBackup: absent is Azure's default (Disabled); values compare case-insensitively.
      fail: [{ "backup.geoRedundantBackup": REMOVE }],
      pass: [{ "backup.geoRedundantBackup": "enabled" }],
      controls: { mcsb: ["BR-1"], waf: "Reliability" },
      mappings: { psrule: [`Azure.${name}.GeoRedundantBackup`], checkov: [engine.geoBackupCheckov] },
      remediation: `Set \`backup.geoRedundantBackup: "Enabled"\` on the ${module} Server (only possible when it is created).`,
      enforcement: ENFORCE.prodAdvisory,
    }),
  ];
}

export const flexibleServerRules: Rule[] = [
  stackRule({
    id: "EST-PSQL-001",
    title: "PostgreSQL allows Microsoft Entra authentication only",
    description:
      "Password roles sit outside Entra ID's conditional access, MFA and audit. The server is judged with its AdministratorsMicrosoftEntra resources: " +
      "Entra authentication on, password authentication off, and an Entra administrator that names its principal and tenant.",
    severity: "high",
    types: [T.psqlServer],
    problemOf: (graph) => (server) => {
      const inputs = server.inputs;
      const problems: string[] = [];
      if (!isText("Enabled").test(get(inputs, "authConfig.activeDirectoryAuth")))
        problems.push(
          `authConfig.activeDirectoryAuth is ${show(get(inputs, "authConfig.activeDirectoryAuth"))}; expected "Enabled"`,
        );
      if (!isText("Disabled").test(get(inputs, "authConfig.passwordAuth")))
        problems.push(
          `authConfig.passwordAuth is ${show(get(inputs, "authConfig.passwordAuth"))}; expected "Disabled"`,
        );
      if (inputs.administratorLoginPassword !== undefined)
        problems.push("administratorLoginPassword is set; expected no password");
      // PSRule Azure.PostgreSQL.AAD: an administrators child with principalName, principalType and tenantId.
      const admin = entraAdministratorProblem(graph, server, T.psqlAdmin, {
        principalName: undefined,
        principalType: undefined,
        tenantId: undefined,
      });
      if (admin) problems.push(admin);
      return problems.join("; ") || undefined;
    },
    fail: [
      editEach(
        T.psqlServer,
        (inputs) => (inputs.authConfig = { ...(inputs.authConfig as object), passwordAuth: "Enabled" }),
      ),
      editEach(T.psqlServer, (inputs) => delete inputs.authConfig),
      editEach(T.psqlServer, (inputs) => (inputs.administratorLoginPassword = "[secret]")),
      // Entra-only with no Entra administrator: nobody could sign in (PSRule fails a server without one).
      (graph) => void (graph.resources = graph.resources.filter((resource) => resource.type !== T.psqlAdmin)),
      editEach(T.psqlAdmin, (inputs) => delete inputs.principalName),
      editEach(T.psqlAdmin, (inputs) => delete inputs.tenantId),
    ],
    // Azure compares the switches case-insensitively.
    pass: [
      editEach(
        T.psqlServer,
        (inputs) => (inputs.authConfig = { activeDirectoryAuth: "enabled", passwordAuth: "disabled", tenantId: "t" }),
      ),
    ],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: { psrule: ["Azure.PostgreSQL.AAD", "Azure.PostgreSQL.AADOnly"] },
    remediation:
      'Set `authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId }` on the dbforpostgresql Server and give it an AdministratorsMicrosoftEntra (objectId, principalName, principalType, tenantId).',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-PSQL-003",
    title: "PostgreSQL requires TLS at the minimum version",
    description: "require_secure_transport off accepts clear-text connections; older TLS versions are weak.",
    severity: "high",
    types: [T.psqlConfiguration],
    check: (inputs, context) => {
      const value = String(inputs.value ?? "");
      if (inputs.configurationName === "require_secure_transport" && !isText("on").test(value))
        return `value of require_secure_transport is ${JSON.stringify(value)}; expected "on"`;
      const minimum = tlsAtLeast(TLS.flexibleServer)(context);
      if (inputs.configurationName === "ssl_min_protocol_version" && !minimum.test(value))
        return `value of ssl_min_protocol_version is ${JSON.stringify(value)}; expected ${minimum.describe}`;
      return undefined;
    },
    fail: [
      { configurationName: "require_secure_transport", value: "off" },
      { configurationName: "ssl_min_protocol_version", value: "TLSv1" },
    ],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: {},
    remediation:
      'Set the dbforpostgresql Configuration `require_secure_transport` to "on" and `ssl_min_protocol_version` to the `minimumTlsVersion` policy setting (`"TLSv1.2"` by default) or newer.',
    enforcement: ENFORCE.always,
  }),

  stackRule({
    id: "EST-MYSQL-001",
    title: "MySQL allows Microsoft Entra authentication only",
    description:
      "With aad_auth_only ON and an Entra administrator, the bootstrap password MySQL requires at creation can no longer sign in.",
    severity: "high",
    types: [T.mysqlServer],
    problemOf: (graph) => (server) => {
      // PSRule Azure.MySQL.AAD: an ActiveDirectory administrator with its identity, login, sid and tenant.
      const admin = entraAdministratorProblem(graph, server, T.mysqlAdmin, {
        administratorType: "ActiveDirectory",
        identityResourceId: undefined,
        login: undefined,
        sid: undefined,
        tenantId: undefined,
      });
      if (admin) return admin;
      const only = parameterOf(graph, T.mysqlConfiguration, server, "aad_auth_only");
      if (!only) return 'no Configuration aad_auth_only; expected one with value "ON"';
      return isText("ON").test(only.inputs.value)
        ? undefined
        : `value of Configuration aad_auth_only is ${show(only.inputs.value)}; expected "ON"`;
    },
    fail: [
      setParameter(T.mysqlConfiguration, "aad_auth_only", "OFF"),
      removeParameter(T.mysqlConfiguration, "aad_auth_only"),
      (graph) => void (graph.resources = graph.resources.filter((r) => r.type !== T.mysqlAdmin)),
      editEach(T.mysqlAdmin, (inputs) => delete inputs.identityResourceId),
      editEach(T.mysqlAdmin, (inputs) => delete inputs.sid),
    ],
    pass: [setParameter(T.mysqlConfiguration, "aad_auth_only", "on")],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: { psrule: ["Azure.MySQL.AAD", "Azure.MySQL.AADOnly"] },
    remediation:
      'Give the dbformysql Server an AzureADAdministrator (with its user-assigned identity) and a Configuration `aad_auth_only` = "ON".',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-MYSQL-003",
    title: "MySQL requires TLS at the minimum version",
    description: "require_secure_transport OFF accepts clear-text connections; TLS 1.0 and 1.1 are weak.",
    severity: "high",
    types: [T.mysqlConfiguration],
    check: (inputs, context) => {
      const value = String(inputs.value ?? "");
      if (inputs.configurationName === "require_secure_transport" && !isText("ON").test(value))
        return `value of require_secure_transport is ${JSON.stringify(value)}; expected "ON"`;
      if (inputs.configurationName === "tls_version") {
        const minimum = tlsAtLeast(TLS.flexibleServer)(context);
        const weak = value
          .split(",")
          .map((v) => v.trim())
          .filter((v) => !minimum.test(v));
        if (weak.length || !value)
          return `value of tls_version is ${JSON.stringify(value)}; expected only ${minimum.describe}`;
      }
      return undefined;
    },
    fail: [
      { configurationName: "require_secure_transport", value: "OFF" },
      { configurationName: "tls_version", value: "TLSv1.1,TLSv1.2" },
    ],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: {},
    remediation:
      'Set the dbformysql Configuration `require_secure_transport` to "ON" and `tls_version` to "TLSv1.2,TLSv1.3" ("TLSv1.3" when the `minimumTlsVersion` policy setting is 1.3).',
    enforcement: ENFORCE.always,
  }),
  ...serverRules({
    id: "PSQL",
    name: "PostgreSQL",
    type: T.psqlServer,
    module: "dbforpostgresql",
    privateEndpointGroup: "postgresqlServer",
    haTiers: "General Purpose or Memory Optimized",
    retentionNote: "",
    publicAccessMappings: {},
    geoBackupCheckov: "CKV_AZURE_136",
  }),
  ...serverRules({
    id: "MYSQL",
    name: "MySQL",
    type: T.mysqlServer,
    module: "dbformysql",
    privateEndpointGroup: "mysqlServer",
    haTiers: "General Purpose or Business Critical",
    retentionNote: "; MySQL accepts as little as one day",
    publicAccessMappings: { checkov: ["CKV_AZURE_53"] },
    geoBackupCheckov: "CKV_AZURE_94",
  }),
];
