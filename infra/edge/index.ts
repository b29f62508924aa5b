import * as pulumi from "@pulumi/pulumi";
import * as cdn from "@pulumi/azure-native/cdn";
import * as frontdoor from "@pulumi/azure-native/frontdoor";
import type * as inputs from "@pulumi/azure-native/types/input";
import type { BaseArgs } from "../core/args.js";
import { HEALTH_PATH } from "../core/health.js";
import { applySharedArgs } from "../core/shared.js";
import { HOST_NAME } from "../naming/index.js";

export const API_PATTERN = "/api/*";

export interface WafSettings {
  mode: "Detection" | "Prevention";
  enabled: boolean;
  /** Microsoft Default Rule Set 2.1 and Bot Manager 1.1: Premium only. */
  managedRules: boolean;
  /** Requests per minute one client IP may send. */
  rateLimitPerMinute: number;
  /** ISO 3166-1 alpha-2 codes; requests from anywhere else are blocked. */
  allowedCountries?: string[];
}

export interface EdgeArgs extends BaseArgs {
  /** Front Door tier: Standard, or Premium (managed WAF rule sets, bot protection, Private Link origins). */
  sku: "Standard" | "Premium";
  /** The only origin: API Management's gateway, or, in an estate without a gateway, the app; `hostName` is its host name. */
  origin: {
    /** What the origin is (names its origin group and origin); the gateway unless told. */
    kind?: "gateway" | "app";
    hostName: pulumi.Input<string>;
    /** Reach the origin over Private Link (Premium only): the gateway's `resourceId` and region (`location`). */
    privateLink?: { resourceId: pulumi.Input<string>; location: pulumi.Input<string> };
    /**
     * The same origin in other regions, in the same group and probed alike: priority 2, 3... so
     * Front Door sends to one only while every origin before it is unhealthy.
     * Source: https://learn.microsoft.com/azure/frontdoor/routing-methods#priority-based-traffic-routing
     */
    failover?: Array<{ location: string; hostName: pulumi.Input<string> }>;
  };
  /** The WAF policy: mode, managed rules, rate limit, geo filter. */
  waf: WafSettings;
  /**
   * Path patterns Front Door caches (static assets); /api/* is never cached. With a static site,
   * everything but /api/* goes to the site, and these paths are cached for a year.
   */
  cachedPaths: string[];
  /** A static site (Static Web Apps, or a storage static website) served beside the API: its own origin group, cached. */
  staticSite?: {
    /** The site's host name: the origin and its host header. */
    hostName: pulumi.Input<string>;
    /** Reach the site over Private Link (Premium only); absent: over its public endpoint. */
    privateLink?: {
      /** The resource Front Door connects to (a storage account for a storage website). */
      resourceId: pulumi.Input<string>;
      /** Its sub-resource: `web` for a storage website's endpoint. */
      groupId: string;
      /** The resource's region. */
      location: pulumi.Input<string>;
    };
  };
  /**
   * Host names Front Door answers on besides its endpoint's, each with a certificate Front Door
   * issues and renews (TLS 1.2 minimum), on every route and behind the WAF. Each needs a CNAME to
   * the endpoint and a TXT record `_dnsauth.<host>` with its `validationTokens` entry.
   */
  customDomains?: string[];
}

/** How long Front Door keeps a revalidatable page (index.html): a new deployment shows within it. */
export const PAGE_CACHE = "00:05:00";
/** How long Front Door keeps fingerprinted assets under the cached paths. */
export const ASSET_CACHE = "365.00:00:00";

const MANAGED_RULE_SETS: inputs.frontdoor.ManagedRuleSetArgs[] = [
  { ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1", ruleSetAction: "Block" },
  { ruleSetType: "Microsoft_BotManagerRuleSet", ruleSetVersion: "1.1" },
];

/** The WAF's custom rules: a per-client-IP rate limit, and the geo filter when one is configured. */
export function customRules(waf: WafSettings): inputs.frontdoor.CustomRuleArgs[] {
  if (!Number.isInteger(waf.rateLimitPerMinute) || waf.rateLimitPerMinute <= 0) {
    throw new Error(`edge: waf.rateLimitPerMinute got ${waf.rateLimitPerMinute}; expected a positive whole number`);
  }
  const rules: inputs.frontdoor.CustomRuleArgs[] = [];
  if (waf.allowedCountries?.length) {
    rules.push({
      name: "AllowedCountriesOnly",
      priority: 10,
      ruleType: "MatchRule",
      action: "Block",
      // SocketAddr is the TCP peer: unlike RemoteAddr it cannot be set by a header.
      matchConditions: [
        { matchVariable: "SocketAddr", operator: "GeoMatch", negateCondition: true, matchValue: waf.allowedCountries },
      ],
    });
  }
  rules.push({
    name: "RateLimitPerClientIp",
    priority: 100,
    ruleType: "RateLimitRule",
    action: "Block",
    rateLimitDurationInMinutes: 1,
    rateLimitThreshold: waf.rateLimitPerMinute,
    groupBy: [{ variableName: "SocketAddr" }],
    matchConditions: [{ matchVariable: "RequestUri", operator: "Any", matchValue: [] }],
  });
  return rules;
}

/**
 * Front Door Standard/Premium in front of the gateway: one endpoint, one origin group probing
 * /api/v1/health, the gateway as its only origin, an uncached HTTPS-only route for /api/*
 * (HTTP redirected), a cached route for static assets, and a WAF policy attached by a security
 * policy to the endpoint.
 */
export class Edge extends pulumi.ComponentResource {
  readonly profileId: pulumi.Output<string>;
  /** Sent to the origin in X-Azure-FDID: the gateway accepts only this profile's traffic. */
  readonly frontDoorId: pulumi.Output<string>;
  readonly endpointHostName: pulumi.Output<string>;
  readonly url: pulumi.Output<string>;
  readonly wafPolicyId: pulumi.Output<string>;
  /** Per custom domain: the TXT value `_dnsauth.<host>` must hold before Front Door issues its certificate. */
  readonly validationTokens: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:edge:Edge", name, {}, opts);
    const { resourceGroupName, namer, sku, waf } = args;
    if ((args.origin.privateLink || args.staticSite?.privateLink) && sku !== "Premium")
      throw new Error("edge: a private link origin needs sku Premium");
    if (waf.managedRules && sku !== "Premium") throw new Error("edge: managed WAF rule sets need sku Premium");
    const domainNames = args.customDomains ?? [];
    for (const host of domainNames) {
      if (!HOST_NAME.test(host))
        throw new Error(`edge: custom domain ${JSON.stringify(host)} is not a lowercase DNS host name`);
    }
    const repeated = domainNames.find((host, i) => domainNames.indexOf(host) !== i);
    if (repeated) throw new Error(`edge: custom domain ${repeated} is listed twice`);
    const skuName = `${sku}_AzureFrontDoor`;

    const profile = new cdn.Profile(
      `${name}-afd`,
      {
        profileName: namer.name("frontDoor"),
        resourceGroupName,
        location: "Global",
        sku: { name: skuName },
        originResponseTimeoutSeconds: 60,
      },
      { parent: this },
    );
    applySharedArgs(this, `${name}-afd`, profile.id, args);
    const inProfile = { profileName: profile.name, resourceGroupName };

    const endpoint = new cdn.AFDEndpoint(
      `${name}-endpoint`,
      {
        ...inProfile,
        endpointName: namer.name("frontDoorEndpoint"),
        location: "Global",
        enabledState: "Enabled",
      },
      { parent: this },
    );

    const domains = domainNames.map((host) => {
      const domain = new cdn.AFDCustomDomain(
        `${name}-domain-${host}`,
        {
          ...inProfile,
          customDomainName: host.replace(/\./g, "-"),
          hostName: host,
          tlsSettings: { certificateType: "ManagedCertificate", minimumTlsVersion: "TLS12" },
        },
        { parent: this },
      );
      this.validationTokens[host] = domain.validationProperties.apply((v) => v.validationToken);
      return domain;
    });
    const customDomains = domains.map((domain) => ({ id: domain.id }));

    const originGroup = new cdn.AFDOriginGroup(
      `${name}-origin-group`,
      {
        ...inProfile,
        originGroupName: args.origin.kind === "app" ? "app" : "gateway",
        healthProbeSettings: {
          probePath: HEALTH_PATH,
          probeProtocol: "Https",
          probeRequestType: "GET",
          probeIntervalInSeconds: 60,
        },
        loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3, additionalLatencyInMilliseconds: 50 },
        sessionAffinityState: "Disabled",
      },
      { parent: this },
    );
    const originName = args.origin.kind === "app" ? "app" : "apim";
    const originIn = (
      key: string,
      hostName: pulumi.Input<string>,
      priority: number,
      extra: Partial<cdn.AFDOriginArgs>,
    ) =>
      new cdn.AFDOrigin(
        `${name}-origin${key}`,
        {
          ...inProfile,
          originGroupName: originGroup.name,
          originName: `${originName}${key}`,
          hostName,
          originHostHeader: hostName,
          httpsPort: 443,
          enforceCertificateNameCheck: true,
          enabledState: "Enabled",
          priority,
          weight: 1000,
          ...extra,
        },
        { parent: this },
      );
    const origin = originIn("", args.origin.hostName, 1, {
      sharedPrivateLinkResource: args.origin.privateLink && {
        privateLink: { id: args.origin.privateLink.resourceId },
        privateLinkLocation: args.origin.privateLink.location,
        groupId: "Gateway",
        requestMessage: "Front Door origin for the estate's API gateway",
      },
    });
    const failover = (args.origin.failover ?? []).map((other, i) =>
      originIn(`-${other.location}`, other.hostName, i + 2, {}),
    );

    const site = args.staticSite && this.staticSiteOrigin(name, args, inProfile);
    const route = (
      key: string,
      patterns: string[],
      target: { group: cdn.AFDOriginGroup; origins: cdn.AFDOrigin[] },
      cache?: { ruleSet?: cdn.RuleSet },
    ) =>
      new cdn.Route(
        `${name}-route-${key}`,
        {
          ...inProfile,
          endpointName: endpoint.name,
          routeName: key,
          originGroup: { id: target.group.id },
          patternsToMatch: patterns,
          supportedProtocols: ["Http", "Https"],
          httpsRedirect: "Enabled",
          forwardingProtocol: "HttpsOnly",
          linkToDefaultDomain: "Enabled",
          customDomains: customDomains.length ? customDomains : undefined,
          enabledState: "Enabled",
          ruleSets: cache?.ruleSet ? [{ id: cache.ruleSet.id }] : undefined,
          cacheConfiguration: cache
            ? {
                queryStringCachingBehavior: "IgnoreQueryString",
                compressionSettings: {
                  isCompressionEnabled: true,
                  contentTypesToCompress: [
                    "text/css",
                    "text/html",
                    "application/javascript",
                    "image/svg+xml",
                    "application/json",
                  ],
                },
              }
            : undefined,
        },
        // A route needs its origin (and rules) in place before Front Door accepts it.
        { parent: this, dependsOn: [...target.origins, ...(cache?.ruleSet ? [cache.ruleSet] : [])] },
      );
    const gateway = { group: originGroup, origins: [origin, ...failover] };
    route("api", [API_PATTERN], gateway);
    if (site) route("static", ["/*"], site, { ruleSet: this.cachingRules(name, args, inProfile) });
    else if (args.cachedPaths.length) route("static", args.cachedPaths, gateway, {});

    const policy = new frontdoor.Policy(
      `${name}-waf`,
      {
        policyName: namer.name("wafPolicy"),
        resourceGroupName,
        location: "Global",
        sku: { name: skuName },
        policySettings: {
          enabledState: waf.enabled ? "Enabled" : "Disabled",
          mode: waf.mode,
          requestBodyCheck: "Enabled",
          customBlockResponseStatusCode: 403,
        },
        customRules: { rules: customRules(waf) },
        managedRules: { managedRuleSets: waf.managedRules ? MANAGED_RULE_SETS : [] },
      },
      { parent: this },
    );
    new cdn.SecurityPolicy(
      `${name}-security-policy`,
      {
        ...inProfile,
        securityPolicyName: "waf",
        parameters: {
          type: "WebApplicationFirewall",
          wafPolicy: { id: policy.id },
          // The WAF sees every host Front Door answers on, custom domains included.
          associations: [{ domains: [{ id: endpoint.id }, ...customDomains], patternsToMatch: ["/*"] }],
        },
      },
      { parent: this },
    );

    this.profileId = profile.id;
    this.frontDoorId = profile.frontDoorId;
    this.endpointHostName = endpoint.hostName;
    this.url = pulumi.interpolate`https://${endpoint.hostName}`;
    this.wafPolicyId = policy.id;
    this.registerOutputs({ profileId: this.profileId, url: this.url, frontDoorId: this.frontDoorId });
  }

  /** The static site's origin group: probed on its index page, the site as its only origin. */
  private staticSiteOrigin(
    name: string,
    args: EdgeArgs,
    inProfile: { profileName: pulumi.Input<string>; resourceGroupName: pulumi.Input<string> },
  ) {
    const { hostName, privateLink } = args.staticSite!;
    const group = new cdn.AFDOriginGroup(
      `${name}-origin-group-site`,
      {
        ...inProfile,
        originGroupName: "site",
        healthProbeSettings: {
          probePath: "/index.html",
          probeProtocol: "Https",
          probeRequestType: "HEAD",
          probeIntervalInSeconds: 100,
        },
        loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3, additionalLatencyInMilliseconds: 50 },
        sessionAffinityState: "Disabled",
      },
      { parent: this },
    );
    const origin = new cdn.AFDOrigin(
      `${name}-origin-site`,
      {
        ...inProfile,
        originGroupName: group.name,
        originName: "site",
        hostName,
        originHostHeader: hostName,
        httpsPort: 443,
        enforceCertificateNameCheck: true,
        enabledState: "Enabled",
        priority: 1,
        weight: 1000,
        sharedPrivateLinkResource: privateLink && {
          privateLink: { id: privateLink.resourceId },
          privateLinkLocation: privateLink.location,
          groupId: privateLink.groupId,
          requestMessage: "Front Door origin for the estate's static site",
        },
      },
      { parent: this },
    );
    return { group, origins: [origin] };
  }

  /**
   * The static route's caching rules: fingerprinted assets under the cached paths for a year,
   * HTML pages for five minutes (so a deployment shows soon without purging), and everything else
   * as the site's own Cache-Control headers say.
   */
  private cachingRules(
    name: string,
    args: EdgeArgs,
    inProfile: { profileName: pulumi.Input<string>; resourceGroupName: pulumi.Input<string> },
  ): cdn.RuleSet {
    const ruleSet = new cdn.RuleSet(`${name}-rules-site`, { ...inProfile, ruleSetName: "sitecache" }, { parent: this });
    const cacheFor = (cacheDuration: string) => ({
      name: "RouteConfigurationOverride" as const,
      parameters: {
        typeName: "DeliveryRuleRouteConfigurationOverrideActionParameters" as const,
        cacheConfiguration: {
          cacheBehavior: "OverrideAlways",
          cacheDuration,
          queryStringCachingBehavior: "IgnoreQueryString",
          isCompressionEnabled: "Enabled",
        },
      },
    });
    const rule = (
      ruleName: string,
      order: number,
      condition: inputs.cdn.DeliveryRuleUrlPathConditionArgs | inputs.cdn.DeliveryRuleUrlFileExtensionConditionArgs,
      cacheDuration: string,
    ) =>
      new cdn.Rule(
        `${name}-rule-${ruleName}`,
        {
          ...inProfile,
          ruleSetName: ruleSet.name,
          ruleName,
          order,
          conditions: [condition],
          actions: [cacheFor(cacheDuration)],
          matchProcessingBehavior: "Stop",
        },
        { parent: this },
      );
    // `/assets/*` → the prefix `/assets/`.
    const prefixes = args.cachedPaths.map((pattern) => pattern.replace(/\*$/, ""));
    if (prefixes.length) {
      rule(
        "assets",
        1,
        {
          name: "UrlPath",
          parameters: {
            typeName: "DeliveryRuleUrlPathMatchConditionParameters",
            operator: "BeginsWith",
            matchValues: prefixes,
            transforms: ["Lowercase"],
          },
        },
        ASSET_CACHE,
      );
    }
    rule(
      "pages",
      2,
      {
        name: "UrlFileExtension",
        parameters: {
          typeName: "DeliveryRuleUrlFileExtensionMatchConditionParameters",
          operator: "Equal",
          matchValues: ["html"],
          transforms: ["Lowercase"],
        },
      },
      PAGE_CACHE,
    );
    return ruleSet;
  }
}
