import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as web from "@pulumi/azure-native/web";
import type { BaseArgs } from "../core/args.js";
import { lockResource } from "../core/lock.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { snapshotSite, type SiteContent } from "./content.js";
import { HOST_NAME } from "../naming/index.js";

export { buildFolderProblem, SITE_INDEX, SiteContentError, snapshotSite, type SiteContent } from "./content.js";
export { StorageWebsite, type StorageWebsiteArgs } from "./storage-website.js";

/**
 * Static Web Apps plans. Standard adds the SLA, private endpoints, a linked backend ("bring your
 * own API"), managed identity and more custom domains.
 * Source: https://learn.microsoft.com/azure/static-web-apps/plans
 */
export const STATIC_SITE_SKUS = ["Free", "Standard"] as const;
export type StaticSiteSku = (typeof STATIC_SITE_SKUS)[number];

/**
 * Where a static site's resource (its metadata and staging environments) may live: content is
 * served from Azure's global edge whatever the region. The regions the Microsoft.Web/staticSites
 * resource type lists (`az provider show -n Microsoft.Web --query "resourceTypes[?resourceType=='staticSites'].locations"`).
 */
export const STATIC_SITE_REGIONS = ["centralus", "eastus2", "eastasia", "westeurope", "westus2"] as const;
export type StaticSiteRegion = (typeof STATIC_SITE_REGIONS)[number];

/** The SWA CLI that uploads the content; pinned to a major version. */
export const SWA_CLI = "@azure/static-web-apps-cli@2";

export interface StaticSiteDomain {
  hostName: string;
  /** `cname-delegation` for a subdomain (CNAME to the site's host); `dns-txt-token` for an apex domain. */
  validation?: "cname-delegation" | "dns-txt-token";
}

export interface StaticSiteArgs extends BaseArgs {
  /** The service's name: the site's name qualifier. */
  name: string;
  /** Static Web Apps plan: Free, or Standard (private endpoint, linked backend, SLA). */
  sku: StaticSiteSku;
  /**
   * The site resource's region, which may differ from the estate's (`location`, where its private
   * endpoint goes): Static Web Apps exist in a few regions only.
   */
  region: StaticSiteRegion;
  /** The site's build output, served as is: the `folder` (with index.html at its root), relative to `rootDir`, the project folder. */
  content: { folder: string; rootDir: string };
  /**
   * Standard: a private endpoint; the site then answers only inside the VNet (403 elsewhere) and
   * cannot be a Front Door origin. Its private DNS zone follows the partition Azure puts the site
   * in (`privatelink.<n>.azurestaticapps.net`), so the component creates that zone and links it.
   * `subnetId`: the endpoint's subnet; `vnetId`: the VNet the zone is linked to.
   * Source: https://learn.microsoft.com/azure/static-web-apps/private-endpoint
   */
  privateEndpoint?: { subnetId: pulumi.Input<string>; vnetId: pulumi.Input<string> };
  /** Host names the site answers on besides its generated one; absent: none. */
  customDomains?: StaticSiteDomain[];
  /** Standard: the Function app (or other backend) serving `/api` under the site's own host: its `resourceId` and `region`. */
  linkedBackend?: { resourceId: pulumi.Input<string>; region: pulumi.Input<string> };
  /** Preview environments for pull requests; they are public URLs of unreviewed code. */
  stagingEnvironments: boolean;
  /** Whether a deployment's staticwebapp.config.json may change routes, headers and auth. */
  allowConfigFileUpdates: boolean;
}

/**
 * An Azure Static Web App serving one service's built front end. The content is fingerprinted
 * and snapshotted during the program (infra/static/content.ts) and uploaded after the site
 * exists with the SWA CLI and the site's deployment token, which the program reads from Azure
 * and passes only as a secret environment variable; a content change changes only the upload.
 * Standard sites get a system-assigned identity, and optionally a private endpoint, a linked
 * backend and custom domains. Static sites export no logs or metrics through diagnostic settings
 * (https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-web-staticsites-metrics),
 * so none is sent; the lock applies as to every component.
 */
export class StaticSite extends pulumi.ComponentResource {
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  /** `<generated>.<partition>.azurestaticapps.net`: Front Door's origin, and the CNAME target of custom domains. */
  readonly defaultHostname: pulumi.Output<string>;
  readonly principalId?: pulumi.Output<string>;
  readonly content: SiteContent;

  constructor(name: string, args: StaticSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:static:StaticSite", name, {}, opts);
    const label = `static site ${args.name}`;
    const standard = args.sku === "Standard";
    if (!standard) {
      const standardOnly = [args.privateEndpoint && "privateEndpoint", args.linkedBackend && "linkedBackend"].filter(
        Boolean,
      );
      if (standardOnly.length)
        throw new Error(`${label}: ${standardOnly.join(", ")} need sku Standard (got ${args.sku})`);
    }
    const domains = args.customDomains ?? [];
    for (const domain of domains) {
      if (!HOST_NAME.test(domain.hostName))
        throw new Error(`${label}: custom domain ${JSON.stringify(domain.hostName)} is not a lowercase DNS host name`);
    }
    const duplicate = domains.map((d) => d.hostName).find((host, i, all) => all.indexOf(host) !== i);
    if (duplicate) throw new Error(`${label}: custom domain ${duplicate} is listed twice`);
    if (!(STATIC_SITE_REGIONS as readonly string[]).includes(args.region)) {
      throw new Error(
        `${label}: Static Web Apps cannot be placed in ${args.region}; allowed regions: ${STATIC_SITE_REGIONS.join(", ")}`,
      );
    }
    // Before anything is declared: a missing or empty build folder stops the program here.
    this.content = snapshotSite({ ...args.content, outDir: path.join(args.content.rootDir, ".estate", "sites") });

    const logical = `${name}-stapp`;
    const site = new web.StaticSite(
      logical,
      {
        name: args.namer.name("staticSite", args.name),
        resourceGroupName: args.resourceGroupName,
        location: args.region,
        sku: { name: args.sku, tier: args.sku },
        identity: standard ? { type: "SystemAssigned" } : undefined,
        stagingEnvironmentPolicy: args.stagingEnvironments ? "Enabled" : "Disabled",
        allowConfigFileUpdates: args.allowConfigFileUpdates,
        // No repositoryUrl: content comes from this program, not from a repository Azure would watch.
        publicNetworkAccess: args.privateEndpoint ? "Disabled" : "Enabled",
      },
      { parent: this },
    );
    lockResource(this, logical, site.id, args.lock);

    if (args.privateEndpoint) this.privateEndpoint(logical, args, site);
    for (const domain of domains) {
      new web.StaticSiteCustomDomain(
        `${logical}-domain-${domain.hostName}`,
        {
          name: site.name,
          resourceGroupName: args.resourceGroupName,
          domainName: domain.hostName,
          validationMethod: domain.validation ?? "cname-delegation",
        },
        { parent: this },
      );
    }
    if (args.linkedBackend) {
      new web.StaticSiteLinkedBackend(
        `${logical}-backend`,
        {
          name: site.name,
          resourceGroupName: args.resourceGroupName,
          linkedBackendName: "backend",
          backendResourceId: args.linkedBackend.resourceId,
          region: args.linkedBackend.region,
        },
        { parent: this },
      );
    }

    const token = web
      .listStaticSiteSecretsOutput({ name: site.name, resourceGroupName: args.resourceGroupName }, { parent: this })
      .apply((secrets) => {
        const apiKey = secrets.properties?.apiKey;
        if (!apiKey) throw new Error(`${label}: Azure returned no deployment token`);
        return apiKey;
      });
    new command.local.Command(
      `${logical}-content`,
      {
        // The CLI reads the token from its environment: it never appears on a command line.
        create: `npx --yes ${SWA_CLI} deploy "$SITE_FOLDER" --env production`,
        environment: { SITE_FOLDER: this.content.folder, SWA_CLI_DEPLOYMENT_TOKEN: pulumi.secret(token) },
        triggers: [this.content.sha256],
      },
      { parent: this, dependsOn: [site] },
    );

    this.id = site.id;
    this.name = site.name;
    this.defaultHostname = site.defaultHostname;
    this.principalId = standard
      ? site.identity.apply((identity) => {
          if (!identity?.principalId) throw new Error(`${label}: Azure returned no managed identity`);
          return identity.principalId;
        })
      : undefined;
    this.registerOutputs({ id: this.id, defaultHostname: this.defaultHostname });
  }

  private privateEndpoint(logical: string, args: StaticSiteArgs, site: web.StaticSite): void {
    const endpoint = args.privateEndpoint!;
    // x.3.azurestaticapps.net → privatelink.3.azurestaticapps.net
    const zoneName = site.defaultHostname.apply((host) => `privatelink.${host.split(".").slice(1).join(".")}`);
    const zone = new privatedns.PrivateZone(
      `${logical}-dns`,
      { privateZoneName: zoneName, resourceGroupName: args.resourceGroupName, location: "global" },
      { parent: this },
    );
    new privatedns.VirtualNetworkLink(
      `${logical}-dns-link`,
      {
        virtualNetworkLinkName: args.namer.name("privateDnsZoneLink", `stapp-${args.name}`),
        privateZoneName: zone.name,
        resourceGroupName: args.resourceGroupName,
        location: "global",
        virtualNetwork: { id: endpoint.vnetId },
        registrationEnabled: false,
      },
      { parent: this },
    );
    lockResource(this, `${logical}-dns`, zone.id, args.lock);
    privateEndpoint(this, logical, args, { groupId: "staticSites", zone: zoneName }, site.id, {
      subnetId: endpoint.subnetId,
      privateDnsZoneId: zone.id,
    });
  }
}
