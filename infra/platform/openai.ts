import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import {
  CONTENT_FILTER_CATEGORIES,
  CONTENT_FILTER_SOURCES,
  openAiProblems,
  refuseProblems,
  type ContentFilterThreshold,
  type ModelDeploymentArgs,
} from "./limits.js";

/** What a binding can be granted: inference only (no management or fine-tuning). */
export type OpenAiAccess = "Cognitive Services OpenAI User";

export interface OpenAiArgs extends BaseArgs {
  /**
   * The account's DNS label (`<label>.openai.azure.com`), globally unique. Entra ID token auth and
   * private endpoints need it: https://learn.microsoft.com/azure/ai-services/cognitive-services-custom-subdomains
   */
  customSubDomainName: string;
  /** The model deployments the account serves. */
  deployments: ModelDeploymentArgs[];
  /**
   * The content filter on prompts and completions: the `threshold` severity at and above which it blocks
   * (Low is stricter than Medium).
   */
  contentFilter: { threshold: ContentFilterThreshold };
  /** Where the service's private endpoint goes; absent: none (public network access stays disabled). */
  privateEndpoint?: PrivateEndpointArgs;
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
    const { resourceGroupName, location, namer } = args;

    const account = new cognitiveservices.Account(
      `${name}-account`,
      {
        accountName: namer.name("openAi"),
        resourceGroupName,
        location,
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
              CONTENT_FILTER_SOURCES.map((source) => ({
                name: category,
                source,
                enabled: true,
                blocking: true,
                severityThreshold: args.contentFilter.threshold,
              })),
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
  grantDataAccess(
    key: string,
    principalId: pulumi.Input<string>,
    role: OpenAiAccess = "Cognitive Services OpenAI User",
  ) {
    return assignRoles(this, this.name, this.accountId, [{ role, principalId, key }])[0];
  }
}
