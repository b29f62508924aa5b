import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BUILT_IN_ROLES } from "../core/roles.js";
import { BASE, endpointOf, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { GENERATED_SECRET_LENGTH, KeyVault, type KeyVaultArgs } from "./key-vault.js";

const DEV: KeyVaultArgs = {
  ...BASE,
  sku: "standard",
  softDeleteRetentionDays: 90,
  purgeProtection: false,
  secrets: [{ name: "signing-secret", length: 64 }],
  privateEndpoint: PRIVATE_ENDPOINT,
};

let dev: Plan;
let prod: Plan;
let asked: Plan;
beforeAll(async () => {
  dev = await planComponents(() => {
    const kv = new KeyVault("kv", DEV);
    kv.grantSecretsRead("api", "88888888-8888-4888-8888-888888888888");
    return { uri: kv.vaultUri, secret: kv.secretUri("signing-secret") };
  });
  prod = await planComponents(() => {
    new KeyVault("kv", { ...DEV, purgeProtection: true });
  });
  asked = await planComponents(() => {
    const kv = new KeyVault("kv", DEV);
    const uri = kv.generatedSecret("cursor-signing-key");
    kv.grantSecretRead("api", "88888888-8888-4888-8888-888888888888", "cursor-signing-key");
    return { uri, again: kv.generatedSecret("cursor-signing-key"), configured: kv.generatedSecret("signing-secret") };
  });
});

describe("Key Vault", () => {
  it("authorises with RBAC, keeps deletes 90 days, denies the network and public access", () => {
    expect(oneOfType(dev, "azure-native:keyvault:Vault").inputs.properties).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      publicNetworkAccess: "Disabled",
      networkAcls: { defaultAction: "Deny" },
    });
  });

  it("has purge protection in prod and leaves it unset (never false) in dev", () => {
    expect((oneOfType(prod, "azure-native:keyvault:Vault").inputs.properties as any).enablePurgeProtection).toBe(true);
    expect(
      (oneOfType(dev, "azure-native:keyvault:Vault").inputs.properties as any).enablePurgeProtection,
    ).toBeUndefined();
  });

  it("stores a generated secret whose value never appears in the plan", () => {
    const password = oneOfType(dev, "random:index/randomPassword:RandomPassword");
    expect(password.inputs.length).toBe(64);
    const secret = oneOfType(dev, "azure-native:keyvault:Secret");
    expect(secret.inputs.secretName).toBe("signing-secret");
    expect((secret.inputs.properties as any).value).toBe("[secret]");
  });

  it("is reachable through a private endpoint on vault with its DNS zone group", () => {
    const vault = oneOfType(dev, "azure-native:keyvault:Vault");
    expect(endpointOf(dev, vault.outputs.id)?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["vault"] }),
    ]);
  });

  it("grants Key Vault Secrets User and gives versionless secret URIs for Key Vault references", () => {
    const vault = oneOfType(dev, "azure-native:keyvault:Vault");
    const grant = oneOfType(dev, "azure-native:authorization:RoleAssignment");
    expect(String(grant.inputs.roleDefinitionId)).toMatch(new RegExp(`${BUILT_IN_ROLES["Key Vault Secrets User"]}$`));
    expect(grant.inputs.scope).toBe(vault.outputs.id);
    expect(dev.outputs.uri).toBe(`https://${vault.physicalName}.vault.azure.net/`);
    expect(dev.outputs.secret).toBe(`https://${vault.physicalName}.vault.azure.net/secrets/signing-secret`);
  });

  it("declares a secret asked for by name once, and grants reading that secret only", () => {
    const vault = oneOfType(asked, "azure-native:keyvault:Vault");
    const secrets = asked.resources.filter((r) => r.type === "azure-native:keyvault:Secret");
    expect(secrets.map((s) => s.inputs.secretName).sort()).toEqual(["cursor-signing-key", "signing-secret"]);
    const secret = secrets.find((s) => s.inputs.secretName === "cursor-signing-key")!;
    expect((secret.inputs.properties as any).value).toBe("[secret]");
    const lengths = asked.resources
      .filter((r) => r.type === "random:index/randomPassword:RandomPassword")
      .map((p) => p.inputs.length);
    expect(lengths).toEqual([64, GENERATED_SECRET_LENGTH]);
    const uri = `https://${vault.physicalName}.vault.azure.net/secrets/cursor-signing-key`;
    expect([asked.outputs.uri, asked.outputs.again]).toEqual([uri, uri]);
    expect(asked.outputs.configured).toBe(`https://${vault.physicalName}.vault.azure.net/secrets/signing-secret`);
    const grant = oneOfType(asked, "azure-native:authorization:RoleAssignment");
    expect(String(grant.inputs.roleDefinitionId)).toMatch(new RegExp(`${BUILT_IN_ROLES["Key Vault Secrets User"]}$`));
    expect(grant.inputs.scope).toBe(secret.outputs.id);
    expect(secret.outputs.id).toMatch(/\/vaults\/[^/]+\/secrets\/cursor-signing-key$/);
  });

  it("refuses a grant on a secret it does not hold", async () => {
    await expect(
      planComponents(() => void new KeyVault("kv", DEV).grantSecretRead("api", "p", "missing")),
    ).rejects.toThrow(/no secret "missing"; secrets: signing-secret/);
  });

  it("refuses a URI for a secret it does not hold", async () => {
    await expect(planComponents(() => void new KeyVault("kv", DEV).secretUri("missing"))).rejects.toThrow(
      /no secret "missing"; secrets: signing-secret/,
    );
  });

  it("declares a supplied secret with its expiry and the value only as a secret, and refuses a second of the same name", async () => {
    const expires = new Date("2027-03-31T00:00:00Z");
    const supplied = await planComponents(() => {
      const kv = new KeyVault("kv", {
        ...DEV,
        suppliedSecrets: [{ name: "youtube-api-key", value: "plain-from-config", expires }],
      });
      return { uri: kv.secretUri("youtube-api-key") };
    });
    const secret = supplied.resources.find(
      (r) => r.type === "azure-native:keyvault:Secret" && r.inputs.secretName === "youtube-api-key",
    )!;
    expect(secret.inputs.properties).toEqual({
      value: "[secret]",
      contentType: "supplied by the operator; rotate before it expires",
      attributes: { enabled: true, expires: 1806451200 },
    });
    expect(JSON.stringify(supplied)).not.toContain("plain-from-config");
    expect(supplied.outputs.uri).toMatch(/\.vault\.azure\.net\/secrets\/youtube-api-key$/);
    await expect(
      planComponents(
        () => void new KeyVault("kv", { ...DEV, suppliedSecrets: [{ name: "signing-secret", value: "v", expires }] }),
      ),
    ).rejects.toThrow(/secret "signing-secret" is declared twice/);
  });
});
