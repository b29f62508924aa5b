export { AiSearch, type SearchAccess, type SearchArgs } from "./search.js";
export { OpenAiAccount, type OpenAiAccess, type OpenAiArgs } from "./openai.js";
export { RealtimeService, type RealtimeArgs } from "./realtime.js";
export { AppConfiguration, type AppConfigurationAccess, type AppConfigurationArgs } from "./app-configuration.js";
export * from "./limits.js";
