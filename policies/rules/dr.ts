import { ENFORCE, type Graph, type GraphResource, type Rule } from "../model.js";
import { DATA_SERVICES, REGIONAL, T } from "../types.js";
import { asArray, asRecord, stackRule } from "./factory.js";
import { belongsTo, knownOr, knownOrUndefined, nameOf, ofType, refersToAny } from "./graph.js";

// Disaster recovery (estate:dr, docs/dr.md). A graph spans a second region when its data does: a
// data service, Cosmos DB location, Service Bus replica or linked cache outside the primary. Only
// then do these rules judge (a single-region estate passes them: DR is a stack's choice). Hosts
// placed elsewhere for other reasons (a static site's region, an AI model's) do not count.

const regionName = (value: unknown) => (typeof value === "string" ? value.toLowerCase().replace(/\s+/g, "") : "");

/**
 * Every region the graph places data in. In the engine's preview a value may not be known yet (a
 * location taken from the resource group): it is skipped, never guessed.
 */
function regionsOf(graph: Graph): Set<string> {
  const regions = new Set<string>();
  const add = (read: () => unknown) => {
    const region = regionName(knownOrUndefined(read));
    if (region && region !== "global") regions.add(region);
  };
  const list = (read: () => unknown) => asArray(knownOrUndefined(read)).map(asRecord);
  for (const resource of ofType(graph, ...DATA_SERVICES)) add(() => resource.inputs.location);
  for (const account of ofType(graph, T.cosmosAccount))
    for (const l of list(() => account.inputs.locations)) add(() => l.locationName);
  for (const namespace of ofType(graph, T.serviceBus))
    for (const l of list(() => asRecord(namespace.inputs.geoDataReplication).locations)) add(() => l.locationName);
  for (const link of ofType(graph, T.redisLinkedServer)) add(() => link.inputs.linkedRedisCacheLocation);
  return regions;
}

const multiRegion = (graph: Graph) => regionsOf(graph).size > 1;

/** Servers that are a failover group's partner: replicas, judged through their primary. */
function partnerServers(graph: Graph): GraphResource[] {
  const groups = ofType(graph, T.sqlFailoverGroup);
  return ofType(graph, T.sqlServer).filter((server) =>
    groups.some((group) => refersToAny(group, "partnerServers", "id", server)),
  );
}

/** How many entries a list input has (0 while the engine cannot know it yet). */
const countOf = (read: () => unknown) => asArray(knownOrUndefined(read)).length;

/** Why a stateful service keeps no copy outside its region, if it keeps none. */
function unreplicated(graph: Graph, resource: GraphResource): string | undefined {
  const inputs = resource.inputs;
  switch (resource.type) {
    case T.cosmosAccount:
      return countOf(() => inputs.locations) > 1
        ? undefined
        : "locations has one region; add the secondary with failoverPriority 1";
    case T.storageAccount: {
      const sku = String(knownOrUndefined(() => asRecord(inputs.sku).name) ?? "");
      return /GRS|GZRS/.test(sku)
        ? undefined
        : `sku.name is ${sku || "(unset)"}; expected a geo-redundant SKU (Standard_RAGZRS or Standard_RAGRS)`;
    }
    case T.serviceBus:
      return countOf(() => asRecord(inputs.geoDataReplication).locations) > 1
        ? undefined
        : "geoDataReplication has no secondary location (geo-replication needs the Premium SKU)";
    case T.psqlServer:
    case T.mysqlServer: {
      const backup = knownOrUndefined(() => asRecord(inputs.backup).geoRedundantBackup);
      return backup === "Enabled"
        ? undefined
        : `backup.geoRedundantBackup is ${JSON.stringify(backup ?? null)}; expected "Enabled"`;
    }
    default:
      return undefined;
  }
}

/**
 * The region whose host answers a Front Door origin's host name: the resource's own, or, for a
 * multi-region API Management instance, the additional location whose regional gateway it is.
 */
function originRegion(graph: Graph, origin: GraphResource): string | undefined {
  const host = knownOrUndefined(() => origin.inputs.hostName);
  if (typeof host !== "string" || !host) return undefined;
  const mentions = (value: unknown) => knownOr(() => JSON.stringify(value ?? null).includes(host), false);
  const target = ofType(graph, ...REGIONAL).find((r) => mentions(r.outputs));
  if (!target) return undefined;
  const extra = asArray(knownOrUndefined(() => target.outputs.additionalLocations))
    .map(asRecord)
    .find((location) => mentions(location));
  return regionName(knownOrUndefined(() => (extra ?? target.inputs).location));
}

const secondCosmosRegion = (graph: Graph) => {
  for (const account of ofType(graph, T.cosmosAccount)) {
    account.inputs.locations = [
      ...asArray(account.inputs.locations),
      { locationName: "northeurope", failoverPriority: 1, isZoneRedundant: true },
    ];
  }
};

/** Examples: a second region for the data, every stateful service replicated there; `then` breaks one thing. */
const replicatedToSecondRegion =
  (then: (graph: Graph) => void = () => {}) =>
  (graph: Graph) => {
    secondCosmosRegion(graph);
    for (const namespace of ofType(graph, T.serviceBus))
      namespace.inputs.geoDataReplication = {
        locations: [
          { locationName: "westeurope", roleType: "Primary" },
          { locationName: "northeurope", roleType: "Secondary" },
        ],
        maxReplicationLagDurationInSeconds: 300,
      };
    then(graph);
  };

/** Examples: data in a second region and a failover group with these inputs on the estate's SQL server. */
const failoverGroup = (inputs: Record<string, unknown>) => (graph: Graph) => {
  secondCosmosRegion(graph);
  const server = ofType(graph, T.sqlServer)[0]!;
  graph.resources.push({
    urn: `${server.urn}-fog`,
    type: T.sqlFailoverGroup,
    name: `${server.name}-fog`,
    inputs: {
      failoverGroupName: "fog-estate-test",
      serverName: server.inputs.serverName,
      partnerServers: [{ id: `${String(server.outputs.id)}-neu` }],
      readOnlyEndpoint: { failoverPolicy: "Disabled" },
      ...inputs,
    },
    outputs: { id: `${String(server.outputs.id)}/failoverGroups/fog-estate-test` },
    dependsOn: [],
  });
};

/** A second region for the data, and a Premium gateway with a regional gateway there behind its own Front Door origin. */
const secondGatewayRegion = (graph: Graph) => {
  secondCosmosRegion(graph);
  const regional = (name: unknown, location: string) => `${String(name)}-${location}-01.regional.azure-api.net`;
  for (const apim of ofType(graph, T.apim)) {
    apim.inputs.additionalLocations = [{ location: "northeurope", sku: { name: "Premium", capacity: 2 } }];
    apim.outputs.gatewayRegionalUrl = `https://${regional(apim.inputs.serviceName, "westeurope")}`;
    apim.outputs.additionalLocations = [
      { location: "northeurope", gatewayRegionalUrl: `https://${regional(apim.inputs.serviceName, "northeurope")}` },
    ];
    const [origin] = ofType(graph, T.afdOrigin);
    origin.inputs.hostName = regional(apim.inputs.serviceName, "westeurope");
    graph.resources.push({
      ...origin,
      urn: `${origin.urn}-northeurope`,
      name: `${origin.name}-northeurope`,
      inputs: { ...origin.inputs, hostName: regional(apim.inputs.serviceName, "northeurope"), priority: 2 },
    });
  }
};

export const drRules: Rule[] = [
  stackRule({
    id: "EST-DR-001",
    title: "A multi-region estate replicates every stateful service to the secondary region",
    description:
      "Once an estate declares a secondary region, a data service left in the primary alone is lost with it: Cosmos DB needs a second location, storage a geo-redundant SKU, Service Bus geo-replication, flexible servers geo-redundant backups.",
    severity: "high",
    types: [T.cosmosAccount, T.storageAccount, T.serviceBus, T.psqlServer, T.mysqlServer],
    controls: { mcsb: ["BR-1", "BR-2"], cis: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.ServiceBus.GeoReplica", "Azure.Storage.UseReplication"], checkov: ["CKV_AZURE_206"] },
    remediation:
      "Set `estate:dr.failover.<tier>` to `manual` or `automatic` (docs/dr.md), or the input named in the finding.",
    enforcement: ENFORCE.prod,
    problemOf: (graph) => {
      const on = multiRegion(graph);
      return (resource) => (on ? unreplicated(graph, resource) : undefined);
    },
    fail: [
      // A namespace replicated in its primary region only.
      replicatedToSecondRegion((graph) =>
        ofType(graph, T.serviceBus).forEach(
          (namespace) =>
            (asRecord(namespace.inputs.geoDataReplication).locations = [
              { locationName: "westeurope", roleType: "Primary" },
            ]),
        ),
      ),
      replicatedToSecondRegion((graph) =>
        ofType(graph, T.storageAccount).forEach((account) => (account.inputs.sku = { name: "Standard_ZRS" })),
      ),
      replicatedToSecondRegion((graph) =>
        ofType(graph, T.psqlServer).forEach(
          (server) => (asRecord(server.inputs.backup).geoRedundantBackup = "Disabled"),
        ),
      ),
    ],
    pass: [replicatedToSecondRegion()],
  }),
  stackRule({
    id: "EST-DR-002",
    title: "A multi-region estate's SQL servers are in a failover group",
    description:
      "Geo-restore alone recovers an hour behind in up to 12 hours; a failover group keeps a geo-secondary seconds behind and a listener that follows the primary.",
    severity: "high",
    types: [T.sqlServer],
    controls: { mcsb: ["BR-1"], cis: [], waf: "Reliability" },
    mappings: { psrule: [], checkov: [] },
    remediation:
      "Set `estate:dr.failover.sql` to `manual` or `automatic`: the estate declares a partner server and a `Microsoft.Sql/servers/failoverGroups` with a read-write listener.",
    enforcement: ENFORCE.prod,
    problemOf: (graph) => {
      const on = multiRegion(graph);
      const partners = partnerServers(graph);
      const groups = ofType(graph, T.sqlFailoverGroup);
      return (server) => {
        if (!on || partners.includes(server)) return undefined;
        const group = groups.find((g) => belongsTo(g, server, "serverName"));
        if (!group) return `${nameOf(server)} has no failover group`;
        return knownOrUndefined(() => asRecord(group.inputs.readWriteEndpoint).failoverPolicy)
          ? undefined
          : `${nameOf(group)} has no readWriteEndpoint.failoverPolicy`;
      };
    },
    fail: [
      failoverGroup({ readWriteEndpoint: {} }),
      // The only failover group is another server's.
      failoverGroup({ serverName: "sql-estate-test-weu-reports", readWriteEndpoint: { failoverPolicy: "Manual" } }),
    ],
    pass: [failoverGroup({ readWriteEndpoint: { failoverPolicy: "Manual" } })],
  }),
  stackRule({
    id: "EST-DR-003",
    title: "Front Door has an origin in each region of a multi-region estate",
    description:
      "With origins in the primary region only, Front Door has nothing healthy to fail over to when that region is lost.",
    severity: "medium",
    types: [T.frontDoor],
    controls: { mcsb: ["BR-1"], cis: [], waf: "Reliability" },
    mappings: { psrule: [], checkov: [] },
    remediation:
      "Turn `estate:dr` on with a gateway or app origin: the estate deploys the hosts and gateway in the secondary region and gives the origin group an origin there with priority 2 (docs/dr.md).",
    enforcement: ENFORCE.prod,
    problemOf: (graph) => {
      const regions = regionsOf(graph);
      const covered = new Set(
        ofType(graph, T.afdOrigin)
          .map((origin) => originRegion(graph, origin))
          .filter(Boolean),
      );
      const missing = [...regions].filter((region) => !covered.has(region));
      return () => (regions.size > 1 && missing.length ? `no AFDOrigin in ${missing.join(", ")}` : undefined);
    },
    fail: [
      // Regional gateways in both regions, and an origin for the primary's only.
      (graph) => {
        secondGatewayRegion(graph);
        graph.resources = graph.resources.filter((resource) => !resource.name.endsWith("-northeurope"));
      },
    ],
    pass: [secondGatewayRegion],
  }),
];
