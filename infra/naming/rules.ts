/**
 * Cloud Adoption Framework abbreviations and each resource type's naming rules.
 * Lengths and character sets from Azure's "naming rules and restrictions for Azure resources".
 */
import { KUBERNETES_OBJECT_TYPES } from "../catalog/kubernetes.js";

export interface NameRule {
  /** CAF abbreviation, the name's first segment. */
  abbr: string;
  min: number;
  max: number;
  /** Characters and shape Azure accepts for the whole name. */
  pattern: RegExp;
  /** Human wording of `pattern`, used in error messages. */
  allowed: string;
  /** Joins segments; storage accounts allow no separator at all. */
  separator: "-" | "";
  /** The name is a DNS label or otherwise global: it gets a deterministic suffix. */
  globallyUnique: boolean;
  /** The name only has to be unique inside its parent (node pools of a cluster): abbreviation and qualifier, nothing else. */
  scopedToParent?: boolean;
}

const hyphenated = (min: number, max: number, globallyUnique: boolean, abbr: string): NameRule => ({
  abbr,
  min,
  max,
  pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/,
  allowed: "lowercase letters, digits and hyphens, starting and ending with a letter or digit",
  separator: "-",
  globallyUnique,
});

export const NAME_RULES = {
  resourceGroup: hyphenated(1, 90, false, "rg"),
  virtualNetwork: hyphenated(2, 64, false, "vnet"),
  subnet: hyphenated(1, 80, false, "snet"),
  networkSecurityGroup: hyphenated(1, 80, false, "nsg"),
  privateEndpoint: hyphenated(2, 64, false, "pe"),
  frontDoor: hyphenated(1, 90, false, "afd"),
  frontDoorEndpoint: hyphenated(2, 46, true, "fde"),
  wafPolicy: {
    abbr: "waf",
    min: 1,
    max: 128,
    pattern: /^[a-zA-Z][a-zA-Z0-9]*$/,
    allowed: "letters and digits, starting with a letter",
    separator: "",
    globallyUnique: false,
  },
  apiManagement: {
    ...hyphenated(1, 50, true, "apim"),
    pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/,
    allowed: "lowercase letters, digits and hyphens, starting with a letter",
  },
  appServicePlan: hyphenated(1, 60, false, "asp"),
  functionApp: hyphenated(2, 60, true, "func"),
  webApp: hyphenated(2, 60, true, "app"),
  cosmosAccount: hyphenated(3, 44, true, "cosmos"),
  sqlServer: hyphenated(1, 63, true, "sql"),
  // A failover group's name is its listener's DNS label (<name>.database.windows.net); CAF has no abbreviation for it.
  sqlFailoverGroup: hyphenated(1, 63, true, "sqlfg"),
  redis: hyphenated(1, 63, true, "redis"),
  // Flexible server names are DNS labels (<name>.postgres.database.azure.com): 3-63 characters.
  postgresqlServer: hyphenated(3, 63, true, "psql"),
  mysqlServer: hyphenated(3, 63, true, "mysql"),
  storageAccount: {
    abbr: "st",
    min: 3,
    max: 24,
    pattern: /^[a-z0-9]+$/,
    allowed: "lowercase letters and digits only",
    separator: "",
    globallyUnique: true,
  },
  serviceBusNamespace: {
    ...hyphenated(6, 50, true, "sbns"),
    pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/,
    allowed: "lowercase letters, digits and hyphens, starting with a letter",
  },
  // Key Vault allows hyphens, but 24 characters leave no room for them next to the suffix.
  keyVault: {
    abbr: "kv",
    min: 3,
    max: 24,
    pattern: /^[a-z][a-z0-9]*$/,
    allowed: "lowercase letters and digits, starting with a letter",
    separator: "",
    globallyUnique: true,
  },
  // Platform services: each name is the service's DNS label, so globally unique.
  search: hyphenated(2, 60, true, "srch"),
  openAi: hyphenated(2, 64, true, "oai"),
  signalR: {
    ...hyphenated(3, 63, true, "sigr"),
    pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/,
    allowed: "lowercase letters, digits and hyphens, starting with a letter",
  },
  webPubSub: {
    ...hyphenated(3, 63, true, "wps"),
    pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/,
    allowed: "lowercase letters, digits and hyphens, starting with a letter",
  },
  appConfiguration: hyphenated(5, 50, true, "appcs"),
  logAnalytics: hyphenated(4, 63, false, "log"),
  appInsights: hyphenated(1, 255, false, "appi"),
  actionGroup: hyphenated(1, 260, false, "ag"),
  metricAlert: hyphenated(1, 260, false, "alert"),
  autoscaleSetting: hyphenated(1, 260, false, "autoscale"),
  availabilityTest: hyphenated(1, 260, false, "avail"),
  budget: hyphenated(1, 63, false, "budget"),
  // Microsoft.EventGrid/systemTopics: 3-128 alphanumerics and hyphens; eventSubscriptions: 3-64, unique in their topic
  // (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsofteventgrid).
  eventGridSystemTopic: hyphenated(3, 128, false, "egst"),
  eventSubscription: { ...hyphenated(3, 64, false, "evgs"), scopedToParent: true },
  managedIdentity: hyphenated(3, 128, false, "id"),
  privateDnsZoneLink: hyphenated(1, 80, false, "vnetlink"),
  // Microsoft.ContainerService/managedClusters: 1-63 letters, digits, hyphens and underscores; the estate uses no underscores.
  aksCluster: hyphenated(1, 63, false, "aks"),
  // Node pools are named inside their cluster (CAF: `npsystem`, `np<name>`); Linux pools allow
  // 1-12 lowercase letters and digits, starting with a letter
  // (https://learn.microsoft.com/azure/aks/create-node-pools#limitations).
  nodePool: {
    abbr: "np",
    min: 1,
    max: 12,
    pattern: /^[a-z][a-z0-9]*$/,
    allowed: "lowercase letters and digits, starting with a letter",
    separator: "",
    globallyUnique: false,
    scopedToParent: true,
  },
  // Microsoft.Web/staticSites: 1-40 alphanumerics and hyphens; the host name Azure generates is
  // what is globally unique, not the resource name.
  staticSite: hyphenated(1, 40, false, "stapp"),
  // Microsoft.ContainerRegistry/registries: 5-50 alphanumerics, globally unique (<name>.azurecr.io).
  containerRegistry: {
    abbr: "cr",
    min: 5,
    max: 50,
    pattern: /^[a-z0-9]+$/,
    allowed: "lowercase letters and digits only",
    separator: "",
    globallyUnique: true,
  },
  // Microsoft.App/managedEnvironments: 2-60 alphanumerics and hyphens, starting with a letter.
  containerAppsEnvironment: {
    ...hyphenated(2, 60, false, "cae"),
    pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/,
    allowed: "lowercase letters, digits and hyphens, starting with a letter",
  },
  // Microsoft.App/containerApps: 2-32 lowercase letters, digits and hyphens, starting with a letter.
  containerApp: {
    ...hyphenated(2, 32, false, "ca"),
    pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/,
    allowed: "lowercase letters, digits and hyphens, starting with a letter",
  },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** The rule of a segment the namer joins that the stack config chooses. */
export interface ChosenNameRule {
  pattern: RegExp;
  /** Human wording of the rule, used in error messages. */
  allowed: string;
}

/**
 * The segments of the namer's names that the stack config and `estate env` choose. The names of
 * what services use (queues, containers, databases, secrets) have their rules in services/names.ts,
 * which the manifests and the stack config share.
 */
export const CHOSEN_NAME_RULES = {
  workload: { pattern: /^[a-z][a-z0-9]{1,9}$/, allowed: "2-10 lowercase letters or digits, starting with a letter" },
  environment: { pattern: /^[a-z][a-z0-9]{1,7}$/, allowed: "2-8 lowercase letters or digits, starting with a letter" },
} as const satisfies Record<string, ChosenNameRule>;

/** The Pulumi types whose Azure names each rule makes (function and web apps are both `WebApp`). */
export const NAMED_TYPES: Readonly<Record<NameKind, string | readonly string[]>> = {
  resourceGroup: "azure-native:resources:ResourceGroup",
  virtualNetwork: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  networkSecurityGroup: "azure-native:network:NetworkSecurityGroup",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  frontDoor: "azure-native:cdn:Profile",
  frontDoorEndpoint: "azure-native:cdn:AFDEndpoint",
  wafPolicy: "azure-native:frontdoor:Policy",
  apiManagement: "azure-native:apimanagement:ApiManagementService",
  appServicePlan: "azure-native:web:AppServicePlan",
  functionApp: "azure-native:web:WebApp",
  webApp: "azure-native:web:WebApp",
  cosmosAccount: "azure-native:cosmosdb:DatabaseAccount",
  sqlServer: "azure-native:sql:Server",
  sqlFailoverGroup: "azure-native:sql:FailoverGroup",
  redis: "azure-native:redis:Redis",
  postgresqlServer: "azure-native:dbforpostgresql:Server",
  mysqlServer: "azure-native:dbformysql:Server",
  storageAccount: "azure-native:storage:StorageAccount",
  serviceBusNamespace: "azure-native:servicebus:Namespace",
  keyVault: "azure-native:keyvault:Vault",
  search: "azure-native:search:Service",
  openAi: "azure-native:cognitiveservices:Account",
  signalR: "azure-native:signalrservice:SignalR",
  webPubSub: "azure-native:webpubsub:WebPubSub",
  appConfiguration: "azure-native:appconfiguration:ConfigurationStore",
  logAnalytics: "azure-native:operationalinsights:Workspace",
  appInsights: "azure-native:applicationinsights:Component",
  actionGroup: "azure-native:monitor:ActionGroup",
  // Log search alerts are named like the metric alerts they sit beside.
  metricAlert: ["azure-native:monitor:MetricAlert", "azure-native:monitor:ScheduledQueryRule"],
  autoscaleSetting: "azure-native:monitor:AutoscaleSetting",
  availabilityTest: "azure-native:applicationinsights:WebTest",
  budget: "azure-native:consumption:Budget",
  eventGridSystemTopic: "azure-native:eventgrid:SystemTopic",
  eventSubscription: "azure-native:eventgrid:SystemTopicEventSubscription",
  managedIdentity: "azure-native:managedidentity:UserAssignedIdentity",
  privateDnsZoneLink: "azure-native:privatedns:VirtualNetworkLink",
  aksCluster: "azure-native:containerservice:ManagedCluster",
  nodePool: "azure-native:containerservice:AgentPool",
  staticSite: "azure-native:web:StaticSite",
  containerRegistry: "azure-native:containerregistry:Registry",
  containerAppsEnvironment: "azure-native:app:ManagedEnvironment",
  containerApp: "azure-native:app:ContainerApp",
};

const FROM_CONFIG = "named in the stack config or a service manifest, checked there against Azure's rule";
const FIXED = "Azure fixes the name of this singleton child (default, current, policy, ActiveDirectory...)";
const GUID = "named by a GUID derived from its scope and principal, as Azure requires";
const IN_PARENT = "a child named for its purpose inside its parent, which carries the CAF name";
const NOT_AZURE = "not an Azure resource: Entra ID, Kubernetes or Pulumi-only";

/**
 * Types of infra/catalog that no rule above names (besides those the catalog marks `undeclared`), and why:
 * a new catalog type is in NAMED_TYPES or here (test/catalog-places.test.ts checks it).
 */
export const NOT_NAMED_BY_NAMER: Readonly<Record<string, string>> = {
  "azure-native:authorization:RoleAssignment": GUID,
  "azure-native:cosmosdb:SqlResourceSqlRoleAssignment": GUID,
  "azure-native:redis:AccessPolicyAssignment": GUID,
  "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra":
    "named by the Entra administrator's object id, as Azure requires",
  "azure-native:dbformysql:AzureADAdministrator": FIXED,
  "azure-native:network:PrivateDnsZoneGroup": FIXED,
  "azure-native:storage:BlobServiceProperties": FIXED,
  "azure-native:storage:ManagementPolicy": FIXED,
  "azure-native:sql:ServerBlobAuditingPolicy": FIXED,
  "azure-native:sql:ServerSecurityAlertPolicy": FIXED,
  "azure-native:sql:TransparentDataEncryption": FIXED,
  "azure-native:sql:BackupShortTermRetentionPolicy": FIXED,
  "azure-native:sql:LongTermRetentionPolicy": FIXED,
  "azure-native:apimanagement:ApiPolicy": FIXED,
  "azure-native:apimanagement:ApiOperationPolicy": FIXED,
  "azure-native:apimanagement:Policy": FIXED,
  "azure-native:web:WebAppAuthSettingsV2": FIXED,
  "azure-native:privatedns:PrivateZone": "Azure fixes the zone name of each private-link service (privatelink.*)",
  "azure-native:privatedns:PrivateRecordSet": "the record's name is the host it resolves, inside its zone",
  "azure-native:web:StaticSiteCustomDomain": "named by the custom domain's host name",
  "azure-native:redis:LinkedServer": "named by the linked (secondary) cache, which carries the CAF name",
  "azure-native:sql:Database": FROM_CONFIG,
  "azure-native:cosmosdb:SqlResourceSqlDatabase": FROM_CONFIG,
  "azure-native:cosmosdb:SqlResourceSqlContainer": FROM_CONFIG,
  "azure-native:storage:BlobContainer": FROM_CONFIG,
  "azure-native:servicebus:Queue": FROM_CONFIG,
  "azure-native:keyvault:Secret": FROM_CONFIG,
  "azure-native:dbforpostgresql:Database": FROM_CONFIG,
  "azure-native:dbformysql:Database": FROM_CONFIG,
  "azure-native:cognitiveservices:Deployment": FROM_CONFIG,
  "azure-native:dbforpostgresql:Configuration": "named by the server parameter it sets",
  "azure-native:dbformysql:Configuration": "named by the server parameter it sets",
  "azure-native:authorization:ManagementLockByScope": IN_PARENT,
  "azure-native:monitor:DiagnosticSetting": IN_PARENT,
  "azure-native:cdn:AFDOriginGroup": IN_PARENT,
  "azure-native:cdn:AFDOrigin": IN_PARENT,
  "azure-native:cdn:Route": IN_PARENT,
  "azure-native:cdn:AFDCustomDomain": IN_PARENT,
  "azure-native:cdn:RuleSet": IN_PARENT,
  "azure-native:cdn:Rule": IN_PARENT,
  "azure-native:cdn:SecurityPolicy": IN_PARENT,
  "azure-native:apimanagement:Api": IN_PARENT,
  "azure-native:apimanagement:ApiOperation": IN_PARENT,
  "azure-native:apimanagement:Logger": IN_PARENT,
  "azure-native:apimanagement:Diagnostic": IN_PARENT,
  "azure-native:apimanagement:Backend": IN_PARENT,
  "azure-native:web:WebAppSlot": IN_PARENT,
  "azure-native:web:StaticSiteLinkedBackend": IN_PARENT,
  "azure-native:cognitiveservices:RaiPolicy": IN_PARENT,
  "azure-native:managedidentity:FederatedIdentityCredential": IN_PARENT,
  "random:index/randomPassword:RandomPassword": NOT_AZURE,
  "command:local:Command": NOT_AZURE,
  "azure-native:storage:StorageAccountStaticWebsite":
    "a setting of its storage account's blob service, with no name of its own",
  "azure-native:storage:Blob": "named by the site file's path inside $web",
  "azuread:index/application:Application": NOT_AZURE,
  "azuread:index/servicePrincipal:ServicePrincipal": NOT_AZURE,
  "azuread:index/appRoleAssignment:AppRoleAssignment": NOT_AZURE,
  "pulumi:providers:kubernetes": NOT_AZURE,
  ...Object.fromEntries(KUBERNETES_OBJECT_TYPES.map((type) => [type, NOT_AZURE])),
};
