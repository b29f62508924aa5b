/**
 * External rule sets mapped to Estate's rules, for docs/policy-coverage.md. Which Estate rule covers
 * an external rule is derived from the rules' own `mappings`; this file lists the external rules
 * that apply to resource types the estate creates and, for those no rule maps, why not.
 * Sources: PSRule for Azure "rules by resource type" (Azure.All baseline) and rule files; Checkov's
 * Azure resource checks; Azure Policy built-ins named in the rules.
 */
import { RULES } from "./rules/index.js";
import type { Mappings } from "./model.js";

/** External rule id → why no Estate rule maps it (absent when one does). */
type Catalogue = Record<string, Record<string, string | null>>;

const NAMING = "naming: infra/naming enforces Azure's name rules when the program runs (an invalid name fails the plan); EST-GEN-004 checks the CAF prefix";
const DEFENDER = "subscription-level Microsoft Defender plan, owned by the landing zone, not by a stack's resources";
const SINGLE_REGION = "the estate is single-region by design (zones in prod, Front Door at the edge); multi-region is out of scope";

export const PSRULE: Catalogue = {
  "All resources": { "Azure.Resource.AllowedRegions": null, "Azure.Resource.UseTags": null, "Azure.Template.*": "ARM template rules: the estate is a Pulumi program, no templates or parameter files exist" },
  "API Management": {
    "Azure.APIM.APIDescriptors": null, "Azure.APIM.AvailabilityZone": null, "Azure.APIM.CertificateExpiry": "APIM has no custom-domain certificates: Front Door terminates client TLS with managed certificates",
    "Azure.APIM.Ciphers": null, "Azure.APIM.CORSPolicy": null, "Azure.APIM.DefenderCloud": DEFENDER, "Azure.APIM.EncryptValues": null, "Azure.APIM.HTTPBackend": null,
    "Azure.APIM.HTTPEndpoint": null, "Azure.APIM.ManagedIdentity": null, "Azure.APIM.MinAPIVersion": null, "Azure.APIM.MultiRegion": SINGLE_REGION, "Azure.APIM.MultiRegionGateway": SINGLE_REGION,
    "Azure.APIM.Name": NAMING, "Azure.APIM.PolicyBase": null, "Azure.APIM.ProductApproval": null, "Azure.APIM.ProductDescriptors": null, "Azure.APIM.ProductSubscription": null,
    "Azure.APIM.ProductTerms": null, "Azure.APIM.Protocols": null, "Azure.APIM.SampleProducts": null,
  },
  "App Service": {
    "Azure.AppService.AlwaysOn": null, "Azure.AppService.ARRAffinity": null, "Azure.AppService.HTTP2": null, "Azure.AppService.ManagedIdentity": null, "Azure.AppService.MinPlan": null,
    "Azure.AppService.MinTLS": null, "Azure.AppService.NETVersion": "no .NET apps: the services are Node.js, whose version EST-APP-012 checks", "Azure.AppService.PHPVersion": "no PHP apps (EST-APP-012 checks Node.js)",
    "Azure.AppService.PlanInstanceCount": null, "Azure.AppService.RemoteDebug": null, "Azure.AppService.UseHTTPS": null, "Azure.AppService.WebProbe": null, "Azure.AppService.WebProbePath": null,
    "Azure.AppService.WebSecureFtp": null,
  },
  "AI Search": {
    "Azure.Search.IndexSLA": null, "Azure.Search.ManagedIdentity": null, "Azure.Search.Name": NAMING, "Azure.Search.Naming": NAMING, "Azure.Search.QuerySLA": null, "Azure.Search.SKU": null,
  },
  "Azure AI services (Azure OpenAI)": {
    "Azure.AI.DisableLocalAuth": null, "Azure.AI.ManagedIdentity": null, "Azure.AI.Naming": NAMING, "Azure.AI.PrivateEndpoints": null, "Azure.AI.PublicAccess": null,
  },
  "App Configuration": {
    "Azure.AppConfig.AuditLogs": null, "Azure.AppConfig.DisableLocalAuth": null, "Azure.AppConfig.GeoReplica": SINGLE_REGION, "Azure.AppConfig.Name": NAMING,
    "Azure.AppConfig.PurgeProtect": null, "Azure.AppConfig.SKU": null,
  },
  "Application Insights": { "Azure.AppInsights.LocalAuth": null, "Azure.AppInsights.Name": NAMING, "Azure.AppInsights.Workspace": null },
  "Azure Cache for Redis": {
    "Azure.Redis.AvailabilityZone": null, "Azure.Redis.FirewallIPRange": "public network access is disabled (EST-RED-003), so firewall rules never apply; none are declared",
    "Azure.Redis.FirewallRuleCount": "as above: no firewall rules, private endpoint only", "Azure.Redis.MaxMemoryReserved": "a tuning setting; Azure's default reservation is accepted and the memory alert (> 80 %) watches it",
    "Azure.Redis.MinSKU": null, "Azure.Redis.MinTLS": null, "Azure.Redis.NonSslPort": null, "Azure.Redis.PublicNetworkAccess": null, "Azure.Redis.Version": null,
  },
  "Front Door and CDN": {
    "Azure.CDN.UseFrontDoor": "equivalent: EST-AFD-002 (Front Door Standard/Premium SKU only)", "Azure.CDN.HTTP": "classic CDN endpoints; for Front Door routes EST-AFD-003 (HTTPS redirect)",
    "Azure.CDN.MinTLS": "classic CDN endpoints; for Front Door custom domains EST-AFD-008", "Azure.CDN.EndpointName": NAMING, "Azure.FrontDoor.Logs": null, "Azure.FrontDoor.ManagedIdentity": null,
    "Azure.FrontDoor.MinTLS": "Front Door classic; for Standard/Premium custom domains EST-AFD-008", "Azure.FrontDoor.Name": NAMING, "Azure.FrontDoor.Probe": null, "Azure.FrontDoor.ProbeMethod": null,
    "Azure.FrontDoor.ProbePath": null, "Azure.FrontDoor.State": "Front Door classic only", "Azure.FrontDoor.UseCaching": "caching is per route by design: static assets cached, /api/* never; not a rule",
    "Azure.FrontDoor.UseWAF": null, "Azure.FrontDoor.WAF.Enabled": "alias of Azure.FrontDoorWAF.Enabled (EST-WAF-001)", "Azure.FrontDoor.WAF.Mode": "alias of Azure.FrontDoorWAF.PreventionMode (EST-WAF-002)",
    "Azure.FrontDoor.WAF.Name": NAMING, "Azure.FrontDoorWAF.Enabled": null, "Azure.FrontDoorWAF.Exclusions": null, "Azure.FrontDoorWAF.PreventionMode": null, "Azure.FrontDoorWAF.RuleGroups": null,
  },
  "Cosmos DB": {
    "Azure.Cosmos.AccountName": NAMING, "Azure.Cosmos.ContinuousBackup": null, "Azure.Cosmos.DefenderCloud": DEFENDER, "Azure.Cosmos.DisableMetadataWrite": null, "Azure.Cosmos.MinTLS": null,
    "Azure.Cosmos.PublicAccess": null, "Azure.Cosmos.SLA": null,
  },
  "Key Vault": {
    "Azure.KeyVault.AccessPolicy": null, "Azure.KeyVault.AutoRotationPolicy": "the estate stores secrets, no keys", "Azure.KeyVault.Firewall": null, "Azure.KeyVault.KeyName": "no keys",
    "Azure.KeyVault.Logs": null, "Azure.KeyVault.Name": NAMING, "Azure.KeyVault.PurgeProtect": null, "Azure.KeyVault.RBAC": null, "Azure.KeyVault.SecretName": "secret names come from code; Key Vault rejects invalid ones when the secret is created",
    "Azure.KeyVault.SoftDelete": null,
  },
  "Log Analytics and alerts": {
    "Azure.Log.Replication": SINGLE_REGION, "Azure.Log.Name": NAMING, "Azure.Alert.MetricAutoMitigate": null,
    "Azure.Monitor.ServiceHealth": "Service Health alerts are subscription-level, owned by the landing zone",
  },
  "Network": {
    "Azure.NSG.AnyInboundSource": null, "Azure.NSG.Associated": "inverse check: EST-NET-005 requires an NSG on every subnet; every NSG the network component makes is attached to its subnet",
    "Azure.NSG.DenyAllInbound": "not adopted: PSRule warns on blanket deny rules; Estate deliberately ends each NSG with an explicit deny-all at priority 4096 after the named allows (EST-NET-003)",
    "Azure.NSG.LateralTraversal": "no virtual machines in the estate; management ports are closed to the internet (EST-NET-002)", "Azure.NSG.AKSRules": "no AKS",
    "Azure.NSG.Name": NAMING, "Azure.PrivateEndpoint.Name": NAMING, "Azure.ResourceGroup.Name": NAMING, "Azure.VNET.Name": NAMING, "Azure.VNET.SubnetName": NAMING,
    "Azure.VNET.UseNSGs": null, "Azure.VNET.BastionSubnet": "no GatewaySubnet", "Azure.VNET.FirewallSubnet": "no Azure Firewall: egress is narrowed by NSGs and private endpoints; a hub firewall belongs to the landing zone",
    "Azure.VNET.LocalDNS": "Azure-provided DNS with private DNS zones; no custom DNS servers", "Azure.VNET.SingleDNS": "as above", "Azure.VNET.PeerState": "no peerings",
  },
  "SignalR Service and Web PubSub": {
    "Azure.SignalR.ManagedIdentity": null, "Azure.SignalR.Name": NAMING, "Azure.SignalR.SLA": null, "Azure.WebPubSub.ManagedIdentity": null, "Azure.WebPubSub.SLA": null,
  },
  "Service Bus": {
    "Azure.ServiceBus.AuditLogs": null, "Azure.ServiceBus.DisableLocalAuth": null, "Azure.ServiceBus.MinTLS": null, "Azure.ServiceBus.Usage": "runtime usage, not knowable from a plan",
  },
  "SQL Database": {
    "Azure.SQL.AAD": null, "Azure.SQL.AADOnly": null, "Azure.SQL.AllowAzureAccess": null, "Azure.SQL.Auditing": null, "Azure.SQL.DBName": NAMING, "Azure.SQL.DefenderCloud": null,
    "Azure.SQL.FGName": "no failover groups (single region)", "Azure.SQL.FirewallIPRange": null, "Azure.SQL.FirewallRuleCount": "public network access is disabled (EST-SQL-002); EST-SQL-011 rejects the rules that matter",
    "Azure.SQL.MinTLS": null, "Azure.SQL.ServerName": NAMING, "Azure.SQL.TDE": null,
  },
  "Storage": {
    "Azure.Storage.BlobAccessType": null, "Azure.Storage.BlobPublicAccess": null, "Azure.Storage.ContainerSoftDelete": null, "Azure.Storage.DefenderCloud": DEFENDER,
    "Azure.Storage.DefenderCloud.MalwareScan": DEFENDER, "Azure.Storage.DefenderCloud.SensitiveData": DEFENDER, "Azure.Storage.FileShareSoftDelete": "no file shares",
    "Azure.Storage.Firewall": null, "Azure.Storage.MinTLS": null, "Azure.Storage.Name": NAMING, "Azure.Storage.SecureTransfer": null, "Azure.Storage.SoftDelete": null, "Azure.Storage.UseReplication": null,
  },
};

export const CHECKOV: Catalogue = {
  "Checkov (Terraform/ARM Azure checks)": {
    CKV_AZURE_3: null, CKV_AZURE_9: null, CKV_AZURE_10: null, CKV_AZURE_11: null, CKV_AZURE_13: null,
    CKV_AZURE_14: null, CKV_AZURE_15: null, CKV_AZURE_16: null, CKV_AZURE_17: "client certificates are not used: API Management calls the apps with managed-identity tokens that App Service authentication checks (EST-APP-022)", CKV_AZURE_18: null,
    CKV_AZURE_23: null, CKV_AZURE_24: null, CKV_AZURE_25: "Defender for SQL alert types are all on by default; EST-SQL-007 requires the policy enabled",
    CKV_AZURE_26: "alerts are routed through Defender for Cloud and the action group, not SQL alert e-mails", CKV_AZURE_27: "as above",
    CKV_AZURE_33: "no queue service in the storage account (Service Bus carries messages)", CKV_AZURE_34: null, CKV_AZURE_35: null, CKV_AZURE_36: null, CKV_AZURE_41: null, CKV_AZURE_42: null,
    CKV_AZURE_43: NAMING, CKV_AZURE_44: null, CKV_AZURE_52: null, CKV_AZURE_56: null, CKV_AZURE_57: null, CKV_AZURE_59: null, CKV_AZURE_62: null,
    CKV_AZURE_63: "HTTP logs go through diagnostic settings (EST-STK-003/004), not the site's file logging", CKV_AZURE_65: "as CKV_AZURE_63", CKV_AZURE_66: "as CKV_AZURE_63",
    CKV_AZURE_67: null, CKV_AZURE_70: null, CKV_AZURE_71: null, CKV_AZURE_72: null, CKV_AZURE_77: "stronger: EST-NET-001 forbids any inbound allow from any source, whatever the protocol", CKV_AZURE_78: null,
    CKV_AZURE_88: "no Azure Files", CKV_AZURE_89: null, CKV_AZURE_91: null, CKV_AZURE_99: null, CKV_AZURE_100: "platform-managed keys are accepted for Cosmos DB; customer-managed keys are not required by the estate's data classification",
    CKV_AZURE_101: null, CKV_AZURE_107: null, CKV_AZURE_109: null, CKV_AZURE_110: null, CKV_AZURE_111: null, CKV_AZURE_113: null, CKV_AZURE_114: null, CKV_AZURE_119: "no network interfaces", CKV_AZURE_121: null, CKV_AZURE_123: null,
    CKV_AZURE_132: null, CKV_AZURE_133: null, CKV_AZURE_140: null, CKV_AZURE_145: null, CKV_AZURE_148: null, CKV_AZURE_152: "as CKV_AZURE_17", CKV_AZURE_155: null,
    CKV_AZURE_173: null, CKV_AZURE_174: "APIM (External VNet mode) keeps a public gateway endpoint that only Front Door reaches: NSG allows AzureFrontDoor.Backend only, and the service policy checks X-Azure-FDID",
    CKV_AZURE_189: null, CKV_AZURE_190: null, CKV_AZURE_199: "Service Bus double encryption needs customer-managed keys; not required", CKV_AZURE_201: "as CKV_AZURE_199", CKV_AZURE_202: null,
    CKV_AZURE_203: null, CKV_AZURE_204: null, CKV_AZURE_205: null, CKV_AZURE_206: null, CKV_AZURE_212: null, CKV_AZURE_213: null, CKV_AZURE_214: null, CKV_AZURE_215: null,
    CKV_AZURE_124: null, CKV_AZURE_134: null, CKV_AZURE_175: null, CKV_AZURE_176: null, CKV_AZURE_184: null, CKV_AZURE_185: null,
    CKV_AZURE_186: "App Configuration with platform-managed keys: customer-managed keys are not required by the estate's data classification", CKV_AZURE_187: null, CKV_AZURE_188: null,
    CKV_AZURE_196: null, CKV_AZURE_207: null, CKV_AZURE_208: null, CKV_AZURE_209: null, CKV_AZURE_210: null, CKV_AZURE_236: null, CKV_AZURE_238: null,
    CKV_AZURE_247: "outbound restriction (restrictOutboundNetworkAccess with an FQDN allow-list) is not set: the account makes no outbound calls unless on-your-data features are configured, which the estate does not use",
    CKV_AZURE_222: null, CKV_AZURE_225: null, CKV_AZURE_229: null, CKV_AZURE_230: null, CKV_AZURE_244: null,
    CKV2_AZURE_13: null, CKV2_AZURE_21: "blob read logging comes with allLogs diagnostics (EST-STK-004)", CKV2_AZURE_25: null, CKV2_AZURE_27: null, CKV2_AZURE_31: null, CKV2_AZURE_32: null,
    CKV2_AZURE_33: null, CKV2_AZURE_34: null, CKV2_AZURE_38: null, CKV2_AZURE_40: null, CKV2_AZURE_41: "shared keys are disabled (EST-ST-004), so no account SAS can be issued", CKV2_AZURE_45: null, CKV2_AZURE_47: null,
  },
};

/** Azure Policy built-ins are listed from the mappings only: every id here is one a rule maps. */
export function mappedBy(kind: keyof Mappings): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const rule of RULES) for (const id of rule.mappings[kind] ?? []) map.set(id, [...(map.get(id) ?? []), rule.id]);
  return map;
}

function section(title: string, catalogue: Catalogue, kind: keyof Mappings): string[] {
  const covered = mappedBy(kind);
  const lines = [`## ${title}`, ""];
  for (const [group, rules] of Object.entries(catalogue)) {
    lines.push(`### ${group}`, "", "| Rule | Estate rule | Why not, or note |", "| --- | --- | --- |");
    for (const [id, note] of Object.entries(rules)) lines.push(`| \`${id}\` | ${(covered.get(id) ?? []).join(", ") || "—"} | ${note ?? ""} |`);
    lines.push("");
  }
  return lines;
}

/** The whole of docs/policy-coverage.md. */
export function coverageMarkdown(): string {
  const policies = mappedBy("azurePolicy");
  return [
    "# Policy coverage",
    "",
    "Generated from `policies/coverage.ts` and the rules' mappings (`node bin/run-ts.js policies/coverage.ts` rewrites it; a test fails when it is stale).",
    `Estate's pack has ${RULES.length} rules. Below, every external rule that applies to a resource type the estate creates: the Estate rule that covers it, or why none does.`,
    "",
    ...section("PSRule for Azure (Azure.All baseline)", PSRULE, "psrule"),
    ...section("Checkov", CHECKOV, "checkov"),
    "## Azure Policy built-ins",
    "",
    "Built-in definitions (by id) the rules map; assign them in the subscription to enforce the same intent on resources made outside the estate. Defender for Cloud plans and Service Health alerts are subscription-level and belong to the landing zone.",
    "",
    "| Azure Policy definition | Estate rule |",
    "| --- | --- |",
    ...[...policies.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, rules]) => `| \`${id}\` | ${rules.join(", ")} |`),
    "",
  ].join("\n");
}

if (process.argv[1]?.endsWith("coverage.ts")) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(new URL("../docs/policy-coverage.md", import.meta.url), coverageMarkdown());
  console.log("wrote docs/policy-coverage.md");
}
