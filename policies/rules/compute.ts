import { ENFORCE, notApplicable, REMOVE, type Graph, type GraphResource, type Rule } from "../model.js";
import { T } from "../types.js";
import {
  asArray,
  asRecord,
  atLeast,
  customRule,
  get,
  inputRule,
  is,
  isText,
  oneOf,
  present,
  show,
  stackRule,
  TLS,
  tlsAtLeast,
  unsetOr,
} from "./factory.js";
import { belongsTo, knownOr, knownOrUndefined, ofType, refersTo } from "./graph.js";
import { managedIdentity } from "./identity.js";

const apps = [T.webApp, T.webAppSlot];
const isFunctionApp = (inputs: Record<string, unknown>) => String(inputs.kind ?? "").includes("functionapp");
/** Flex Consumption apps have no always-on or instance settings of their own. */
const isFlex = (inputs: Record<string, unknown>) =>
  inputs.functionAppConfig !== undefined && inputs.functionAppConfig !== null;

/** Plans whose platform keeps function apps warm (Consumption, Elastic Premium, Flex Consumption): no always-on. */
const SCALED_BY_PLATFORM = /^(Y1|EP\d|FC\d|Dynamic|ElasticPremium|FlexConsumption)$/i;
/** Consumption and Flex Consumption plans (Y1 / Dynamic, FC1 / FlexConsumption): no instance count or tier of their own, as PSRule's IsConsumptionPlan. */
const isServerless = (plan: Record<string, unknown>) =>
  /^(Y\d|FC\d|Dynamic|FlexConsumption)$/i.test(String(get(plan, "sku.tier") ?? "")) ||
  /^(Y\d|FC\d)$/i.test(String(get(plan, "sku.name") ?? ""));

/** A graph edit applied to the inputs of every web app. */
const editApps = (edit: (inputs: Record<string, unknown>) => void) => (graph: Graph) => {
  for (const app of ofType(graph, T.webApp)) edit(app.inputs);
};

/** Node.js majors still supported on App Service / Functions (Node 18 ended April 2025). */
const SUPPORTED_NODE = [20, 22, 24];

function appSetting(inputs: Record<string, unknown>, name: string): unknown {
  return asArray(get(inputs, "siteConfig.appSettings"))
    .map(asRecord)
    .find((setting) => setting.name === name)?.value;
}

/**
 * Whether API Management sends requests to the app: a backend's or an API's URL names its host
 * (offline, and once Azure knows the host), or is built from the app's outputs (`pulumi preview`).
 */
function routedByGateway(graph: Graph): (app: GraphResource) => boolean {
  const targets = [
    ...ofType(graph, T.apimBackend).map((b) => [b, "url"] as const),
    ...ofType(graph, T.api).map((a) => [a, "serviceUrl"] as const),
  ];
  const hosts = new Set(
    targets.flatMap(([resource, input]) => {
      const url = knownOrUndefined(() => resource.inputs[input]);
      return typeof url === "string" && URL.canParse(url) ? [new URL(url).host.toLowerCase()] : [];
    }),
  );
  return (app) => {
    const host = String(app.outputs.defaultHostName ?? `${String(app.inputs.name)}.azurewebsites.net`).toLowerCase();
    return (
      hosts.has(host) || targets.some(([resource, input]) => resource.propertyDependencies?.[input]?.includes(app.urn))
    );
  };
}

/** Why an app's App Service authentication would let a request in that is not from an allowed principal. */
function authSettingsProblems(auth: GraphResource): string[] {
  const identities =
    "identityProviders.azureActiveDirectory.validation.defaultAuthorizationPolicy.allowedPrincipals.identities";
  const problems = [
    ["platform.enabled", is(true)],
    ["globalValidation.requireAuthentication", is(true)],
    ["globalValidation.unauthenticatedClientAction", isText("Return401")],
    ["identityProviders.azureActiveDirectory.enabled", is(true)],
  ] as const;
  const found = problems.flatMap(([path, expect]) => {
    const value = get(auth.inputs, path);
    return expect.test(value) ? [] : [`${path} is ${show(value)}; expected ${expect.describe}`];
  });
  // A principal the engine has not computed yet (the gateway's, before its first deployment) counts as one.
  const allowed = knownOr(() => get(auth.inputs, identities), ["(not yet known)"]);
  if (!present.test(allowed))
    found.push(`${identities} is ${show(allowed)}; any principal of the tenant could call the app`);
  return found;
}

/** App Service plans, web apps and Function apps, autoscale. */
export const computeRules: Rule[] = [
  inputRule({
    id: "EST-APP-001",
    title: "Apps accept HTTPS only",
    description: "HTTP requests are redirected to HTTPS.",
    severity: "high",
    types: apps,
    path: "httpsOnly",
    expect: is(true),
    bad: false,
    // PSRule Azure.AppService.UseHTTPS and Checkov CKV_AZURE_14 fail an absent value (Azure's default is false).
    fail: [{ httpsOnly: REMOVE }],
    controls: { mcsb: ["DP-3"], cis: ["9.2"], waf: "Security" },
    mappings: {
      psrule: ["Azure.AppService.UseHTTPS"],
      checkov: ["CKV_AZURE_14", "CKV_AZURE_70", "CKV_AZURE_153"],
      azurePolicy: ["a4af4a39-4135-47fb-b175-47fbdf85311d", "6d555dd1-86f2-4f1c-8ed7-5abae7c6cbab"],
    },
    remediation: "Set `httpsOnly: true` on the WebApp.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APP-002",
    title: "Apps require the minimum TLS version",
    description: "Older TLS versions are weak.",
    severity: "high",
    types: apps,
    path: "siteConfig.minTlsVersion",
    expect: tlsAtLeast(TLS.numeric),
    bad: "1.0",
    // PSRule Azure.AppService.MinTLS and Checkov CKV_AZURE_15 fail an absent value; both accept 1.3, Checkov the number 1.2.
    fail: [{ "siteConfig.minTlsVersion": REMOVE }, { siteConfig: REMOVE }, { "siteConfig.minTlsVersion": "1.1" }],
    pass: [{ "siteConfig.minTlsVersion": "1.3" }, { "siteConfig.minTlsVersion": 1.2 }],
    controls: { mcsb: ["DP-3"], cis: ["9.3"], waf: "Security" },
    mappings: {
      psrule: ["Azure.AppService.MinTLS"],
      checkov: ["CKV_AZURE_15", "CKV_AZURE_145", "CKV_AZURE_154"],
      azurePolicy: ["f0e6e85b-9b9f-4a4b-b67b-f730d42f1b0b", "f9d614c5-c173-4d56-95a7-b4437057d193"],
    },
    remediation:
      'Set `siteConfig.minTlsVersion` on the WebApp to the `minimumTlsVersion` policy setting (`"1.2"` by default) or newer.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APP-003",
    title: "FTP deployment is disabled",
    description: "FTP(S) deploys with basic credentials; the estate deploys zip packages with Entra ID.",
    severity: "high",
    types: apps,
    path: "siteConfig.ftpsState",
    expect: isText("Disabled"),
    bad: "AllAllowed",
    // Absent is Azure's default, AllAllowed. PSRule Azure.AppService.WebSecureFtp and Checkov CKV_AZURE_78 accept
    // FtpsOnly too; Estate does not (FTPS still deploys with basic credentials): stricter.
    fail: [{ "siteConfig.ftpsState": REMOVE }, { "siteConfig.ftpsState": "FtpsOnly" }],
    pass: [{ "siteConfig.ftpsState": "disabled" }],
    controls: { mcsb: ["DP-3", "IM-1"], cis: ["9.10"], waf: "Security" },
    mappings: {
      psrule: ["Azure.AppService.WebSecureFtp"],
      checkov: ["CKV_AZURE_78"],
      azurePolicy: ["4d24b6d4-5e53-4a4f-a7f4-618fa573ee4b", "399b2637-a50f-4f95-96f8-3a145476eb15"],
    },
    remediation: 'Set `siteConfig.ftpsState: "Disabled"` on the WebApp.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APP-004",
    title: "Apps have a managed identity",
    description: "Apps reach data services and Key Vault with their own identity, never keys.",
    severity: "high",
    types: apps,
    check: (inputs) =>
      managedIdentity.test(get(inputs, "identity.type"))
        ? undefined
        : `identity.type is ${show(get(inputs, "identity.type"))}; expected ${managedIdentity.describe}`,
    fail: [{ identity: REMOVE }, { "identity.type": "None" }],
    pass: [{ "identity.type": "SystemAssigned, UserAssigned" }, { "identity.type": "UserAssigned" }],
    controls: { mcsb: ["IM-3"], cis: ["9.5"], waf: "Security" },
    mappings: {
      psrule: ["Azure.AppService.ManagedIdentity"],
      checkov: ["CKV_AZURE_16", "CKV_AZURE_71"],
      azurePolicy: ["2b9ad585-36bc-4615-b300-fd4435808332", "0da106f2-4ca3-48e8-bc85-c638fe6aea8f"],
    },
    remediation: 'Set `identity: { type: "SystemAssigned" }` on the WebApp.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APP-005",
    title: "Apps serve HTTP/2",
    description: "HTTP/2 is faster and drops HTTP/1.1 request-smuggling classes.",
    severity: "low",
    types: apps,
    path: "siteConfig.http20Enabled",
    expect: is(true),
    bad: false,
    // PSRule Azure.AppService.HTTP2 and Checkov CKV_AZURE_18 fail an absent value (Azure's default is HTTP/1.1).
    fail: [{ "siteConfig.http20Enabled": REMOVE }],
    controls: { mcsb: ["PV-2"], cis: ["9.9"], waf: "Performance Efficiency" },
    mappings: { psrule: ["Azure.AppService.HTTP2"], checkov: ["CKV_AZURE_18", "CKV_AZURE_67"] },
    remediation: "Set `siteConfig.http20Enabled: true` on the WebApp.",
    enforcement: ENFORCE.advisory,
  }),
  inputRule({
    id: "EST-APP-006",
    title: "Remote debugging is off",
    description: "Remote debugging opens extra inbound ports.",
    severity: "high",
    types: apps,
    path: "siteConfig.remoteDebuggingEnabled",
    expect: unsetOr(is(false)),
    bad: true,
    // PSRule Azure.AppService.RemoteDebug and Checkov CKV_AZURE_72 pass an absent value (Azure's default is off).
    pass: [{ "siteConfig.remoteDebuggingEnabled": REMOVE }],
    controls: { mcsb: ["PV-2"], waf: "Security" },
    mappings: {
      psrule: ["Azure.AppService.RemoteDebug"],
      checkov: ["CKV_AZURE_72", "CKV_AZURE_155"],
      azurePolicy: ["cb510bfd-1cba-4d9f-a230-cb0976f4bb71", "0e60b895-3786-45da-8377-9c6b4b6ac5f9"],
    },
    remediation: "Set `siteConfig.remoteDebuggingEnabled: false` on the WebApp.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APP-007",
    title: "Apps declare a dedicated health check path",
    description:
      "App Service replaces unhealthy instances and Front Door probes the same path; the site root checks no dependency.",
    severity: "medium",
    types: apps,
    check: (inputs) => {
      const path = get(inputs, "siteConfig.healthCheckPath");
      return present.test(path) && String(path).trim() !== "/"
        ? undefined
        : `siteConfig.healthCheckPath is ${show(path)}; expected a dedicated health path such as /api/health`;
    },
    // PSRule Azure.AppService.WebProbe (a path is set) and WebProbePath (not the root): https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.WebProbePath
    fail: [
      { "siteConfig.healthCheckPath": REMOVE },
      { "siteConfig.healthCheckPath": "/" },
      { "siteConfig.healthCheckPath": "" },
    ],
    pass: [{ "siteConfig.healthCheckPath": "/healthz" }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.AppService.WebProbe", "Azure.AppService.WebProbePath"], checkov: ["CKV_AZURE_213"] },
    remediation: 'Set `siteConfig.healthCheckPath: "/api/health"` on the WebApp.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APP-008",
    title: "Apps accept inbound traffic only from API Management",
    description: "The app is private or its access restrictions deny everything but the gateway.",
    severity: "critical",
    types: apps,
    check: (inputs) => {
      if (isText("Disabled").test(inputs.publicNetworkAccess)) return undefined;
      return isText("Deny").test(get(inputs, "siteConfig.ipSecurityRestrictionsDefaultAction")) &&
        asArray(get(inputs, "siteConfig.ipSecurityRestrictions")).length
        ? undefined
        : 'publicNetworkAccess is not "Disabled" and siteConfig.ipSecurityRestrictionsDefaultAction is not "Deny" with an allow rule for API Management';
    },
    fail: [{ publicNetworkAccess: "Enabled", "siteConfig.ipSecurityRestrictionsDefaultAction": "Allow" }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: {
      checkov: ["CKV_AZURE_222", "CKV_AZURE_62"],
      azurePolicy: ["1b5ef780-c53c-4a64-87f3-bb9c8c8094ba", "969ac98b-88a8-449f-883c-2e9adb123127"],
    },
    remediation:
      'Set `publicNetworkAccess: "Disabled"` (private endpoint) or `siteConfig.ipSecurityRestrictionsDefaultAction: "Deny"` with an `ipSecurityRestrictions` entry for the `ApiManagement` service tag on the WebApp.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APP-009",
    title: "The SCM site is closed like the main site",
    description: "Kudu deploys code; it must not stay open when the app is restricted.",
    severity: "high",
    types: apps,
    check: (inputs) =>
      isText("Disabled").test(inputs.publicNetworkAccess) ||
      get(inputs, "siteConfig.scmIpSecurityRestrictionsUseMain") === true ||
      isText("Deny").test(get(inputs, "siteConfig.scmIpSecurityRestrictionsDefaultAction"))
        ? undefined
        : "siteConfig.scmIpSecurityRestrictionsUseMain is not true and the SCM site's default action is not Deny",
    fail: [{ publicNetworkAccess: "Enabled", "siteConfig.scmIpSecurityRestrictionsUseMain": false }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: {},
    remediation: "Set `siteConfig.scmIpSecurityRestrictionsUseMain: true` on the WebApp.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APP-010",
    title: "Apps are integrated with the virtual network",
    description: "Outbound calls to data services go through the VNet to private endpoints.",
    severity: "high",
    types: apps,
    path: "virtualNetworkSubnetId",
    expect: present,
    bad: REMOVE,
    controls: { mcsb: ["NS-1"], waf: "Security" },
    mappings: {},
    remediation: "Set `virtualNetworkSubnetId` to the integration subnet on the WebApp.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APP-011",
    title: "All outbound traffic is routed through the VNet",
    description: "Otherwise only RFC 1918 traffic uses the VNet and NSGs/firewalls are bypassed.",
    severity: "medium",
    types: apps,
    check: (inputs) =>
      get(inputs, "siteConfig.vnetRouteAllEnabled") === true ||
      get(inputs, "outboundVnetRouting.allTraffic") === true ||
      inputs.vnetRouteAllEnabled === true
        ? undefined
        : "neither outboundVnetRouting.allTraffic nor siteConfig.vnetRouteAllEnabled is true",
    fail: [{ "outboundVnetRouting.allTraffic": false, "siteConfig.vnetRouteAllEnabled": false }],
    controls: { mcsb: ["NS-1"], waf: "Security" },
    mappings: {},
    remediation:
      "Set `outboundVnetRouting: { allTraffic: true }` (or `siteConfig.vnetRouteAllEnabled: true`) on the WebApp.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APP-012",
    title: "Apps run a supported Node.js version",
    description: `Supported majors: ${SUPPORTED_NODE.join(", ")}.`,
    severity: "high",
    types: apps,
    check: (inputs) => {
      const versions = [
        /^node\|(\d+)/i.exec(String(get(inputs, "siteConfig.linuxFxVersion") ?? ""))?.[1],
        isText("node").test(get(inputs, "functionAppConfig.runtime.name"))
          ? String(get(inputs, "functionAppConfig.runtime.version"))
          : undefined,
        /~?(\d+)/.exec(String(appSetting(inputs, "WEBSITE_NODE_DEFAULT_VERSION") ?? ""))?.[1],
      ].filter((v): v is string => v !== undefined);
      const old = versions.filter((v) => !SUPPORTED_NODE.includes(Number.parseInt(v, 10)));
      return old.length
        ? `Node.js ${old.join(", ")} (siteConfig.linuxFxVersion, functionAppConfig.runtime.version or WEBSITE_NODE_DEFAULT_VERSION) is no longer supported; expected ${SUPPORTED_NODE.join(" or ")}`
        : undefined;
    },
    // PSRule Azure.AppService.NodeJsVersion: the version in linuxFxVersion (any case, -lts suffix), the Flex runtime, or WEBSITE_NODE_DEFAULT_VERSION.
    fail: [
      { "siteConfig.linuxFxVersion": "NODE|16", "functionAppConfig.runtime.version": "16" },
      { functionAppConfig: REMOVE, "siteConfig.linuxFxVersion": "node|18-lts" },
      { functionAppConfig: REMOVE, "siteConfig.appSettings": [{ name: "WEBSITE_NODE_DEFAULT_VERSION", value: "~18" }] },
    ],
    pass: [{ functionAppConfig: REMOVE, "siteConfig.linuxFxVersion": "NODE|22-lts" }],
    controls: { mcsb: ["PV-7"], waf: "Security" },
    mappings: { psrule: ["Azure.AppService.NodeJsVersion"] },
    remediation: `Set \`functionAppConfig.runtime.version\` (Flex) or \`siteConfig.linuxFxVersion: "NODE|${SUPPORTED_NODE[0]}"\` on the WebApp.`,
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APP-013",
    title: "Function apps run the Functions v4 host",
    description: "Runtime v3 and earlier are out of support.",
    severity: "medium",
    types: apps,
    check: (inputs) => {
      if (!isFunctionApp(inputs)) return notApplicable("applies to function apps only");
      if (isFlex(inputs))
        return notApplicable("Flex Consumption app: the host version comes with functionAppConfig.runtime");
      const version = appSetting(inputs, "FUNCTIONS_EXTENSION_VERSION");
      return version === "~4"
        ? undefined
        : `siteConfig.appSettings FUNCTIONS_EXTENSION_VERSION is ${show(version)}; expected "~4"`;
    },
    fail: [
      { functionAppConfig: REMOVE, "siteConfig.appSettings": [{ name: "FUNCTIONS_EXTENSION_VERSION", value: "~3" }] },
      // A null functionAppConfig is no Flex Consumption app.
      { functionAppConfig: null, "siteConfig.appSettings": [{ name: "FUNCTIONS_EXTENSION_VERSION", value: "~3" }] },
    ],
    controls: { mcsb: ["PV-7"], waf: "Operational Excellence" },
    mappings: {},
    remediation:
      'Set the app setting `FUNCTIONS_EXTENSION_VERSION: "~4"` in `siteConfig.appSettings` (or use Flex Consumption\'s `functionAppConfig`).',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APP-014",
    title: "CORS does not allow every origin",
    description: "A wildcard lets any site call the app from a user's browser.",
    severity: "high",
    types: apps,
    check: (inputs) =>
      asArray(get(inputs, "siteConfig.cors.allowedOrigins")).includes("*")
        ? 'siteConfig.cors.allowedOrigins contains "*"'
        : undefined,
    // Checkov CKV_AZURE_57: "*" anywhere in the list; no CORS settings allow no cross-origin callers.
    fail: [
      { "siteConfig.cors.allowedOrigins": ["*"] },
      { "siteConfig.cors.allowedOrigins": ["https://app.contoso.com", "*"] },
    ],
    pass: [{ "siteConfig.cors": REMOVE }, { "siteConfig.cors.allowedOrigins": ["https://app.contoso.com"] }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: {
      checkov: ["CKV_AZURE_57"],
      azurePolicy: ["5744710e-cc2f-4ee8-8809-3b11e89f4bc9", "0820b7b9-23aa-4725-a1ce-ae4558f718e5"],
    },
    remediation: "List explicit origins in `siteConfig.cors.allowedOrigins` on the WebApp (CORS is APIM's job).",
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-APP-015",
    title: "Production apps on dedicated plans are always on",
    description:
      "Idle unload makes the first request after a pause slow and breaks timers. Function apps on Consumption, Elastic Premium or Flex Consumption plans must not set it: the platform keeps their instances warm.",
    severity: "low",
    types: apps,
    problemOf: (graph) => {
      const plans = ofType(graph, T.appServicePlan);
      const sites = ofType(graph, T.webApp);
      return (app) => {
        // A slot that names no plan runs on its site's, and is the kind of app its site is.
        const site =
          app.type === T.webAppSlot ? sites.find((candidate) => belongsTo(app, candidate, "name")) : undefined;
        const host = site && knownOr(() => app.inputs.serverFarmId, "unknown") === undefined ? site : app;
        const plan = plans.find((candidate) => refersTo(host, "serverFarmId", candidate));
        if (isFlex(app.inputs)) return notApplicable("Flex Consumption app: the platform keeps its instances warm");
        const sku = String(get(plan?.inputs, "sku.name") ?? get(plan?.inputs, "sku.tier") ?? "");
        if (isFunctionApp({ kind: app.inputs.kind ?? site?.inputs.kind }) && SCALED_BY_PLATFORM.test(sku))
          return notApplicable(`function app on plan ${sku}: the platform keeps its instances warm`);
        return get(app.inputs, "siteConfig.alwaysOn") === true
          ? undefined
          : `siteConfig.alwaysOn is ${show(get(app.inputs, "siteConfig.alwaysOn"))}${plan ? ` on plan ${String(get(plan.inputs, "sku.name"))}` : ""}; expected true`;
      };
    },
    fail: [
      editApps((inputs) => (asRecord(inputs.siteConfig).alwaysOn = false)),
      // A null functionAppConfig is no Flex Consumption app.
      editApps((inputs) =>
        Object.assign(inputs, {
          functionAppConfig: null,
          siteConfig: { ...asRecord(inputs.siteConfig), alwaysOn: undefined },
        }),
      ),
    ],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.AppService.AlwaysOn"], checkov: ["CKV_AZURE_214"] },
    remediation: "Set `siteConfig.alwaysOn: true` on the WebApp (apps on Basic, Standard or Premium plans).",
    enforcement: ENFORCE.prodAdvisory,
  }),
  inputRule({
    id: "EST-APP-016",
    title: "ARR affinity is off",
    description: "Sticky sessions pin users to one instance and defeat scale-out.",
    // Azure's default is on (clientAffinityEnabled true), so an absent value fails, as in PSRule Azure.AppService.ARRAffinity.
    severity: "low",
    types: apps,
    path: "clientAffinityEnabled",
    expect: is(false),
    bad: true,
    fail: [{ clientAffinityEnabled: REMOVE }],
    controls: { mcsb: [], waf: "Performance Efficiency" },
    mappings: { psrule: ["Azure.AppService.ARRAffinity"] },
    remediation: "Set `clientAffinityEnabled: false` on the WebApp (Azure turns ARR affinity on when it is unset).",
    enforcement: ENFORCE.advisory,
  }),
  customRule({
    id: "EST-APP-017",
    title: "Apps send telemetry to Application Insights",
    description: "Errors, latency and dependencies are traced to the shared workspace.",
    severity: "medium",
    types: apps,
    check: (inputs) =>
      present.test(appSetting(inputs, "APPLICATIONINSIGHTS_CONNECTION_STRING"))
        ? undefined
        : "siteConfig.appSettings has no APPLICATIONINSIGHTS_CONNECTION_STRING",
    fail: [{ "siteConfig.appSettings": [] }],
    controls: { mcsb: ["LT-3"], cis: ["5.3.1"], waf: "Operational Excellence" },
    mappings: {},
    remediation: "Add `APPLICATIONINSIGHTS_CONNECTION_STRING` to `siteConfig.appSettings` on the WebApp.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APP-018",
    title: "Production App Service plans are zone redundant",
    description: "Instances spread across zones survive a zone outage.",
    severity: "medium",
    types: [T.appServicePlan],
    path: "zoneRedundant",
    expect: is(true),
    bad: false,
    // PSRule Azure.AppService.AvailabilityZone and Checkov CKV_AZURE_225: absent is Azure's default, not zone redundant.
    fail: [{ zoneRedundant: REMOVE }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.AppService.AvailabilityZone"], checkov: ["CKV_AZURE_225"] },
    remediation: "Set `zoneRedundant: true` (and at least 2 instances) on the AppServicePlan.",
    enforcement: ENFORCE.prodOnly,
  }),
  customRule({
    id: "EST-APP-019",
    title: "Production plans run at least two instances",
    description: "One instance is a single point of failure during updates.",
    severity: "medium",
    types: [T.appServicePlan],
    check: (inputs) => {
      if (isServerless(inputs))
        return notApplicable("Consumption or Flex Consumption plan: the platform scales its instances");
      return atLeast(2).test(get(inputs, "sku.capacity"))
        ? undefined
        : `sku.capacity is ${show(get(inputs, "sku.capacity"))}; expected at least 2`;
    },
    // PSRule Azure.AppService.PlanInstanceCount and Checkov CKV_AZURE_212: an absent capacity is one instance; Elastic Premium is judged too.
    fail: [
      { "sku.name": "P1v3", "sku.capacity": 1 },
      { "sku.capacity": REMOVE },
      { "sku.name": "EP1", "sku.tier": "ElasticPremium", "sku.capacity": 1 },
    ],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.AppService.PlanInstanceCount"], checkov: ["CKV_AZURE_212"] },
    remediation: "Set `sku.capacity: 2` (or more) on the AppServicePlan.",
    enforcement: ENFORCE.prodOnly,
  }),
  customRule({
    id: "EST-APP-020",
    title: "Production plans are not Free, Shared or Basic",
    description: "Those tiers have no zone redundancy, autoscale or VNet integration SLA.",
    severity: "medium",
    types: [T.appServicePlan],
    check: (inputs) => {
      if (isServerless(inputs))
        return notApplicable("Consumption or Flex Consumption plan: no instance tier to choose");
      const tier = String(get(inputs, "sku.tier") ?? get(inputs, "sku.name") ?? "");
      return /^(free|shared|basic|F1|D1|B\d)$/i.test(tier)
        ? `sku tier ${JSON.stringify(tier)} is not production grade`
        : undefined;
    },
    // PSRule Azure.AppService.MinPlan and Checkov CKV_AZURE_211: Free, Shared and Basic fail, by tier or (tier unset) by SKU name.
    fail: [
      { "sku.name": "B1", "sku.tier": "Basic" },
      { "sku.name": "F1", "sku.tier": "Free" },
      { "sku.name": "D1", "sku.tier": "Shared" },
      { "sku.name": "B2", "sku.tier": REMOVE },
    ],
    pass: [
      { "sku.name": "S1", "sku.tier": "Standard" },
      { "sku.name": "P1v3", "sku.tier": "PremiumV3" },
    ],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.AppService.MinPlan"], checkov: ["CKV_AZURE_211"] },
    remediation: "Set `sku` to Premium v3 (`P1v3`) or Flex Consumption (`FC1`) on the AppServicePlan.",
    enforcement: ENFORCE.prodOnly,
  }),
  customRule({
    id: "EST-APP-021",
    title: "Autoscale bounds are sane",
    description:
      "Autoscale is enabled, minimum ≤ default ≤ maximum, maximum caps cost (≤ 30), and production keeps two instances.",
    severity: "medium",
    types: [T.autoscale],
    check: (inputs, context) => {
      if (inputs.enabled === false) return "enabled is false";
      return asArray(inputs.profiles)
        .map(asRecord)
        .flatMap((profile, index) => {
          const min = Number(get(profile, "capacity.minimum"));
          const max = Number(get(profile, "capacity.maximum"));
          const def = Number(get(profile, "capacity.default"));
          const problems: string[] = [];
          if (!(min <= def && def <= max))
            problems.push(`profiles[${index}].capacity is ${min}/${def}/${max}; expected minimum ≤ default ≤ maximum`);
          if (max > 30) problems.push(`profiles[${index}].capacity.maximum is ${max}; expected at most 30`);
          if (context.profile === "prod" && min < 2)
            problems.push(`profiles[${index}].capacity.minimum is ${min}; production needs at least 2`);
          return problems;
        });
    },
    fail: [{ enabled: false }, { "profiles[0].capacity.maximum": "100" }, { "profiles[0].capacity.minimum": "5" }],
    controls: { mcsb: [], waf: "Performance Efficiency" },
    mappings: {},
    remediation:
      'Set `enabled: true` and `profiles[].capacity: { minimum: "2", default: "2", maximum: "10" }` on the AutoscaleSetting.',
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-APP-022",
    title: "Apps behind API Management admit only the gateway's identity",
    description:
      "App Service authentication requires a token, answers others with 401 and allows named principals only (the gateway's managed identity).",
    severity: "high",
    types: apps,
    problemOf: (graph) => {
      const routed = routedByGateway(graph);
      const settings = ofType(graph, T.webAppAuth);
      return (app) => {
        if (!routed(app)) return undefined;
        const own = settings.filter((auth) => belongsTo(auth, app, "name"));
        if (!own.length)
          return "API Management routes to the app, but no App Service authentication (WebAppAuthSettingsV2) protects it";
        const problems = own.flatMap(authSettingsProblems);
        return problems.length ? `its App Service authentication: ${problems.join("; ")}` : undefined;
      };
    },
    fail: [
      (graph) => (graph.resources = graph.resources.filter((r) => r.type !== T.webAppAuth)),
      (graph) =>
        ofType(graph, T.webAppAuth).forEach(
          (auth) => (asRecord(auth.inputs.globalValidation).unauthenticatedClientAction = "AllowAnonymous"),
        ),
      (graph) =>
        ofType(graph, T.webAppAuth).forEach(
          (auth) =>
            (asRecord(
              get(auth.inputs, "identityProviders.azureActiveDirectory.validation.defaultAuthorizationPolicy"),
            ).allowedPrincipals = {}),
        ),
    ],
    pass: [
      // An app the gateway does not route to (a queue worker) needs none.
      (graph) => {
        const [app] = ofType(graph, T.webApp);
        graph.resources.push({
          ...app,
          urn: `${app.urn}-worker`,
          name: "func-worker",
          inputs: { ...app.inputs, name: "func-estate-test-weu-worker" },
          outputs: { ...app.outputs, name: "func-worker" },
        });
      },
    ],
    controls: { mcsb: ["IM-4", "NS-2"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_13", "CKV_AZURE_56"] },
    remediation:
      'Declare a web WebAppAuthSettingsV2 for the app with `platform.enabled: true`, `globalValidation: { requireAuthentication: true, unauthenticatedClientAction: "Return401" }` and the gateway\'s principal id in `identityProviders.azureActiveDirectory.validation.defaultAuthorizationPolicy.allowedPrincipals.identities` (BackendAuth.admitOnly in infra/gateway).',
    enforcement: ENFORCE.always,
  }),
];
