import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BUILT_IN_ROLES } from "../core/roles.js";
import { BASE, endpointOf, ofType, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { BlobStorage, type StorageArgs } from "./storage.js";

const ARGS: StorageArgs = {
  ...BASE,
  redundancy: "LRS",
  containers: ["documents", "exports"],
  softDeleteDays: 7,
  lifecycle: { coolAfterDays: 30, archiveAfterDays: 90 },
  privateEndpoint: PRIVATE_ENDPOINT,
};

let plan: Plan;
beforeAll(async () => {
  plan = await planComponents(() => {
    const storage = new BlobStorage("st", ARGS);
    storage.grantBlobAccess("api", "44444444-4444-4444-8444-444444444444", "write", "documents");
    storage.grantBlobAccess("worker", "55555555-5555-4555-8555-555555555555", "read", "documents");
    return { blob: storage.blobEndpoint };
  });
});

describe("Storage", () => {
  it("allows neither shared keys nor anonymous blobs, HTTPS and TLS 1.2 only, no public network", () => {
    expect(oneOfType(plan, "azure-native:storage:StorageAccount").inputs).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      publicNetworkAccess: "Disabled",
      networkRuleSet: { defaultAction: "Deny" },
      sku: { name: "Standard_LRS" },
    });
  });

  it.each([
    ["ZRS", "Standard_ZRS"],
    ["GRS", "Standard_GRS"],
    ["RA-GRS", "Standard_RAGRS"],
    ["GZRS", "Standard_GZRS"],
    ["RA-GZRS", "Standard_RAGZRS"],
  ] as const)("replicates %s as the %s SKU", async (redundancy, sku) => {
    const other = await planComponents(() => void new BlobStorage("st", { ...ARGS, redundancy }));
    expect(oneOfType(other, "azure-native:storage:StorageAccount").inputs.sku).toEqual({ name: sku });
  });

  it("keeps deleted blobs and containers and versions every blob", () => {
    expect(oneOfType(plan, "azure-native:storage:BlobServiceProperties").inputs).toMatchObject({
      isVersioningEnabled: true,
      deleteRetentionPolicy: { enabled: true, days: 7 },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
    });
  });

  it("creates the containers private, and a lifecycle that cools then archives", () => {
    const containers = ofType(plan, "azure-native:storage:BlobContainer");
    expect(containers.map((c) => c.inputs.containerName)).toEqual(["documents", "exports"]);
    for (const c of containers) expect(c.inputs.publicAccess).toBe("None");
    const rule = (oneOfType(plan, "azure-native:storage:ManagementPolicy").inputs.policy as any).rules[0];
    expect(rule.definition.actions.baseBlob).toEqual({
      tierToCool: { daysAfterModificationGreaterThan: 30 },
      tierToArchive: { daysAfterModificationGreaterThan: 90 },
    });
  });

  it("is reachable through a blob private endpoint with its DNS zone group", () => {
    const account = oneOfType(plan, "azure-native:storage:StorageAccount");
    expect(endpointOf(plan, account.outputs.id)?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["blob"] }),
    ]);
    expect(plan.outputs.blob).toBe(`https://${account.physicalName}.blob.core.windows.net/`);
  });

  it("grants Blob Data Contributor for write and Blob Data Reader for read, on the container only", () => {
    const container = ofType(plan, "azure-native:storage:BlobContainer").find(
      (c) => c.inputs.containerName === "documents",
    )!;
    expect(String(container.outputs.id)).toMatch(/\/blobServices\/default\/containers\/documents$/);
    const grants = ofType(plan, "azure-native:authorization:RoleAssignment");
    expect(
      grants.map((g) => [g.inputs.principalId, String(g.inputs.roleDefinitionId).split("/").pop(), g.inputs.scope]),
    ).toEqual([
      ["44444444-4444-4444-8444-444444444444", BUILT_IN_ROLES["Storage Blob Data Contributor"], container.outputs.id],
      ["55555555-5555-4555-8555-555555555555", BUILT_IN_ROLES["Storage Blob Data Reader"], container.outputs.id],
    ]);
  });

  it("refuses a grant on a container it does not have", async () => {
    await expect(
      planComponents(() => {
        const storage = new BlobStorage("st", { ...ARGS, containers: ["documents"] });
        storage.grantBlobAccess("api", "44444444-4444-4444-8444-444444444444", "read", "images");
      }),
    ).rejects.toThrow('storage st has no container "images"; containers: documents');
  });
});
