import { KUBERNETES_OBJECT_TYPES } from "../../infra/catalog/kubernetes.js";
import { idName, type Plan, type PlanResource } from "../plan/schema.js";

/** One meter a resource runs all month: `quantity` units (instances, vCores, 100 RU/s, zones...). */
export interface Charge {
  meter: string;
  quantity: number;
  /**
   * Where the meter runs when not in the resource's own location: `global` for meters priced once
   * for the world (Front Door), or another region for a resource's copy there (a Cosmos DB account's
   * second region, a Service Bus replica, a failover group's geo-secondary databases).
   */
  region?: string;
  note?: string;
}

/** A meter a resource bills per use; `region` and `note` as for a Charge (a copy's region, what it meters). */
export interface UsageMeter {
  meter: string;
  region?: string;
  note?: string;
}

/** How a resource is billed, decided from its type token and SKU/capacity inputs. */
export type Pricing =
  | { kind: "priced"; charges: Charge[] }
  | { kind: "free"; reason: string }
  | { kind: "usage"; meters: UsageMeter[]; reason: string }
  | { kind: "unknown"; reason: string };

export interface RuleContext {
  plan: Plan;
  /** Another resource of the plan by type and Azure name (e.g. the Cosmos account of a container). */
  find(type: string, physicalName: string): PlanResource | undefined;
}

type Rule = (inputs: Record<string, any>, context: RuleContext) => Pricing;

const free = (reason: string): Pricing => ({ kind: "free", reason });
const priced = (...charges: Charge[]): Pricing => ({ kind: "priced", charges });
const usage = (meter: string | UsageMeter[], reason: string): Pricing => ({
  kind: "usage",
  meters: typeof meter === "string" ? [{ meter }] : meter,
  reason,
});
const unknown = (reason: string): Pricing => ({ kind: "unknown", reason });

/**
 * Resources Azure does not bill for, or bills through another resource: free, with the reason.
 * Catalog types only (rules.test.ts): a type nothing declares has no place here.
 */
export const FREE_TYPES: Readonly<Record<string, string>> = {
  "azure-native:resources:ResourceGroup": "resource groups are free",
  "azure-native:network:VirtualNetwork": "virtual networks are free (peering and gateways are billed separately)",
  "azure-native:network:Subnet": "subnets are free",
  "azure-native:network:NetworkSecurityGroup": "network security groups are free",
  "azure-native:network:SecurityRule": "security rules are part of their network security group, which is free",
  "azure-native:network:PrivateDnsZoneGroup": "DNS zone groups are free",
  "azure-native:privatedns:VirtualNetworkLink": "private DNS zone links are free",
  "azure-native:privatedns:PrivateRecordSet": "records are included in the zone",
  "azure-native:authorization:RoleAssignment": "role assignments are free",
  "azure-native:authorization:ManagementLockByScope": "locks are free",
  "azure-native:monitor:DiagnosticSetting": "the setting is free; ingestion is billed by the Log Analytics workspace",
  "azure-native:monitor:ActionGroup": "action groups are free (SMS and voice notifications are billed per use)",
  "azure-native:consumption:Budget": "budgets are free",
  "azure-native:eventgrid:SystemTopicEventSubscription": "billed as operations of its Event Grid system topic",
  // "Autoscale ... no charge": https://learn.microsoft.com/azure/azure-monitor/autoscale/autoscale-overview (the resource it scales is billed).
  "azure-native:monitor:AutoscaleSetting": "autoscale settings are free; the instances they add are billed by the plan",
  "azure-native:applicationinsights:Component": "workspace-based: telemetry is billed as Log Analytics ingestion",
  // Slots run on the app's plan at no extra charge: https://learn.microsoft.com/azure/app-service/deploy-staging-slots
  "azure-native:web:WebAppSlot": "runs on its app's App Service plan, billed there",
  "azure-native:cdn:AFDEndpoint":
    "included in the Front Door profile's base fee (requests and egress are billed per use)",
  "azure-native:cdn:AFDOriginGroup": "included in the Front Door profile's base fee",
  "azure-native:cdn:AFDOrigin": "included in the Front Door profile's base fee",
  "azure-native:cdn:AFDCustomDomain": "included in the Front Door profile's base fee",
  "azure-native:cdn:Route": "included in the Front Door profile's base fee",
  "azure-native:cdn:RuleSet": "included in the Front Door profile's base fee",
  "azure-native:cdn:Rule": "included in the Front Door profile's base fee",
  "azure-native:cdn:SecurityPolicy": "included in the Front Door profile's base fee",
  "azure-native:frontdoor:Policy": "WAF policies are included in Front Door Standard/Premium",
  "azure-native:sql:Server": "logical servers are free; databases are billed",
  "azure-native:sql:ServerBlobAuditingPolicy": "auditing is free (the audit log storage is billed)",
  "azure-native:sql:FirewallRule": "firewall rules are free",
  "azure-native:sql:ServerAzureADOnlyAuthentication": "free",
  "azure-native:sql:ServerAzureADAdministrator": "free",
  "azure-native:sql:ServerSecurityAlertPolicy":
    "the alert policy is free (Microsoft Defender for SQL is a subscription plan, billed there)",
  "azure-native:sql:TransparentDataEncryption": "TDE is free",
  "azure-native:sql:BackupShortTermRetentionPolicy": "point-in-time backup storage up to the database size is included",
  "azure-native:sql:LongTermRetentionPolicy": "the policy is free (long-term backup storage is billed per GB)",
  "azure-native:cosmosdb:SqlResourceSqlRoleAssignment": "data-plane role assignments are free",
  "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": "free",
  "azure-native:dbforpostgresql:Configuration": "server parameters are free",
  "azure-native:dbforpostgresql:Database": "billed through its flexible server",
  "azure-native:dbformysql:AzureADAdministrator": "free",
  "azure-native:dbformysql:Configuration": "server parameters are free",
  "azure-native:dbformysql:Database": "billed through its flexible server",
  "azure-native:managedidentity:UserAssignedIdentity": "managed identities are free",
  "azure-native:servicebus:Queue": "included in the namespace",
  "azure-native:storage:BlobContainer": "billed through the storage account's data stored",
  "azure-native:storage:BlobServiceProperties": "billed through the storage account",
  "azure-native:storage:ManagementPolicy": "lifecycle policies are free (tier changes billed per operation)",
  "azure-native:keyvault:Secret": "billed through the vault's operations",
  "azure-native:apimanagement:Api": "included in the API Management service",
  "azure-native:apimanagement:ApiPolicy": "included in the API Management service",
  "azure-native:apimanagement:ApiOperation": "included in the API Management service",
  "azure-native:apimanagement:ApiOperationPolicy": "included in the API Management service",
  "azure-native:apimanagement:Backend": "included in the API Management service",
  "azure-native:apimanagement:NamedValue": "included in the API Management service",
  "azure-native:apimanagement:Logger": "included in the API Management service",
  "azure-native:apimanagement:Diagnostic": "included in the API Management service",
  "azure-native:apimanagement:Policy": "included in the API Management service",
  "azure-native:apimanagement:Product": "included in the API Management service",
  "azure-native:apimanagement:ProductPolicy": "included in the API Management service",
  "azure-native:web:WebAppAuthSettingsV2": "App Service authentication is included in the plan",
  "azure-native:cognitiveservices:RaiPolicy": "content filter policies are included in the Azure OpenAI account",
  "azuread:index/application:Application": "Entra ID app registrations are free",
  "azuread:index/servicePrincipal:ServicePrincipal": "Entra ID service principals are free",
  "azuread:index/appRoleAssignment:AppRoleAssignment": "Entra ID app role assignments are free",
  "command:local:Command": "runs a command on the deploying machine; not an Azure resource",
  // "You can enable static website hosting free of charge. You're billed only for the blob storage that your site utilizes and operations costs": https://learn.microsoft.com/azure/storage/blobs/storage-blob-static-website#pricing
  "azure-native:storage:StorageAccountStaticWebsite":
    "static website hosting is free; its blobs and requests are billed as the storage account's",
  "azure-native:storage:Blob": "billed as the storage account's capacity and operations",
  "random:index/randomPassword:RandomPassword": "generated locally by Pulumi; not an Azure resource",
  "azure-native:redis:AccessPolicyAssignment": "Entra ID data access policy assignments are free",
  // https://azure.microsoft.com/pricing/details/cache/: the linked cache bills as a cache; data moved between regions per GB.
  "azure-native:redis:LinkedServer":
    "the geo-replication link is free; the linked cache is billed as a cache and cross-region transfer per GB",
  "azure-native:managedidentity:FederatedIdentityCredential": "federated identity credentials are free",
  "pulumi:providers:kubernetes": "applies Kubernetes objects to the cluster; not an Azure resource",
  // A SecretProviderClass's reads are Key Vault operations, usage-billed with the vault.
  ...Object.fromEntries(
    KUBERNETES_OBJECT_TYPES.map((type) => [type, "runs on the cluster's nodes, billed through its node pools"]),
  ),
  "kubernetes:core/v1:Service":
    "runs on the cluster's nodes; an internal load balancer Service adds rules to the cluster's Standard Load Balancer, billed with it (not estimated)",
  "azure-native:web:StaticSiteCustomDomain":
    "custom domains and their managed certificates are included in the static site's plan",
  "azure-native:web:StaticSiteLinkedBackend":
    "linking is included in the Standard plan; the backend is billed on its own",
};

const skuName = (inputs: Record<string, any>): string | undefined =>
  typeof inputs.sku === "string" ? inputs.sku : inputs.sku?.name;
const count = (value: unknown, fallback: number): number => (typeof value === "number" && value > 0 ? value : fallback);

/** Rules for the types Azure bills by SKU and capacity; catalog types only (rules.test.ts), as FREE_TYPES. */
const RULES: Record<string, Rule> = {
  "azure-native:cdn:Profile": (inputs) => {
    const sku = skuName(inputs);
    if (sku === "Standard_AzureFrontDoor" || sku === "Premium_AzureFrontDoor") {
      return priced({
        meter: `frontdoor.${sku}`,
        quantity: 1,
        region: "global",
        note: "base fee; requests and egress billed per use",
      });
    }
    return unknown(`no price for CDN profile SKU ${sku ?? "(none)"}`);
  },
  "azure-native:apimanagement:ApiManagementService": (inputs) => {
    const sku = skuName(inputs);
    if (sku === "Consumption") return usage("apim.Consumption", "Consumption tier bills per call");
    const unitsOf = (where: { sku?: { capacity?: unknown }; zones?: unknown }) => {
      const units = count(where.sku?.capacity, 1);
      const zones = Array.isArray(where.zones) && where.zones.length ? ` across ${where.zones.length} zones` : "";
      return { units, note: `${units} unit${units === 1 ? "" : "s"}${zones}` };
    };
    const primary = unitsOf(inputs);
    // A Premium instance's additional locations bill their own units at the Premium unit price, in
    // their region (https://azure.microsoft.com/pricing/details/api-management/).
    const extra = (
      (inputs.additionalLocations ?? []) as Array<{ location?: string; sku?: { capacity?: unknown }; zones?: unknown }>
    ).filter((l) => l.location);
    return priced(
      { meter: `apim.${sku}`, quantity: primary.units, note: primary.note },
      ...extra.map((l) => {
        const { units, note } = unitsOf(l);
        return {
          meter: `apim.${sku}`,
          quantity: units,
          region: l.location,
          note: `${note}, additional location ${l.location}`,
        };
      }),
    );
  },
  "azure-native:web:AppServicePlan": (inputs) => {
    const sku = skuName(inputs) ?? "";
    if (sku === "Y1" || sku === "FC1") return usage(`appservice.${sku}`, "consumption plans bill per execution");
    // Zone-redundant plans run at least three instances; Elastic Premium keeps sku.capacity always ready.
    const instances = Math.max(count(inputs.sku?.capacity, 1), inputs.zoneRedundant ? 3 : 1);
    const note = `${instances} instance${instances === 1 ? "" : "s"}${inputs.zoneRedundant ? ", zone redundant" : ""}`;
    if (/^EP\d$/.test(sku)) return priced({ meter: `appservice.${sku}`, quantity: instances, note });
    const os = inputs.reserved || /linux/i.test(String(inputs.kind ?? "")) ? "linux" : "windows";
    return priced({ meter: `appservice.${os}.${sku}`, quantity: instances, note });
  },
  "azure-native:web:WebApp": flexAlwaysReady,
  "azure-native:cosmosdb:DatabaseAccount": (inputs) => cosmosAccount(inputs),
  "azure-native:cosmosdb:SqlResourceSqlDatabase": (inputs, context) => cosmosThroughput(inputs, context),
  "azure-native:cosmosdb:SqlResourceSqlContainer": (inputs, context) => cosmosThroughput(inputs, context),
  "azure-native:sql:Database": (inputs) => sqlDatabase(inputs),
  // "Secondary databases are charged as single databases" (Azure SQL pricing); the group itself has no fee.
  "azure-native:sql:FailoverGroup": (inputs, context) => failoverGroupSecondaries(inputs, context),
  "azure-native:dbforpostgresql:Server": (inputs) => flexibleServer("postgresql", inputs),
  "azure-native:dbformysql:Server": (inputs) => flexibleServer("mysql", inputs),
  // Caches bill per node (https://learn.microsoft.com/azure/azure-cache-for-redis/cache-reserved-pricing:
  // "sold in increments of nodes", two a Premium cache by default). A shard's meter is its two nodes,
  // the primary and one replica; each further replica (replicasPerPrimary 2-3) adds a node, half of it.
  "azure-native:redis:Redis": (inputs) => {
    const sku = inputs.sku ?? {};
    const premium = sku.name === "Premium";
    const shards = premium ? count(inputs.shardCount, 1) : 1;
    const replicas = premium ? count(inputs.replicasPerPrimary ?? inputs.replicasPerMaster, 1) : 1;
    const shardsNote = `${shards} shard${shards === 1 ? "" : "s"}`;
    return priced({
      meter: `redis.${sku.name}.${sku.family}${sku.capacity}`,
      quantity: (shards * (1 + replicas)) / 2,
      note: replicas === 1 ? shardsNote : `${shardsNote} of ${1 + replicas} nodes (primary and ${replicas} replicas)`,
    });
  },
  "azure-native:servicebus:Namespace": (inputs) => {
    const sku = skuName(inputs);
    if (sku === "Basic") return usage("servicebus.Basic", "Basic bills per operation");
    if (sku === "Premium") {
      const units = count(inputs.sku?.capacity, 1);
      const note = `${units} messaging unit${units === 1 ? "" : "s"}`;
      // Geo-replication runs the namespace's messaging units in every replica's region, each billed
      // there (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-geo-replication#pricing).
      const replicas = (
        (inputs.geoDataReplication?.locations ?? []) as Array<{ locationName?: string; roleType?: string }>
      ).filter((l) => l.roleType === "Secondary" && l.locationName);
      return priced(
        { meter: "servicebus.Premium", quantity: units, note },
        ...replicas.map((l) => ({
          meter: "servicebus.Premium",
          quantity: units,
          region: l.locationName,
          note: `${note}, geo-replica in ${l.locationName}`,
        })),
      );
    }
    return priced({
      meter: `servicebus.${sku}`,
      quantity: 1,
      note: "base unit; operations beyond the included 13M billed per use",
    });
  },
  "azure-native:web:StaticSite": (inputs) => {
    const sku = skuName(inputs);
    if (sku === "Free") return free("the Free plan costs nothing (no SLA, no private endpoint, no linked backend)");
    // One price per app wherever the site's resource lives: its content is served from the global edge.
    if (sku === "Standard")
      return priced({
        meter: "staticwebapps.Standard",
        quantity: 1,
        region: "global",
        note: "per app; bandwidth over 100 GB billed per GB",
      });
    return unknown(`no price for static site SKU ${sku ?? "(none)"}`);
  },
  "azure-native:containerregistry:Registry": (inputs) => {
    const sku = skuName(inputs);
    if (sku === "Basic" || sku === "Standard" || sku === "Premium") {
      return priced({
        meter: `acr.${sku}`,
        quantity: 1,
        note: "daily registry unit; storage beyond the included GB billed per use",
      });
    }
    return unknown(`no price for container registry SKU ${sku ?? "(none)"}`);
  },
  "azure-native:app:ManagedEnvironment": (inputs) => {
    const profiles: Array<{ workloadProfileType?: string }> = inputs.workloadProfiles ?? [];
    const dedicated = profiles.filter((p) => p.workloadProfileType !== "Consumption");
    if (!dedicated.length) return free("a Consumption-only environment has no fee; its apps bill per use");
    return unknown(
      `no price for dedicated workload profiles ${dedicated.map((p) => p.workloadProfileType).join(", ")}`,
    );
  },
  "azure-native:app:ContainerApp": (inputs) => containerApp(inputs),
  "azure-native:keyvault:Vault": () => usage("keyvault.operations", "vaults bill per operation"),
  // Event Grid bills operations (events published and delivered), the first 100,000 a month free: https://azure.microsoft.com/pricing/details/event-grid/
  "azure-native:eventgrid:SystemTopic": () =>
    usage("eventgrid.operations", "system topics bill per operation (the first 100,000 a month are free)"),
  "azure-native:network:PrivateEndpoint": () =>
    priced({ meter: "privatelink.endpoint", quantity: 1, note: "data processed billed per GB" }),
  "azure-native:privatedns:PrivateZone": () =>
    priced({ meter: "dns.privateZone", quantity: 1, note: "queries billed per million" }),
  "azure-native:network:PublicIPAddress": (inputs) =>
    skuName(inputs) === "Standard"
      ? priced({ meter: "ip.standardStatic", quantity: 1 })
      : unknown(`no price for public IP SKU ${skuName(inputs) ?? "(none)"}`),
  "azure-native:operationalinsights:Workspace": () => usage("loganalytics.ingestion", "billed per GB ingested"),
  "azure-native:storage:StorageAccount": (inputs) =>
    usage(`storage.${skuName(inputs)}`, "billed per GB stored and per operation"),
  "azure-native:monitor:MetricAlert": (inputs) => {
    const series = Array.isArray(inputs.scopes) ? inputs.scopes.length : 1;
    return priced({ meter: "monitor.metricAlert", quantity: series, note: `${series} time series` });
  },
  "azure-native:monitor:ScheduledQueryRule": (inputs) => {
    const minutes = isoMinutes(inputs.evaluationFrequency);
    if (minutes === 5 || minutes === 10 || minutes === 15)
      return priced({ meter: `monitor.logAlert.${minutes}`, quantity: 1 });
    return unknown(`no price for a log alert evaluated every ${inputs.evaluationFrequency ?? "(unset)"}`);
  },
  "azure-native:search:Service": (inputs) => {
    const sku = skuName(inputs) ?? "";
    if (sku === "free") return free("the Free tier has no charge (shared, no SLA)");
    const replicas = count(inputs.replicaCount, 1);
    const partitions = count(inputs.partitionCount, 1);
    const units = replicas * partitions;
    const semantic =
      inputs.semanticSearch === "standard" ? "; semantic ranker queries beyond the free quota billed per use" : "";
    return priced({
      meter: `search.${sku}`,
      quantity: units,
      note: `${units} search unit${units === 1 ? "" : "s"} (${replicas} replicas x ${partitions} partitions)${semantic}`,
    });
  },
  // The S0 account has no fee of its own; its pay-per-token deployments are billed.
  "azure-native:cognitiveservices:Account": () =>
    free("an Azure OpenAI account has no base fee; its model deployments bill per token"),
  "azure-native:cognitiveservices:Deployment": (inputs) => {
    const sku = skuName(inputs) ?? "";
    const model = String(inputs.properties?.model?.name ?? "");
    if (["Standard", "GlobalStandard", "DataZoneStandard"].includes(sku))
      return usage(`openai.${model}`, `${sku} deployments of ${model || "a model"} bill per token`);
    return unknown(`no price for ${sku || "(no SKU)"} deployments (provisioned throughput bills per PTU-hour)`);
  },
  "azure-native:signalrservice:SignalR": (inputs) => realtimeUnits("signalr", inputs),
  "azure-native:webpubsub:WebPubSub": (inputs) => realtimeUnits("webpubsub", inputs),
  "azure-native:appconfiguration:ConfigurationStore": (inputs) => {
    const sku = String(skuName(inputs) ?? "").toLowerCase();
    if (sku === "free") return free("the Free tier has no charge (1,000 requests a day)");
    return priced({
      meter: `appconfig.${sku}`,
      quantity: 1,
      note: "one store; requests beyond the daily allowance billed per use",
    });
  },
  // Cluster management by tier (Free has no fee) plus the inline system pool; the user pools are AgentPools.
  "azure-native:containerservice:ManagedCluster": (inputs) =>
    priced(
      ...(inputs.sku?.tier === "Standard" || inputs.sku?.tier === "Premium"
        ? [{ meter: `aks.${inputs.sku.tier}`, quantity: 1, note: "cluster management with the uptime SLA" }]
        : []),
      ...((inputs.agentPoolProfiles ?? []) as Array<Record<string, any>>).map(nodePool),
    ),
  "azure-native:containerservice:AgentPool": (inputs) => priced(nodePool(inputs)),
  "azure-native:applicationinsights:WebTest": (inputs) => {
    if (inputs.kind === "ping") return free("classic URL ping tests are free");
    return usage("monitor.standardWebTest", "standard tests bill per execution");
  },
};

/** SignalR Service and Web PubSub bill per unit-day; messages beyond each unit's daily allowance per use. */
function realtimeUnits(service: "signalr" | "webpubsub", inputs: Record<string, any>): Pricing {
  const sku = skuName(inputs) ?? "";
  if (sku === "Free_F1") return free("Free_F1 has no charge (no SLA)");
  const units = count(inputs.sku?.capacity, 1);
  return priced({
    meter: `${service}.${sku}`,
    quantity: units,
    note: `${units} unit${units === 1 ? "" : "s"}; messages beyond the included ones billed per use`,
  });
}

/**
 * A Cosmos DB account's own charges, all per use (provisioned throughput is billed on its databases
 * and containers): request units when serverless, the data stored in each of its regions per
 * GB-month, and with 30-day continuous backup the backup of that data in each region per GB-month
 * (the 7-day tier's backup is free, and so are periodic backup's two copies, all the estate keeps).
 * The plan says nothing of how much is stored, so these are rates, never a zero.
 * Sources: https://learn.microsoft.com/azure/cosmos-db/understand-your-bill#billing-examples-with-geo-replication
 * ($0.25/GB stored, billed again in each added region), https://learn.microsoft.com/azure/cosmos-db/continuous-backup-restore-introduction#continuous-backup-pricing
 * ("$0.20/GB x data size x number of regions" for the 30-day tier; 7-day not charged).
 */
function cosmosAccount(inputs: Record<string, any>): Pricing {
  const capabilities: Array<{ name?: string }> = inputs.capabilities ?? [];
  const serverless = capabilities.some((c) => c.name === "EnableServerless");
  const regions = ((inputs.locations ?? []) as Array<{ locationName?: string }>)
    .map((l) => l.locationName)
    .filter((l): l is string => Boolean(l));
  const where = regions.length ? regions : [undefined];
  const backup = inputs.backupPolicy ?? {};
  // A continuous policy without its tier is taken as the billed 30-day one: never a silent zero.
  const thirtyDay = backup.type === "Continuous" && backup.continuousModeProperties?.tier !== "Continuous7Days";
  const inRegion = (region: string | undefined) => (region ? ` in ${region}` : "");
  const billed = [
    ...(serverless ? ["per request unit"] : []),
    "per GB stored",
    ...(thirtyDay ? ["per GB of 30-day continuous backup"] : []),
  ];
  return usage(
    [
      ...(serverless ? [{ meter: "cosmos.serverless", note: "request units" }] : []),
      ...where.map((region) => ({ meter: "cosmos.storage", region, note: `data stored${inRegion(region)}` })),
      ...(thirtyDay
        ? where.map((region) => ({
            meter: "cosmos.backup.continuous30",
            region,
            note: `30-day continuous backup of it${inRegion(region)}`,
          }))
        : []),
    ],
    `${serverless ? "a serverless account bills" : "throughput is billed on its databases and containers; the account bills"} ${billed.join(", ").replace(/, ([^,]+)$/, " and $1")}, the GB counted in each of its regions`,
  );
}

function cosmosThroughput(inputs: Record<string, any>, context: RuleContext): Pricing {
  const options = inputs.options ?? {};
  const account = context.find("azure-native:cosmosdb:DatabaseAccount", String(inputs.accountName ?? ""));
  const locations = (account?.inputs.locations ?? [{}]) as Array<{ locationName?: string; isZoneRedundant?: boolean }>;
  const max = options.autoscaleSettings?.maxThroughput as number | undefined;
  const ru = options.throughput as number | undefined;
  if (!max && !ru) return free("no dedicated throughput: shares the database's throughput or a serverless account");
  // Every region bills its own copy of the throughput, in that region; zone redundancy there at 1.25x.
  return priced(
    ...locations.map((l): Charge => {
      const zones = l.isZoneRedundant ? ", zone redundant (x1.25)" : "";
      return {
        meter: max ? "cosmos.autoscale" : "cosmos.manual",
        quantity: ((max ?? ru!) / 100) * (l.isZoneRedundant ? 1.25 : 1),
        ...(l.locationName ? { region: l.locationName } : {}),
        note: `${max ? `autoscale max ${max}` : ru} RU/s${l.locationName ? ` in ${l.locationName}` : ""}${zones}`,
      };
    }),
  );
}

/** A failover group's geo-secondary databases: created by Azure on the partner server, billed like their primaries there. */
function failoverGroupSecondaries(inputs: Record<string, any>, context: RuleContext): Pricing {
  const partner = context.find("azure-native:sql:Server", idName(inputs.partnerServers?.[0]?.id));
  const region = typeof partner?.inputs.location === "string" ? partner.inputs.location : undefined;
  if (!region) return unknown("the failover group's partner server is not in the plan");
  const charges: Charge[] = [];
  for (const id of (inputs.databases ?? []) as string[]) {
    const primary = context.plan.resources.find((r) => r.type === "azure-native:sql:Database" && r.outputs.id === id);
    const pricing = primary ? sqlDatabase(primary.inputs) : unknown(`database ${idName(id)} is not in the plan`);
    if (pricing.kind !== "priced")
      return pricing.kind === "free"
        ? pricing
        : unknown(`geo-secondary of ${idName(id)}: ${"reason" in pricing ? pricing.reason : ""}`);
    charges.push(
      ...pricing.charges.map((c) => ({
        ...c,
        region,
        note: `geo-secondary of ${idName(id)}${c.note ? `, ${c.note}` : ""}`,
      })),
    );
  }
  return charges.length ? priced(...charges) : free("no databases in the group");
}

function sqlDatabase(inputs: Record<string, any>): Pricing {
  const sku = inputs.sku ?? {};
  const name = String(sku.name ?? "");
  const dtu = /^(Basic|S\d|P\d)$/.exec(name);
  if (dtu) return priced({ meter: `sql.dtu.${name}`, quantity: 1 });
  // vCore SKUs come as GP_Gen5 + capacity, or GP_Gen5_2 with the vCores in the name.
  const vcore = /^(GP_S|GP|BC)_Gen5(?:_(\d+))?$/.exec(name);
  if (!vcore) return unknown(`no price for SQL database SKU ${name || "(none)"}`);
  const [, edition, inName] = vcore;
  const vcores = count(sku.capacity, inName ? Number(inName) : 2);
  if (edition === "GP_S") {
    const min = count(inputs.minCapacity, 0.5);
    if (count(inputs.autoPauseDelay, -1) > 0) {
      return usage("sql.gps.vcore", `serverless with auto-pause bills per vCore-second used (${min}-${vcores} vCores)`);
    }
    return priced({
      meter: "sql.gps.vcore",
      quantity: min,
      note: `serverless without auto-pause: at least ${min} vCores always billed (floor)`,
    });
  }
  const charges: Charge[] = [
    { meter: `sql.${edition.toLowerCase()}.vcore`, quantity: vcores, note: `${vcores} vCores` },
  ];
  if (edition === "GP" && inputs.zoneRedundant)
    charges.push({ meter: "sql.gp.zoneRedundancy.vcore", quantity: vcores, note: "zone redundant" });
  return priced(...charges);
}

/**
 * PostgreSQL and MySQL flexible servers: Burstable priced per SKU, other tiers per vCore (the
 * number in the SKU name, e.g. Standard_D2ds_v5), plus provisioned storage. A high-availability
 * standby is billed like the primary, compute and storage. Backup storage beyond the provisioned
 * size (and all geo-redundant backup storage) is billed per GB used.
 */
function flexibleServer(engine: "postgresql" | "mysql", inputs: Record<string, any>): Pricing {
  const name = String(inputs.sku?.name ?? "");
  const tier = String(inputs.sku?.tier ?? "");
  const copies = inputs.highAvailability?.mode && inputs.highAvailability.mode !== "Disabled" ? 2 : 1;
  const ha = copies === 2 ? `, ${inputs.highAvailability.mode} HA standby billed as the primary` : "";
  const storageGB = count(inputs.storage?.storageSizeGB, engine === "postgresql" ? 32 : 20);
  const storage: Charge = {
    meter: `${engine}.storage`,
    quantity: storageGB * copies,
    note: `${storageGB} GB${ha}; backups beyond it billed per GB`,
  };
  if (tier === "Burstable")
    return priced({ meter: `${engine}.burstable.${name}`, quantity: copies, note: name }, storage);
  const vcores = /^Standard_[A-Z](\d+)/.exec(name);
  if (!vcores || !tier)
    return unknown(`no price for ${engine} flexible server SKU ${name || "(none)"} (${tier || "no tier"})`);
  const quantity = Number(vcores[1]) * copies;
  return priced(
    { meter: `${engine}.${tier.toLowerCase()}.vcore`, quantity, note: `${name}, ${vcores[1]} vCores${ha}` },
    storage,
  );
}

/** A node pool's VMs at the autoscaler's minimum (its floor), or its fixed count. */
function nodePool(pool: Record<string, any>): Charge {
  const nodes = pool.enableAutoScaling ? Math.max(Number(pool.minCount ?? 0), 0) : count(pool.count, 1);
  const name = pool.name ?? pool.agentPoolName ?? "pool";
  return {
    meter: `vm.linux.${pool.vmSize}`,
    quantity: nodes,
    note: `${name}: ${nodes} node${nodes === 1 ? "" : "s"}${pool.enableAutoScaling ? ` (autoscaler minimum, up to ${pool.maxCount})` : ""}; OS disks, load balancer and egress billed separately`,
  };
}

/**
 * Consumption Container Apps bill per vCPU-second and GiB-second. Replicas kept warm by
 * minReplicas bill at the idle rate all month: that is the floor counted here; active time and
 * the monthly free grant (180,000 vCPU-s, 360,000 GiB-s per subscription) come on top / off it.
 */
function containerApp(inputs: Record<string, any>): Pricing {
  const replicas = count(inputs.template?.scale?.minReplicas, 0);
  if (!replicas)
    return usage("containerapps.active.vcpu", "scales to zero: billed per vCPU-second and GiB-second used");
  const containers: Array<{ resources?: { cpu?: number; memory?: string } }> = inputs.template?.containers ?? [];
  const cpu = containers.reduce((sum, c) => sum + count(c.resources?.cpu, 0), 0);
  const memory = containers.reduce((sum, c) => sum + (Number.parseFloat(String(c.resources?.memory ?? "0")) || 0), 0);
  if (!cpu || !memory) return unknown("container resources (cpu, memory) are not set");
  const note = (what: string) =>
    `${replicas} idle replica${replicas === 1 ? "" : "s"} x ${what} (minReplicas floor; active time billed per use)`;
  return priced(
    { meter: "containerapps.idle.vcpu", quantity: replicas * cpu, note: note(`${cpu} vCPU`) },
    { meter: "containerapps.idle.memory", quantity: replicas * memory, note: note(`${memory} GiB`) },
  );
}

/**
 * An app on Flex Consumption bills the baseline of its always-ready instances' memory, idle or not
 * (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#billing); zone redundant,
 * the platform keeps at least two always-ready instances per scaling group whatever the app asks,
 * billed as always ready (https://learn.microsoft.com/azure/reliability/reliability-functions). The
 * groups an app does not name are not in the plan: one (its HTTP triggers') is assumed. Other apps
 * bill through their App Service plan.
 */
function flexAlwaysReady(inputs: Record<string, any>, context: RuleContext): Pricing {
  const scale = inputs.functionAppConfig?.scaleAndConcurrency;
  const onPlan = "billed through its App Service plan";
  if (!scale) return free(onPlan);
  const farm = context.find("azure-native:web:AppServicePlan", idName(inputs.serverFarmId));
  const floor = farm?.inputs.zoneRedundant ? 2 : 0;
  const groups: Array<{ instanceCount?: number }> = scale.alwaysReady?.length ? scale.alwaysReady : [{}];
  const instances = groups.reduce((sum, group) => sum + Math.max(group.instanceCount ?? 0, floor), 0);
  if (!instances) return free(`${onPlan}: on-demand instances scale to zero and bill per execution`);
  const gb = count(scale.instanceMemoryMB, 2048) / 1024;
  return priced({
    meter: "appservice.FC1.alwaysReady",
    quantity: instances * gb,
    note: `${instances} always-ready instance${instances === 1 ? "" : "s"} x ${gb} GB${floor ? " (zone redundant: at least 2 per scaling group)" : ""}; executions billed per use`,
  });
}

/** Minutes in an ISO 8601 duration such as PT5M or PT1H. */
function isoMinutes(duration: unknown): number | undefined {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(String(duration ?? ""));
  if (!match || (!match[1] && !match[2])) return undefined;
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

/** The types a price rule covers (rules.test.ts holds them to the catalog). */
export const PRICED_TYPES: readonly string[] = Object.keys(RULES);

/** Whether the type has a price rule or a free entry (test/catalog-places.test.ts asks it of every catalog type). */
export function hasPricing(type: string): boolean {
  return type in FREE_TYPES || type in RULES;
}

/** How one resource is billed. Types without a rule are unknown, never zero. */
export function pricingFor(resource: PlanResource, context: RuleContext): Pricing {
  const freeReason = FREE_TYPES[resource.type];
  if (freeReason) return free(freeReason);
  const rule = RULES[resource.type];
  if (!rule) return unknown(`no price rule for ${resource.type}`);
  return rule(resource.inputs, context);
}
