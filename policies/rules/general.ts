import { CATALOG } from "../../infra/catalog/index.js";
import { NAME_RULES, NAMED_TYPES, type NameKind } from "../../infra/naming/rules.js";
import { REQUIRED_TAG_KEYS } from "../../infra/tags/keys.js";
import { ENFORCE, notApplicable, REMOVE, type Rule } from "../model.js";
import { REGIONAL, T, TAGGED } from "../types.js";
import { asRecord, customRule, present } from "./factory.js";

/**
 * CAF abbreviations (infra/naming's rules) and the input holding the Azure name (the catalog's last name
 * segment), per type the namer names; checked where the name is known.
 */
const NAMES: Record<string, { abbrs: string[]; input: string }> = {};
for (const [kind, types] of Object.entries(NAMED_TYPES) as Array<[NameKind, string | readonly string[]]>) {
  for (const type of [types].flat()) {
    const input = CATALOG[type]?.names.at(-1);
    if (!input) continue;
    NAMES[type] ??= { abbrs: [], input };
    NAMES[type].abbrs.push(NAME_RULES[kind].abbr);
  }
}

const tags = (inputs: Record<string, unknown>) => asRecord(inputs.tags);
/** A tag's value: Azure treats tag names case-insensitively (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations). */
const tagValue = (inputs: Record<string, unknown>, key: string) =>
  Object.entries(tags(inputs)).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];

export const generalRules: Rule[] = [
  customRule({
    id: "EST-GEN-001",
    title: "Resources carry the required tags",
    description: `Tags ${REQUIRED_TAG_KEYS.join(", ")} attribute cost and ownership.`,
    severity: "medium",
    types: TAGGED,
    check: (inputs) =>
      REQUIRED_TAG_KEYS.filter((key) => !present.test(tagValue(inputs, key))).map(
        (key) => `tags.${key} is missing or empty`,
      ),
    // PSRule Azure.Resource.RequiredTags: no tags at all, or an empty value, fails; names compare case-insensitively.
    fail: [{ "tags.owner": "" }, { tags: {} }, { tags: REMOVE }, { "tags.owner": null }],
    pass: [{ "tags.owner": REMOVE, "tags.Owner": "platform-team@contoso.com" }],
    controls: { mcsb: ["AM-1"], waf: "Cost Optimization" },
    mappings: {
      psrule: ["Azure.Resource.UseTags", "Azure.Resource.RequiredTags", "Azure.Group.RequiredTags"],
      azurePolicy: ["871b6d14-10aa-478d-b590-94f262ecfa99"],
    },
    remediation:
      "Set `estate:owner` and `estate:costCentre` in the stack file; components get tags from `requiredTags` (infra/tags).",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-GEN-002",
    title: "Ephemeral resources expire",
    description:
      "Every resource of an ephemeral stack carries a valid, future `expires-at` tag so `estate env gc` can collect it.",
    severity: "high",
    types: TAGGED,
    check: (inputs, context) => {
      const value = tagValue(inputs, "expires-at");
      if (!present.test(value)) return 'tag "expires-at" is missing';
      const at = Date.parse(String(value));
      if (Number.isNaN(at)) return `tag "expires-at" is ${JSON.stringify(value)}; expected an ISO 8601 date-time`;
      return at <= context.now.getTime() ? `tag "expires-at" ${value} is in the past` : undefined;
    },
    fail: [{ "tags.expires-at": "2020-01-01T00:00:00Z" }, { "tags.expires-at": "soon" }],
    controls: { mcsb: ["AM-1"], waf: "Cost Optimization" },
    mappings: {},
    remediation: "Set `estate:expiresAt` (ISO 8601, in the future) in the ephemeral stack's config.",
    enforcement: ENFORCE.ephemeralOnly,
  }),
  customRule({
    id: "EST-GEN-003",
    title: "Resources are deployed to allowed regions",
    description:
      "Data residency: resources stay in the regions of the `allowedRegions` policy setting (policies/settings.yaml; default: every region the stack config accepts).",
    severity: "high",
    types: REGIONAL,
    check: (inputs, context) => {
      const allowed = context.settings.allowedRegions;
      const location = String(inputs.location ?? "")
        .toLowerCase()
        .replace(/\s/g, "");
      if (!location)
        return notApplicable(
          "location is not set: the resource takes its resource group's region, judged on the resource group",
        );
      return allowed.includes(location)
        ? undefined
        : `location is ${JSON.stringify(inputs.location)}; allowed by the policy settings: ${allowed.join(", ")}`;
    },
    fail: [{ location: "chinanorth3" }, { location: "West Europe 2" }],
    // ARM normalises display names: "West Europe" and "WESTEUROPE" are westeurope.
    pass: [{ location: "West Europe" }, { location: "WESTEUROPE" }],
    controls: { mcsb: ["AM-2"], waf: "Security" },
    mappings: { psrule: ["Azure.Resource.AllowedRegions"], azurePolicy: ["e56962a6-4747-49cd-b67b-bf8b01975c4c"] },
    remediation:
      "Set `estate:location` in the stack file to a region of the `allowedRegions` setting (policies/settings.yaml, shown by `estate policy --list`).",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-GEN-004",
    title: "Names follow the CAF abbreviations",
    description: "Names start with the type's Cloud Adoption Framework abbreviation, as `infra/naming` makes them.",
    severity: "low",
    types: Object.keys(NAMES),
    check: (inputs, _context, resource) => {
      const rule = NAMES[resource.type]!;
      const name = inputs[rule.input];
      if (typeof name !== "string")
        return notApplicable(`${rule.input} is not set: the provider generates the name from the logical name`);
      return rule.abbrs.some((abbr) => name.toLowerCase().startsWith(abbr))
        ? undefined
        : `${rule.input} ${JSON.stringify(name)} does not start with ${rule.abbrs.map((abbr) => `"${abbr}"`).join(" or ")}`;
    },
    fail: [{ resourceGroupName: "my-resources" }],
    controls: { mcsb: ["AM-1"], waf: "Operational Excellence" },
    mappings: {},
    remediation: "Name the resource with `namer.name(kind)` (infra/naming).",
    enforcement: ENFORCE.always,
  }),
];
