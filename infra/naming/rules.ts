/**
 * Cloud Adoption Framework abbreviations and each resource type's naming rules.
 * Lengths and character sets from Azure's "naming rules and restrictions for Azure resources".
 */
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
  sqlDatabase: hyphenated(1, 128, false, "sqldb"),
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
