import { CATALOG, isTaggable } from "../infra/catalog/index.js";

/** The azure-native v3 type tokens the rules judge (from each resource's `__pulumiType`). */
export const T = {
  resourceGroup: "azure-native:resources:ResourceGroup",
  virtualNetwork: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  nsg: "azure-native:network:NetworkSecurityGroup",
  securityRule: "azure-native:network:SecurityRule",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  privateDnsZoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  privateZone: "azure-native:privatedns:PrivateZone",
  vnetLink: "azure-native:privatedns:VirtualNetworkLink",
  privateRecordSet: "azure-native:privatedns:PrivateRecordSet",
  publicIp: "azure-native:network:PublicIPAddress",
  storageAccount: "azure-native:storage:StorageAccount",
  blobService: "azure-native:storage:BlobServiceProperties",
  blobContainer: "azure-native:storage:BlobContainer",
  storagePolicy: "azure-native:storage:ManagementPolicy",
  /** A storage account's static website and the files it serves (infra/static/storage-website.ts). */
  staticWebsite: "azure-native:storage:StorageAccountStaticWebsite",
  blob: "azure-native:storage:Blob",
  cosmosAccount: "azure-native:cosmosdb:DatabaseAccount",
  cosmosSqlDatabase: "azure-native:cosmosdb:SqlResourceSqlDatabase",
  cosmosSqlContainer: "azure-native:cosmosdb:SqlResourceSqlContainer",
  cosmosSqlRoleAssignment: "azure-native:cosmosdb:SqlResourceSqlRoleAssignment",
  sqlServer: "azure-native:sql:Server",
  sqlDatabase: "azure-native:sql:Database",
  sqlFailoverGroup: "azure-native:sql:FailoverGroup",
  sqlFirewallRule: "azure-native:sql:FirewallRule",
  sqlAuditing: "azure-native:sql:ServerBlobAuditingPolicy",
  sqlAlertPolicy: "azure-native:sql:ServerSecurityAlertPolicy",
  sqlTde: "azure-native:sql:TransparentDataEncryption",
  sqlAdAdmin: "azure-native:sql:ServerAzureADAdministrator",
  sqlAdOnly: "azure-native:sql:ServerAzureADOnlyAuthentication",
  redis: "azure-native:redis:Redis",
  cacheRedis: "azure-native:cache:Redis",
  redisLinkedServer: "azure-native:redis:LinkedServer",
  redisAccessPolicyAssignment: "azure-native:redis:AccessPolicyAssignment",
  psqlServer: "azure-native:dbforpostgresql:Server",
  psqlConfiguration: "azure-native:dbforpostgresql:Configuration",
  psqlDatabase: "azure-native:dbforpostgresql:Database",
  mysqlServer: "azure-native:dbformysql:Server",
  mysqlConfiguration: "azure-native:dbformysql:Configuration",
  mysqlDatabase: "azure-native:dbformysql:Database",
  mysqlAdmin: "azure-native:dbformysql:AzureADAdministrator",
  psqlAdmin: "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra",
  serviceBus: "azure-native:servicebus:Namespace",
  queue: "azure-native:servicebus:Queue",
  keyVault: "azure-native:keyvault:Vault",
  secret: "azure-native:keyvault:Secret",
  frontDoor: "azure-native:cdn:Profile",
  afdEndpoint: "azure-native:cdn:AFDEndpoint",
  afdOriginGroup: "azure-native:cdn:AFDOriginGroup",
  afdOrigin: "azure-native:cdn:AFDOrigin",
  afdRoute: "azure-native:cdn:Route",
  afdCustomDomain: "azure-native:cdn:AFDCustomDomain",
  afdSecurityPolicy: "azure-native:cdn:SecurityPolicy",
  wafPolicy: "azure-native:frontdoor:Policy",
  apim: "azure-native:apimanagement:ApiManagementService",
  api: "azure-native:apimanagement:Api",
  apiOperation: "azure-native:apimanagement:ApiOperation",
  apiPolicy: "azure-native:apimanagement:ApiPolicy",
  apiOperationPolicy: "azure-native:apimanagement:ApiOperationPolicy",
  apimPolicy: "azure-native:apimanagement:Policy",
  product: "azure-native:apimanagement:Product",
  productPolicy: "azure-native:apimanagement:ProductPolicy",
  apimBackend: "azure-native:apimanagement:Backend",
  namedValue: "azure-native:apimanagement:NamedValue",
  apimLogger: "azure-native:apimanagement:Logger",
  apimDiagnostic: "azure-native:apimanagement:Diagnostic",
  appServicePlan: "azure-native:web:AppServicePlan",
  webApp: "azure-native:web:WebApp",
  webAppSlot: "azure-native:web:WebAppSlot",
  webAppAuth: "azure-native:web:WebAppAuthSettingsV2",
  autoscale: "azure-native:monitor:AutoscaleSetting",
  workspace: "azure-native:operationalinsights:Workspace",
  appInsights: "azure-native:applicationinsights:Component",
  webTest: "azure-native:applicationinsights:WebTest",
  diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
  metricAlert: "azure-native:monitor:MetricAlert",
  logAlert: "azure-native:monitor:ScheduledQueryRule",
  sqlBackupRetention: "azure-native:sql:BackupShortTermRetentionPolicy",
  sqlLongTermRetention: "azure-native:sql:LongTermRetentionPolicy",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  /** The estate's package uploads (infra/compute/deploy.ts). */
  localCommand: "command:local:Command",
  actionGroup: "azure-native:monitor:ActionGroup",
  budget: "azure-native:consumption:Budget",
  lock: "azure-native:authorization:ManagementLockByScope",
  search: "azure-native:search:Service",
  cognitiveAccount: "azure-native:cognitiveservices:Account",
  openAiDeployment: "azure-native:cognitiveservices:Deployment",
  raiPolicy: "azure-native:cognitiveservices:RaiPolicy",
  signalR: "azure-native:signalrservice:SignalR",
  webPubSub: "azure-native:webpubsub:WebPubSub",
  appConfiguration: "azure-native:appconfiguration:ConfigurationStore",
  aksCluster: "azure-native:containerservice:ManagedCluster",
  aksNodePool: "azure-native:containerservice:AgentPool",
  userAssignedIdentity: "azure-native:managedidentity:UserAssignedIdentity",
  federatedIdentityCredential: "azure-native:managedidentity:FederatedIdentityCredential",
  afdRuleSet: "azure-native:cdn:RuleSet",
  afdRule: "azure-native:cdn:Rule",
  staticSite: "azure-native:web:StaticSite",
  staticSiteDomain: "azure-native:web:StaticSiteCustomDomain",
  staticSiteBackend: "azure-native:web:StaticSiteLinkedBackend",
  containerRegistry: "azure-native:containerregistry:Registry",
  containerEnvironment: "azure-native:app:ManagedEnvironment",
  containerApp: "azure-native:app:ContainerApp",
  eventGridSystemTopic: "azure-native:eventgrid:SystemTopic",
  eventSubscription: "azure-native:eventgrid:SystemTopicEventSubscription",
} as const;

/** Data services: reachable only through private endpoints, never from the internet. */
export const DATA_SERVICES = [
  T.storageAccount,
  T.cosmosAccount,
  T.sqlServer,
  T.redis,
  T.cacheRedis,
  T.psqlServer,
  T.mysqlServer,
  T.serviceBus,
  T.keyVault,
];

/** Platform services (infra/platform): private-only like the data services, never on the internet. */
export const PLATFORM_SERVICES = [T.search, T.cognitiveAccount, T.signalR, T.webPubSub, T.appConfiguration];

/** Everything reached only through a private endpoint. */
export const PRIVATE_ONLY = [...DATA_SERVICES, ...PLATFORM_SERVICES];

/** Resources that emit platform logs or metrics through diagnostic settings. */
export const DIAGNOSABLE = [
  T.virtualNetwork,
  T.nsg,
  T.publicIp,
  T.storageAccount,
  T.cosmosAccount,
  T.sqlDatabase,
  T.redis,
  T.cacheRedis,
  T.psqlServer,
  T.mysqlServer,
  T.serviceBus,
  T.keyVault,
  T.frontDoor,
  T.apim,
  T.appServicePlan,
  T.webApp,
  T.workspace,
  ...PLATFORM_SERVICES,
  T.aksCluster,
  T.containerRegistry,
  T.containerEnvironment,
  T.containerApp,
];

/** Of those, the ones with an `audit` log category group: their settings must carry audit logs. */
export const AUDITABLE = [
  T.storageAccount,
  T.cosmosAccount,
  T.sqlDatabase,
  T.redis,
  T.cacheRedis,
  T.psqlServer,
  T.mysqlServer,
  T.serviceBus,
  T.keyVault,
  T.frontDoor,
  T.apim,
  T.webApp,
  T.workspace,
  T.cognitiveAccount,
  T.appConfiguration,
  T.aksCluster,
  T.containerRegistry,
];

/**
 * Tokens of azure-native releases before v3 for types the catalog knows under their v3 token: a program
 * still on the older provider declares these, and the rules judge them as the v3 type.
 */
export const PRE_V3_TOKENS: Readonly<Record<string, string>> = {
  // azure-native v2 had Redis in the `cache` module; v3 moved it to `redis`.
  [T.cacheRedis]: T.redis,
};

/** The types the catalog (infra/catalog) marks taggable, and their pre-v3 tokens: tags and regions are checked on these. */
export const TAGGED: string[] = [
  ...Object.keys(CATALOG).filter(isTaggable),
  ...Object.keys(PRE_V3_TOKENS).filter((token) => isTaggable(PRE_V3_TOKENS[token]!)),
];

/** Resources that live in a region (global resources such as Front Door and DNS zones are not listed). */
export const REGIONAL = TAGGED.filter(
  (type) =>
    !(
      [
        T.privateZone,
        T.vnetLink,
        T.frontDoor,
        T.afdEndpoint,
        T.wafPolicy,
        T.metricAlert,
        T.logAlert,
        T.actionGroup,
      ] as string[]
    ).includes(type),
);
