export { AiSearch, SEARCH_SLA_REPLICAS, SEARCH_TIERS, searchProblems, type SearchAccess, type SearchArgs, type SearchSku, type SemanticRanker } from "./search.js";
export {
  CONTENT_FILTER_CATEGORIES,
  DEPLOYMENT_SKUS,
  OpenAiAccount,
  openAiProblems,
  type ContentFilterThreshold,
  type DeploymentSku,
  type ModelDeploymentArgs,
  type OpenAiArgs,
} from "./openai.js";
export { REALTIME_ROLE, REALTIME_UNITS, RealtimeService, realtimeProblems, type RealtimeArgs, type RealtimeKind, type RealtimeSku } from "./realtime.js";
export { AppConfiguration, appConfigurationProblems, SOFT_DELETE_DAYS, type AppConfigurationArgs, type AppConfigurationSku } from "./app-configuration.js";
export { PlatformArgsError } from "./checks.js";
