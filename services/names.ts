// Azure's rules for the names of the data services use: a service's manifest names the queues,
// containers, databases, secrets and model deployments it binds to, and the stack config names
// those it declares, so both check them against these. They live here, not in infra/naming, because services/ imports
// no other layer and stacks/ may import services/.

/** The rule of a name the manifest or the stack config chooses. */
export interface DataNameRule {
  pattern: RegExp;
  /** Azure also refuses a name that ends in a space or a dot. */
  noTrailingSpaceOrDot?: boolean;
  /** Human wording of the rule, used in error messages. */
  allowed: string;
}

/**
 * From Azure's "naming rules and restrictions for Azure resources"
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules) and the
 * resource references cited beside a rule; database identifiers:
 * https://www.postgresql.org/docs/current/sql-syntax-lexical.html,
 * https://dev.mysql.com/doc/refman/8.0/en/identifier-length.html
 */
export const DATA_NAME_RULES = {
  /** Cosmos DB databases and containers. */
  cosmosName: {
    pattern: /^[^/\\#?]{1,255}$/,
    noTrailingSpaceOrDot: true,
    allowed: "1-255 characters without / \\ # ? and no trailing space",
  },
  sqlDatabase: {
    pattern: /^[^<>*%&:\\/?]{1,128}$/,
    noTrailingSpaceOrDot: true,
    allowed: "1-128 characters without < > * % & : \\ / ? and not ending in a space or dot",
  },
  postgresqlDatabase: {
    pattern: /^[A-Za-z_][A-Za-z0-9_]{0,62}$/,
    allowed: "1-63 letters, digits and underscores, not starting with a digit",
  },
  mysqlDatabase: {
    pattern: /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
    allowed: "1-64 letters, digits and underscores, not starting with a digit",
  },
  blobContainer: {
    pattern: /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/,
    allowed: "3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
  },
  /**
   * Microsoft.ServiceBus/namespaces/queues: 1-260 alphanumerics, periods, hyphens, underscores and
   * slashes, starting and ending with an alphanumeric
   * (https://learn.microsoft.com/azure/templates/microsoft.servicebus/namespaces/queues). The
   * estate allows no slash: a slash makes the name a path, and queue names are also segments of
   * the estate's resource names and app settings.
   */
  serviceBusQueue: {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,258}[A-Za-z0-9])?$/,
    allowed: "1-260 letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit",
  },
  // https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#objects-identifiers-and-versioning
  keyVaultSecret: { pattern: /^[A-Za-z0-9-]{1,127}$/, allowed: "1-127 letters, digits and hyphens" },
  /**
   * Azure OpenAI model deployments (Microsoft.CognitiveServices/accounts/deployments). Microsoft's
   * docs state no rule: the template reference gives the name as a required string with no length
   * or characters (https://learn.microsoft.com/azure/templates/microsoft.cognitiveservices/accounts/deployments),
   * and the 2025-06-01 ARM schema (cli/export/arm-schemas) no pattern. The estate keeps the rule it
   * has applied so far: 2-64 characters (the account name's length), letters, digits and the dots,
   * hyphens and underscores model names carry (gpt-4o-mini, gpt-4.1), nothing that needs escaping
   * in the request path apps put it in (/openai/deployments/{name}/...).
   */
  openAiDeployment: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/,
    allowed: "2-64 letters, digits, dots, hyphens and underscores, starting with a letter or digit",
  },
} as const satisfies Record<string, DataNameRule>;

/** Whether a chosen name follows its rule. */
export function followsRule(rule: DataNameRule, name: string): boolean {
  return rule.pattern.test(name) && !(rule.noTrailingSpaceOrDot && /[ .]$/.test(name));
}
