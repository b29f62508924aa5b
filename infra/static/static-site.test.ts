import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, planGraph } from "../../policies/evaluate.js";
import { RULES } from "../../policies/rules/index.js";
import type { Plan } from "../../cli/plan/schema.js";
import { REDACTED } from "../../cli/plan/schema.js";
import { BASE, ofType, oneOfType, planComponents } from "../../test/components.js";
import { snapshotSite, StaticSite, type StaticSiteArgs } from "./index.js";

const SUBNET =
  "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-test/subnets/snet-pe";
const VNET = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-test";
const FUNC = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Web/sites/func-estate-test-weu-api";

/** A project with a built site in `web/dist`. */
function project(
  files: Record<string, string> = {
    "index.html": "<!doctype html><title>app</title>",
    "assets/app.js": "console.log(1)",
  },
): string {
  const root = mkdtempSync(path.join(tmpdir(), "estate-site-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, "web/dist", file)), { recursive: true });
    writeFileSync(path.join(root, "web/dist", file), text);
  }
  return root;
}

const args = (rootDir: string, extra: Partial<StaticSiteArgs> = {}): StaticSiteArgs => ({
  ...BASE,
  name: "web",
  sku: "Standard",
  region: "westeurope",
  content: { folder: "web/dist", rootDir },
  privateEndpoint: { subnetId: SUBNET, vnetId: VNET },
  customDomains: [{ hostName: "www.contoso.com" }, { hostName: "contoso.com", validation: "dns-txt-token" }],
  linkedBackend: { resourceId: FUNC, region: "westeurope" },
  stagingEnvironments: false,
  allowConfigFileUpdates: true,
  ...extra,
});

let root: string;
let plan: Plan;
beforeAll(async () => {
  root = project();
  plan = await planComponents(() => {
    const site = new StaticSite("site", args(root));
    return { host: site.defaultHostname, principalId: site.principalId };
  });
});

const site = () => oneOfType(plan, "azure-native:web:StaticSite");

describe("StaticSite", () => {
  it("is a Standard static web app with an identity, no staging environments, content from this program", () => {
    expect(site().inputs).toMatchObject({
      sku: { name: "Standard", tier: "Standard" },
      identity: { type: "SystemAssigned" },
      stagingEnvironmentPolicy: "Disabled",
      allowConfigFileUpdates: true,
      location: "westeurope",
    });
    expect(site().inputs.repositoryUrl).toBeUndefined();
    expect(site().physicalName).toBe("stapp-estate-test-weu-web");
    expect(plan.outputs.principalId).toBe((site().outputs.identity as any).principalId);
  });

  it("answers only in the VNet with a private endpoint, resolved by a zone for the site's own partition", () => {
    expect(site().inputs.publicNetworkAccess).toBe("Disabled");
    const host = String(site().outputs.defaultHostname);
    const partition = host.split(".").slice(1).join(".");
    const zone = oneOfType(plan, "azure-native:privatedns:PrivateZone");
    expect(zone.physicalName).toBe(`privatelink.${partition}`);
    expect(oneOfType(plan, "azure-native:privatedns:VirtualNetworkLink").inputs).toMatchObject({
      virtualNetwork: { id: VNET },
      registrationEnabled: false,
    });
    const endpoint = oneOfType(plan, "azure-native:network:PrivateEndpoint").inputs as any;
    expect(endpoint.privateLinkServiceConnections[0]).toMatchObject({
      privateLinkServiceId: site().outputs.id,
      groupIds: ["staticSites"],
    });
    expect(
      (oneOfType(plan, "azure-native:network:PrivateDnsZoneGroup").inputs as any).privateDnsZoneConfigs[0]
        .privateDnsZoneId,
    ).toBe(zone.outputs.id);
  });

  it("declares its custom domains and its linked backend", () => {
    const domains = ofType(plan, "azure-native:web:StaticSiteCustomDomain").map((d) => [
      d.inputs.domainName,
      d.inputs.validationMethod,
    ]);
    expect(domains).toEqual([
      ["www.contoso.com", "cname-delegation"],
      ["contoso.com", "dns-txt-token"],
    ]);
    expect(oneOfType(plan, "azure-native:web:StaticSiteLinkedBackend").inputs).toMatchObject({
      name: site().physicalName,
      backendResourceId: FUNC,
      region: "westeurope",
    });
  });

  it("uploads the snapshot of its build output with the deployment token as a secret, again only when the content changes", async () => {
    const upload = oneOfType(plan, "command:local:Command").inputs as any;
    expect(upload.create).toBe('npx --yes @azure/static-web-apps-cli@2 deploy "$SITE_FOLDER" --env production');
    expect(upload.environment.SWA_CLI_DEPLOYMENT_TOKEN).toBe(REDACTED);
    expect(upload.create).not.toContain("token");
    const snapshot = path.join(root, upload.environment.SITE_FOLDER);
    expect(readFileSync(path.join(snapshot, "index.html"), "utf8")).toContain("<title>app</title>");
    expect(upload.triggers).toHaveLength(1);
    // The same files elsewhere give the same fingerprint; one changed byte gives another.
    const same = snapshotSite({
      folder: "web/dist",
      rootDir: project(),
      outDir: path.join(tmpdir(), "estate-sites-a"),
    });
    expect(same.sha256).toBe(upload.triggers[0]);
    const changed = snapshotSite({
      folder: "web/dist",
      rootDir: project({ "index.html": "<!doctype html><title>app 2</title>" }),
      outDir: path.join(tmpdir(), "estate-sites-b"),
    });
    expect(changed.sha256).not.toBe(upload.triggers[0]);
    expect(existsSync(path.join(root, ".estate/sites"))).toBe(true);
  });

  it("refuses a missing build folder, one without index.html, Standard features on Free, a region without Static Web Apps", async () => {
    await expect(
      planComponents(
        () => void new StaticSite("site", args(root, { content: { folder: "web/build", rootDir: root } })),
      ),
    ).rejects.toThrow(/static site: build folder web\/build does not exist/);
    const noIndex = project({ "app.js": "1" });
    await expect(planComponents(() => void new StaticSite("site", args(noIndex)))).rejects.toThrow(
      /build folder web\/dist has no index.html at its root/,
    );
    await expect(planComponents(() => void new StaticSite("site", args(root, { sku: "Free" })))).rejects.toThrow(
      /static site web: privateEndpoint, linkedBackend need sku Standard \(got Free\)/,
    );
    await expect(
      planComponents(() => void new StaticSite("site", args(root, { region: "eastus" as never }))),
    ).rejects.toThrow(/Static Web Apps cannot be placed in eastus; allowed regions: centralus, eastus2/);
    await expect(
      planComponents(() => void new StaticSite("site", args(root, { customDomains: [{ hostName: "WWW.contoso" }] }))),
    ).rejects.toThrow(/not a lowercase DNS host name/);
  });

  it("on Free has no identity and stays public", async () => {
    const free = await planComponents(
      () =>
        void new StaticSite("site", args(root, { sku: "Free", privateEndpoint: undefined, linkedBackend: undefined })),
    );
    expect(oneOfType(free, "azure-native:web:StaticSite").inputs).toMatchObject({
      sku: { name: "Free" },
      publicNetworkAccess: "Enabled",
    });
    expect(oneOfType(free, "azure-native:web:StaticSite").inputs.identity).toBeUndefined();
    expect(ofType(free, "azure-native:network:PrivateEndpoint")).toEqual([]);
  });
});

describe("the static-site rules on this component", () => {
  it("find nothing to fault in a Standard site without staging environments, in prod", () => {
    const ours = RULES.filter((rule) => rule.id.startsWith("EST-SWA-"));
    const report = evaluate(
      planGraph(plan),
      { stack: "unit", profile: "prod", planCreatedAt: plan.createdAt },
      { rules: ours },
    );
    expect(report.results.filter((r) => r.status === "fail")).toEqual([]);
    expect(report.results.length).toBeGreaterThan(0);
  });
});
