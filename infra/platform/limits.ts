/**
 * What the platform services allow, with sources, and the argument checks the components and the
 * stack config share. No Pulumi here: the config (and so every CLI command) loads this file.
 */

/** Arguments a platform component cannot build: every problem is listed at once and nothing is declared. */
export class PlatformArgsError extends Error {
  constructor(component: string, problems: string[]) {
    super(`${component}: ${problems.length === 1 ? problems[0] : `\n${problems.map((p) => `  - ${p}`).join("\n")}`}`);
    this.name = "PlatformArgsError";
  }
}

export function refuseProblems(component: string, problems: string[]): void {
  if (problems.length) throw new PlatformArgsError(component, problems);
}

export type SearchSku =
  | "free"
  | "basic"
  | "standard"
  | "standard2"
  | "standard3"
  | "storage_optimized_l1"
  | "storage_optimized_l2";
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

/** Why these arguments cannot be built, one message per problem (none: fine). */
export function searchProblems(args: {
  sku: SearchSku;
  replicas: number;
  partitions: number;
  vectorSearch: boolean;
  semanticRanker: SemanticRanker;
  privateEndpoint?: unknown;
}): string[] {
  const tier = SEARCH_TIERS[args.sku];
  if (!tier) return [`sku "${args.sku}" is not an AI Search tier; tiers: ${Object.keys(SEARCH_TIERS).join(", ")}`];
  const problems: string[] = [];
  const count = (what: "replicas" | "partitions", max: number) => {
    const value = args[what];
    if (!Number.isInteger(value) || value < 1 || value > max)
      problems.push(`${what} ${value} is outside 1-${max} for the ${args.sku} tier`);
  };
  count("replicas", tier.maxReplicas);
  count("partitions", tier.maxPartitions);
  if (args.replicas * args.partitions > tier.maxSearchUnits) {
    problems.push(
      `${args.replicas} replicas x ${args.partitions} partitions = ${args.replicas * args.partitions} search units; the ${args.sku} tier allows ${tier.maxSearchUnits}`,
    );
  }
  if (args.vectorSearch && !tier.vectors)
    problems.push(`vector search needs a tier with a vector quota (basic or above); ${args.sku} has none`);
  if (args.privateEndpoint && !tier.billable)
    problems.push(`the ${args.sku} tier has no private endpoints; use basic or above`);
  if (args.semanticRanker !== "disabled" && !tier.billable)
    problems.push(`semantic ranker needs basic or above; the ${args.sku} tier has none`);
  return problems;
}

/** Pay-per-token deployment types (provisioned throughput is billed per PTU-hour and not offered here). */
export type DeploymentSku = "Standard" | "GlobalStandard" | "DataZoneStandard";
export const DEPLOYMENT_SKUS: readonly DeploymentSku[] = ["Standard", "GlobalStandard", "DataZoneStandard"];

export interface ModelDeploymentArgs {
  /**
   * The deployment's name, which apps put in their request path. Its characters are checked where
   * it is chosen, by the stack config and the service manifests (services/names.ts).
   */
  name: string;
  /** e.g. `gpt-4o-mini`, `text-embedding-3-small`. */
  model: string;
  /** e.g. `2024-07-18`. */
  version: string;
  /**
   * Deployment type: Standard (the account's region), GlobalStandard (any region) or DataZoneStandard
   * (within the data zone).
   */
  sku: DeploymentSku;
  /** Thousands of tokens per minute (quota), at least 1. */
  capacity: number;
}

/**
 * Content filter thresholds: a category is blocked at this severity and above, so `Low` is stricter
 * than `Medium`. Azure's default filters hate, sexual, violence and self-harm at Medium on prompts and
 * completions: https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter. Nothing
 * weaker than the default is offered.
 */
export type ContentFilterThreshold = "Low" | "Medium";
export const CONTENT_FILTER_CATEGORIES = ["Hate", "Sexual", "Violence", "Selfharm"] as const;
export const CONTENT_FILTER_SOURCES = ["Prompt", "Completion"] as const;

/** Custom subdomains: 2-64 letters, digits and hyphens, starting and ending with a letter or digit. */
const SUBDOMAIN = /^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$/;

export function openAiProblems(args: {
  customSubDomainName: string;
  deployments: ModelDeploymentArgs[];
  contentFilter: { threshold: ContentFilterThreshold };
}): string[] {
  const problems: string[] = [];
  const label = args.customSubDomainName;
  if (!label)
    problems.push(
      "customSubDomainName is not set; Entra ID authentication and private endpoints need a custom subdomain",
    );
  else if (!SUBDOMAIN.test(label))
    problems.push(
      `customSubDomainName "${label}" must be 2-64 lowercase letters, digits and hyphens, starting and ending with a letter or digit`,
    );
  if (!["Low", "Medium"].includes(args.contentFilter?.threshold)) {
    problems.push(
      `contentFilter.threshold "${args.contentFilter?.threshold}" is weaker than Azure's default; use "Medium" or the stricter "Low"`,
    );
  }
  const seen = new Set<string>();
  args.deployments.forEach((d, i) => {
    if (seen.has(d.name)) problems.push(`deployments[${i}].name "${d.name}" is listed twice`);
    seen.add(d.name);
    if (!d.model || !d.version) problems.push(`deployments[${i}] needs a model name and version`);
    if (!DEPLOYMENT_SKUS.includes(d.sku))
      problems.push(`deployments[${i}].sku "${d.sku}" is not one of ${DEPLOYMENT_SKUS.join(", ")}`);
    if (!Number.isInteger(d.capacity) || d.capacity < 1)
      problems.push(
        `deployments[${i}].capacity ${d.capacity} must be a whole number of thousands of tokens per minute, at least 1`,
      );
  });
  return problems;
}

/** SignalR Service (ASP.NET Core / Functions SignalR hubs) or Web PubSub (plain WebSockets, Socket.IO). */
export type RealtimeKind = "signalR" | "webPubSub";

/**
 * Free_F1 has no SLA and no private endpoints, so it is not offered. Units per SKU: Standard_S1 and
 * Premium_P1 take 1-10, then 20-100 in steps of 10; Premium_P2 takes 100-1000 in steps of 100.
 * Sources: https://learn.microsoft.com/azure/azure-signalr/signalr-howto-scale-signalr,
 * https://learn.microsoft.com/azure/azure-web-pubsub/howto-scale-manual-scale.
 */
export type RealtimeSku = "Standard_S1" | "Premium_P1" | "Premium_P2";
const STEPS = (from: number, to: number, step: number) =>
  Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
export const REALTIME_UNITS: Readonly<Record<RealtimeSku, readonly number[]>> = {
  Standard_S1: [...STEPS(1, 10, 1), ...STEPS(20, 100, 10)],
  Premium_P1: [...STEPS(1, 10, 1), ...STEPS(20, 100, 10)],
  Premium_P2: STEPS(100, 1000, 100),
};

/** The data-plane role an app server needs: SignalR App Server, or Web PubSub Service Owner (REST API and tokens). */
export const REALTIME_ROLE = { signalR: "SignalR App Server", webPubSub: "Web PubSub Service Owner" } as const;

export function realtimeProblems(args: {
  kind: RealtimeKind;
  sku: RealtimeSku;
  units: number;
  serviceMode?: "Default" | "Serverless";
}): string[] {
  const units = REALTIME_UNITS[args.sku];
  if (!units)
    return [
      `sku "${args.sku}" is not offered; use one of ${Object.keys(REALTIME_UNITS).join(", ")} (Free_F1 has no SLA and no private endpoints)`,
    ];
  const problems: string[] = [];
  if (!units.includes(args.units))
    problems.push(`units ${args.units} is not a size ${args.sku} offers; sizes: ${units.join(", ")}`);
  if (args.serviceMode && args.kind !== "signalR") problems.push("serviceMode applies to SignalR Service only");
  return problems;
}

/**
 * Free has no SLA, no private endpoints, no soft delete and no purge protection; Standard and Premium
 * have all four. Sources: https://learn.microsoft.com/azure/azure-app-configuration/faq (tiers),
 * https://learn.microsoft.com/azure/azure-app-configuration/concept-private-endpoint,
 * https://learn.microsoft.com/azure/azure-app-configuration/concept-soft-delete (1-7 days kept).
 */
export type AppConfigurationSku = "free" | "standard" | "premium";
export const SOFT_DELETE_DAYS = { min: 1, max: 7 } as const;

export function appConfigurationProblems(args: {
  sku: AppConfigurationSku;
  softDeleteRetentionDays: number;
  purgeProtection: boolean;
  privateEndpoint?: unknown;
}): string[] {
  const problems: string[] = [];
  if (!["free", "standard", "premium"].includes(args.sku))
    return [`sku "${args.sku}" is not one of free, standard, premium`];
  if (args.sku === "free") {
    if (args.privateEndpoint) problems.push("the free tier has no private endpoints; use standard or premium");
    if (args.purgeProtection) problems.push("the free tier has no purge protection; use standard or premium");
  }
  const days = args.softDeleteRetentionDays;
  if (!Number.isInteger(days) || days < SOFT_DELETE_DAYS.min || days > SOFT_DELETE_DAYS.max) {
    problems.push(`softDeleteRetentionDays ${days} is outside ${SOFT_DELETE_DAYS.min}-${SOFT_DELETE_DAYS.max}`);
  }
  return problems;
}
