import { ENFORCE, REMOVE, type Rule } from "../model.js";
import { T } from "../types.js";
import {
  asArray,
  asRecord,
  customRule,
  get,
  inputRule,
  is,
  isText,
  oneOf,
  present,
  TLS,
  tlsAtLeast,
} from "./factory.js";
import { managedIdentity } from "./identity.js";

const waf = [T.wafPolicy];

function managedRuleSets(inputs: Record<string, unknown>): Record<string, unknown>[] {
  return asArray(get(inputs, "managedRules.managedRuleSets")).map(asRecord);
}

/** Whether a rule set version ("2.1", "1.0") is at least `major.minor`, as PSRule's `version: '>=2.0'` compares. */
function versionAtLeast(version: unknown, major: number, minor = 0): boolean {
  const match = /^(\d+)\.(\d+)/.exec(String(version ?? ""));
  return match ? Number(match[1]) > major || (Number(match[1]) === major && Number(match[2]) >= minor) : false;
}

function customRules(inputs: Record<string, unknown>): Record<string, unknown>[] {
  return asArray(get(inputs, "customRules.rules")).map(asRecord);
}

/** Front Door (Standard/Premium) and its WAF policy. */
export const edgeRules: Rule[] = [
  inputRule({
    id: "EST-AFD-001",
    title: "Front Door is Premium in production",
    description: "Premium carries the managed WAF rule sets, bot protection and private link to origins.",
    severity: "high",
    types: [T.frontDoor],
    path: "sku.name",
    expect: is("Premium_AzureFrontDoor"),
    bad: "Standard_AzureFrontDoor",
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: {},
    remediation: 'Set `sku: { name: "Premium_AzureFrontDoor" }` on the cdn Profile.',
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-AFD-002",
    title: "Front Door is not a classic CDN profile",
    description: "Only Azure Front Door SKUs support WAF policies and the estate's routing.",
    severity: "high",
    types: [T.frontDoor],
    path: "sku.name",
    expect: oneOf("Premium_AzureFrontDoor", "Standard_AzureFrontDoor"),
    bad: "Standard_Microsoft",
    // PSRule Azure.CDN.UseFrontDoor: every classic CDN SKU fails.
    fail: [{ "sku.name": "Standard_Verizon" }, { "sku.name": "Standard_Akamai" }, { sku: REMOVE }],
    pass: [{ "sku.name": "Standard_AzureFrontDoor" }],
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: { psrule: ["Azure.CDN.UseFrontDoor"] },
    remediation: "Set `sku.name` to `Premium_AzureFrontDoor` (or `Standard_AzureFrontDoor`) on the cdn Profile.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-AFD-003",
    title: "Front Door routes redirect HTTP to HTTPS",
    description: "Clients that start on HTTP are moved to TLS before any content is served.",
    severity: "high",
    types: [T.afdRoute],
    path: "httpsRedirect",
    expect: isText("Enabled"),
    bad: "Disabled",
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: {},
    remediation: 'Set `httpsRedirect: "Enabled"` on the cdn Route.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-AFD-004",
    title: "Front Door reaches origins over HTTPS only",
    description:
      "Traffic between the edge and the origin crosses the internet or Microsoft's backbone and must stay encrypted.",
    severity: "high",
    types: [T.afdRoute],
    path: "forwardingProtocol",
    expect: isText("HttpsOnly"),
    bad: "MatchRequest",
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: {},
    remediation: 'Set `forwardingProtocol: "HttpsOnly"` on the cdn Route.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-AFD-005",
    title: "Origin groups probe health over HTTPS",
    description: "Health probes take failed origins out of rotation; they must use TLS and a real health path.",
    severity: "medium",
    types: [T.afdOriginGroup],
    check: (inputs) => {
      const probe = asRecord(inputs.healthProbeSettings);
      if (!Object.keys(probe).length) return "healthProbeSettings is not set";
      const problems: string[] = [];
      if (!isText("Https").test(probe.probeProtocol))
        problems.push(`healthProbeSettings.probeProtocol is ${JSON.stringify(probe.probeProtocol)}; expected "Https"`);
      if (!present.test(probe.probePath) || probe.probePath === "/")
        problems.push(
          `healthProbeSettings.probePath is ${JSON.stringify(probe.probePath)}; expected a dedicated health path such as /api/health`,
        );
      return problems;
    },
    // PSRule Azure.FrontDoor.Probe (probes on) and Azure.FrontDoor.ProbePath (a dedicated path, not the root or empty).
    fail: [
      { healthProbeSettings: REMOVE },
      { "healthProbeSettings.probePath": "/" },
      { "healthProbeSettings.probeProtocol": "Http" },
      { "healthProbeSettings.probePath": REMOVE },
      { "healthProbeSettings.probePath": "" },
    ],
    pass: [{ "healthProbeSettings.probeProtocol": "HTTPS" }, { "healthProbeSettings.probePath": "/healthz" }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.FrontDoor.Probe", "Azure.FrontDoor.ProbePath"] },
    remediation:
      'Set `healthProbeSettings: { probePath: "/api/health", probeProtocol: "Https", probeRequestType: "HEAD", probeIntervalInSeconds: 30 }` on the AFDOriginGroup.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-AFD-006",
    title: "Health probes use HEAD",
    description: "HEAD probes cost the origin less than GET.",
    severity: "low",
    types: [T.afdOriginGroup],
    path: "healthProbeSettings.probeRequestType",
    expect: isText("HEAD"),
    bad: "GET",
    // PSRule Azure.FrontDoor.ProbeMethod: HEAD, set; the value compares case-insensitively.
    fail: [{ "healthProbeSettings.probeRequestType": REMOVE }, { "healthProbeSettings.probeRequestType": "NotSet" }],
    pass: [{ "healthProbeSettings.probeRequestType": "head" }],
    controls: { mcsb: [], waf: "Performance Efficiency" },
    mappings: { psrule: ["Azure.FrontDoor.ProbeMethod"] },
    remediation: 'Set `healthProbeSettings.probeRequestType: "HEAD"` on the AFDOriginGroup.',
    enforcement: ENFORCE.advisory,
  }),
  inputRule({
    id: "EST-AFD-007",
    title: "Origins check the certificate name",
    description: "Without the check, a spoofed origin with any certificate would be accepted.",
    severity: "high",
    types: [T.afdOrigin],
    path: "enforceCertificateNameCheck",
    expect: is(true),
    bad: false,
    controls: { mcsb: ["DP-3", "IM-4"], waf: "Security" },
    mappings: {},
    remediation: "Set `enforceCertificateNameCheck: true` on the AFDOrigin.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-AFD-008",
    title: "Custom domains require the minimum TLS version",
    description: "Older TLS versions are weak.",
    severity: "high",
    types: [T.afdCustomDomain],
    path: "tlsSettings.minimumTlsVersion",
    expect: tlsAtLeast(TLS.frontDoor),
    bad: "TLS10",
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { azurePolicy: ["679da822-78a7-4eff-8fff-a899454a9970"] },
    remediation:
      'Set `tlsSettings: { certificateType: "ManagedCertificate", minimumTlsVersion: "TLS12" }` (or `"TLS13"` when the `minimumTlsVersion` policy setting is 1.3) on the AFDCustomDomain.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-AFD-009",
    title: "Front Door has a managed identity",
    description: "Front Door reads custom-domain certificates from Key Vault with its managed identity.",
    severity: "low",
    types: [T.frontDoor],
    path: "identity.type",
    expect: managedIdentity,
    bad: "None",
    pass: [{ "identity.type": "UserAssigned" }, { "identity.type": "SystemAssigned, UserAssigned" }],
    controls: { mcsb: ["IM-3"], waf: "Security" },
    mappings: { psrule: ["Azure.FrontDoor.ManagedIdentity"] },
    remediation: 'Set `identity: { type: "SystemAssigned" }` on the cdn Profile.',
    enforcement: ENFORCE.advisory,
  }),

  inputRule({
    id: "EST-WAF-001",
    title: "WAF policy is enabled",
    description: "A disabled policy inspects nothing.",
    severity: "critical",
    types: waf,
    path: "policySettings.enabledState",
    expect: isText("Enabled"),
    bad: "Disabled",
    // PSRule Azure.FrontDoorWAF.Enabled fails an absent state; the value compares case-insensitively.
    fail: [{ "policySettings.enabledState": REMOVE }, { policySettings: REMOVE }],
    pass: [{ "policySettings.enabledState": "enabled" }],
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: {
      psrule: ["Azure.FrontDoorWAF.Enabled", "Azure.FrontDoor.WAF.Enabled"],
      checkov: ["CKV_AZURE_121"],
      azurePolicy: ["055aa869-bc98-4af8-bafc-23f1ab6ffe2c"],
    },
    remediation: 'Set `policySettings.enabledState: "Enabled"` on the frontdoor Policy.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-WAF-002",
    title: "WAF blocks attacks (Prevention mode) in production",
    description:
      "Detection mode only logs; production must block. Dev and ephemeral stacks run Detection to tune rules.",
    severity: "high",
    types: waf,
    path: "policySettings.mode",
    expect: isText("Prevention"),
    bad: "Detection",
    // PSRule Azure.FrontDoorWAF.PreventionMode and Checkov CKV_AZURE_123 fail an absent mode (Azure's default is Detection).
    fail: [{ "policySettings.mode": REMOVE }],
    pass: [{ "policySettings.mode": "prevention" }],
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: {
      psrule: ["Azure.FrontDoorWAF.PreventionMode", "Azure.FrontDoor.WAF.Mode"],
      checkov: ["CKV_AZURE_123"],
      azurePolicy: ["12430be1-6cc8-4527-a9a8-e3d38f250096"],
    },
    remediation: 'Set `policySettings.mode: "Prevention"` on the frontdoor Policy (stack config `edge.wafMode`).',
    enforcement: ENFORCE.prod,
  }),
  customRule({
    id: "EST-WAF-003",
    title: "WAF runs the Default Rule Set 2.x",
    description: "DRS 2.x carries the current OWASP protections with anomaly scoring (incl. Log4Shell).",
    severity: "high",
    types: waf,
    check: (inputs) => {
      const drs = managedRuleSets(inputs).find((set) => /DefaultRuleSet$/.test(String(set.ruleSetType)));
      if (!drs) return "managedRules.managedRuleSets has no Microsoft_DefaultRuleSet";
      return versionAtLeast(drs.ruleSetVersion, 2)
        ? undefined
        : `managedRules.managedRuleSets ${String(drs.ruleSetType)} ruleSetVersion is ${JSON.stringify(drs.ruleSetVersion)}; expected 2.0 or later`;
    },
    fail: [
      { "managedRules.managedRuleSets[0].ruleSetVersion": "1.1" },
      { "managedRules.managedRuleSets": [] },
      { managedRules: REMOVE },
      // The classic DefaultRuleSet 1.0 is older than DRS 2.0; PSRule wants version >= 2.0.
      { "managedRules.managedRuleSets[0]": { ruleSetType: "DefaultRuleSet", ruleSetVersion: "1.0" } },
      { "managedRules.managedRuleSets[0].ruleSetVersion": REMOVE },
    ],
    // Any later version (PSRule compares versions); the rule sets may come in any order (PSRule expects DRS first).
    pass: [
      { "managedRules.managedRuleSets[0].ruleSetVersion": "2.2" },
      { "managedRules.managedRuleSets[0].ruleSetVersion": "3.0" },
      {
        "managedRules.managedRuleSets": [
          { ruleSetType: "Microsoft_BotManagerRuleSet", ruleSetVersion: "1.1" },
          { ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1", ruleSetAction: "Block" },
        ],
      },
    ],
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: { psrule: ["Azure.FrontDoorWAF.RuleGroups"], checkov: ["CKV_AZURE_133"] },
    remediation:
      'Add `{ ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1", ruleSetAction: "Block" }` to the frontdoor Policy\'s `managedRules.managedRuleSets`.',
    // Managed rule sets need the Premium SKU, mandatory in prod only (EST-WAF-008).
    enforcement: ENFORCE.prod,
  }),
  customRule({
    id: "EST-WAF-004",
    title: "WAF runs the Bot Manager rule set",
    description: "Bot Manager blocks known bad bots and scanners before they reach APIM.",
    severity: "medium",
    types: waf,
    check: (inputs) => {
      const bots = managedRuleSets(inputs).find((set) => set.ruleSetType === "Microsoft_BotManagerRuleSet");
      if (!bots) return "managedRules.managedRuleSets has no Microsoft_BotManagerRuleSet";
      return versionAtLeast(bots.ruleSetVersion, 1)
        ? undefined
        : `managedRules.managedRuleSets Microsoft_BotManagerRuleSet ruleSetVersion is ${JSON.stringify(bots.ruleSetVersion)}; expected 1.0 or later`;
    },
    // PSRule Azure.FrontDoorWAF.RuleGroups wants Bot Manager 1.0 or later.
    fail: [{ "managedRules.managedRuleSets[1]": REMOVE }, { "managedRules.managedRuleSets[1].ruleSetVersion": "0.1" }],
    pass: [{ "managedRules.managedRuleSets[1].ruleSetVersion": "1.0" }],
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: { psrule: ["Azure.FrontDoorWAF.RuleGroups"] },
    remediation:
      'Add `{ ruleSetType: "Microsoft_BotManagerRuleSet", ruleSetVersion: "1.1" }` to `managedRules.managedRuleSets`.',
    // Managed rule sets need the Premium SKU, mandatory in prod only (EST-WAF-008).
    enforcement: ENFORCE.prod,
  }),
  customRule({
    id: "EST-WAF-005",
    title: "WAF managed rules have no exclusions",
    description: "Exclusions blind the WAF to whole request parts; tune with rule overrides under review instead.",
    severity: "medium",
    types: waf,
    check: (inputs) => {
      const sets = managedRuleSets(inputs);
      const groups = sets.flatMap((set) => asArray(set.ruleGroupOverrides).map(asRecord));
      const rules = groups.flatMap((group) => asArray(group.rules).map(asRecord));
      const count = [...sets, ...groups, ...rules].reduce((sum, item) => sum + asArray(item.exclusions).length, 0);
      return count ? `managedRules has ${count} exclusions; expected none` : undefined;
    },
    fail: [
      {
        "managedRules.managedRuleSets[0].exclusions": [
          { matchVariable: "RequestHeaderNames", selectorMatchOperator: "Equals", selector: "x" },
        ],
      },
      // Exclusions on a rule group or a single rule count too (PSRule looks at the rule set only).
      {
        "managedRules.managedRuleSets[0].ruleGroupOverrides": [
          {
            ruleGroupName: "SQLI",
            exclusions: [{ matchVariable: "QueryStringArgNames", selectorMatchOperator: "Equals", selector: "q" }],
          },
        ],
      },
      {
        "managedRules.managedRuleSets[0].ruleGroupOverrides": [
          {
            ruleGroupName: "SQLI",
            rules: [
              {
                ruleId: "942100",
                enabledState: "Enabled",
                exclusions: [{ matchVariable: "RequestCookieNames", selectorMatchOperator: "Equals", selector: "c" }],
              },
            ],
          },
        ],
      },
    ],
    // PSRule Azure.FrontDoorWAF.Exclusions: absent or empty exclusions pass.
    pass: [{ "managedRules.managedRuleSets[0].exclusions": [] }],
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: { psrule: ["Azure.FrontDoorWAF.Exclusions"] },
    remediation: "Remove `exclusions` from the frontdoor Policy's managed rule sets, groups and rules.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-WAF-006",
    title: "WAF rate-limits clients",
    description: "A rate-limit custom rule caps floods from a single client before they reach APIM.",
    severity: "medium",
    types: waf,
    check: (inputs) =>
      customRules(inputs).some(
        (rule) => rule.ruleType === "RateLimitRule" && !isText("Disabled").test(rule.enabledState),
      )
        ? undefined
        : "customRules.rules has no enabled RateLimitRule",
    fail: [{ "customRules.rules": [] }],
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: {},
    remediation:
      'Add a `{ ruleType: "RateLimitRule", rateLimitThreshold, rateLimitDurationInMinutes: 1, action: "Block" }` rule to `customRules.rules`.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-WAF-007",
    title: "WAF inspects request bodies",
    description: "Without body inspection, injection in POST bodies passes unchecked.",
    severity: "medium",
    types: waf,
    path: "policySettings.requestBodyCheck",
    expect: isText("Enabled"),
    bad: "Disabled",
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: {},
    remediation: 'Set `policySettings.requestBodyCheck: "Enabled"` on the frontdoor Policy.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-WAF-008",
    title: "WAF policy is Premium",
    description: "Managed rule sets and bot protection need the Premium WAF SKU.",
    severity: "high",
    types: waf,
    path: "sku.name",
    expect: is("Premium_AzureFrontDoor"),
    bad: "Standard_AzureFrontDoor",
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: {},
    remediation: 'Set `sku: { name: "Premium_AzureFrontDoor" }` on the frontdoor Policy.',
    enforcement: ENFORCE.prod,
  }),
  customRule({
    id: "EST-WAF-009",
    title: "WAF managed rules are not switched off",
    description: "Disabling individual managed rules re-opens the attacks they block.",
    severity: "low",
    types: waf,
    check: (inputs) => {
      const disabled = managedRuleSets(inputs)
        .flatMap((set) => asArray(set.ruleGroupOverrides).map(asRecord))
        .flatMap((group) => asArray(group.rules).map(asRecord))
        .filter((rule) => isText("Disabled").test(rule.enabledState))
        .map((rule) => String(rule.ruleId));
      return disabled.length ? `managed rules ${disabled.join(", ")} are disabled in ruleGroupOverrides` : undefined;
    },
    fail: [
      {
        "managedRules.managedRuleSets[0].ruleGroupOverrides": [
          { ruleGroupName: "SQLI", rules: [{ ruleId: "942100", enabledState: "Disabled" }] },
        ],
      },
    ],
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: {},
    remediation:
      'Remove the `enabledState: "Disabled"` overrides from `managedRules.managedRuleSets[].ruleGroupOverrides`.',
    enforcement: ENFORCE.advisory,
  }),
];
