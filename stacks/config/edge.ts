import { z } from "zod";
import { defineArea, type Profile } from "./area.js";
import { checkPositive } from "./checks.js";
import { HOST_NAME } from "../../infra/naming/index.js";

/** ISO 3166-1 alpha-2 country codes: what Front Door's GeoMatch condition accepts. */
const COUNTRY_CODES = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO " +
    "JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR " +
    "MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO " +
    "RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV " +
    "TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

/** Front Door Standard or Premium, or `none` (the gateway, or the apps, are the entry point). */
export const EDGE_SKUS = ["none", "Standard", "Premium"] as const;

const DEFAULTS: Record<
  Profile,
  { sku: Exclude<(typeof EDGE_SKUS)[number], "none">; wafMode: "Detection" | "Prevention"; managedRules: boolean }
> = {
  // Managed rule sets exist only on Premium; dev and ephemeral keep the cheaper Standard tier.
  dev: { sku: "Standard", wafMode: "Detection", managedRules: false },
  ephemeral: { sku: "Standard", wafMode: "Detection", managedRules: false },
  prod: { sku: "Premium", wafMode: "Prevention", managedRules: true },
};

export const edgeArea = defineArea({
  schema: z
    .object({
      sku: z.enum(EDGE_SKUS),
      /** Detection logs what the WAF would block; Prevention blocks it. */
      wafMode: z.enum(["Detection", "Prevention"]),
      wafEnabled: z.boolean(),
      /** Microsoft Default Rule Set 2.1 and Bot Manager 1.1 (Premium only). */
      managedRules: z.boolean(),
      /** Requests per minute one client IP may send before Front Door blocks it. */
      rateLimitPerMinute: z.number().int(),
      /** Only these countries (ISO 3166-1 alpha-2) may reach the estate. */
      geoFilter: z
        .object({ allowedCountries: z.array(z.string()).min(1) })
        .strict()
        .optional(),
      /**
       * How Front Door reaches API Management: `public` (the VNet-injected gateway's public
       * endpoint, locked to Front Door by NSG and X-Azure-FDID) or `private-link` (Premium only;
       * API Management then cannot be VNet-injected, as Azure allows no inbound private
       * endpoint on an injected instance).
       */
      originAccess: z.enum(["public", "private-link"]),
      /** Path patterns served from Front Door's cache, e.g. /static/*. */
      cachedPaths: z.array(z.string()),
      /** Host names Front Door answers on, each with a managed certificate (TLS 1.2), e.g. www.contoso.com. */
      customDomains: z.array(z.string()),
    })
    .strict(),
  defaults: (profile) => ({
    ...DEFAULTS[profile],
    wafEnabled: true,
    rateLimitPerMinute: 1000,
    originAccess: "public" as const,
    cachedPaths: ["/static/*", "/assets/*"],
    customDomains: [],
  }),
  check: (value, _context, report) => {
    // No Front Door: its settings are unused.
    if (value.sku === "none") return;
    if (value.managedRules && value.sku === "Standard") {
      report(
        ["managedRules"],
        "managed rule sets (Default Rule Set, Bot Manager) need sku Premium; set sku: Premium or managedRules: false",
      );
    }
    if (value.originAccess === "private-link" && value.sku === "Standard") {
      report(
        ["originAccess"],
        "a private link origin needs sku Premium; Front Door Standard reaches origins over the internet only",
      );
    }
    checkPositive(report, ["rateLimitPerMinute"], value.rateLimitPerMinute, "a positive number of requests per minute");
    value.geoFilter?.allowedCountries.forEach((code, i) => {
      if (!COUNTRY_CODES.has(code)) {
        report(
          ["geoFilter", "allowedCountries", i],
          `got "${code}"; expected an ISO 3166-1 alpha-2 country code in capitals, such as NL or US`,
        );
      }
    });
    value.cachedPaths.forEach((pattern, i) => {
      if (!/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/\*$/.test(pattern)) {
        report(["cachedPaths", i], `got "${pattern}"; expected a path pattern such as /static/*`);
      } else if (pattern.startsWith("/api/")) {
        report(["cachedPaths", i], `"${pattern}" is under /api/, which is never cached`);
      }
    });
    value.customDomains.forEach((host, i) => {
      if (!HOST_NAME.test(host))
        report(["customDomains", i], `got "${host}"; expected a lowercase DNS host name such as www.contoso.com`);
      else if (value.customDomains.indexOf(host) !== i) report(["customDomains", i], `${host} is listed twice`);
    });
  },
});
