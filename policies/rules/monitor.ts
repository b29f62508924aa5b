import { ENFORCE, REMOVE, type Rule } from "../model.js";
import { T } from "../types.js";
import { asArray, asRecord, atLeast, customRule, get, inputRule, is, isText, present } from "./factory.js";

/** Log Analytics, Application Insights, diagnostic settings, alerts, availability tests, budgets. */
export const monitorRules: Rule[] = [
  inputRule({
    id: "EST-MON-001",
    title: "Logs are kept as long as the logRetentionDays setting says",
    description: "Investigations look back weeks: at least the `logRetentionDays` policy setting (default 30 days).",
    severity: "medium",
    types: [T.workspace],
    path: "retentionInDays",
    expect: (context) => atLeast(context.settings.logRetentionDays),
    bad: 7,
    controls: { mcsb: ["LT-6"], waf: "Security" },
    mappings: {},
    remediation:
      "Set `retentionInDays` to at least the `logRetentionDays` policy setting (stack config `observability.retentionDays`) on the Workspace.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-MON-002",
    title: "Production logs are kept at least 90 days",
    description: "Audit evidence must cover a quarter.",
    severity: "medium",
    types: [T.workspace],
    path: "retentionInDays",
    expect: atLeast(90),
    bad: 30,
    controls: { mcsb: ["LT-6"], waf: "Security" },
    mappings: {},
    remediation: "Set `retentionInDays: 90` on the Workspace (prod profile default).",
    enforcement: ENFORCE.prodOnly,
  }),
  inputRule({
    id: "EST-MON-003",
    title: "Log Analytics disables shared-key ingestion",
    description: "Workspace keys let anyone holding them write logs.",
    severity: "medium",
    types: [T.workspace],
    path: "features.disableLocalAuth",
    expect: is(true),
    bad: false,
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: {},
    remediation: "Set `features.disableLocalAuth: true` on the Workspace.",
    enforcement: ENFORCE.advisory,
  }),
  inputRule({
    id: "EST-MON-004",
    title: "Application Insights is workspace based",
    description: "Classic resources are retired; telemetry belongs in the shared workspace.",
    severity: "medium",
    types: [T.appInsights],
    path: "workspaceResourceId",
    expect: present,
    bad: REMOVE,
    // PSRule Azure.AppInsights.Workspace: an empty id is no workspace.
    fail: [{ workspaceResourceId: "" }],
    controls: { mcsb: ["LT-5"], cis: ["5.3.1"], waf: "Operational Excellence" },
    mappings: { psrule: ["Azure.AppInsights.Workspace"] },
    remediation: "Set `workspaceResourceId` on the applicationinsights Component.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-MON-005",
    title: "Application Insights requires Entra ID for ingestion",
    description: "The instrumentation key alone must not be enough to send telemetry.",
    severity: "medium",
    types: [T.appInsights],
    path: "disableLocalAuth",
    expect: is(true),
    bad: false,
    // PSRule Azure.AppInsights.LocalAuth: absent is Azure's default, the instrumentation key alone is enough.
    fail: [{ disableLocalAuth: REMOVE }],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: { psrule: ["Azure.AppInsights.LocalAuth"] },
    remediation:
      "Set `disableLocalAuth: true` on the applicationinsights Component and grant apps Monitoring Metrics Publisher.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-MON-006",
    title: "Diagnostic settings send logs to Log Analytics",
    description: "Every setting has a workspace destination.",
    severity: "high",
    types: [T.diagnosticSetting],
    check: (inputs) => (present.test(inputs.workspaceId) ? undefined : "workspaceId is not set"),
    fail: [{ workspaceId: REMOVE }],
    controls: { mcsb: ["LT-5"], cis: ["5.1.1"], waf: "Operational Excellence" },
    mappings: { azurePolicy: ["7f89b1eb-583c-429a-8828-af049802c1d9"] },
    remediation: "Set `workspaceId` on the DiagnosticSetting (use `sendDiagnostics` in infra/observability).",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-MON-007",
    title: "Diagnostic settings enable something",
    description: "A setting with no enabled log or metric category collects nothing.",
    severity: "medium",
    types: [T.diagnosticSetting],
    check: (inputs) => {
      const entries = [...asArray(inputs.logs), ...asArray(inputs.metrics)].map(asRecord);
      return entries.some((entry) => entry.enabled === true) ? undefined : "no entry of logs or metrics is enabled";
    },
    fail: [{ logs: [], metrics: [] }],
    controls: { mcsb: ["LT-3"], cis: ["5.1.2"], waf: "Operational Excellence" },
    mappings: {},
    remediation:
      'Add `{ categoryGroup: "allLogs", enabled: true }` to `logs` (and `AllMetrics` to `metrics`) on the DiagnosticSetting.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-MON-008",
    title: "Metric alerts notify an action group",
    description: "An alert nobody receives is no alert.",
    severity: "high",
    types: [T.metricAlert],
    check: (inputs) =>
      asArray(inputs.actions)
        .map(asRecord)
        .some((a) => present.test(a.actionGroupId))
        ? undefined
        : "actions has no actionGroupId",
    fail: [{ actions: [] }],
    controls: { mcsb: ["LT-1", "IR-2"], waf: "Operational Excellence" },
    mappings: {},
    remediation: "Set `actions: [{ actionGroupId }]` on the MetricAlert.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-MON-014",
    title: "Log alerts notify an action group and are enabled",
    description: "A log (scheduled query) alert nobody receives is no alert.",
    severity: "high",
    types: [T.logAlert],
    check: (inputs) => [
      ...(asArray(get(inputs, "actions.actionGroups")).length ? [] : ["actions.actionGroups is empty"]),
      ...(inputs.enabled === false ? ["enabled is false"] : []),
    ],
    fail: [{ "actions.actionGroups": [] }, { enabled: false }],
    controls: { mcsb: ["LT-1", "IR-2"], waf: "Operational Excellence" },
    mappings: {},
    remediation: "Set `actions: { actionGroups: [actionGroup.id] }` and `enabled: true` on the ScheduledQueryRule.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-MON-009",
    title: "Metric alerts are enabled",
    description: "Disabled alerts stay silent.",
    severity: "medium",
    types: [T.metricAlert],
    path: "enabled",
    expect: is(true),
    bad: false,
    controls: { mcsb: ["LT-1"], waf: "Operational Excellence" },
    mappings: {},
    remediation: "Set `enabled: true` on the MetricAlert.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-MON-010",
    title: "Metric alerts resolve themselves",
    description: "Auto-mitigation closes the alert when the metric recovers, so the next breach alerts again.",
    severity: "low",
    types: [T.metricAlert],
    path: "autoMitigate",
    expect: is(true),
    bad: false,
    // PSRule Azure.Alert.MetricAutoMitigate (equals true): an absent value fails.
    fail: [{ autoMitigate: REMOVE }],
    controls: { mcsb: [], waf: "Operational Excellence" },
    mappings: { psrule: ["Azure.Alert.MetricAutoMitigate"] },
    remediation: "Set `autoMitigate: true` on the MetricAlert.",
    enforcement: ENFORCE.advisory,
  }),
  customRule({
    id: "EST-MON-011",
    title: "Action groups are enabled and reach someone",
    description: "At least one receiver (email, webhook, ...).",
    severity: "high",
    types: [T.actionGroup],
    check: (inputs) => {
      const receivers = Object.entries(inputs).filter(
        ([key, value]) => key.endsWith("Receivers") && asArray(value).length,
      );
      const problems: string[] = [];
      if (inputs.enabled !== true) problems.push("enabled is not true");
      if (!receivers.length) problems.push("no receivers (emailReceivers, webhookReceivers, ...)");
      return problems;
    },
    fail: [{ enabled: false }, { emailReceivers: [] }],
    controls: { mcsb: ["IR-2"], waf: "Operational Excellence" },
    mappings: {},
    remediation:
      "Set `enabled: true` and `emailReceivers: [{ name, emailAddress, useCommonAlertSchema: true }]` on the ActionGroup.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-MON-012",
    title: "Availability tests are standard HTTPS tests from five locations",
    description: "Five locations tell a regional blip from an outage; SSL checks catch expiring certificates.",
    severity: "medium",
    types: [T.webTest],
    check: (inputs) => {
      const problems: string[] = [];
      if (inputs.enabled !== true) problems.push("enabled is not true");
      if (asArray(inputs.locations).length < 5)
        problems.push(`locations has ${asArray(inputs.locations).length} entries; expected at least 5`);
      if (!String(get(inputs, "request.requestUrl") ?? "").startsWith("https://"))
        problems.push("request.requestUrl is not an https:// URL");
      if (get(inputs, "validationRules.sSLCheck") !== true) problems.push("validationRules.sSLCheck is not true");
      return problems;
    },
    fail: [{ locations: [{ location: "emea-nl-ams-azr" }] }, { "validationRules.sSLCheck": false }, { enabled: false }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: {},
    remediation:
      "Set `enabled: true`, five `locations`, an `https://` `request.requestUrl` and `validationRules.sSLCheck: true` on the WebTest.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-MON-013",
    title: "Budgets alert someone before the money is spent",
    description: "A monthly budget with at least one enabled notification with recipients.",
    severity: "medium",
    types: [T.budget],
    check: (inputs) => {
      const problems: string[] = [];
      if (!atLeast(1).test(inputs.amount))
        problems.push(`amount is ${JSON.stringify(inputs.amount)}; expected a positive amount`);
      if (!isText("Monthly").test(inputs.timeGrain))
        problems.push(`timeGrain is ${JSON.stringify(inputs.timeGrain)}; expected "Monthly"`);
      const notifications = Object.values(asRecord(inputs.notifications)).map(asRecord);
      if (
        !notifications.some(
          (n) => n.enabled === true && (asArray(n.contactEmails).length || asArray(n.contactGroups).length),
        )
      )
        problems.push("notifications has no enabled entry with contactEmails or contactGroups");
      return problems;
    },
    fail: [{ notifications: {} }, { amount: 0 }],
    controls: { mcsb: [], waf: "Cost Optimization" },
    mappings: {},
    remediation:
      'Set `amount`, `timeGrain: "Monthly"` and `notifications: { actual80: { enabled: true, operator: "GreaterThan", threshold: 80, contactEmails } }` on the consumption Budget.',
    enforcement: ENFORCE.always,
  }),
];
