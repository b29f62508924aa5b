import { ENFORCE, type Rule } from "../model.js";
import { T } from "../types.js";
import { customRule, get, inputRule, isText, show } from "./factory.js";

/**
 * Static Web Apps. Neither PSRule for Azure nor Checkov has rules for Microsoft.Web/staticSites,
 * so these map to none.
 */
export const staticSiteRules: Rule[] = [
  customRule({
    id: "EST-SWA-001",
    title: "Production static sites run on the Standard plan",
    description: "Free has no SLA, no private endpoint, no linked backend and no managed identity.",
    severity: "medium",
    types: [T.staticSite],
    check: (inputs) =>
      isText("Standard").test(get(inputs, "sku.name"))
        ? undefined
        : `sku.name is ${show(get(inputs, "sku.name"))}; expected "Standard"`,
    fail: [{ "sku.name": "Free", "sku.tier": "Free" }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: {},
    remediation:
      'Set `sku: { name: "Standard", tier: "Standard" }` on the StaticSite (the static site SKU of the prod profile).',
    enforcement: ENFORCE.prodOnly,
  }),
  inputRule({
    id: "EST-SWA-002",
    title: "Production static sites have no staging environments",
    description: "Staging environments publish every pull request's build at a public URL, unreviewed code included.",
    severity: "medium",
    types: [T.staticSite],
    path: "stagingEnvironmentPolicy",
    expect: isText("Disabled"),
    bad: "Enabled",
    controls: { mcsb: ["DS-6"], waf: "Security" },
    mappings: {},
    remediation:
      'Set `stagingEnvironmentPolicy: "Disabled"` on the StaticSite (StaticSite `stagingEnvironments: false`).',
    enforcement: ENFORCE.prod,
  }),
  customRule({
    id: "EST-SWA-003",
    title: "Standard static sites have a managed identity",
    description:
      "The site reads Key Vault references in its settings with its own identity, never with a secret value.",
    severity: "low",
    types: [T.staticSite],
    check: (inputs) => {
      if (!isText("Standard").test(get(inputs, "sku.name"))) return undefined;
      return /Assigned/.test(String(get(inputs, "identity.type") ?? ""))
        ? undefined
        : `identity.type is ${show(get(inputs, "identity.type"))}; expected SystemAssigned or UserAssigned`;
    },
    fail: [{ identity: { type: "None" } }],
    pass: [{ "sku.name": "Free", "sku.tier": "Free", identity: { type: "None" } }],
    controls: { mcsb: ["IM-3"], waf: "Security" },
    mappings: {},
    remediation: 'Set `identity: { type: "SystemAssigned" }` on the Standard StaticSite.',
    enforcement: ENFORCE.advisory,
  }),
];
