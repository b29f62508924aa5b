/** The data tier's rules: Cosmos DB (cosmos.ts), Azure SQL (sql.ts) and Redis (redis.ts). */
import type { Rule } from "../model.js";
import { cosmosRules } from "./cosmos.js";
import { redisRules } from "./redis.js";
import { sqlRules } from "./sql.js";

export const dataRules: Rule[] = [...cosmosRules, ...sqlRules, ...redisRules];
