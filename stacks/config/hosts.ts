import { z } from "zod";
import { HOST_NAME } from "../../infra/naming/index.js";
import { REGISTRY_SKUS, type RegistrySku } from "../../infra/containers/registry.js";
import {
  STATIC_SITE_REGIONS,
  STATIC_SITE_SKUS,
  type StaticSiteRegion,
  type StaticSiteSku,
} from "../../infra/static/index.js";
import { defineArea, type Profile } from "./area.js";
import { checkZones } from "./checks.js";

/**
 * What serves a static-site service: Azure Static Web Apps, or a storage account's static
 * website behind Front Door Premium (infra/static/storage-website.ts).
 */
export const STATIC_SITE_HOSTS = ["staticWebApps", "storage"] as const;

interface HostsDefaults {
  staticSites: {
    host: (typeof STATIC_SITE_HOSTS)[number];
    sku: StaticSiteSku;
    region?: StaticSiteRegion;
    stagingEnvironments: boolean;
    allowConfigFileUpdates: boolean;
    customDomains: string[];
    linkedBackend?: string;
  };
  registry: { enabled: boolean; sku: RegistrySku; zoneRedundant: boolean };
  containerApps: { cpu: number; minReplicas: number; maxReplicas: number; concurrentRequests: number };
}

const DEFAULTS: Record<Profile, HostsDefaults> = {
  dev: {
    staticSites: {
      host: "staticWebApps",
      sku: "Standard",
      stagingEnvironments: true,
      allowConfigFileUpdates: true,
      customDomains: [],
    },
    registry: { enabled: true, sku: "Basic", zoneRedundant: false },
    containerApps: { cpu: 0.5, minReplicas: 1, maxReplicas: 3, concurrentRequests: 50 },
  },
  ephemeral: {
    staticSites: {
      host: "staticWebApps",
      sku: "Free",
      stagingEnvironments: false,
      allowConfigFileUpdates: true,
      customDomains: [],
    },
    registry: { enabled: true, sku: "Basic", zoneRedundant: false },
    containerApps: { cpu: 0.25, minReplicas: 0, maxReplicas: 1, concurrentRequests: 50 },
  },
  // Prod: Premium registry (private, zone redundant), two replicas at least, no preview environments.
  prod: {
    staticSites: {
      host: "staticWebApps",
      sku: "Standard",
      stagingEnvironments: false,
      allowConfigFileUpdates: true,
      customDomains: [],
    },
    registry: { enabled: true, sku: "Premium", zoneRedundant: true },
    containerApps: { cpu: 1, minReplicas: 2, maxReplicas: 10, concurrentRequests: 100 },
  },
};

/**
 * `estate:hosts`: how the services that are not App Service apps are hosted. `staticSites` for
 * services of kind `static-site`, `registry` and `containerApps` for kind `container`. Sections
 * apply only when such a service is hosted.
 */
export const hostsArea = defineArea({
  schema: z
    .object({
      staticSites: z
        .object({
          /** What serves the site: Static Web Apps, or a storage static website (needs Front Door Premium). */
          host: z.enum(STATIC_SITE_HOSTS),
          /** Static Web Apps plan (host staticWebApps). */
          sku: z.enum(STATIC_SITE_SKUS),
          /** The site resource's region (content is served from the global edge); default: the estate's, when Static Web Apps has it. */
          region: z.enum(STATIC_SITE_REGIONS).optional(),
          stagingEnvironments: z.boolean(),
          allowConfigFileUpdates: z.boolean(),
          customDomains: z.array(z.string()),
          /**
           * A hosted function-app or web-app service served under the site's own host at `/api`
           * (Standard). Linking a Function app does not close its own host name: both URLs reach it
           * (https://learn.microsoft.com/azure/static-web-apps/functions-bring-your-own).
           */
          linkedBackend: z.string().optional(),
        })
        .strict(),
      /** `enabled: false`: no registry of the estate's own, so no `container` service can be hosted. */
      registry: z.object({ enabled: z.boolean(), sku: z.enum(REGISTRY_SKUS), zoneRedundant: z.boolean() }).strict(),
      containerApps: z
        .object({
          /** vCPU per replica (0.25-4 in 0.25 steps); memory is twice that in GiB. */
          cpu: z.number(),
          minReplicas: z.number().int(),
          maxReplicas: z.number().int(),
          concurrentRequests: z.number().int(),
        })
        .strict(),
    })
    .strict(),
  defaults: (profile) => DEFAULTS[profile],
  check: (value, context, report) => {
    const { registry, containerApps, staticSites } = value;
    if (registry.zoneRedundant && registry.sku !== "Premium")
      report(["registry", "zoneRedundant"], `needs sku Premium (got ${registry.sku})`);
    checkZones(report, ["registry", "zoneRedundant"], registry.zoneRedundant, context.location);
    if (!(containerApps.cpu >= 0.25 && containerApps.cpu <= 4 && Number.isInteger(containerApps.cpu * 4))) {
      report(["containerApps", "cpu"], `got ${containerApps.cpu}; expected 0.25 to 4 vCPU in steps of 0.25`);
    }
    if (
      containerApps.minReplicas < 0 ||
      containerApps.minReplicas > containerApps.maxReplicas ||
      containerApps.maxReplicas > 1000
    ) {
      report(
        ["containerApps", "minReplicas"],
        `replicas ${containerApps.minReplicas}..${containerApps.maxReplicas} are not a valid range (0 <= min <= max <= 1000)`,
      );
    }
    if (containerApps.concurrentRequests < 1)
      report(["containerApps", "concurrentRequests"], `got ${containerApps.concurrentRequests}; expected at least 1`);
    if (staticSites.linkedBackend !== undefined && staticSites.sku !== "Standard") {
      report(
        ["staticSites", "linkedBackend"],
        `needs sku Standard (got ${staticSites.sku}): Free sites cannot link a backend (https://learn.microsoft.com/azure/static-web-apps/plans)`,
      );
    }
    staticSites.customDomains.forEach((host, i) => {
      if (!HOST_NAME.test(host))
        report(
          ["staticSites", "customDomains", i],
          `got "${host}"; expected a lowercase DNS host name such as www.contoso.com`,
        );
      else if (staticSites.customDomains.indexOf(host) !== i)
        report(["staticSites", "customDomains", i], `${host} is listed twice`);
    });
  },
});

/** The region a static site goes to: the configured one, else the estate's when Static Web Apps has it. */
export function staticSiteRegion(
  hosts: z.output<typeof hostsArea.schema>,
  location: string,
): StaticSiteRegion | undefined {
  return (
    hosts.staticSites.region ??
    ((STATIC_SITE_REGIONS as readonly string[]).find((region) => region === location) as StaticSiteRegion | undefined)
  );
}
