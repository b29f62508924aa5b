import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import { stableGuid } from "../../infra/core/guid.js";
import { BUILT_IN_ROLES } from "../../infra/core/roles.js";
import { Namer } from "../../infra/naming/index.js";
import type { Region } from "../../infra/naming/regions.js";
import { type BackendConfig } from "./backend.js";
import type { CloudEngine } from "./engine.js";
import { engineErrorText } from "./operation.js";
import { EstateError } from "../errors.js";

export const STATE_CONTAINER = "pulumi-state";
export const SECRETS_KEY = "pulumi-secrets";

export interface BootstrapNames {
  resourceGroup: string;
  storageAccount: string;
  keyVault: string;
}

/** Deterministic names, so running bootstrap again finds the same resources (idempotent). */
export function bootstrapNames(location: Region, workload = "estate"): BootstrapNames {
  const namer = new Namer({ workload, environment: "state", location });
  return {
    resourceGroup: namer.name("resourceGroup"),
    storageAccount: namer.name("storageAccount"),
    keyVault: namer.name("keyVault"),
  };
}

export function backendConfigFor(names: BootstrapNames, location: string): BackendConfig {
  const backendUrl = `azblob://${STATE_CONTAINER}?storage_account=${names.storageAccount}`;
  return {
    backendUrl,
    secretsProvider: `azurekeyvault://${names.keyVault}.vault.azure.net/keys/${SECRETS_KEY}`,
    storageAccount: names.storageAccount,
    resourceGroup: names.resourceGroup,
    location,
    loginCommand: `pulumi login '${backendUrl}'`,
  };
}

/**
 * The bootstrap program: a resource group, a storage account with a private container for the
 * state, and a Key Vault (RBAC) with an RSA key for the secrets provider; the signed-in identity
 * gets data access to both.
 */
export function bootstrapProgram(names: BootstrapNames, location: string) {
  return async () => {
    const client = await authorization.getClientConfig();
    const group = new resources.ResourceGroup("state-rg", {
      resourceGroupName: names.resourceGroup,
      location,
      tags: { "managed-by": "estate" },
    });
    const account = new storage.StorageAccount("state", {
      accountName: names.storageAccount,
      resourceGroupName: group.name,
      location,
      kind: storage.Kind.StorageV2,
      sku: { name: storage.SkuName.Standard_ZRS },
      allowBlobPublicAccess: false,
      minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
      enableHttpsTrafficOnly: true,
    });
    new storage.BlobContainer("state", {
      containerName: STATE_CONTAINER,
      accountName: account.name,
      resourceGroupName: group.name,
      publicAccess: storage.PublicAccess.None,
    });
    const vault = new keyvault.Vault("secrets", {
      vaultName: names.keyVault,
      resourceGroupName: group.name,
      location,
      properties: {
        tenantId: client.tenantId,
        sku: { family: keyvault.SkuFamily.A, name: keyvault.SkuName.Standard },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        enablePurgeProtection: true,
      },
    });
    new keyvault.Key("secrets", {
      keyName: SECRETS_KEY,
      vaultName: vault.name,
      resourceGroupName: group.name,
      properties: { kty: keyvault.JsonWebKeyType.RSA, keySize: 2048 },
    });
    const grant = (name: string, scope: pulumi.Output<string>, role: string) =>
      new authorization.RoleAssignment(name, {
        scope,
        principalId: client.objectId,
        roleDefinitionId: `/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[role]}`,
        roleAssignmentName: scope.apply((s) => stableGuid(s, role, client.objectId)),
      });
    grant("state-writer", account.id, "Storage Blob Data Contributor");
    grant("secrets-user", vault.id, "Key Vault Crypto User");
    return { storageAccount: account.name, keyVault: vault.name };
  };
}

export interface BootstrapOptions {
  engine: CloudEngine;
  projectDir: string;
  location: Region;
  /** Bootstrap's own state: a local folder, since the blob backend does not exist yet. */
  stateDir: string;
}

/** Creates (or finds) the backend resources and returns the backend config to record. */
export async function bootstrap(options: BootstrapOptions): Promise<BackendConfig> {
  const names = bootstrapNames(options.location);
  await options.engine
    .upInline({
      projectName: "estate-bootstrap",
      stack: "bootstrap",
      program: bootstrapProgram(names, options.location),
      env: {
        PULUMI_BACKEND_URL: `file://${options.stateDir}`,
        // The bootstrap stack holds no secrets; the local backend still asks for a passphrase.
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
      },
      config: { "azure-native:location": options.location },
    })
    .catch((error: unknown) => {
      throw new EstateError(
        `The state backend was not created: pulumi up of the bootstrap stack failed (its state is in ${options.stateDir}; run again once fixed):\n${engineErrorText((error as Error).message)}`,
      );
    });
  return backendConfigFor(names, options.location);
}
