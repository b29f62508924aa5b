import * as pulumi from "@pulumi/pulumi";
import * as search from "@pulumi/azure-native/search";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { refuseProblems } from "./checks.js";

export type SearchSku = "free" | "basic" | "standard" | "standard2" | "standard3" | "storage_optimized_l1" | "storage_optimized_l2";
export type SemanticRanker = "disabled" | "free" | "standard";

interface SearchTier {
  maxReplicas: number;
  maxPartitions: number;
  /** Replicas x partitions (search units) the tier allows. */
  maxSearchUnits: number;
  /** The tier has a vector index quota. */
  vectors: boolean;
  /** Private endpoints, semantic ranker and an SLA: the billable tiers only. */
  billable: boolean;
}

/**
 * What each tier allows. Replicas and partitions: https://learn.microsoft.com/azure/search/search-limits-quotas-capacity
 * (Basic: 3 replicas, 3 partitions on services created since April 2024, 9 search units; Standard and
 * Storage Optimized: 12 each, 36 search units). Vector quota per tier (Basic and above; the Free tier
 * has none listed): https://learn.microsoft.com/azure/search/vector-search-index-size. Private endpoints
 * and semantic ranker need Basic or higher: https://learn.microsoft.com/azure/search/service-create-private-endpoint,
 * https://learn.microsoft.com/azure/search/semantic-how-to-enable-disable.
 */
export const SEARCH_TIERS: Readonly<Record<SearchSku, SearchTier>> = {
  free: { maxReplicas: 1, maxPartitions: 1, maxSearchUnits: 1, vectors: false, billable: false },
  basic: { maxReplicas: 3, maxPartitions: 3, maxSearchUnits: 9, vectors: true, billable: true },
  standard: { maxReplicas: 12, maxPartitions: 12, maxSearchUnits: 36, vectors: true, billable: true },
  standard2: { maxReplicas: 12, maxPartitions: 12, maxSearchUnits: 36, vectors: true, billable: true },
  standard3: { maxReplicas: 12, maxPartitions: 12, maxSearchUnits: 36, vectors: true, billable: true },
  storage_optimized_l1: { maxReplicas: 12, maxPartitions: 12, maxSearchUnits: 36, vectors: true, billable: true },
  storage_optimized_l2: { maxReplicas: 12, maxPartitions: 12, maxSearchUnits: 36, vectors: true, billable: true },
};

/**
 * The SLA counts replicas: 2 for queries (read), 3 for queries and indexing (read-write).
 * Source: https://learn.microsoft.com/azure/search/search-limits-quotas-capacity ("Service level agreement").
 */
export const SEARCH_SLA_REPLICAS = { read: 2, readWrite: 3 } as const;

/** The roles an app can hold on the indexes (data plane; management keys are off). */
export type SearchAccess = "Search Index Data Reader" | "Search Index Data Contributor";

export interface SearchArgs extends BaseArgs {
  sku: SearchSku;
  replicas: number;
  partitions: number;
  /** The indexes hold vector fields: the tier must have a vector quota. */
  vectorSearch: boolean;
  semanticRanker: SemanticRanker;
  privateEndpoint?: PrivateEndpointArgs;
}

/** Why these arguments cannot be built, one message per problem (none: fine). */
export function searchProblems(args: Pick<SearchArgs, "sku" | "replicas" | "partitions" | "vectorSearch" | "semanticRanker"> & { privateEndpoint?: unknown }): string[] {
  const tier = SEARCH_TIERS[args.sku];
  if (!tier) return [`sku "${args.sku}" is not an AI Search tier; tiers: ${Object.keys(SEARCH_TIERS).join(", ")}`];
  const problems: string[] = [];
  const count = (what: "replicas" | "partitions", max: number) => {
    const value = args[what];
    if (!Number.isInteger(value) || value < 1 || value > max) problems.push(`${what} ${value} is outside 1-${max} for the ${args.sku} tier`);
  };
  count("replicas", tier.maxReplicas);
  count("partitions", tier.maxPartitions);
  if (args.replicas * args.partitions > tier.maxSearchUnits) {
    problems.push(`${args.replicas} replicas x ${args.partitions} partitions = ${args.replicas * args.partitions} search units; the ${args.sku} tier allows ${tier.maxSearchUnits}`);
  }
  if (args.vectorSearch && !tier.vectors) problems.push(`vector search needs a tier with a vector quota (basic or above); ${args.sku} has none`);
  if (args.privateEndpoint && !tier.billable) problems.push(`the ${args.sku} tier has no private endpoints; use basic or above`);
  if (args.semanticRanker !== "disabled" && !tier.billable) problems.push(`semantic ranker needs basic or above; the ${args.sku} tier has none`);
  return problems;
}

/**
 * An Azure AI Search service that only Entra identities reach (API keys off), only through its
 * private endpoint, with a system identity for indexers and diagnostics to the workspace.
 */
export class AiSearch extends pulumi.ComponentResource {
  readonly serviceId: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  /** `https://<service>.search.windows.net` */
  readonly endpoint: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  private readonly name: string;

  constructor(name: string, args: SearchArgs, opts?: pulumi.ComponentResourceOptions) {
    refuseProblems(`AI Search ${name}`, searchProblems(args));
    super("estate:platform:AiSearch", name, {}, opts);
    this.name = name;
    const { resourceGroupName, location, namer, tags } = args;

    const service = new search.Service(
      `${name}-service`,
      {
        searchServiceName: namer.name("search"),
        resourceGroupName,
        location,
        tags,
        sku: { name: args.sku },
        replicaCount: args.replicas,
        partitionCount: args.partitions,
        hostingMode: "Default",
        publicNetworkAccess: "Disabled",
        networkRuleSet: { bypass: "None", ipRules: [] },
        // Keys off; `authOptions` stays unset because Azure refuses it next to disableLocalAuth.
        disableLocalAuth: true,
        identity: { type: "SystemAssigned" },
        semanticSearch: SEARCH_TIERS[args.sku].billable ? args.semanticRanker : undefined,
      },
      { parent: this },
    );

    if (args.privateEndpoint) privateEndpoint(this, name, args, "search", service.id, args.privateEndpoint);
    applySharedArgs(this, name, service.id, args);

    this.serviceId = service.id;
    this.serviceName = service.name;
    this.endpoint = pulumi.interpolate`https://${service.name}.search.windows.net`;
    this.principalId = service.identity.apply((identity) => identity?.principalId ?? "");
    this.registerOutputs({ serviceId: this.serviceId, endpoint: this.endpoint });
  }

  /** A data-plane role on the service's indexes for one principal (an app's identity). */
  grantDataAccess(key: string, principalId: pulumi.Input<string>, role: SearchAccess = "Search Index Data Reader") {
    return assignRoles(this, this.name, this.serviceId, [{ role, principalId, key }])[0];
  }
}
