import { z } from "zod";
import { Namer, NamingError, type NameKind } from "../../infra/naming/index.js";
import {
  appConfigurationProblems,
  DEPLOYMENT_SKUS,
  openAiProblems,
  REALTIME_UNITS,
  realtimeProblems,
  SEARCH_TIERS,
  searchProblems,
  type RealtimeSku,
  type SearchSku,
} from "../../infra/platform/limits.js";
import { DATA_NAME_RULES, followsRule } from "../../services/names.js";
import { defineArea, type Profile } from "./area.js";

const int = z.number().int();
const enumOf = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]]);

const search = z
  .object({
    enabled: z.boolean(),
    sku: enumOf(Object.keys(SEARCH_TIERS) as SearchSku[]),
    /** 2 replicas carry the query SLA, 3 the query-and-indexing SLA. */
    replicas: int,
    partitions: int,
    /** The indexes hold vector fields (basic tier and above). */
    vectorSearch: z.boolean(),
    semanticRanker: z.enum(["disabled", "free", "standard"]),
  })
  .strict();

const openAi = z
  .object({
    enabled: z.boolean(),
    /** The account's DNS label (`<label>.openai.azure.com`); the account's own name unless given. */
    customSubDomainName: z.string().optional(),
    /** Blocks hate, sexual, violence and self-harm at this severity and above; Low is stricter. */
    contentFilterThreshold: z.enum(["Low", "Medium"]),
    deployments: z.array(
      z
        .object({
          name: z.string(),
          model: z.string(),
          version: z.string(),
          sku: enumOf(DEPLOYMENT_SKUS),
          capacity: int,
        })
        .strict(),
    ),
  })
  .strict();

const realtime = z
  .object({
    enabled: z.boolean(),
    kind: z.enum(["signalR", "webPubSub"]),
    sku: enumOf(Object.keys(REALTIME_UNITS) as RealtimeSku[]),
    units: int,
    /** SignalR only: Default (an app server hosts the hubs) or Serverless (Functions bindings). */
    serviceMode: z.enum(["Default", "Serverless"]).optional(),
    clientCertificate: z.boolean(),
  })
  .strict();

const appConfiguration = z
  .object({
    enabled: z.boolean(),
    sku: z.enum(["free", "standard", "premium"]),
    softDeleteRetentionDays: int,
    purgeProtection: z.boolean(),
  })
  .strict();

const schema = z.object({ search, openAi, realtime, appConfiguration }).strict();
export type PlatformConfig = z.output<typeof schema>;

/**
 * Every service is off until a stack turns it on. Prod defaults carry the SLAs: AI Search with 3
 * replicas (queries and indexing), Premium real-time units (zone redundant where the region has
 * zones), App Configuration with purge protection.
 */
function defaults(profile: Profile): z.input<typeof schema> {
  const prod = profile === "prod";
  return {
    search: {
      enabled: false,
      sku: "basic",
      replicas: prod ? 3 : 1,
      partitions: 1,
      vectorSearch: true,
      semanticRanker: "free",
    },
    openAi: {
      enabled: false,
      contentFilterThreshold: "Medium",
      deployments: [
        { name: "chat", model: "gpt-4o-mini", version: "2024-07-18", sku: "GlobalStandard", capacity: prod ? 50 : 10 },
      ],
    },
    realtime: {
      enabled: false,
      kind: "signalR",
      sku: prod ? "Premium_P1" : "Standard_S1",
      units: 1,
      clientCertificate: false,
    },
    appConfiguration: { enabled: false, sku: "standard", softDeleteRetentionDays: 7, purgeProtection: prod },
  };
}

/** The name kind of each section's main resource (the real-time one depends on its kind). */
function nameKind(section: keyof PlatformConfig, config: PlatformConfig): NameKind {
  if (section === "realtime") return config.realtime.kind;
  return section;
}

export const platformArea = defineArea({
  schema,
  defaults,
  check: (config, context, report) => {
    const namer = new Namer({
      workload: context.workload,
      environment: context.environment,
      location: context.location,
    });
    const names: Partial<Record<keyof PlatformConfig, string>> = {};
    for (const section of Object.keys(config) as Array<keyof PlatformConfig>) {
      if (!config[section].enabled) continue;
      try {
        names[section] = namer.name(nameKind(section, config));
      } catch (error) {
        if (!(error instanceof NamingError)) throw error;
        report([section], error.message);
      }
    }
    // The components' own refusals, raised here so a stack file is refused before anything is declared.
    const { search: s, openAi: o, realtime: r, appConfiguration: a } = config;
    const problems: Array<[keyof PlatformConfig, boolean, () => string[]]> = [
      ["search", s.enabled, () => searchProblems({ ...s, privateEndpoint: true })],
      [
        "openAi",
        o.enabled && (o.customSubDomainName !== undefined || names.openAi !== undefined),
        () =>
          openAiProblems({
            customSubDomainName: o.customSubDomainName ?? names.openAi!,
            deployments: o.deployments,
            contentFilter: { threshold: o.contentFilterThreshold },
          }),
      ],
      ["realtime", r.enabled, () => realtimeProblems(r)],
      ["appConfiguration", a.enabled, () => appConfigurationProblems({ ...a, privateEndpoint: true })],
    ];
    for (const [section, enabled, list] of problems)
      if (enabled) for (const problem of list()) report([section], problem);
    // The manifests' openAi.deployments follow the same rule, so a service can name what the config declares.
    if (o.enabled)
      o.deployments.forEach((d, i) => {
        if (!followsRule(DATA_NAME_RULES.openAiDeployment, d.name))
          report(
            ["openAi", "deployments", i, "name"],
            `got ${JSON.stringify(d.name)}; expected ${DATA_NAME_RULES.openAiDeployment.allowed}`,
          );
      });
    if (o.enabled && !o.deployments.length)
      report(
        ["openAi", "deployments"],
        "an Azure OpenAI account without deployments serves nothing; list at least one model deployment",
      );
  },
});
