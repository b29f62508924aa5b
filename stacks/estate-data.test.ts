import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import { DEFAULT_PRIVATE_LINK_SERVICES, PRIVATE_LINK, type PrivateLinkService } from "../infra/network/dns.js";
import { endpointOf, ofType } from "../test/components.js";
import { planEstates } from "../test/estate-plans.js";

let plans: Record<string, Plan>;

beforeAll(async () => {
  // The ephemeral stack drops the dev stack file's data section: the ephemeral profile's own defaults.
  plans = await planEstates({ "estate:data": "{}" });
});

/** Every data service type, the private-link service it uses, and how it says "no keys, no local auth". */
const DATA_SERVICES: Array<{
  type: string;
  link: PrivateLinkService;
  publicAccess: (i: any) => unknown;
  noKeys: (i: any) => boolean;
}> = [
  {
    type: "azure-native:cosmosdb:DatabaseAccount",
    link: "cosmos",
    publicAccess: (i) => i.publicNetworkAccess,
    noKeys: (i) => i.disableLocalAuth === true,
  },
  {
    type: "azure-native:sql:Server",
    link: "sql",
    publicAccess: (i) => i.publicNetworkAccess,
    noKeys: (i) => i.administrators?.azureADOnlyAuthentication === true && i.administratorLoginPassword === undefined,
  },
  {
    type: "azure-native:redis:Redis",
    link: "redis",
    publicAccess: (i) => i.publicNetworkAccess,
    noKeys: (i) =>
      i.disableAccessKeyAuthentication === true &&
      i.redisConfiguration?.aadEnabled === "true" &&
      i.enableNonSslPort === false,
  },
  {
    type: "azure-native:storage:StorageAccount",
    link: "blob",
    publicAccess: (i) => i.publicNetworkAccess,
    noKeys: (i) => i.allowSharedKeyAccess === false && i.allowBlobPublicAccess === false,
  },
  {
    type: "azure-native:servicebus:Namespace",
    link: "serviceBus",
    publicAccess: (i) => i.publicNetworkAccess,
    noKeys: (i) => i.disableLocalAuth === true,
  },
  {
    type: "azure-native:keyvault:Vault",
    link: "keyVault",
    publicAccess: (i) => i.properties.publicNetworkAccess,
    noKeys: (i) => i.properties.enableRbacAuthorization === true,
  },
];

/** The one documented exception: Service Bus Standard has no private endpoints (see docs/data-tier.md). */
const isServiceBusStandard = (r: PlanResource) =>
  r.type === "azure-native:servicebus:Namespace" && (r.inputs.sku as any).name === "Standard";

describe.each(["dev", "prod", "ephemeral"])("the %s estate's data tier", (name) => {
  const services = () => DATA_SERVICES.flatMap((s) => ofType(plans[name], s.type).map((r) => ({ ...s, r })));

  it("has each data service once in its region: SQL in dev and prod (the stack files turn it on), not in ephemeral; prod's DR copies in North Europe", () => {
    const primary = services()
      .filter((s) => s.r.inputs.location !== "northeurope")
      .map((s) => s.type);
    expect(new Set(primary).size).toBe(primary.length);
    const expected = DATA_SERVICES.map((s) => s.type).filter(
      (t) => name !== "ephemeral" || t !== "azure-native:sql:Server",
    );
    expect(primary.sort()).toEqual(expected.sort());
    // Prod's estate:dr adds a partner SQL server and a linked cache; Cosmos DB and Service Bus replicate within their own resource.
    const secondary = services()
      .filter((s) => s.r.inputs.location === "northeurope")
      .map((s) => s.type);
    expect(secondary.sort()).toEqual(name === "prod" ? ["azure-native:redis:Redis", "azure-native:sql:Server"] : []);
  });

  it("reaches every data service only through a private endpoint with a DNS zone group in the service's zone", () => {
    const plan = plans[name];
    const subnet = ofType(plan, "azure-native:network:Subnet").find((s) =>
      String(s.inputs.subnetName).endsWith("privateendpoints"),
    )!;
    // The primary region's zones (prod's secondary region has its own: stacks/estate-dr.test.ts).
    const [group] = ofType(plan, "azure-native:resources:ResourceGroup");
    const zones = new Map(
      ofType(plan, "azure-native:privatedns:PrivateZone")
        .filter((z) => z.inputs.resourceGroupName === group.physicalName)
        .map((z) => [z.physicalName, z.outputs.id]),
    );
    for (const { r, link, publicAccess } of services()) {
      const pe = endpointOf(plan, r.outputs.id, subnet.outputs.id);
      if (isServiceBusStandard(r)) {
        expect(name, "Service Bus Standard only where the profile allows it").not.toBe("prod");
        expect(pe).toBeUndefined();
        continue;
      }
      expect(pe, `${r.type} has no private endpoint`).toBeDefined();
      expect(publicAccess(r.inputs), `${r.type} allows public access`).toBe("Disabled");
      expect((pe!.endpoint.inputs.subnet as any).id).toBe(subnet.outputs.id);
      expect((pe!.endpoint.inputs.privateLinkServiceConnections as any)[0].groupIds).toEqual([
        PRIVATE_LINK[link].groupId,
      ]);
      expect((pe!.zoneGroup.inputs.privateDnsZoneConfigs as any)[0].privateDnsZoneId).toBe(
        zones.get(PRIVATE_LINK[link].zone),
      );
    }
  });

  it("links every private DNS zone to the VNet, without registration", () => {
    const vnet = ofType(plans[name], "azure-native:network:VirtualNetwork")[0];
    const links = ofType(plans[name], "azure-native:privatedns:VirtualNetworkLink").filter(
      (l) => (l.inputs.virtualNetwork as { id: string }).id === vnet.outputs.id,
    );
    expect(links.map((l) => l.inputs.privateZoneName).sort()).toEqual(
      DEFAULT_PRIVATE_LINK_SERVICES.map((s) => PRIVATE_LINK[s].zone).sort(),
    );
    for (const link of links)
      expect(link.inputs).toMatchObject({ registrationEnabled: false, virtualNetwork: { id: vnet.outputs.id } });
  });

  it("allows no key or local auth on any data service", () => {
    for (const { r, noKeys } of services()) expect(noKeys(r.inputs), `${r.type} allows keys or local auth`).toBe(true);
  });

  it("sends every data service's diagnostics to the workspace", () => {
    const workspace = ofType(plans[name], "azure-native:operationalinsights:Workspace")[0];
    const settings = ofType(plans[name], "azure-native:monitor:DiagnosticSetting");
    for (const { r } of services()) {
      const setting = settings.find(
        (d) => d.inputs.resourceUri === r.outputs.id || d.inputs.resourceUri === `${r.outputs.id}/databases/master`,
      );
      expect(setting, `${r.type} sends no diagnostics`).toBeDefined();
      expect(setting!.inputs.workspaceId).toBe(workspace.outputs.id);
    }
  });

  it("exports the endpoints other components need", () => {
    const data = plans[name].outputs.data as Record<string, string>;
    expect(data.cosmosEndpoint).toMatch(/^https:\/\/cosmos-estate-.*\.documents\.azure\.com:443\/$/);
    expect(data.blobEndpoint).toMatch(/^https:\/\/st.*\.blob\.core\.windows\.net\/$/);
    expect(data.serviceBusFqdn).toMatch(/^sbns-estate-.*\.servicebus\.windows\.net$/);
    expect(data.keyVaultUri).toMatch(/^https:\/\/kv.*\.vault\.azure\.net\/$/);
    expect(data.redisHostName).toMatch(/\.redis\.cache\.windows\.net$/);
    if (name === "ephemeral") expect(data.sqlServerFqdn).toBeUndefined();
    else expect(data.sqlServerFqdn).toMatch(/\.database\.windows\.net$/);
  });
});

describe("profile differences in the data tier", () => {
  it("prod locks every data service; dev and ephemeral lock none", () => {
    const locked = (plan: Plan) =>
      new Set(ofType(plan, "azure-native:authorization:ManagementLockByScope").map((l) => l.inputs.scope));
    for (const s of DATA_SERVICES) {
      expect(locked(plans.prod).has(ofType(plans.prod, s.type)[0].outputs.id), s.type).toBe(true);
      for (const name of ["dev", "ephemeral"]) {
        for (const r of ofType(plans[name], s.type))
          expect(locked(plans[name]).has(r.outputs.id), `${name} ${s.type}`).toBe(false);
      }
    }
  });

  it("prod has Service Bus Premium behind a private endpoint; dev and ephemeral Standard on its public endpoint", () => {
    const sku = (plan: Plan) => (ofType(plan, "azure-native:servicebus:Namespace")[0].inputs.sku as any).name;
    expect([sku(plans.prod), sku(plans.dev), sku(plans.ephemeral)]).toEqual(["Premium", "Standard", "Standard"]);
  });
});
