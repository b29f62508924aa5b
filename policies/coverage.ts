/**
 * External rule sets mapped to Estate's rules, for docs/policy-coverage.md. Which Estate rule covers
 * an external rule is derived from the rules' own `mappings`; this file lists the external rules
 * that apply to resource types the estate creates and, for those no rule maps, why not.
 * Sources: PSRule for Azure "rules by resource type" (https://azure.github.io/PSRule.Rules.Azure/en/rules/resource/)
 * checked against the Azure.GA_2026_03 baseline (module v1.48.0, docs/en/baselines/Azure.GA_2026_03.md in Azure/PSRule.Rules.Azure)
 * and its rule pages (https://azure.github.io/PSRule.Rules.Azure/en/rules/<rule>/); Checkov's Azure
 * resource and graph checks (https://www.checkov.io/5.Policy%20Index/azure.html; bridgecrewio/checkov
 * checkov/terraform/checks/{resource,graph_checks}/azure and checkov/arm/checks, as of August 2026) for the azurerm and ARM resources that match the
 * pack's types; Azure Policy built-ins named in the rules. Each group names the pack's types it covers,
 * and policies/coverage.test.ts fails when a type the pack judges has no group.
 */
import { RULES } from "./rules/index.js";
import type { Mappings } from "./model.js";
import { T, TAGGED } from "./types.js";

/** One group of external rules: the pack's resource types they judge, and rule id → why no Estate rule maps it (null when one does). */
export interface CatalogueGroup {
  types: readonly string[];
  rules: Record<string, string | null>;
  /** Why the tool has no rule for these types at all. */
  none?: string;
}
type Catalogue = Record<string, CatalogueGroup>;

const NAMING =
  "naming: infra/naming enforces Azure's name rules when the program runs (an invalid name fails the plan); EST-GEN-004 checks the CAF prefix";
const DEFENDER = "subscription-level Microsoft Defender plan, owned by the landing zone, not by a stack's resources";
const PUBLIC_IP =
  "the estate declares no public IP address: EST-STK-005 reports any as an internet entry besides Front Door";
const SUBSCRIPTION = "subscription-level role management, owned by the landing zone, not by a stack's resources";
const SINGLE_REGION =
  "the estate replicates its data tier only (estate:dr, docs/dr.md); this service stays in the primary region, zone-redundant in prod";
const SINGLE_SERVER =
  "Azure Database single server (Microsoft.DBfor*/servers), which is retired: the estate makes flexible servers only, judged by EST-PSQL-*/EST-MYSQL-* (no firewall rules, private endpoint, TLS parameters)";

/** Alerts, autoscale and budgets, with the Event Grid topic and subscriptions that turn Key Vault's secret-expiry events into alerts. */
const ALERTING = [
  T.metricAlert,
  T.logAlert,
  T.actionGroup,
  T.autoscale,
  T.budget,
  T.eventGridSystemTopic,
  T.eventSubscription,
];

/** API Management and its children: both references judge the same types. */
const API_MANAGEMENT = [
  T.apim,
  T.api,
  T.apiOperation,
  T.apiPolicy,
  T.apiOperationPolicy,
  T.apimPolicy,
  T.product,
  T.productPolicy,
  T.apimBackend,
  T.namedValue,
];

export const PSRULE: Catalogue = {
  "All resources": {
    types: TAGGED,
    rules: {
      "Azure.Deployment.*": "nested ARM deployment rules: the estate deploys through Pulumi, no ARM deployments",
      "Azure.Resource.AllowedRegions": null,
      "Azure.Resource.RequiredTags": null,
      "Azure.Resource.UseTags": null,
      "Azure.Template.*": "ARM template rules: the estate is a Pulumi program, no templates or parameter files exist",
    },
  },
  "API Management": {
    types: API_MANAGEMENT,
    rules: {
      "Azure.APIM.AvailabilityZone.Units": null,
      "Azure.APIM.APIDescriptors": null,
      "Azure.APIM.AvailabilityZone": null,
      "Azure.APIM.CertificateExpiry":
        "APIM has no custom-domain certificates: Front Door terminates client TLS with managed certificates",
      "Azure.APIM.Ciphers": null,
      "Azure.APIM.CORSPolicy": null,
      "Azure.APIM.DefenderCloud": DEFENDER,
      "Azure.APIM.EncryptValues": null,
      "Azure.APIM.HTTPBackend": null,
      "Azure.APIM.HTTPEndpoint": null,
      "Azure.APIM.ManagedIdentity": null,
      "Azure.APIM.MinAPIVersion": null,
      "Azure.APIM.MultiRegion": SINGLE_REGION,
      "Azure.APIM.MultiRegionGateway": SINGLE_REGION,
      "Azure.APIM.Name": NAMING,
      "Azure.APIM.PolicyBase": null,
      "Azure.APIM.ProductApproval": null,
      "Azure.APIM.ProductDescriptors": null,
      "Azure.APIM.ProductSubscription": null,
      "Azure.APIM.ProductTerms": null,
      "Azure.APIM.Protocols": null,
      "Azure.APIM.SampleProducts": null,
    },
  },
  "App Service": {
    types: [T.appServicePlan, T.webApp, T.webAppSlot, T.webAppAuth],
    rules: {
      "Azure.AppService.AvailabilityZone": null,
      "Azure.AppService.NodeJsVersion": null,
      "Azure.AppService.AlwaysOn": null,
      "Azure.AppService.ARRAffinity": null,
      "Azure.AppService.HTTP2": null,
      "Azure.AppService.ManagedIdentity": null,
      "Azure.AppService.MinPlan": null,
      "Azure.AppService.MinTLS": null,
      "Azure.AppService.NETVersion": "no .NET apps: the services are Node.js, whose version EST-APP-012 checks",
      "Azure.AppService.PHPVersion": "no PHP apps (EST-APP-012 checks Node.js)",
      "Azure.AppService.PlanInstanceCount": null,
      "Azure.AppService.RemoteDebug": null,
      "Azure.AppService.UseHTTPS": null,
      "Azure.AppService.WebProbe": null,
      "Azure.AppService.WebProbePath": null,
      "Azure.AppService.WebSecureFtp": null,
    },
  },
  "AI Search": {
    types: [T.search],
    rules: {
      "Azure.Search.IndexSLA": null,
      "Azure.Search.ManagedIdentity": null,
      "Azure.Search.Name": NAMING,
      "Azure.Search.Naming": NAMING,
      "Azure.Search.QuerySLA": null,
      "Azure.Search.SKU": null,
    },
  },
  "Azure AI services (Azure OpenAI)": {
    types: [T.cognitiveAccount, T.openAiDeployment, T.raiPolicy],
    rules: {
      "Azure.AI.DisableLocalAuth": null,
      "Azure.AI.ManagedIdentity": null,
      "Azure.AI.Naming": NAMING,
      "Azure.AI.PrivateEndpoints": null,
      "Azure.AI.PublicAccess": null,
    },
  },
  "App Configuration": {
    types: [T.appConfiguration],
    rules: {
      "Azure.AppConfig.AuditLogs": null,
      "Azure.AppConfig.DisableLocalAuth": null,
      "Azure.AppConfig.GeoReplica": SINGLE_REGION,
      "Azure.AppConfig.Name": NAMING,
      "Azure.AppConfig.PurgeProtect": null,
      "Azure.AppConfig.SKU": null,
      "Azure.AppConfig.ReplicaLocation": SINGLE_REGION,
      "Azure.AppConfig.SecretLeak":
        "the estate declares no App Configuration key-values: secrets live in Key Vault, and EST-STK-007 refuses secret literals in app settings",
    },
  },
  "Application Insights": {
    types: [T.appInsights, T.webTest],
    rules: {
      "Azure.AppInsights.LocalAuth": null,
      "Azure.AppInsights.Name": NAMING,
      "Azure.AppInsights.Naming": NAMING,
      "Azure.AppInsights.Workspace": null,
    },
  },
  "Azure Kubernetes Service": {
    types: [T.aksCluster, T.aksNodePool, T.userAssignedIdentity],
    rules: {
      "Azure.AKS.AuditAdmin":
        "not adopted: the cluster's diagnostics send allLogs like every resource (kube-audit included); filter kube-audit in the workspace if its ingestion cost matters",
      "Azure.AKS.AuditLogs":
        "EST-STK-003/004: the cluster's diagnostic setting sends allLogs, which include kube-audit and kube-audit-admin",
      "Azure.AKS.AuthorizedIPs":
        "stronger: EST-AKS-001 requires a private API server in prod; elsewhere the AKS component refuses a public one without authorized ranges",
      "Azure.AKS.AutoScaling": null,
      "Azure.AKS.AutoUpgrade": null,
      "Azure.AKS.AvailabilityZone": null,
      "Azure.AKS.AzureCNI": "the AKS component always uses Azure CNI (Overlay, Cilium dataplane)",
      "Azure.AKS.AzurePolicyAddOn": "the AKS component always enables the azurepolicy add-on; no rule yet",
      "Azure.AKS.AzureRBAC": null,
      "Azure.AKS.CNISubnetSize":
        "Azure CNI Overlay: pods take overlay addresses, so the node subnet needs one address per node, not per pod",
      "Azure.AKS.ContainerInsights": null,
      "Azure.AKS.DNSPrefix": NAMING,
      "Azure.AKS.DefenderProfile":
        "optional (`defender` on the AKS component); Defender for Containers is a subscription plan owned by the landing zone",
      "Azure.AKS.EphemeralOSDisk":
        "not adopted yet: managed OS disks keep every VM size usable; revisit with the node sizes",
      "Azure.AKS.HttpAppRouting": "the retired HTTP application routing add-on is never enabled",
      "Azure.AKS.LocalAccounts": null,
      "Azure.AKS.MaintenanceWindow":
        "auto-upgrade (EST-AKS-009) runs in AKS's default window; a planned maintenance configuration is not declared yet",
      "Azure.AKS.ManagedAAD": null,
      "Azure.AKS.ManagedIdentity":
        "the AKS component always gives the control plane a user-assigned identity (no service principal)",
      "Azure.AKS.MinNodeCount": "EST-AKS-006 and the stack config: the system pool's autoscaler minimum",
      "Azure.AKS.MinUserPoolNodes": "as Azure.AKS.MinNodeCount, for the user pool",
      "Azure.AKS.Name": NAMING,
      "Azure.AKS.Naming": NAMING,
      "Azure.AKS.NetworkPolicy": null,
      "Azure.AKS.NodeAutoUpgrade": "the AKS component always sets nodeOSUpgradeChannel NodeImage; no rule yet",
      "Azure.AKS.NodeMinPods": "Azure CNI Overlay's default of 250 pods per node is kept",
      "Azure.AKS.PlatformLogs": "EST-STK-003/004: allLogs and AllMetrics to the workspace",
      "Azure.AKS.PodIdentity":
        "superseded: AAD pod identity is deprecated; EST-AKS-004 requires workload identity instead",
      "Azure.AKS.PoolScaleSet": "the AKS component only creates VirtualMachineScaleSets pools",
      "Azure.AKS.PoolVersion": "the user pool takes the cluster's version; EST-AKS-007 checks both",
      "Azure.AKS.SecretStore":
        "the Key Vault CSI driver add-on is on where a workload reads Key Vault secrets (infra/kubernetes/cluster.ts keyVaultSecrets); a cluster whose workloads read none, with workload identity for everything else, needs no driver",
      "Azure.AKS.SecretStoreRotation": null,
      "Azure.AKS.StandardLB": "the AKS component always sets loadBalancerSku standard",
      "Azure.AKS.SystemPoolNaming": NAMING,
      "Azure.AKS.UptimeSLA": null,
      "Azure.AKS.UseRBAC": null,
      "Azure.AKS.UserPoolNaming": NAMING,
      "Azure.AKS.Version": null,
      "Azure.Identity.UserAssignedName": NAMING,
    },
  },
  "Azure Cache for Redis": {
    types: [T.redis, T.cacheRedis],
    rules: {
      "Azure.Redis.EntraID": null,
      "Azure.Redis.LocalAuth": null,
      "Azure.Redis.MigrateAMR":
        "migrating Azure Cache for Redis to Azure Managed Redis is a platform change of its own (infra/data/redis.ts); no rule asks for it yet",
      "Azure.Redis.AvailabilityZone": null,
      "Azure.Redis.FirewallIPRange":
        "public network access is disabled (EST-RED-003), so firewall rules never apply; none are declared",
      "Azure.Redis.FirewallRuleCount": "as above: no firewall rules, private endpoint only",
      "Azure.Redis.MaxMemoryReserved":
        "a tuning setting; Azure's default reservation is accepted and the memory alert (> 80 %) watches it",
      "Azure.Redis.MinSKU": null,
      "Azure.Redis.MinTLS": null,
      "Azure.Redis.Naming": NAMING,
      "Azure.Redis.NonSslPort": null,
      "Azure.Redis.PublicNetworkAccess": null,
      "Azure.Redis.Version": null,
    },
  },
  "Front Door and CDN": {
    types: [
      T.frontDoor,
      T.afdEndpoint,
      T.afdOriginGroup,
      T.afdOrigin,
      T.afdRoute,
      T.afdCustomDomain,
      T.afdSecurityPolicy,
      T.wafPolicy,
    ],
    rules: {
      "Azure.CDN.UseFrontDoor": null,
      "Azure.CDN.HTTP": "classic CDN endpoints; for Front Door routes EST-AFD-003 (HTTPS redirect)",
      "Azure.CDN.MinTLS": "classic CDN endpoints; for Front Door custom domains EST-AFD-008",
      "Azure.CDN.EndpointName": NAMING,
      "Azure.FrontDoor.Logs": null,
      "Azure.FrontDoor.ManagedIdentity": null,
      "Azure.FrontDoor.MinTLS": "Front Door classic; for Standard/Premium custom domains EST-AFD-008",
      "Azure.FrontDoor.Name": NAMING,
      "Azure.FrontDoor.Probe": null,
      "Azure.FrontDoor.ProbeMethod": null,
      "Azure.FrontDoor.ProbePath": null,
      "Azure.FrontDoor.State": "Front Door classic only",
      "Azure.FrontDoor.UseCaching": "caching is per route by design: static assets cached, /api/* never; not a rule",
      "Azure.FrontDoor.UseWAF": null,
      "Azure.FrontDoor.WAF.Enabled": null,
      "Azure.FrontDoor.WAF.Mode": null,
      "Azure.FrontDoor.WAF.Name": NAMING,
      "Azure.FrontDoorWAF.Enabled": null,
      "Azure.FrontDoorWAF.Exclusions": null,
      "Azure.FrontDoorWAF.PreventionMode": null,
      "Azure.FrontDoorWAF.RuleGroups": null,
    },
  },
  "Static Web Apps": {
    types: [T.staticSite, T.staticSiteDomain, T.staticSiteBackend],
    none: "PSRule for Azure has no Static Web Apps rule; EST-SWA-001..003 are the estate's own",
    rules: {},
  },
  "Container Registry": {
    types: [T.containerRegistry],
    rules: {
      "Azure.ACR.AdminUser": null,
      "Azure.ACR.AnonymousAccess": null,
      "Azure.ACR.AuditLogs": "diagnostics with allLogs (audit included) on every registry: EST-STK-003/004",
      "Azure.ACR.ContainerScan": DEFENDER,
      "Azure.ACR.ContentTrust":
        "Docker Content Trust is being retired in favour of Notary v2 signatures; image signing belongs to the build pipeline",
      "Azure.ACR.ExportPolicy": null,
      "Azure.ACR.Firewall": null,
      "Azure.ACR.GeoReplica": SINGLE_REGION,
      "Azure.ACR.ImageHealth": DEFENDER,
      "Azure.ACR.Logs": "as Azure.ACR.AuditLogs",
      "Azure.ACR.MinSku": null,
      "Azure.ACR.Name": NAMING,
      "Azure.ACR.Naming": NAMING,
      "Azure.ACR.Quarantine":
        "quarantine needs an image scanner in the push path; scanning is Defender's (subscription level)",
      "Azure.ACR.ReplicaLocation": SINGLE_REGION,
      "Azure.ACR.Retention": null,
      "Azure.ACR.SoftDelete":
        "soft delete is a preview that excludes zone-redundant and geo-replicated registries; images are rebuilt from source",
      "Azure.ACR.Usage": "a usage check of a live registry, not of a plan",
    },
  },
  "Container Apps": {
    types: [T.containerEnvironment, T.containerApp],
    rules: {
      "Azure.ContainerApp.APIVersion": "the provider's API version (2025-02-02-preview) is current",
      "Azure.ContainerApp.AvailabilityZone": null,
      "Azure.ContainerApp.DisableAffinity": "sticky sessions are off unless set (ingress.stickySessions is never set)",
      "Azure.ContainerApp.EnvNaming": NAMING,
      "Azure.ContainerApp.ExternalIngress":
        "deliberately not followed: API Management in the VNet reaches an app only through external ingress of an internal environment (the VNet, never the internet); EST-CA-003 refuses external ingress elsewhere",
      "Azure.ContainerApp.Insecure": null,
      "Azure.ContainerApp.JobNaming": "no Container Apps jobs",
      "Azure.ContainerApp.ManagedIdentity": null,
      "Azure.ContainerApp.MinReplicas": null,
      "Azure.ContainerApp.Name": NAMING,
      "Azure.ContainerApp.Naming": NAMING,
      "Azure.ContainerApp.PublicAccess": null,
      "Azure.ContainerApp.RestrictIngress":
        "apps behind the gateway get an allow rule for its subnet (ContainerApp ingress.allowedSourceCidrs); not a rule, as environment-only apps need none",
      "Azure.ContainerApp.Storage": "services are stateless; state lives in the data tier",
    },
  },
  "Cosmos DB": {
    types: [T.cosmosAccount],
    rules: {
      "Azure.Cosmos.AvailabilityZone": null,
      "Azure.Cosmos.DisableLocalAuth": null,
      "Azure.Cosmos.MongoEntraID": "no Cosmos DB for MongoDB vCore: the estate uses the NoSQL API",
      "Azure.Cosmos.AccountName": NAMING,
      "Azure.Cosmos.ContinuousBackup": null,
      "Azure.Cosmos.DefenderCloud": DEFENDER,
      "Azure.Cosmos.DisableMetadataWrite": null,
      "Azure.Cosmos.MinTLS": null,
      "Azure.Cosmos.PublicAccess": null,
      "Azure.Cosmos.SLA": null,
      "Azure.Cosmos.NoSQLLocalAuth": null,
      "Azure.Cosmos.NoSQLNaming": NAMING,
      "Azure.Cosmos.DatabaseNaming": NAMING,
      "Azure.Cosmos.MongoAvailabilityZone": "as Azure.Cosmos.MongoEntraID: no MongoDB vCore",
      "Azure.Cosmos.MongoNaming": "NoSQL API accounts only: no MongoDB account",
      "Azure.Cosmos.CassandraNaming": "no Cassandra account",
      "Azure.Cosmos.GremlinNaming": "no Gremlin account",
      "Azure.Cosmos.TableNaming": "no Table account",
      "Azure.Cosmos.PostgreSQLNaming": "no Cosmos DB for PostgreSQL cluster",
    },
  },
  "Database for MySQL (flexible server)": {
    types: [T.mysqlServer, T.mysqlConfiguration, T.mysqlAdmin],
    rules: {
      "Azure.MySQL.AAD": null,
      "Azure.MySQL.AADOnly": null,
      "Azure.MySQL.GeoRedundantBackup": null,
      "Azure.MySQL.ZoneRedundantHA": null,
      "Azure.MySQL.MaintenanceWindow":
        "Azure's system-managed maintenance window is accepted; a custom window is a per-stack operational choice, not a rule",
      "Azure.MySQL.UseFlexible":
        "the estate makes flexible servers only (infra/data/mysql.ts); single server is retired",
      "Azure.MySQL.ServerName": NAMING,
      "Azure.MySQL.ServerNaming": NAMING,
      "Azure.MySQL.AllowAzureAccess": SINGLE_SERVER,
      "Azure.MySQL.DefenderCloud": SINGLE_SERVER,
      "Azure.MySQL.FirewallIPRange": SINGLE_SERVER,
      "Azure.MySQL.FirewallRuleCount": SINGLE_SERVER,
      "Azure.MySQL.MinTLS": SINGLE_SERVER,
      "Azure.MySQL.UseSSL": SINGLE_SERVER,
    },
  },
  "Database for PostgreSQL (flexible server)": {
    types: [T.psqlServer, T.psqlConfiguration, T.psqlAdmin],
    rules: {
      "Azure.PostgreSQL.AAD": null,
      "Azure.PostgreSQL.AADOnly": null,
      "Azure.PostgreSQL.GeoRedundantBackup": null,
      "Azure.PostgreSQL.ZoneRedundantHA": null,
      "Azure.PostgreSQL.MaintenanceWindow": "as Azure.MySQL.MaintenanceWindow",
      "Azure.PostgreSQL.ServerName": NAMING,
      "Azure.PostgreSQL.ServerNaming": NAMING,
      "Azure.PostgreSQL.AllowAzureAccess": SINGLE_SERVER,
      "Azure.PostgreSQL.DefenderCloud": SINGLE_SERVER,
      "Azure.PostgreSQL.FirewallIPRange": SINGLE_SERVER,
      "Azure.PostgreSQL.FirewallRuleCount": SINGLE_SERVER,
      "Azure.PostgreSQL.MinTLS": SINGLE_SERVER,
      "Azure.PostgreSQL.UseSSL": SINGLE_SERVER,
    },
  },
  "Key Vault": {
    types: [T.keyVault, T.secret],
    rules: {
      "Azure.KeyVault.AccessPolicy": null,
      "Azure.KeyVault.AutoRotationPolicy": "the estate stores secrets, no keys",
      "Azure.KeyVault.Firewall": null,
      "Azure.KeyVault.KeyName": "no keys",
      "Azure.KeyVault.Logs": null,
      "Azure.KeyVault.Name": NAMING,
      "Azure.KeyVault.PurgeProtect": null,
      "Azure.KeyVault.RBAC": null,
      "Azure.KeyVault.SecretName":
        "secret names come from code; Key Vault rejects invalid ones when the secret is created",
      "Azure.KeyVault.SoftDelete": null,
    },
  },
  "Log Analytics and alerts": {
    types: [T.workspace, T.diagnosticSetting, ...ALERTING],
    rules: {
      "Azure.Alert.HighFrequencyQuery":
        "not a rule yet: the estate's log alerts evaluate every 5 minutes (infra/observability/alerts.ts)",
      "Azure.Log.Replication": SINGLE_REGION,
      "Azure.Log.ReplicaLocation": SINGLE_REGION,
      "Azure.Log.Name": NAMING,
      "Azure.Log.Naming": NAMING,
      "Azure.Alert.MetricAutoMitigate": null,
      "Azure.Monitor.ServiceHealth": "Service Health alerts are subscription-level, owned by the landing zone",
    },
  },
  Network: {
    types: [
      T.resourceGroup,
      T.virtualNetwork,
      T.subnet,
      T.nsg,
      T.securityRule,
      T.privateEndpoint,
      T.privateDnsZoneGroup,
      T.privateZone,
      T.vnetLink,
    ],
    rules: {
      "Azure.VNET.PrivateSubnet": null,
      "Azure.VNET.Naming": NAMING,
      "Azure.NSG.AnyInboundSource": null,
      "Azure.NSG.Associated":
        "inverse check: EST-NET-005 requires an NSG on every subnet; every NSG the network component makes is attached to its subnet",
      "Azure.NSG.DenyAllInbound":
        "not adopted: PSRule warns on blanket deny rules; Estate deliberately ends each NSG with an explicit deny-all at priority 4096 after the named allows (EST-NET-003)",
      "Azure.NSG.LateralTraversal":
        "no virtual machines in the estate; management ports are closed to the internet (EST-NET-002)",
      "Azure.NSG.AKSRules":
        "no AKS in the default estates; an AKS stack's node subnet NSG is reviewed with the network owner",
      "Azure.NSG.Name": NAMING,
      "Azure.NSG.Naming": NAMING,
      "Azure.PrivateEndpoint.Name": NAMING,
      "Azure.ResourceGroup.Name": NAMING,
      "Azure.Group.Name": NAMING,
      "Azure.Group.Naming": NAMING,
      "Azure.Group.RequiredTags": null,
      "Azure.VNET.Name": NAMING,
      "Azure.VNET.SubnetName": NAMING,
      "Azure.VNET.SubnetNaming": NAMING,
      "Azure.VNET.FirewallSubnetNAT": "no Azure Firewall in the estate (as Azure.VNET.FirewallSubnet)",
      "Azure.VNET.UseNSGs": null,
      "Azure.VNET.BastionSubnet": "no GatewaySubnet",
      "Azure.VNET.FirewallSubnet":
        "no Azure Firewall: egress is narrowed by NSGs and private endpoints; a hub firewall belongs to the landing zone",
      "Azure.VNET.LocalDNS": "Azure-provided DNS with private DNS zones; no custom DNS servers",
      "Azure.VNET.SingleDNS": "as above",
      "Azure.VNET.PeerState": "no peerings",
    },
  },
  "SignalR Service and Web PubSub": {
    types: [T.signalR, T.webPubSub],
    rules: {
      "Azure.SignalR.ManagedIdentity": null,
      "Azure.SignalR.Name": NAMING,
      "Azure.SignalR.SLA": null,
      "Azure.WebPubSub.ManagedIdentity": null,
      "Azure.WebPubSub.SLA": null,
    },
  },
  "Service Bus": {
    types: [T.serviceBus, T.queue],
    rules: {
      "Azure.ServiceBus.GeoReplica": null,
      "Azure.ServiceBus.AuditLogs": null,
      "Azure.ServiceBus.DisableLocalAuth": null,
      "Azure.ServiceBus.MinTLS": null,
      "Azure.ServiceBus.Usage": "runtime usage, not knowable from a plan",
    },
  },
  "SQL Database": {
    types: [
      T.sqlServer,
      T.sqlDatabase,
      T.sqlFirewallRule,
      T.sqlAuditing,
      T.sqlAlertPolicy,
      T.sqlTde,
      T.sqlBackupRetention,
      T.sqlAdAdmin,
      T.sqlAdOnly,
    ],
    rules: {
      "Azure.SQL.MaintenanceWindow":
        "Azure's default maintenance window is accepted; a custom window is a per-region choice, not a stack default",
      "Azure.SQL.ServerNaming": NAMING,
      "Azure.SQL.AAD": null,
      "Azure.SQL.AADOnly": null,
      "Azure.SQL.AllowAzureAccess": null,
      "Azure.SQL.Auditing": null,
      "Azure.SQL.DBName": NAMING,
      "Azure.SQL.DefenderCloud": null,
      "Azure.SQL.FGName": NAMING,
      "Azure.SQL.FirewallIPRange": null,
      "Azure.SQL.FirewallRuleCount":
        "public network access is disabled (EST-SQL-002); EST-SQL-011 rejects the rules that matter",
      "Azure.SQL.MinTLS": null,
      "Azure.SQL.ServerName": NAMING,
      "Azure.SQL.TDE": null,
      "Azure.SQL.DBNaming": NAMING,
      "Azure.SQL.VAScan":
        "SQL vulnerability assessment comes with the Microsoft Defender for SQL plan, subscription-level and owned by the landing zone",
      "Azure.SQL.ElasticPoolNaming": "no elastic pools",
      "Azure.SQL.JobAgentNaming": "no elastic job agents",
    },
  },
  Storage: {
    types: [T.storageAccount, T.blobService, T.blobContainer, T.storagePolicy],
    rules: {
      "Azure.Storage.Naming": NAMING,
      "Azure.Storage.BlobAccessType": null,
      "Azure.Storage.BlobPublicAccess": null,
      "Azure.Storage.ContainerSoftDelete": null,
      "Azure.Storage.DefenderCloud": DEFENDER,
      "Azure.Storage.DefenderCloud.MalwareScan": DEFENDER,
      "Azure.Storage.Defender.MalwareScan": DEFENDER,
      "Azure.Storage.LocalAuth": null,
      "Azure.Storage.DefenderCloud.SensitiveData": DEFENDER,
      "Azure.Storage.FileShareSoftDelete": "no file shares",
      "Azure.Storage.Firewall": null,
      "Azure.Storage.MinTLS": null,
      "Azure.Storage.Name": NAMING,
      "Azure.Storage.SecureTransfer": null,
      "Azure.Storage.SoftDelete": null,
      "Azure.Storage.UseReplication": null,
    },
  },
  "Public IP address": {
    types: [T.publicIp],
    rules: {
      "Azure.PublicIP.AvailabilityZone": PUBLIC_IP,
      "Azure.PublicIP.DNSLabel": PUBLIC_IP,
      "Azure.PublicIP.IsAttached": PUBLIC_IP,
      "Azure.PublicIP.MigrateStandard": PUBLIC_IP,
      "Azure.PublicIP.Name": NAMING,
      "Azure.PublicIP.Naming": NAMING,
      "Azure.PublicIP.StandardSKU": PUBLIC_IP,
    },
  },
  "Role assignments and locks": {
    types: [T.roleAssignment, T.lock],
    rules: {
      "Azure.RBAC.UseRGDelegation":
        "not adopted: workload identities get the narrow data role on the one resource they use (EST-IAM-001), which is least privilege, not a resource-group grant",
      "Azure.RBAC.UseGroups": "the estate assigns roles to managed identities (service principals), never to users",
      "Azure.RBAC.CoAdministrator": SUBSCRIPTION,
      "Azure.RBAC.LimitMGDelegation": SUBSCRIPTION,
      "Azure.RBAC.LimitOwner": SUBSCRIPTION,
      "Azure.RBAC.PIM": SUBSCRIPTION,
    },
  },
};

export const CHECKOV: Catalogue = {
  "API Management": {
    types: API_MANAGEMENT,
    rules: {
      CKV_AZURE_107: null,
      CKV_AZURE_152: "as CKV_AZURE_17",
      CKV_AZURE_173: null,
      CKV_AZURE_174:
        "APIM (External VNet mode) keeps a public gateway endpoint that only Front Door reaches: NSG allows AzureFrontDoor.Backend only, and the service policy checks X-Azure-FDID",
      CKV_AZURE_215: null,
    },
  },
  "App Service": {
    types: [T.appServicePlan, T.webApp, T.webAppSlot, T.webAppAuth],
    rules: {
      CKV_AZURE_13: null,
      CKV_AZURE_14: null,
      CKV_AZURE_15: null,
      CKV_AZURE_16: null,
      CKV_AZURE_17:
        "client certificates are not used: API Management calls the apps with managed-identity tokens that App Service authentication checks (EST-APP-022)",
      CKV_AZURE_18: null,
      CKV_AZURE_56: null,
      CKV_AZURE_57: null,
      CKV_AZURE_62: null,
      CKV_AZURE_63: "HTTP logs go through diagnostic settings (EST-STK-003/004), not the site's file logging",
      CKV_AZURE_65: "as CKV_AZURE_63",
      CKV_AZURE_66: "as CKV_AZURE_63",
      CKV_AZURE_67: null,
      CKV_AZURE_70: null,
      CKV_AZURE_71: null,
      CKV_AZURE_72: null,
      CKV_AZURE_78: null,
      CKV_AZURE_80: "no .NET, PHP, Python or Java apps: the services are Node.js, whose version EST-APP-012 checks",
      CKV_AZURE_81: "no .NET, PHP, Python or Java apps: the services are Node.js, whose version EST-APP-012 checks",
      CKV_AZURE_82:
        "no rule: a Python app's manifest may name only the versions Azure supports (services/manifest.ts PYTHON_VERSIONS, refused otherwise before anything is declared); Node.js versions EST-APP-012 checks",
      CKV_AZURE_83: "no .NET, PHP, Python or Java apps: the services are Node.js, whose version EST-APP-012 checks",
      CKV_AZURE_88: "no Azure Files",
      CKV_AZURE_145: null,
      CKV_AZURE_153: null,
      CKV_AZURE_154: null,
      CKV_AZURE_155: null,
      CKV_AZURE_159:
        "built-in logging writes to the AzureWebJobsDashboard storage with account keys; telemetry goes to Application Insights with Entra ID (EST-APP-017, EST-MON-005)",
      CKV_AZURE_211: null,
      CKV_AZURE_212: null,
      CKV_AZURE_213: null,
      CKV_AZURE_214: null,
      CKV_AZURE_221:
        "apps stay reachable only from the gateway subnet: EST-APP-008 accepts publicNetworkAccess Disabled or default-deny access restrictions, and APIM reaches the apps through a service endpoint, not a private endpoint",
      CKV_AZURE_222: null,
      CKV_AZURE_225: null,
    },
  },
  "Azure Cache for Redis": {
    types: [T.redis, T.cacheRedis],
    rules: {
      CKV_AZURE_89: null,
      CKV_AZURE_91: null,
      CKV_AZURE_148: null,
      CKV_AZURE_230: null,
    },
  },
  "Cosmos DB": {
    types: [T.cosmosAccount, T.cosmosSqlDatabase, T.cosmosSqlContainer],
    rules: {
      CKV_AZURE_99: null,
      CKV_AZURE_100:
        "platform-managed keys are accepted for Cosmos DB; customer-managed keys are not required by the estate's data classification",
      CKV_AZURE_101: null,
      CKV_AZURE_132: null,
      CKV_AZURE_140: null,
    },
  },
  "Front Door": {
    types: [
      T.frontDoor,
      T.afdEndpoint,
      T.afdOriginGroup,
      T.afdOrigin,
      T.afdRoute,
      T.afdCustomDomain,
      T.afdSecurityPolicy,
      T.wafPolicy,
    ],
    rules: {
      CKV_AZURE_121: null,
      CKV_AZURE_123: null,
      CKV_AZURE_133: null,
      CKV_AZURE_197:
        "classic CDN endpoints (azurerm_cdn_endpoint); the estate uses Front Door Standard/Premium (EST-AFD-002), whose routes redirect to HTTPS (EST-AFD-003)",
      CKV_AZURE_198: "as CKV_AZURE_197",
      CKV_AZURE_200:
        "classic CDN custom domains; Front Door custom domains follow the minimum TLS version (EST-AFD-008)",
    },
  },
  "Key Vault": {
    types: [T.keyVault, T.secret],
    rules: {
      CKV_AZURE_41: null,
      CKV_AZURE_42: null,
      CKV_AZURE_109: null,
      CKV_AZURE_110: null,
      CKV_AZURE_111: null,
      CKV_AZURE_114: null,
      CKV_AZURE_40: "the estate stores secrets, no keys (as Azure.KeyVault.KeyName)",
      CKV_AZURE_112: "no keys, so no HSM-backed keys",
      CKV_AZURE_189: null,
      CKV2_AZURE_32: null,
    },
  },
  Network: {
    types: [
      T.resourceGroup,
      T.virtualNetwork,
      T.subnet,
      T.nsg,
      T.securityRule,
      T.privateEndpoint,
      T.privateDnsZoneGroup,
      T.privateZone,
      T.vnetLink,
      T.publicIp,
    ],
    rules: {
      CKV_AZURE_9: null,
      CKV_AZURE_10: null,
      CKV_AZURE_12:
        "NSG flow logs are retired for new deployments; virtual network flow logs belong to the landing zone's Network Watcher",
      CKV_AZURE_119:
        "the estate declares no public IP address and no network interfaces: EST-STK-005 reports any public IP",
      CKV_AZURE_77: "stronger: EST-NET-001 forbids any inbound allow from any source, whatever the protocol",
      CKV_AZURE_160: "stronger: EST-NET-001 forbids any inbound allow from any source, whatever the port",
      CKV_AZURE_182: "Azure-provided DNS with private DNS zones; no custom DNS servers",
      CKV_AZURE_183: "as CKV_AZURE_182",
      CKV2_AZURE_31: null,
    },
  },
  "Service Bus": {
    types: [T.serviceBus, T.queue],
    rules: {
      CKV_AZURE_199: "Service Bus double encryption needs customer-managed keys; not required",
      CKV_AZURE_201: "as CKV_AZURE_199",
      CKV_AZURE_202: null,
      CKV_AZURE_203: null,
      CKV_AZURE_204: null,
      CKV_AZURE_205: null,
    },
  },
  "SQL Database": {
    types: [
      T.sqlServer,
      T.sqlDatabase,
      T.sqlFailoverGroup,
      T.sqlFirewallRule,
      T.sqlAuditing,
      T.sqlAlertPolicy,
      T.sqlTde,
      T.sqlBackupRetention,
      T.sqlAdAdmin,
      T.sqlAdOnly,
    ],
    rules: {
      CKV_AZURE_11: null,
      CKV_AZURE_23: null,
      CKV_AZURE_24: null,
      CKV_AZURE_25: "Defender for SQL alert types are all on by default; EST-SQL-007 requires the policy enabled",
      CKV_AZURE_26: "alerts are routed through Defender for Cloud and the action group, not SQL alert e-mails",
      CKV_AZURE_27: "as above",
      CKV_AZURE_52: null,
      CKV_AZURE_113: null,
      CKV_AZURE_156: null,
      CKV_AZURE_224:
        "ledger tables suit tamper-evidence requirements the estate's data does not carry; auditing (EST-SQL-005) records who changed what",
      CKV_AZURE_229: null,
      CKV2_AZURE_2:
        "SQL vulnerability assessment comes with the Microsoft Defender for SQL plan, subscription-level and owned by the landing zone",
      CKV2_AZURE_3: "as CKV2_AZURE_2",
      CKV2_AZURE_4: "as CKV2_AZURE_2",
      CKV2_AZURE_5: "as CKV2_AZURE_2",
      CKV2_AZURE_7: null,
      CKV2_AZURE_13: null,
      CKV2_AZURE_25: null,
      CKV2_AZURE_27: null,
      CKV2_AZURE_34: null,
      CKV2_AZURE_45: null,
    },
  },
  Storage: {
    types: [T.storageAccount, T.blobService, T.blobContainer, T.storagePolicy],
    rules: {
      CKV_AZURE_3: null,
      CKV_AZURE_33: "no queue service in the storage account (Service Bus carries messages)",
      CKV_AZURE_34: null,
      CKV_AZURE_35: null,
      CKV_AZURE_36: null,
      CKV_AZURE_43:
        "naming: infra/naming enforces Azure's name rules when the program runs (an invalid name fails the plan); EST-GEN-004 checks the CAF prefix",
      CKV_AZURE_44: null,
      CKV_AZURE_59: null,
      CKV_AZURE_190: null,
      CKV_AZURE_206: null,
      CKV_AZURE_244: null,
      CKV2_AZURE_1:
        "platform-managed keys are accepted for storage; customer-managed keys are not required by the estate's data classification",
      CKV2_AZURE_20: "no table service in the storage account",
      CKV2_AZURE_8:
        "activity logs are not exported to storage (they stay in the subscription's activity log); EST-ST-015 keeps every container private anyway",
      CKV2_AZURE_21: "blob read logging comes with allLogs diagnostics (EST-STK-004)",
      CKV2_AZURE_33: null,
      CKV2_AZURE_38: null,
      CKV2_AZURE_40: null,
      CKV2_AZURE_41: "shared keys are disabled (EST-ST-004), so no account SAS can be issued",
      CKV2_AZURE_47: null,
    },
  },
  "Monitor, identity and governance": {
    types: [T.workspace, T.appInsights, T.webTest, T.diagnosticSetting, ...ALERTING, T.roleAssignment, T.lock],
    none: "Checkov has no Azure resource check for these types (bridgecrewio/checkov: checkov/terraform/checks/resource/azure and graph_checks/azure)",
    rules: {},
  },
  "AI Search": {
    types: [T.search],
    rules: {
      CKV_AZURE_124: null,
      CKV_AZURE_207: null,
      CKV_AZURE_208: null,
      CKV_AZURE_209: null,
      CKV_AZURE_210: null,
    },
  },
  "Azure AI services (Azure OpenAI)": {
    types: [T.cognitiveAccount, T.openAiDeployment, T.raiPolicy],
    rules: {
      CKV_AZURE_134: null,
      CKV_AZURE_236: null,
      CKV_AZURE_238: null,
      CKV2_AZURE_22:
        "customer-managed keys are not required by the estate's data classification; platform keys encrypt the account",
      CKV_AZURE_247:
        "outbound restriction (restrictOutboundNetworkAccess with an FQDN allow-list) is not set: the account makes no outbound calls unless on-your-data features are configured, which the estate does not use",
    },
  },
  "SignalR Service and Web PubSub": {
    types: [T.signalR, T.webPubSub],
    rules: {
      CKV_AZURE_175: null,
      CKV_AZURE_176: null,
      CKV_AZURE_196: null,
    },
  },
  "App Configuration": {
    types: [T.appConfiguration],
    rules: {
      CKV_AZURE_184: null,
      CKV_AZURE_185: null,
      CKV_AZURE_186:
        "App Configuration with platform-managed keys: customer-managed keys are not required by the estate's data classification",
      CKV_AZURE_187: null,
      CKV_AZURE_188: null,
    },
  },
  "Database for PostgreSQL and MySQL (flexible servers)": {
    types: [T.psqlServer, T.psqlConfiguration, T.psqlAdmin, T.mysqlServer, T.mysqlConfiguration, T.mysqlAdmin],
    rules: {
      CKV_AZURE_53: null,
      CKV_AZURE_94: null,
      CKV_AZURE_96:
        "customer-managed keys (dataEncryption) are not required by the estate's data classification; platform keys encrypt flexible servers at rest",
      CKV_AZURE_136: null,
      CKV2_AZURE_26:
        "the estate declares no PostgreSQL firewall rules: public network access is disabled (EST-PSQL-002) and the server is reached through its private endpoint",
      CKV2_AZURE_56: null,
      CKV2_AZURE_57: null,
    },
  },
  "Azure Kubernetes Service": {
    types: [T.aksCluster, T.aksNodePool, T.userAssignedIdentity],
    rules: {
      CKV_AZURE_4: null,
      CKV_AZURE_5: null,
      CKV_AZURE_6:
        "stronger: EST-AKS-001 requires a private API server in prod; a public one needs authorized ranges (AKS component)",
      CKV_AZURE_7: null,
      CKV_AZURE_8: "the retired Kubernetes Dashboard add-on is never enabled",
      CKV_AZURE_115: null,
      CKV_AZURE_116: "the AKS component always enables the azurepolicy add-on; no rule yet",
      CKV_AZURE_117: "platform-managed disk encryption is accepted; no disk encryption set",
      CKV_AZURE_141: null,
      CKV_AZURE_143: null,
      CKV_AZURE_168: "Azure CNI Overlay's default of 250 pods per node is kept",
      CKV_AZURE_170: null,
      CKV_AZURE_171: null,
      CKV_AZURE_172: null,
      CKV_AZURE_226: "not adopted yet: managed OS disks keep every VM size usable",
      CKV_AZURE_227:
        "encryption at host needs a subscription feature registration; not required by the estate's data classification",
      CKV_AZURE_169: "the AKS component only creates VirtualMachineScaleSets pools (as Azure.AKS.PoolScaleSet)",
      CKV_AZURE_232: "the AKS component taints the system pool CriticalAddonsOnly; no rule yet",
      CKV_AZURE_246: "the retired HTTP application routing add-on is never enabled (as Azure.AKS.HttpAppRouting)",
      CKV2_AZURE_29: "the AKS component always uses Azure CNI (Overlay, Cilium dataplane)",
    },
  },
  "Static Web Apps": {
    types: [T.staticSite, T.staticSiteDomain, T.staticSiteBackend],
    none: "Checkov has no Static Web Apps rule; EST-SWA-001..003 are the estate's own",
    rules: {},
  },
  "Container Apps": {
    types: [T.containerEnvironment, T.containerApp],
    none: "Checkov has no Container Apps check; EST-CA-001..009 are the estate's own",
    rules: {},
  },
  "Container Registry": {
    types: [T.containerRegistry],
    rules: {
      CKV_AZURE_137: null,
      CKV_AZURE_138: null,
      CKV_AZURE_139: null,
      CKV_AZURE_163: DEFENDER,
      CKV_AZURE_164: "as Azure.ACR.ContentTrust",
      CKV_AZURE_165: SINGLE_REGION,
      CKV_AZURE_166: "as Azure.ACR.Quarantine",
      CKV_AZURE_167: null,
      CKV_AZURE_233: null,
      CKV_AZURE_237:
        "dedicated data endpoints are on for every Premium registry (ContainerRegistry); Basic and Standard have none",
      CKV2_AZURE_30: "no registry webhooks: deployments pull by digest from the pipeline",
    },
  },
};

/**
 * Where the mapped Estate rule's verdict differs from the reference's on an edge case the
 * reference documents (read from its rule source: PSRule for Azure src/PSRule.Rules.Azure/rules,
 * Checkov checkov/{arm,terraform}/checks), and why. The rules' examples hold a fixture for each.
 */
export const DIFFERENCES: Record<string, string> = {
  CKV_AZURE_172:
    'a cluster without the Key Vault secrets provider add-on passes (nothing is mounted to rotate; Checkov fails a missing setting); with the add-on, rotation must be "true" as in Checkov',
  "Azure.Storage.SecureTransfer":
    "as PSRule, an unset enableHttpsTrafficOnly fails (Checkov CKV_AZURE_3 passes it on API versions from 2019-04-01, whose default is true)",
  CKV_AZURE_3:
    "stricter: an unset enableHttpsTrafficOnly fails, as in PSRule's Azure.Storage.SecureTransfer, although Azure's default is true",
  "Azure.Storage.MinTLS":
    "follows the minimumTlsVersion setting and accepts TLS1_3 (PSRule's condition is TLS1_2 exactly); values compare case-insensitively, as Azure does",
  CKV_AZURE_44:
    "accepts TLS1_3 as Checkov's Terraform check does (its ARM check accepts TLS1_2 only); follows the minimumTlsVersion setting",
  CKV_AZURE_59:
    "stricter: an unset publicNetworkAccess or SecuredByPerimeter fails (Checkov forbids only Enabled); private endpoints are the only way in",
  CKV_AZURE_36:
    'the bypass is a list: "Logging, Metrics, AzureServices" passes (Checkov wants "AzureServices" exactly); a default-Allow firewall fails here and EST-ST-006 (Checkov passes it)',
  "Azure.Storage.SoftDelete":
    "stricter: at least 7 days of retention, not only enabled; hierarchical-namespace accounts are judged too (PSRule skips them; blob soft delete supports them)",
  CKV2_AZURE_38: "stricter: at least 7 days of retention, and an account without BlobServiceProperties fails",
  "Azure.Storage.UseReplication":
    "stricter: Premium accounts are judged too (PSRule judges Standard SKUs only), so Premium_LRS fails and Premium_ZRS passes",
  "Azure.Storage.BlobPublicAccess":
    "stricter: FileStorage accounts are judged too (PSRule skips them); EST-ST-010 refuses that kind anyway",
  "Azure.NSG.AnyInboundSource":
    'stricter: Internet, any, 0.0.0.0 and any /0 prefix count as any source, in sourceAddressPrefix or sourceAddressPrefixes (PSRule looks for "*" in sourceAddressPrefix only)',
  CKV_AZURE_9:
    "stricter: every protocol is judged (Checkov judges Tcp and * only; RDP also listens on UDP 3389), and WinRM (5985, 5986) with RDP and SSH",
  CKV_AZURE_10: "as CKV_AZURE_9",
  "Azure.VNET.UseNSGs":
    "exempts the same subnet names (infra/network/subnets.ts); subnets delegated to Dedicated HSM are judged (PSRule exempts them; the estate declares none)",
  CKV_AZURE_99:
    "stricter: any ipRules entry fails, whatever enableMultipleWriteLocations says (Checkov passes ip rules and single-write accounts); Cosmos DB is reached through private endpoints only",
  CKV_AZURE_140: "stricter: every account kind is judged (Checkov judges GlobalDocumentDB only)",
  "Azure.Redis.NonSslPort":
    "as PSRule, enableNonSslPort must be set to false; Checkov CKV_AZURE_91 passes it unset (Azure's default is false)",
  CKV_AZURE_91:
    "stricter: enableNonSslPort must be set to false, as PSRule's Azure.Redis.NonSslPort wants, although Azure's default is false",
  "Azure.KeyVault.SoftDelete": "as PSRule, enableSoftDelete must be set to true",
  CKV_AZURE_111: "stricter: enableSoftDelete must be set to true (Checkov passes it unset, Azure's default being on)",
  CKV_AZURE_42:
    "EST-KV-002 (soft delete) and EST-KV-003 (purge protection) together; purge protection is mandatory in prod only",
  CKV_AZURE_189: "stricter: publicNetworkAccess must be Disabled (Checkov also passes a vault with ip rules)",
  "Azure.AppService.WebSecureFtp":
    "stricter: ftpsState must be Disabled (PSRule accepts FtpsOnly; FTPS still deploys with basic credentials)",
  CKV_AZURE_78: "stricter: ftpsState must be Disabled (Checkov accepts FtpsOnly)",
  CKV_AZURE_16:
    "identity.type is judged; a UserAssigned identity without userAssignedIdentities (which Checkov fails) is refused by Azure at deployment",
  CKV_AZURE_205:
    "stricter: minimumTlsVersion must be set (Checkov takes azurerm's default of 1.2 for an absent value); follows the minimumTlsVersion setting",
  CKV_AZURE_148: "stricter: minimumTlsVersion must be set (Checkov takes azurerm's default of 1.2 for an absent value)",
  CKV_AZURE_176: "stricter: identity type None fails (Checkov passes any identity type)",
  CKV_AZURE_238: "as CKV_AZURE_176",
  CKV_AZURE_207:
    "a UserAssigned identity passes, as in PSRule's Azure.Search.ManagedIdentity (Checkov wants SystemAssigned)",
  "Azure.AI.PublicAccess":
    "stricter: publicNetworkAccess must be Disabled (PSRule also passes a default-deny networkAcls), as Azure.AI.PrivateEndpoints wants",
  CKV_AZURE_210: "stricter: any ip rule fails (Checkov forbids 0.0.0.0/0 only)",
  CKV_AZURE_185: "stricter: an absent publicNetworkAccess fails (Checkov forbids only Enabled)",
  "Azure.ACR.MinSku":
    "stricter: production registries must be Premium (PSRule accepts Standard), for the private endpoint and zone redundancy",
  CKV_AZURE_233:
    "stricter: an absent zoneRedundancy fails (Checkov fails only an explicit Disabled; Azure's default is Disabled)",
  "Azure.APIM.Protocols":
    'stricter: each protocol switch must be set "false" (PSRule passes an absent one; services created before April 2018 keep them on)',
  CKV_AZURE_173: "as Azure.APIM.Protocols",
  "Azure.APIM.Ciphers": 'stricter: each weak cipher switch must be set "false" (PSRule passes an absent one)',
  "Azure.AppService.MinTLS":
    "follows the minimumTlsVersion setting; 1.3 and the number 1.2 pass, as in Checkov CKV_AZURE_15",
  "Azure.SQL.Auditing":
    "stricter: the auditing policy must also send to Azure Monitor (isAzureMonitorTargetEnabled), not only be Enabled",
  CKV_AZURE_23: "as Azure.SQL.Auditing",
  "Azure.KeyVault.AccessPolicy":
    "stricter: no access policies at all (PSRule flags broad permissions only); RBAC ignores them (EST-KV-001)",
  "Azure.Resource.RequiredTags":
    "the required tags are owner, cost-centre, environment and managed-by; tag names compare case-insensitively, as Azure does",
  "Azure.APIM.HTTPBackend":
    "EST-APIM-010 (API service URLs) and EST-APIM-018 (backends, with certificate validation on); URL schemes compare case-insensitively",
  "Azure.APIM.EncryptValues":
    "judges named values whose name says they hold a secret (secret, password, key, token, connection): those must be secret or Key Vault references. PSRule wants every named value secret; plain configuration (URLs, tenant ids) stays readable to operators by design",
  "Azure.APIM.HTTPEndpoint": "as PSRule; protocols compare case-insensitively and wss is accepted for WebSocket APIs",
  "Azure.AppService.AlwaysOn":
    "stricter: function apps on dedicated plans are judged too (PSRule judges web and API apps only); a slot is judged on its site's plan, so a function app's slot on Consumption or Elastic Premium is not applicable",
  CKV_AZURE_214:
    "stricter: an unset alwaysOn fails (Azure's default is off; Checkov takes azurerm's default of on), and function apps on dedicated plans are judged too",
  CKV_AZURE_13:
    "judges the apps API Management routes to, and wants WebAppAuthSettingsV2 admitting the gateway's identity only: the classic authsettings (which Checkov accepts when enabled) cannot name allowed principals",
  CKV_AZURE_56: "as CKV_AZURE_13; platform.enabled must be true, as in Checkov's ARM check (absent fails)",
  "Azure.APIM.PolicyBase":
    "as PSRule: each section needs its own <base /> (a missing or empty section fails; commented out or inside <choose> does not count); links and values with no <policies> document are not judged; a document that is not well-formed XML fails, naming the line (PSRule's XML cast stops with an error)",
  "Azure.FrontDoorWAF.RuleGroups":
    "EST-WAF-003 (DRS 2.0 or later) and EST-WAF-004 (Bot Manager 1.0 or later) compare versions as PSRule does, in either order (PSRule expects DRS first, then Bot Manager)",
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
  for (const [title, group] of Object.entries(catalogue)) {
    lines.push(`### ${title}`, "", "| Rule | Estate rule | Why not, or note |", "| --- | --- | --- |");
    if (group.none) lines.push(`| — | — | ${group.none} |`);
    for (const [id, note] of Object.entries(group.rules))
      lines.push(`| \`${id}\` | ${(covered.get(id) ?? []).join(", ") || "—"} | ${note ?? DIFFERENCES[id] ?? ""} |`);
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
    "For a mapped rule, the note says where Estate's verdict differs from the reference's on an edge case the reference documents (absent values, spellings, alternative inputs), and why; each rule's examples hold a fixture per edge case.",
    "Each Estate rule has a page of its own in [rules/](rules/README.md).",
    "",
    ...section("PSRule for Azure (Azure.All baseline)", PSRULE, "psrule"),
    ...section("Checkov", CHECKOV, "checkov"),
    "## Azure Policy built-ins",
    "",
    "Built-in definitions (by id) the rules map; assign them in the subscription to enforce the same intent on resources made outside the estate. Defender for Cloud plans and Service Health alerts are subscription-level and belong to the landing zone.",
    "",
    "| Azure Policy definition | Estate rule |",
    "| --- | --- |",
    ...[...policies.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, rules]) => `| \`${id}\` | ${rules.join(", ")} |`),
    "",
  ].join("\n");
}

if (process.argv[1]?.endsWith("coverage.ts")) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(new URL("../docs/policy-coverage.md", import.meta.url), coverageMarkdown());
  console.log("wrote docs/policy-coverage.md");
}
