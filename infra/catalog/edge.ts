import type { CatalogEntry } from "./types.js";

const untagged = (arm: string, names: string[]): CatalogEntry => ({
  arm,
  apiVersion: "2025-06-01",
  names,
  taggable: false,
});

export const edgeTypes: Record<string, CatalogEntry> = {
  "azure-native:cdn:Profile": {
    arm: "Microsoft.Cdn/profiles",
    apiVersion: "2025-06-01",
    names: ["profileName"],
    taggable: true,
    // The X-Azure-FDID header carries this id: the gateway checks it to accept only this profile.
    outputs: ({ guid }) => ({ frontDoorId: guid("front-door-id") }),
  },
  "azure-native:cdn:AFDEndpoint": {
    arm: "Microsoft.Cdn/profiles/afdEndpoints",
    apiVersion: "2025-06-01",
    names: ["profileName", "endpointName"],
    taggable: true,
    outputs: ({ name, guid }) => ({
      hostName: `${name}-${guid("host").replace(/-/g, "").slice(0, 16)}.z01.azurefd.net`,
    }),
  },
  "azure-native:cdn:AFDOriginGroup": untagged("Microsoft.Cdn/profiles/originGroups", [
    "profileName",
    "originGroupName",
  ]),
  "azure-native:cdn:AFDOrigin": untagged("Microsoft.Cdn/profiles/originGroups/origins", [
    "profileName",
    "originGroupName",
    "originName",
  ]),
  "azure-native:cdn:Route": untagged("Microsoft.Cdn/profiles/afdEndpoints/routes", [
    "profileName",
    "endpointName",
    "routeName",
  ]),
  "azure-native:cdn:AFDCustomDomain": {
    ...untagged("Microsoft.Cdn/profiles/customDomains", ["profileName", "customDomainName"]),
    // Front Door asks for a TXT record _dnsauth.<host> with this token before it issues the certificate.
    outputs: ({ guid }) => ({
      domainValidationState: "Pending",
      validationProperties: {
        validationToken: guid("validation").replace(/-/g, ""),
        expirationDate: "2027-01-01T00:00:00Z",
      },
    }),
  },
  "azure-native:cdn:RuleSet": untagged("Microsoft.Cdn/profiles/ruleSets", ["profileName", "ruleSetName"]),
  "azure-native:cdn:Rule": untagged("Microsoft.Cdn/profiles/ruleSets/rules", [
    "profileName",
    "ruleSetName",
    "ruleName",
  ]),
  "azure-native:cdn:SecurityPolicy": untagged("Microsoft.Cdn/profiles/securityPolicies", [
    "profileName",
    "securityPolicyName",
  ]),
  "azure-native:frontdoor:Policy": {
    arm: "Microsoft.Network/frontDoorWebApplicationFirewallPolicies",
    apiVersion: "2025-11-01",
    names: ["policyName"],
    taggable: true,
  },
};
