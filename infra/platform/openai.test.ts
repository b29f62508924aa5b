import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, endpointOf, ofType, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { OpenAiAccount, type OpenAiArgs } from "./openai.js";
import { openAiProblems } from "./limits.js";

const ARGS: OpenAiArgs = {
  ...BASE,
  customSubDomainName: "oai-estate-test-weu-1a2b3c",
  deployments: [
    { name: "chat", model: "gpt-4o-mini", version: "2024-07-18", sku: "GlobalStandard", capacity: 30 },
    { name: "embeddings", model: "text-embedding-3-small", version: "1", sku: "Standard", capacity: 120 },
  ],
  contentFilter: { threshold: "Medium" },
  privateEndpoint: PRIVATE_ENDPOINT,
};
const APP = "33333333-3333-4333-8333-333333333333";

let plan: Plan;
beforeAll(async () => {
  plan = await planComponents(() => {
    const account = new OpenAiAccount("openai", ARGS);
    account.grantDataAccess("api", APP);
    return { endpoint: account.endpoint };
  });
});

describe("Azure OpenAI", () => {
  it("is an OpenAI account on its custom subdomain with keys and public access off", () => {
    const account = oneOfType(plan, "azure-native:cognitiveservices:Account");
    expect(account.inputs).toMatchObject({
      kind: "OpenAI",
      sku: { name: "S0" },
      identity: { type: "SystemAssigned" },
      properties: {
        customSubDomainName: ARGS.customSubDomainName,
        disableLocalAuth: true,
        publicNetworkAccess: "Disabled",
        networkAcls: { defaultAction: "Deny" },
      },
    });
    expect(account.physicalName).toMatch(/^oai-estate-test-weu-/);
    expect(plan.outputs.endpoint).toBe(`https://${ARGS.customSubDomainName}.openai.azure.com/`);
    expect(endpointOf(plan, account.outputs.id)?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["account"] }),
    ]);
    expect(oneOfType(plan, "azure-native:monitor:DiagnosticSetting").inputs.resourceUri).toBe(account.outputs.id);
  });

  it("deploys each model from its args, one after another, all under the estate's content filter", () => {
    const policy = oneOfType(plan, "azure-native:cognitiveservices:RaiPolicy");
    const [chat, embeddings] = ofType(plan, "azure-native:cognitiveservices:Deployment");
    expect(chat.inputs).toMatchObject({
      deploymentName: "chat",
      sku: { name: "GlobalStandard", capacity: 30 },
      properties: {
        model: { format: "OpenAI", name: "gpt-4o-mini", version: "2024-07-18" },
        raiPolicyName: policy.outputs.name,
        versionUpgradeOption: "NoAutoUpgrade",
      },
    });
    expect(embeddings.inputs).toMatchObject({ deploymentName: "embeddings", sku: { name: "Standard", capacity: 120 } });
    expect(chat.dependsOn).toContain(policy.urn);
    expect(embeddings.dependsOn).toContain(chat.urn);
  });

  it("filters hate, sexual, violence and self-harm on prompts and completions at the threshold, plus jailbreaks", () => {
    const filters = (
      oneOfType(plan, "azure-native:cognitiveservices:RaiPolicy").inputs.properties as {
        contentFilters: Array<Record<string, unknown>>;
      }
    ).contentFilters;
    for (const name of ["Hate", "Sexual", "Violence", "Selfharm"]) {
      for (const source of ["Prompt", "Completion"]) {
        expect(filters).toContainEqual({ name, source, enabled: true, blocking: true, severityThreshold: "Medium" });
      }
    }
    expect(filters).toContainEqual(expect.objectContaining({ name: "Jailbreak", source: "Prompt", blocking: true }));
  });

  it("grants Cognitive Services OpenAI User on the account", () => {
    const role = oneOfType(plan, "azure-native:authorization:RoleAssignment");
    expect(String(role.inputs.roleDefinitionId)).toMatch(/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd$/);
    expect(role.inputs.scope).toBe(oneOfType(plan, "azure-native:cognitiveservices:Account").outputs.id);
  });
});

describe("Azure OpenAI refusals", () => {
  it("refuses an account without a custom subdomain before declaring anything", async () => {
    await expect(
      planComponents(() => void new OpenAiAccount("openai", { ...ARGS, customSubDomainName: "" })),
    ).rejects.toThrow(
      /Azure OpenAI openai: customSubDomainName is not set; Entra ID authentication and private endpoints need a custom subdomain/,
    );
  });

  it("refuses a weaker content filter, bad deployments and an invalid subdomain, listing each", () => {
    const problems = openAiProblems({
      customSubDomainName: "Not_A_Label",
      contentFilter: { threshold: "High" as never },
      deployments: [ARGS.deployments[0], { ...ARGS.deployments[0], capacity: 0, sku: "ProvisionedManaged" as never }],
    });
    expect(problems).toEqual([
      expect.stringMatching(/^customSubDomainName "Not_A_Label" must be/),
      expect.stringMatching(/^contentFilter.threshold "High" is weaker than Azure's default/),
      'deployments[1].name "chat" is listed twice',
      expect.stringMatching(/^deployments\[1\].sku "ProvisionedManaged" is not one of/),
      expect.stringMatching(/^deployments\[1\].capacity 0 must be/),
    ]);
  });
});
