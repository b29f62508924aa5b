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
  publicIp: "azure-native:network:PublicIPAddress",
  storageAccount: "azure-native:storage:StorageAccount",
  blobService: "azure-native:storage:BlobServiceProperties",
  blobContainer: "azure-native:storage:BlobContainer",
  storagePolicy: "azure-native:storage:ManagementPolicy",
  cosmosAccount: "azure-native:cosmosdb:DatabaseAccount",
  sqlServer: "azure-native:sql:Server",
  sqlDatabase: "azure-native:sql:Database",
  sqlFirewallRule: "azure-native:sql:FirewallRule",
  sqlAuditing: "azure-native:sql:ServerBlobAuditingPolicy",
  sqlAlertPolicy: "azure-native:sql:ServerSecurityAlertPolicy",
  sqlTde: "azure-native:sql:TransparentDataEncryption",
  redis: "azure-native:redis:Redis",
  cacheRedis: "azure-native:cache:Redis",
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
  roleAssignment: "azure-native:authorization:RoleAssignment",
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
} as const;

/** Data services: reachable only through private endpoints, never from the internet. */
export const DATA_SERVICES = [T.storageAccount, T.cosmosAccount, T.sqlServer, T.redis, T.cacheRedis, T.serviceBus, T.keyVault];

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
  T.serviceBus,
  T.keyVault,
  T.frontDoor,
  T.apim,
  T.appServicePlan,
  T.webApp,
  T.workspace,
  ...PLATFORM_SERVICES,
];

/** Of those, the ones with an `audit` log category group: their settings must carry audit logs. */
export const AUDITABLE = [T.storageAccount, T.cosmosAccount, T.sqlDatabase, T.redis, T.cacheRedis, T.serviceBus, T.keyVault, T.frontDoor, T.apim, T.webApp, T.workspace, T.cognitiveAccount, T.appConfiguration];

/** Taggable, located resources: tags, regions and names are checked on these. */
export const TAGGED = [
  T.resourceGroup,
  T.virtualNetwork,
  T.nsg,
  T.privateEndpoint,
  T.privateZone,
  T.publicIp,
  T.storageAccount,
  T.cosmosAccount,
  T.sqlServer,
  T.sqlDatabase,
  T.redis,
  T.cacheRedis,
  T.serviceBus,
  T.keyVault,
  T.frontDoor,
  T.wafPolicy,
  T.apim,
  T.appServicePlan,
  T.webApp,
  T.workspace,
  T.appInsights,
  T.webTest,
  T.metricAlert,
  T.logAlert,
  T.actionGroup,
  ...PLATFORM_SERVICES,
];

/** Resources that live in a region (global resources such as Front Door and DNS zones are not listed). */
export const REGIONAL = TAGGED.filter(
  (type) => !([T.privateZone, T.frontDoor, T.wafPolicy, T.metricAlert, T.logAlert, T.actionGroup] as string[]).includes(type),
);
