import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as random from "@pulumi/random";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";

/** A secret the estate generates itself and keeps only in Key Vault (e.g. a signing secret). */
export interface GeneratedSecretArgs {
  /** The secret's name in the vault, e.g. `signing-key`. */
  name: string;
  /** Characters of random material (letters, digits and symbols). */
  length: number;
}

/**
 * A secret whose value the operator supplies (a Pulumi secret from the stack config). It carries its
 * expiry: Key Vault raises SecretNearExpiry 30 days before it and SecretExpired at it (see
 * SecretExpiryReminders); the operator rotates it, nothing here does.
 */
export interface SuppliedSecretArgs {
  /** The secret's name in the vault. */
  name: string;
  /** The value, a Pulumi secret from the stack config: stored in the vault, never in the plan. */
  value: pulumi.Input<string>;
  /** When the value expires (the secret's `exp` attribute), after which it must have been rotated. */
  expires: Date;
  /** What the value is, for whoever rotates it. */
  contentType?: string;
}

/** Characters of a secret declared by `generatedSecret` (a 64-character key is well above an HMAC-SHA256 key's 32 bytes). */
export const GENERATED_SECRET_LENGTH = 64;

export interface KeyVaultArgs extends BaseArgs {
  /** Vault tier: standard, or premium (HSM-protected keys). */
  sku: "standard" | "premium";
  /** 7-90 days during which a deleted vault or secret can be recovered. */
  softDeleteRetentionDays: number;
  /** Once on, deleted vaults and secrets cannot be purged before the retention ends; it cannot be turned off. */
  purgeProtection: boolean;
  /** Secrets the estate generates (random values kept only in the vault). */
  secrets: GeneratedSecretArgs[];
  /** Secrets the operator supplies, each with its expiry. */
  suppliedSecrets?: SuppliedSecretArgs[];
  /** Where the vault's private endpoint goes; absent: none (public network access stays disabled). */
  privateEndpoint?: PrivateEndpointArgs;
}

/**
 * A Key Vault with RBAC authorisation (no access policies), no public access and a default-deny
 * network ACL, holding the secrets the estate generates (those of `secrets`, and those a service
 * asks for with `generatedSecret`) and those the operator supplies (`suppliedSecrets`). Apps read them as Key Vault references (`secretUri`) after
 * `grantSecretRead` (one secret) or `grantSecretsRead` (the whole vault).
 */
export class KeyVault extends pulumi.ComponentResource {
  readonly vaultId: pulumi.Output<string>;
  readonly vaultName: pulumi.Output<string>;
  /** `https://<vault>.vault.azure.net/` */
  readonly vaultUri: pulumi.Output<string>;
  private readonly resourceGroupName: pulumi.Input<string>;
  private readonly secrets = new Map<string, keyvault.Secret>();

  constructor(
    private readonly name: string,
    args: KeyVaultArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("estate:secrets:KeyVault", name, {}, opts);
    const { resourceGroupName, location, namer } = args;

    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        vaultName: namer.name("keyVault"),
        resourceGroupName,
        location,
        properties: {
          tenantId: authorization.getClientConfigOutput().tenantId,
          sku: { family: "A", name: args.sku },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: args.softDeleteRetentionDays,
          // Azure rejects `false` here: purge protection is either on or left unset.
          enablePurgeProtection: args.purgeProtection ? true : undefined,
          publicNetworkAccess: "Disabled",
          networkAcls: { defaultAction: "Deny", bypass: "None", ipRules: [], virtualNetworkRules: [] },
        },
      },
      { parent: this },
    );

    this.vaultId = vault.id;
    this.vaultName = vault.name;
    this.resourceGroupName = resourceGroupName;
    for (const secret of args.secrets) this.declareSecret(secret);
    for (const secret of args.suppliedSecrets ?? []) this.declareSupplied(secret);

    if (args.privateEndpoint) privateEndpoint(this, name, args, "keyVault", vault.id, args.privateEndpoint);
    applySharedArgs(this, name, vault.id, args);

    this.vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
    this.registerOutputs({ vaultId: this.vaultId, vaultUri: this.vaultUri });
  }

  // The value is generated once and kept in the state as a secret (the plan shows it redacted);
  // it changes only if the RandomPassword is replaced, e.g. by a changed length.
  private declareSecret({ name, length }: GeneratedSecretArgs): keyvault.Secret {
    const value = new random.RandomPassword(`${this.name}-${name}-value`, { length, special: true }, { parent: this });
    return this.declare(name, { value: value.result, contentType: "generated by estate" });
  }

  private declareSupplied({ name, value, expires, contentType }: SuppliedSecretArgs): keyvault.Secret {
    if (this.secrets.has(name)) throw new Error(`Key Vault ${this.name}: secret "${name}" is declared twice`);
    if (Number.isNaN(expires.getTime()))
      throw new Error(`Key Vault ${this.name}: secret "${name}" has no valid expiry`);
    return this.declare(name, {
      value: pulumi.secret(value),
      contentType: contentType ?? "supplied by the operator; rotate before it expires",
      attributes: { enabled: true, expires: Math.floor(expires.getTime() / 1000) },
    });
  }

  private declare(name: string, properties: keyvault.SecretArgs["properties"]): keyvault.Secret {
    const secret = new keyvault.Secret(
      `${this.name}-${name}`,
      {
        vaultName: this.vaultName,
        resourceGroupName: this.resourceGroupName,
        secretName: name,
        properties,
      },
      { parent: this },
    );
    this.secrets.set(name, secret);
    return secret;
  }

  /**
   * The generated secret `name`: the one `secrets` declares, or else one declared now with
   * GENERATED_SECRET_LENGTH characters (asked for twice, the same secret). Returns its versionless URI.
   */
  generatedSecret(name: string): pulumi.Output<string> {
    if (!this.secrets.has(name)) this.declareSecret({ name, length: GENERATED_SECRET_LENGTH });
    return this.secretUri(name);
  }

  /** Key Vault Secrets User on one secret only: the principal reads that value and no other. */
  grantSecretRead(key: string, principalId: pulumi.Input<string>, secretName: string) {
    const secret = this.secrets.get(secretName);
    if (!secret)
      throw new Error(`Key Vault ${this.name} holds no secret "${secretName}"; secrets: ${this.secretList()}`);
    return assignRoles(this, this.name, secret.id, [
      { role: "Key Vault Secrets User", principalId, key: `${key}-${secretName}` },
    ])[0];
  }

  /** Key Vault Secrets User on the vault: read secret values, nothing else. */
  grantSecretsRead(key: string, principalId: pulumi.Input<string>) {
    return assignRoles(this, this.name, this.vaultId, [{ role: "Key Vault Secrets User", principalId, key }])[0];
  }

  /** Versionless secret URI, for `@Microsoft.KeyVault(SecretUri=...)` app settings (always the latest version). */
  secretUri(name: string): pulumi.Output<string> {
    if (!this.secrets.has(name))
      throw new Error(`Key Vault ${this.name} holds no secret "${name}"; secrets: ${this.secretList()}`);
    return pulumi.interpolate`${this.vaultUri}secrets/${name}`;
  }

  private secretList(): string {
    return [...this.secrets.keys()].join(", ") || "(none)";
  }
}
