import { ENFORCE, REMOVE, type Graph, type Rule } from "../model.js";
import { T } from "../types.js";
import {
  asArray,
  asRecord,
  atLeast,
  customRule,
  get,
  inputRule,
  is,
  isText,
  oneOf,
  show,
  stackRule,
  unsetOr,
} from "./factory.js";
import { ofType } from "./graph.js";
import { managedIdentity } from "./identity.js";

const search = [T.search];
const openAi = [T.cognitiveAccount];
const realtime = [T.signalR, T.webPubSub];
const appConfiguration = [T.appConfiguration];

/**
 * The categories Azure OpenAI filters by default, on prompts and completions, at Medium: a threshold
 * blocks that severity and above, so Low is stricter and High weaker.
 * Source: https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter
 * (The content filter rules map to MCSB v2's AI-2, "implement multi-layered content filtering".)
 */
const FILTERED = ["Hate", "Sexual", "Violence", "Selfharm"].flatMap((name) =>
  ["Prompt", "Completion"].map((source) => ({ name, source })),
);

function contentFilterProblems(inputs: Record<string, unknown>): string[] {
  const filters = asArray(get(inputs, "properties.contentFilters")).map(asRecord);
  return FILTERED.flatMap(({ name, source }) => {
    const filter = filters.find((f) => isText(name).test(f.name) && isText(source).test(f.source));
    if (!filter) return [`properties.contentFilters has no ${name} filter on ${source.toLowerCase()}s`];
    if (filter.enabled !== true || filter.blocking !== true)
      return [`the ${name} filter on ${source.toLowerCase()}s does not block (enabled and blocking must be true)`];
    return oneOf("Low", "Medium").test(filter.severityThreshold)
      ? []
      : [
          `the ${name} filter on ${source.toLowerCase()}s blocks at ${JSON.stringify(filter.severityThreshold)} (severityThreshold); expected "Medium" or the stricter "Low"`,
        ];
  });
}

const removeDeploymentFilter = (graph: Graph) =>
  ofType(graph, T.openAiDeployment).forEach((d) => delete asRecord(d.inputs.properties).raiPolicyName);
const removePolicies = (graph: Graph) => {
  graph.resources = graph.resources.filter((r) => r.type !== T.raiPolicy);
};

/** AI Search, Azure OpenAI, SignalR / Web PubSub and App Configuration (infra/platform). */
export const platformRules: Rule[] = [
  customRule({
    id: "EST-SRCH-001",
    title: "AI Search accepts no API keys",
    description:
      "Admin and query keys are shared secrets; Entra identities with index data roles are scoped and audited.",
    severity: "high",
    types: search,
    check: (inputs) => {
      if (inputs.disableLocalAuth !== true)
        return `disableLocalAuth is ${show(inputs.disableLocalAuth)}; expected true`;
      return inputs.authOptions === undefined
        ? undefined
        : "authOptions is set: it enables API keys (aadOrApiKey or apiKeyOnly); expected it unset";
    },
    fail: [
      { disableLocalAuth: false },
      { disableLocalAuth: REMOVE },
      { authOptions: { aadOrApiKey: { aadAuthFailureMode: "http401WithBearerChallenge" } } },
    ],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: { azurePolicy: ["6300012e-e9a4-4649-b41f-a85f5c43be91"] },
    remediation:
      "Set `disableLocalAuth: true` on the search Service and leave `authOptions` unset; grant `Search Index Data Reader/Contributor` instead.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-SRCH-002",
    title: "AI Search disables public network access",
    description: "The service is reached only through its private endpoint.",
    severity: "high",
    types: search,
    path: "publicNetworkAccess",
    expect: isText("Disabled"),
    bad: "Enabled",
    // Absent is Azure's default, enabled; the API spells the values in lower case ("disabled").
    fail: [{ publicNetworkAccess: REMOVE }],
    pass: [{ publicNetworkAccess: "disabled" }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_124"], azurePolicy: ["ee980b6d-0eca-4501-8d54-f6290fd512c3"] },
    remediation: 'Set `publicNetworkAccess: "Disabled"` on the search Service.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-SRCH-003",
    title: "AI Search has a managed identity",
    description: "Indexers and skills reach data sources and Azure OpenAI with the service's identity, not with keys.",
    severity: "medium",
    types: search,
    path: "identity.type",
    expect: managedIdentity,
    bad: "None",
    // Absent or "None" is no identity; Azure compares the type case-insensitively. (Checkov's identity checks pass any type, "None" included.)
    fail: [{ identity: REMOVE }, { "identity.type": "" }],
    pass: [{ "identity.type": "systemassigned" }, { "identity.type": "SystemAssigned,UserAssigned" }],
    controls: { mcsb: ["IM-3"], waf: "Security" },
    mappings: { psrule: ["Azure.Search.ManagedIdentity"], checkov: ["CKV_AZURE_207"] },
    remediation: 'Set `identity: { type: "SystemAssigned" }` on the search Service.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-SRCH-004",
    title: "Production AI Search has the replicas of the query SLA",
    description:
      "The read SLA needs at least 2 replicas (https://learn.microsoft.com/azure/search/search-limits-quotas-capacity).",
    severity: "medium",
    types: search,
    path: "replicaCount",
    expect: atLeast(2),
    bad: 1,
    // Checkov CKV_AZURE_209: an absent count is Azure's default of one replica.
    fail: [{ replicaCount: REMOVE }, { replicaCount: "2" }],
    pass: [{ replicaCount: 2 }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.Search.QuerySLA"], checkov: ["CKV_AZURE_209"] },
    remediation: "Set `replicaCount` to 2 or more on the search Service (`estate:platform.search.replicas`).",
    enforcement: ENFORCE.prodOnly,
  }),
  inputRule({
    id: "EST-SRCH-005",
    title: "Production AI Search has the replicas of the indexing SLA",
    description: "The read-write SLA (queries and indexing) needs at least 3 replicas.",
    severity: "low",
    types: search,
    path: "replicaCount",
    expect: atLeast(3),
    bad: 2,
    // Checkov CKV_AZURE_208: an absent count is Azure's default of one replica.
    fail: [{ replicaCount: REMOVE }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.Search.IndexSLA"], checkov: ["CKV_AZURE_208"] },
    remediation: "Set `replicaCount` to 3 or more on the search Service when indexing must stay available.",
    enforcement: ENFORCE.prodAdvisory,
  }),
  inputRule({
    id: "EST-SRCH-006",
    title: "AI Search is on a billable tier",
    description: "The Free tier is shared, has no SLA, no private endpoints and no vector quota.",
    severity: "medium",
    types: search,
    path: "sku.name",
    expect: {
      test: (value) => typeof value === "string" && value.toLowerCase() !== "free",
      describe: "a tier other than free",
    },
    bad: "free",
    fail: [{ "sku.name": "Free" }, { sku: REMOVE }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.Search.SKU"], azurePolicy: ["a049bf77-880b-470f-ba6d-9f21c530cf83"] },
    remediation: 'Set `sku: { name: "basic" }` or above on the search Service.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-SRCH-007",
    title: "AI Search has no IP firewall allowances",
    description: "IP rules open the service to public addresses.",
    severity: "medium",
    types: search,
    check: (inputs) => {
      const rules = asArray(get(inputs, "networkRuleSet.ipRules"));
      return rules.length
        ? `networkRuleSet.ipRules lists ${rules.length} public address ranges; expected none`
        : undefined;
    },
    // Checkov CKV_AZURE_210 forbids 0.0.0.0/0 only; any ip rule fails here (the service is reached through its private endpoint): stricter.
    fail: [
      { "networkRuleSet.ipRules": [{ value: "0.0.0.0/0" }] },
      { "networkRuleSet.ipRules": [{ value: "203.0.113.7" }] },
    ],
    pass: [{ "networkRuleSet.ipRules": [] }, { networkRuleSet: REMOVE }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_210"] },
    remediation: "Remove `networkRuleSet.ipRules` from the search Service.",
    enforcement: ENFORCE.always,
  }),

  inputRule({
    id: "EST-OAI-001",
    title: "Azure OpenAI accepts no API keys",
    description:
      "Account keys are shared secrets; Entra identities with Cognitive Services OpenAI User are scoped and audited.",
    severity: "high",
    types: openAi,
    path: "properties.disableLocalAuth",
    expect: is(true),
    bad: false,
    // PSRule Azure.AI.DisableLocalAuth and Checkov CKV_AZURE_236 fail an absent value: keys work by default.
    fail: [{ "properties.disableLocalAuth": REMOVE }],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    // PSRule's Azure.AI.* rules were named Azure.Cognitive.* before.
    mappings: {
      psrule: ["Azure.AI.DisableLocalAuth"],
      checkov: ["CKV_AZURE_236"],
      azurePolicy: ["71ef260a-8f18-47b7-abcb-62d0673d94dc", "14de9e63-1b31-492e-a5a3-c3f7fd57f555"],
    },
    remediation: "Set `properties.disableLocalAuth: true` on the cognitiveservices Account.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-OAI-002",
    title: "Azure OpenAI disables public network access",
    description: "The account is reached only through its private endpoint.",
    severity: "high",
    types: openAi,
    path: "properties.publicNetworkAccess",
    expect: isText("Disabled"),
    bad: "Enabled",
    // PSRule Azure.AI.PublicAccess also passes a default-deny network ACL; Estate wants the public endpoint off
    // (as Azure.AI.PrivateEndpoints and Checkov CKV_AZURE_134 do): stricter. Absent is Azure's default, Enabled.
    fail: [
      { "properties.publicNetworkAccess": REMOVE },
      { "properties.publicNetworkAccess": "Enabled", "properties.networkAcls": { defaultAction: "Deny" } },
    ],
    pass: [{ "properties.publicNetworkAccess": "disabled" }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: { psrule: ["Azure.AI.PublicAccess", "Azure.AI.PrivateEndpoints"], checkov: ["CKV_AZURE_134"] },
    remediation: 'Set `properties.publicNetworkAccess: "Disabled"` on the cognitiveservices Account.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-OAI-003",
    title: "Azure OpenAI has a managed identity",
    description: "The account reaches storage and search (on-your-data, batch) with its identity, not with keys.",
    severity: "medium",
    types: openAi,
    path: "identity.type",
    expect: managedIdentity,
    bad: "None",
    // Absent or "None" is no identity; Azure compares the type case-insensitively. (Checkov's identity checks pass any type, "None" included.)
    fail: [{ identity: REMOVE }, { "identity.type": "" }],
    pass: [{ "identity.type": "systemassigned" }, { "identity.type": "SystemAssigned,UserAssigned" }],
    controls: { mcsb: ["IM-3"], waf: "Security" },
    mappings: {
      psrule: ["Azure.AI.ManagedIdentity"],
      checkov: ["CKV_AZURE_238"],
      azurePolicy: ["fe3fd216-4f83-4fc1-8984-2bbec80a3418"],
    },
    remediation: 'Set `identity: { type: "SystemAssigned" }` on the cognitiveservices Account.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-OAI-004",
    title: "Azure OpenAI has a custom subdomain",
    description:
      "Entra ID tokens and private endpoints work only on the account's custom subdomain (https://learn.microsoft.com/azure/ai-services/cognitive-services-custom-subdomains).",
    severity: "high",
    types: openAi,
    path: "properties.customSubDomainName",
    expect: { test: (value) => typeof value === "string" && value.length >= 2, describe: "the account's DNS label" },
    bad: REMOVE,
    controls: { mcsb: ["IM-1", "NS-2"], waf: "Security" },
    mappings: {},
    remediation:
      "Set `properties.customSubDomainName` (globally unique, e.g. the account name) on the cognitiveservices Account.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-OAI-005",
    title: "Azure OpenAI content filters block the default categories at Medium or stricter",
    description:
      "Hate, sexual, violence and self-harm are filtered on prompts and completions, as Azure's default policy does, or stricter.",
    severity: "high",
    types: [T.raiPolicy],
    check: (inputs) => contentFilterProblems(inputs),
    fail: [
      { "properties.contentFilters[0].severityThreshold": "High" },
      { "properties.contentFilters[1].enabled": false },
      { "properties.contentFilters": [] },
    ],
    pass: [{ "properties.contentFilters[0].severityThreshold": "Low" }],
    controls: { mcsb: ["AI-2"], waf: "Security" },
    mappings: {},
    remediation:
      'Give the RaiPolicy an enabled, blocking filter for Hate, Sexual, Violence and Selfharm on Prompt and Completion with `severityThreshold: "Medium"` or `"Low"` (infra/platform/openai.ts).',
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-OAI-006",
    title: "Every model deployment uses a content filter the stack declares",
    description:
      "A deployment names a content filter policy of its own account in the stack, so its filtering is in code and reviewed (EST-OAI-005).",
    severity: "high",
    types: [T.openAiDeployment],
    problemOf: (graph) => {
      const policies = ofType(graph, T.raiPolicy);
      return (deployment) => {
        const name = get(deployment.inputs, "properties.raiPolicyName");
        if (typeof name !== "string" || !name)
          return "properties.raiPolicyName is not set: the deployment gets whatever filter Azure defaults to, outside the stack";
        const declared = policies.some(
          (p) => (p.inputs.raiPolicyName ?? p.name) === name && p.inputs.accountName === deployment.inputs.accountName,
        );
        return declared
          ? undefined
          : `properties.raiPolicyName ${JSON.stringify(name)} names no RaiPolicy the stack declares on account ${String(deployment.inputs.accountName)}`;
      };
    },
    fail: [removeDeploymentFilter, removePolicies],
    controls: { mcsb: ["AI-2"], waf: "Security" },
    mappings: {},
    remediation:
      "Set the Deployment's `properties.raiPolicyName` to a RaiPolicy declared on the same account (OpenAiAccount does).",
    enforcement: ENFORCE.always,
  }),

  customRule({
    id: "EST-SIGR-001",
    title: "SignalR and Web PubSub accept Entra ID tokens only",
    description:
      "Access keys and connection strings are shared secrets; app servers authenticate with their managed identity.",
    severity: "high",
    types: realtime,
    check: (inputs) => {
      const problems: string[] = [];
      if (inputs.disableLocalAuth !== true)
        problems.push(`disableLocalAuth is ${show(inputs.disableLocalAuth)}; expected true`);
      if (!unsetOr(is(false)).test(inputs.disableAadAuth))
        problems.push("disableAadAuth is true: no identity could connect; expected false or unset");
      return problems;
    },
    fail: [{ disableLocalAuth: false }, { disableLocalAuth: REMOVE }, { disableAadAuth: true }],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: {},
    remediation:
      "Set `disableLocalAuth: true` (and leave `disableAadAuth` false) on the SignalR or WebPubSub resource; grant SignalR App Server or Web PubSub Service Owner.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-SIGR-002",
    title: "SignalR and Web PubSub disable public network access",
    description:
      "Clients and app servers reach the service through its private endpoint (or through the app that fronts it).",
    severity: "high",
    types: realtime,
    path: "publicNetworkAccess",
    expect: isText("Disabled"),
    bad: "Enabled",
    fail: [{ publicNetworkAccess: REMOVE }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: {},
    remediation: 'Set `publicNetworkAccess: "Disabled"` on the SignalR or WebPubSub resource.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-SIGR-003",
    title: "SignalR and Web PubSub have a managed identity",
    description: "Upstream calls and event handlers authenticate with the service's identity.",
    severity: "medium",
    types: realtime,
    path: "identity.type",
    expect: managedIdentity,
    bad: "None",
    // Absent or "None" is no identity; Azure compares the type case-insensitively. (Checkov's identity checks pass any type, "None" included.)
    fail: [{ identity: REMOVE }, { "identity.type": "" }],
    pass: [{ "identity.type": "systemassigned" }, { "identity.type": "SystemAssigned,UserAssigned" }],
    controls: { mcsb: ["IM-3"], waf: "Security" },
    mappings: {
      psrule: ["Azure.SignalR.ManagedIdentity", "Azure.WebPubSub.ManagedIdentity"],
      checkov: ["CKV_AZURE_176"],
    },
    remediation: 'Set `identity: { type: "SystemAssigned" }` on the SignalR or WebPubSub resource.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-SIGR-004",
    title: "SignalR and Web PubSub use a SKU with an SLA",
    description: "Free_F1 has no SLA and no private endpoints.",
    severity: "medium",
    types: realtime,
    path: "sku.name",
    expect: {
      test: (value) => typeof value === "string" && /^(Standard|Premium)_/i.test(value),
      describe: "a Standard_* or Premium_* SKU",
    },
    bad: "Free_F1",
    // Checkov CKV_AZURE_175/196 forbid Free_F1; the SKU is required, so an absent one fails too.
    fail: [{ sku: REMOVE }, { "sku.name": "free_f1" }],
    pass: [{ "sku.name": "Premium_P1" }, { "sku.name": "standard_s1" }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.SignalR.SLA", "Azure.WebPubSub.SLA"], checkov: ["CKV_AZURE_196", "CKV_AZURE_175"] },
    remediation: "Set `sku.name` to `Standard_S1` or a Premium SKU on the SignalR or WebPubSub resource.",
    enforcement: ENFORCE.always,
  }),

  inputRule({
    id: "EST-APPCS-001",
    title: "App Configuration accepts no access keys",
    description:
      "Connection strings with access keys are shared secrets; apps read with App Configuration Data Reader.",
    severity: "high",
    types: appConfiguration,
    path: "disableLocalAuth",
    expect: is(true),
    bad: false,
    // PSRule Azure.AppConfig.DisableLocalAuth and Checkov CKV_AZURE_184 fail an absent value: keys work by default.
    fail: [{ disableLocalAuth: REMOVE }],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: { psrule: ["Azure.AppConfig.DisableLocalAuth"], checkov: ["CKV_AZURE_184"] },
    remediation: "Set `disableLocalAuth: true` on the appconfiguration ConfigurationStore.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APPCS-002",
    title: "App Configuration disables public network access",
    description: "The store is reached only through its private endpoint.",
    severity: "high",
    types: appConfiguration,
    path: "publicNetworkAccess",
    expect: isText("Disabled"),
    bad: "Enabled",
    // Checkov CKV_AZURE_185 forbids only Enabled; an absent value leaves the endpoint public once a private endpoint
    // is removed (Azure decides by the endpoints), so Estate wants Disabled: stricter.
    fail: [{ publicNetworkAccess: REMOVE }],
    pass: [{ publicNetworkAccess: "disabled" }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_185"] },
    remediation: 'Set `publicNetworkAccess: "Disabled"` on the appconfiguration ConfigurationStore.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APPCS-003",
    title: "App Configuration is on a tier with an SLA and private endpoints",
    description: "The Free tier has no SLA, no private endpoints and no soft delete.",
    severity: "medium",
    types: appConfiguration,
    path: "sku.name",
    expect: {
      test: (value) => typeof value === "string" && ["standard", "premium"].includes(value.toLowerCase()),
      describe: '"standard" or "premium"',
    },
    bad: "free",
    // PSRule Azure.AppConfig.SKU and Checkov CKV_AZURE_188: the developer tier has no SLA either; case does not matter to Azure.
    fail: [{ "sku.name": "developer" }, { sku: REMOVE }],
    pass: [{ "sku.name": "Standard" }, { "sku.name": "premium" }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.AppConfig.SKU"], checkov: ["CKV_AZURE_188"] },
    remediation: 'Set `sku: { name: "standard" }` on the appconfiguration ConfigurationStore.',
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-APPCS-004",
    title: "Production App Configuration has purge protection",
    description: "A deleted store cannot be purged before its soft-delete retention ends.",
    severity: "medium",
    types: appConfiguration,
    path: "enablePurgeProtection",
    expect: is(true),
    bad: false,
    // Absent is off: PSRule Azure.AppConfig.PurgeProtect and Checkov CKV_AZURE_187 fail it.
    fail: [{ enablePurgeProtection: REMOVE }],
    controls: { mcsb: ["BR-1"], waf: "Reliability" },
    mappings: { psrule: ["Azure.AppConfig.PurgeProtect"], checkov: ["CKV_AZURE_187"] },
    remediation:
      "Set `enablePurgeProtection: true` on the appconfiguration ConfigurationStore (`estate:platform.appConfiguration.purgeProtection`).",
    enforcement: ENFORCE.prodOnly,
  }),
];
