import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { BASE, ofType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { DEFAULT_PRIVATE_LINK_SERVICES, PRIVATE_LINK, PRIVATE_LINK_SERVICES, PrivateDnsZones } from "./dns.js";
import { privateEndpoint } from "./private-endpoint.js";

const VNET = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-test";

describe("private DNS zones", () => {
  it("creates one zone per private-link service, each linked to the VNet without registration", async () => {
    const plan = await planComponents(() => {
      new PrivateDnsZones("dns", { ...BASE, vnetId: VNET });
    });
    const zones = ofType(plan, "azure-native:privatedns:PrivateZone");
    expect(zones.map((z) => z.physicalName).sort()).toEqual([
      "privatelink.blob.core.windows.net",
      "privatelink.database.windows.net",
      "privatelink.documents.azure.com",
      "privatelink.redis.cache.windows.net",
      "privatelink.servicebus.windows.net",
      "privatelink.vaultcore.azure.net",
    ]);
    for (const zone of zones) expect(zone.inputs.location).toBe("global");
    const links = ofType(plan, "azure-native:privatedns:VirtualNetworkLink");
    expect(links).toHaveLength(DEFAULT_PRIVATE_LINK_SERVICES.length);
    for (const link of links) {
      expect(link.inputs.registrationEnabled).toBe(false);
      expect(link.inputs.virtualNetwork).toMatchObject({ id: VNET });
    }
    expect(new Set(links.map((l) => l.inputs.privateZoneName)).size).toBe(zones.length);
  });

  it("declares a platform service's zone only when asked for it", async () => {
    const plan = await planComponents(() => {
      new PrivateDnsZones("dns", {
        ...BASE,
        vnetId: VNET,
        services: [...DEFAULT_PRIVATE_LINK_SERVICES, "search", "openAi"],
      });
    });
    const zones = ofType(plan, "azure-native:privatedns:PrivateZone").map((z) => z.physicalName);
    expect(zones).toHaveLength(DEFAULT_PRIVATE_LINK_SERVICES.length + 2);
    expect(zones).toEqual(expect.arrayContaining(["privatelink.search.windows.net", "privatelink.openai.azure.com"]));
    expect(zones).not.toContain("privatelink.azconfig.io");
  });

  it("makes the PostgreSQL and MySQL zones only for stacks that ask for them", async () => {
    const plan = await planComponents(() => {
      new PrivateDnsZones("dns", {
        ...BASE,
        vnetId: VNET,
        services: [...DEFAULT_PRIVATE_LINK_SERVICES, "postgresql", "mysql"],
      });
    });
    const zones = ofType(plan, "azure-native:privatedns:PrivateZone").map((z) => z.physicalName);
    expect(zones).toContain("privatelink.postgres.database.azure.com");
    expect(zones).toContain("privatelink.mysql.database.azure.com");
    expect(DEFAULT_PRIVATE_LINK_SERVICES).not.toContain("postgresql");
  });

  it("locks each zone when asked", async () => {
    const plan = await planComponents(() => {
      new PrivateDnsZones("dns", { ...BASE, vnetId: VNET, services: ["blob"], lock: "CanNotDelete" });
    });
    expect(ofType(plan, "azure-native:privatedns:PrivateZone")).toHaveLength(1);
    expect(ofType(plan, "azure-native:authorization:ManagementLockByScope")[0].inputs.level).toBe("CanNotDelete");
  });
});

describe("private endpoint helper", () => {
  it.each(PRIVATE_LINK_SERVICES)(
    "puts a %s endpoint in the subnet with its group id and a zone group",
    async (service) => {
      const target = `/subscriptions/s/resourceGroups/rg-test/providers/Some.Provider/things/${service}`;
      const plan = await planComponents(() => {
        const owner = new pulumi.ComponentResource("test:index:Owner", "owner");
        privateEndpoint(owner, `thing-${service}`, BASE, service, target, PRIVATE_ENDPOINT);
      });
      const [endpoint] = ofType(plan, "azure-native:network:PrivateEndpoint");
      expect(endpoint.inputs.subnet).toMatchObject({ id: PRIVATE_ENDPOINT.subnetId });
      expect(endpoint.inputs.privateLinkServiceConnections).toEqual([
        expect.objectContaining({ privateLinkServiceId: target, groupIds: [PRIVATE_LINK[service].groupId] }),
      ]);
      expect(endpoint.physicalName).toBe(`pe-estate-test-weu-thing-${service.toLowerCase()}`);
      const [group] = ofType(plan, "azure-native:network:PrivateDnsZoneGroup");
      expect(group.inputs.privateEndpointName).toBe(endpoint.physicalName);
      expect(group.inputs.privateDnsZoneConfigs).toEqual([
        expect.objectContaining({ privateDnsZoneId: PRIVATE_ENDPOINT.privateDnsZoneId }),
      ]);
    },
  );
});
