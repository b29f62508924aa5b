import * as pulumi from "@pulumi/pulumi";
import * as search from "@pulumi/azure-native/search";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { refuseProblems, SEARCH_TIERS, searchProblems, type SearchSku, type SemanticRanker } from "./limits.js";

/** The roles an app can hold on the indexes (data plane; management keys are off). */
export type SearchAccess = "Search Index Data Reader" | "Search Index Data Contributor";

export interface SearchArgs extends BaseArgs {
  /** Search tier, e.g. `basic` or `standard`; its replica, partition and vector limits are in infra/platform/limits.ts. */
  sku: SearchSku;
  /** Replicas: copies of each index, for query capacity and availability. */
  replicas: number;
  /** Partitions (storage and indexing capacity); replicas x partitions is bounded by the tier. */
  partitions: number;
  /** The indexes hold vector fields: the tier must have a vector quota. */
  vectorSearch: boolean;
  /** Semantic ranker plan: disabled, free or standard. */
  semanticRanker: SemanticRanker;
  /** Where the service's private endpoint goes; absent: none (public network access stays disabled). */
  privateEndpoint?: PrivateEndpointArgs;
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
    const { resourceGroupName, location, namer } = args;

    const service = new search.Service(
      `${name}-service`,
      {
        searchServiceName: namer.name("search"),
        resourceGroupName,
        location,
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
