import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { refuseProblems } from "./checks.js";

/** Pay-per-token deployment types (provisioned throughput is billed per PTU-hour and not offered here). */
export type DeploymentSku = "Standard" | "GlobalStandard" | "DataZoneStandard";
export const DEPLOYMENT_SKUS: readonly DeploymentSku[] = ["Standard", "GlobalStandard", "DataZoneStandard"];

export interface ModelDeploymentArgs {
  /** The deployment's name, which apps put in their request path. */
  name: string;
  /** e.g. `gpt-4o-mini`, `text-embedding-3-small`. */
  model: string;
  /** e.g. `2024-07-18`. */
  version: string;
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

/** What a binding can be granted: inference only (no management or fine-tuning). */
export type OpenAiAccess = "Cognitive Services OpenAI User";

export interface OpenAiArgs extends BaseArgs {
  /**
   * The account's DNS label (`<label>.openai.azure.com`), globally unique. Entra ID token auth and
   * private endpoints need it: https://learn.microsoft.com/azure/ai-services/cognitive-services-custom-subdomains
   */
  customSubDomainName: string;
  deployments: ModelDeploymentArgs[];
  contentFilter: { threshold: ContentFilterThreshold };
  privateEndpoint?: PrivateEndpointArgs;
}

/** Custom subdomains: 2-64 letters, digits and hyphens, starting and ending with a letter or digit. */
const SUBDOMAIN = /^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$/;
const DEPLOYMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;

export function openAiProblems(args: Pick<OpenAiArgs, "customSubDomainName" | "deployments" | "contentFilter">): string[] {
  const problems: string[] = [];
  const label = args.customSubDomainName;
  if (!label) problems.push("customSubDomainName is not set; Entra ID authentication and private endpoints need a custom subdomain");
  else if (!SUBDOMAIN.test(label)) problems.push(`customSubDomainName "${label}" must be 2-64 lowercase letters, digits and hyphens, starting and ending with a letter or digit`);
  if (!["Low", "Medium"].includes(args.contentFilter?.threshold)) {
    problems.push(`contentFilter.threshold "${args.contentFilter?.threshold}" is weaker than Azure's default; use "Medium" or the stricter "Low"`);
  }
  const seen = new Set<string>();
  args.deployments.forEach((d, i) => {
    if (!DEPLOYMENT_NAME.test(d.name)) problems.push(`deployments[${i}].name "${d.name}" must be 2-64 letters, digits, dots, hyphens or underscores`);
    if (seen.has(d.name)) problems.push(`deployments[${i}].name "${d.name}" is listed twice`);
    seen.add(d.name);
    if (!d.model || !d.version) problems.push(`deployments[${i}] needs a model name and version`);
    if (!DEPLOYMENT_SKUS.includes(d.sku)) problems.push(`deployments[${i}].sku "${d.sku}" is not one of ${DEPLOYMENT_SKUS.join(", ")}`);
    if (!Number.isInteger(d.capacity) || d.capacity < 1) problems.push(`deployments[${i}].capacity ${d.capacity} must be a whole number of thousands of tokens per minute, at least 1`);
  });
  return problems;
}

/**
 * An Azure OpenAI account reached only through its private endpoint with Entra ID tokens (keys off),
 * its model deployments (one after another: Azure refuses concurrent deployments on one account),
 * and one content filter policy that every deployment uses.
 */
export class OpenAiAccount extends pulumi.ComponentResource {
  readonly accountId: pulumi.Output<string>;
  readonly accountName: pulumi.Output<string>;
  /** `https://<subdomain>.openai.azure.com/` */
  readonly endpoint: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  /** Deployment names, for the settings a binding gives an app. */
  readonly deploymentNames: readonly string[];
  private readonly name: string;

  constructor(name: string, args: OpenAiArgs, opts?: pulumi.ComponentResourceOptions) {
    refuseProblems(`Azure OpenAI ${name}`, openAiProblems(args));
    super("estate:platform:OpenAiAccount", name, {}, opts);
    this.name = name;
    const { resourceGroupName, location, namer, tags } = args;

    const account = new cognitiveservices.Account(
      `${name}-account`,
      {
        accountName: namer.name("openAi"),
        resourceGroupName,
        location,
        tags,
        kind: "OpenAI",
        sku: { name: "S0" },
        identity: { type: "SystemAssigned" },
        properties: {
          customSubDomainName: args.customSubDomainName,
          disableLocalAuth: true,
          publicNetworkAccess: "Disabled",
          networkAcls: { defaultAction: "Deny", ipRules: [], virtualNetworkRules: [] },
        },
      },
      { parent: this },
    );

    const policy = new cognitiveservices.RaiPolicy(
      `${name}-content-filter`,
      {
        accountName: account.name,
        resourceGroupName,
        raiPolicyName: "estate-default",
        properties: {
          basePolicyName: "Microsoft.DefaultV2",
          mode: "Default",
          contentFilters: [
            ...CONTENT_FILTER_CATEGORIES.flatMap((category) =>
              CONTENT_FILTER_SOURCES.map((source) => ({ name: category, source, enabled: true, blocking: true, severityThreshold: args.contentFilter.threshold })),
            ),
            // Prompt shields against jailbreak attempts, and protected text in completions, as Azure's default policy has them.
            { name: "Jailbreak", source: "Prompt", enabled: true, blocking: true },
            { name: "Protected Material Text", source: "Completion", enabled: true, blocking: true },
          ],
        },
      },
      { parent: this },
    );

    let previous: pulumi.Resource = policy;
    for (const d of args.deployments) {
      previous = new cognitiveservices.Deployment(
        `${name}-${d.name}`,
        {
          accountName: account.name,
          resourceGroupName,
          deploymentName: d.name,
          sku: { name: d.sku, capacity: d.capacity },
          properties: {
            model: { format: "OpenAI", name: d.model, version: d.version },
            raiPolicyName: policy.name,
            // Model versions change behaviour: move only when the stack says so.
            versionUpgradeOption: "NoAutoUpgrade",
          },
        },
        { parent: this, dependsOn: [previous] },
      );
    }
    this.deploymentNames = args.deployments.map((d) => d.name);

    if (args.privateEndpoint) privateEndpoint(this, name, args, "openAi", account.id, args.privateEndpoint);
    applySharedArgs(this, name, account.id, args);

    this.accountId = account.id;
    this.accountName = account.name;
    this.endpoint = pulumi.output(`https://${args.customSubDomainName}.openai.azure.com/`);
    this.principalId = account.identity.apply((identity) => identity?.principalId ?? "");
    this.registerOutputs({ accountId: this.accountId, endpoint: this.endpoint });
  }

  /** Cognitive Services OpenAI User on the account: call the deployments, nothing else. */
  grantDataAccess(key: string, principalId: pulumi.Input<string>, role: OpenAiAccess = "Cognitive Services OpenAI User") {
    return assignRoles(this, this.name, this.accountId, [{ role, principalId, key }])[0];
  }
}
