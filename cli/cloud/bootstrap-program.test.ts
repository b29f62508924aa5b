import { describe, expect, it } from "vitest";
import { planProgram } from "../plan/engine.js";
import { bootstrapNames, bootstrapProgram, SECRETS_KEY, STATE_CONTAINER } from "./bootstrap.js";

describe("the bootstrap program under mocks", () => {
  it("declares the state storage, its container, the Key Vault key and the two data-plane grants", async () => {
    const names = bootstrapNames("westeurope");
    const plan = await planProgram({
      project: "estate-bootstrap",
      stack: "bootstrap",
      config: {},
      secretKeys: [],
      program: bootstrapProgram(names, "westeurope"),
    });
    const byType = (type: string) => plan.resources.filter((r) => r.type === type);
    expect(byType("azure-native:resources:ResourceGroup")[0].inputs).toMatchObject({
      resourceGroupName: names.resourceGroup,
      location: "westeurope",
    });
    expect(byType("azure-native:storage:StorageAccount")[0].inputs).toMatchObject({
      accountName: names.storageAccount,
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
    });
    expect(byType("azure-native:storage:BlobContainer")[0].inputs).toMatchObject({
      containerName: STATE_CONTAINER,
      publicAccess: "None",
    });
    expect(byType("azure-native:keyvault:Vault")[0].inputs.properties).toMatchObject({
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
    });
    expect(byType("azure-native:keyvault:Key")[0].inputs).toMatchObject({
      keyName: SECRETS_KEY,
      properties: { kty: "RSA", keySize: 2048 },
    });
    const roles = byType("azure-native:authorization:RoleAssignment").map((r) =>
      String(r.inputs.roleDefinitionId).split("/").at(-1),
    );
    expect(roles.sort()).toEqual(["12338af0-0e69-4776-bea7-57ae8d297424", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"]);
  });
});
