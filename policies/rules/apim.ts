import {
  ENFORCE,
  isNotApplicable,
  notApplicable,
  problemsOf,
  REMOVE,
  type Graph,
  type GraphResource,
  type ResourceRule,
  type Rule,
  type StackRule,
} from "../model.js";
import { T } from "../types.js";
import { asArray, asRecord, customRule, get, inputRule, is, oneOf, present, show, stackRule } from "./factory.js";
import { belongsTo, nameOf, ofType, sameName } from "./graph.js";
import { patchInputs } from "./patch.js";
import { managedIdentity } from "./identity.js";

const service = [T.apim];
const POLICY_TYPES = [T.apiPolicy, T.apiOperationPolicy, T.productPolicy];
const SECURITY = "Microsoft.WindowsAzure.ApiManagement.Gateway.Security";

/** customProperties that must be explicitly "false": protocols and ciphers older than TLS 1.2. */
function insecureSettings(inputs: Record<string, unknown>, keys: string[]): string[] {
  const props = asRecord(inputs.customProperties);
  return keys
    .filter((key) => String(props[`${SECURITY}.${key}`]).toLowerCase() !== "false")
    .map(
      (key) =>
        `customProperties["${SECURITY}.${key}"] is ${JSON.stringify(props[`${SECURITY}.${key}`])}; expected "false"`,
    );
}

/**
 * Ciphers PSRule's Azure.APIM.Ciphers counts weak or deprecated (3DES, the CBC suites, RSA key
 * exchange without forward secrecy): https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.Ciphers
 */
const WEAK_CIPHERS = [
  "TripleDes168",
  "TLS_RSA_WITH_AES_128_CBC_SHA",
  "TLS_RSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_RSA_WITH_AES_256_CBC_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_AES_128_GCM_SHA256",
].map((cipher) => `Ciphers.${cipher}`);

/** Every protocol and cipher switch the rules require off; the compliant value of customProperties. */
export const HARDENED_SETTINGS: Record<string, string> = Object.fromEntries(
  [
    "Protocols.Tls10",
    "Protocols.Tls11",
    "Protocols.Ssl30",
    "Backend.Protocols.Tls10",
    "Backend.Protocols.Tls11",
    "Backend.Protocols.Ssl30",
    ...WEAK_CIPHERS,
  ].map((key) => [`${SECURITY}.${key}`, "false"]),
);

/** A patch re-enabling one switch (keys contain dots, so the whole object is replaced). */
const enable = (key: string) => ({ customProperties: { ...HARDENED_SETTINGS, [`${SECURITY}.${key}`]: "true" } });

const policyXml = (inputs: Record<string, unknown>): string => String(inputs.value ?? "");

/** The wildcard settings of a document's cors policies: `<origin>*</origin>`, `<method>*</method>`, `<header>*</header>`. */
function corsWildcards(xml: string): string[] {
  const cors = [...xml.matchAll(/<cors[\s>][\s\S]*?<\/cors>/g)].map(([element]) => element).join("\n");
  return [
    ["<origin>*</origin>", /<origin>\s*\*\s*<\/origin>/],
    ["<method>*</method>", /<method>\s*\*\s*<\/method>/],
    [
      "<allowed-headers><header>*</header>",
      /<allowed-headers[^>]*>(?:(?!<\/allowed-headers>)[\s\S])*<header>\s*\*\s*<\/header>/,
    ],
    [
      "<expose-headers><header>*</header>",
      /<expose-headers[^>]*>(?:(?!<\/expose-headers>)[\s\S])*<header>\s*\*\s*<\/header>/,
    ],
  ]
    .filter(([, pattern]) => (pattern as RegExp).test(cors))
    .map(([where]) => where as string);
}

/** A policy document whose inbound section holds one cors policy with the given settings. */
const corsPolicy = (settings: string) =>
  `<policies><inbound><base /><cors>${settings}</cors></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>`;

/** Sections of a policy document that must inherit the enclosing scope's policy. */
const SECTIONS = ["inbound", "backend", "outbound", "on-error"];

/** An API's own ApiPolicy resources: by apiId, or by dependency when the id is unknown (preview). */
function apiPolicies(graph: Graph, api: GraphResource): GraphResource[] {
  const apiId = api.inputs.apiId ?? api.outputs.name ?? api.name;
  return ofType(graph, T.apiPolicy).filter(
    (policy) => sameName(policy.inputs.apiId, apiId) || policy.dependsOn.includes(api.urn),
  );
}

/** The policy XML that applies to an API: its own ApiPolicy plus the service-wide Policy. */
function effectivePolicy(graph: Graph, api: GraphResource): string {
  return [...apiPolicies(graph, api), ...ofType(graph, T.apimPolicy)]
    .map((policy) => policyXml(policy.inputs))
    .join("\n");
}

/** An operation's own ApiOperationPolicy resources. */
function operationPolicies(graph: Graph, operation: GraphResource): GraphResource[] {
  const { apiId, operationId } = operation.inputs;
  return ofType(graph, T.apiOperationPolicy).filter(
    (policy) =>
      (sameName(policy.inputs.apiId, apiId) && sameName(policy.inputs.operationId, operationId)) ||
      policy.dependsOn.includes(operation.urn),
  );
}

/** The API an operation belongs to. */
function apiOf(graph: Graph, operation: GraphResource): GraphResource | undefined {
  return ofType(graph, T.api).find(
    (a) =>
      (a.inputs.apiId ?? a.outputs.name ?? a.name) === operation.inputs.apiId || operation.dependsOn.includes(a.urn),
  );
}

/** The policy XML that applies to one operation: its own ApiOperationPolicy, then its API's and the service's. */
function operationEffectivePolicy(graph: Graph, operation: GraphResource): string {
  const api = apiOf(graph, operation);
  const inherited = api
    ? effectivePolicy(graph, api)
    : ofType(graph, T.apimPolicy)
        .map((policy) => policyXml(policy.inputs))
        .join("\n");
  return [...operationPolicies(graph, operation).map((policy) => policyXml(policy.inputs)), inherited].join("\n");
}

function operationsMissing(graph: Graph, element: RegExp, what: string) {
  return ofType(graph, T.apiOperation)
    .filter((operation) => !element.test(operationEffectivePolicy(graph, operation)))
    .map((operation) => ({
      urn: operation.urn,
      message: `${String(operation.inputs.method)} ${String(operation.inputs.urlTemplate)}: neither the operation's, the API's nor the service policy has ${what}`,
    }));
}

/** Limit elements and their counter keys, as written in a policy document. */
const LIMIT_KEY = /<(rate-limit-by-key|quota-by-key)\s[^>]*counter-key="([^"]*)"/g;

/** A counter key that reads the caller's token itself, which no policy has validated. */
const readsUnvalidatedToken = (counterKey: string) => /Authorization|AsJwt|TryParseJwt/i.test(counterKey);

/** A graph edit rewriting the XML of every policy of the given types. */
const editPolicies = (types: string | string[], edit: (xml: string) => string) => (graph: Graph) => {
  for (const policy of ofType(graph, ...[types].flat())) policy.inputs.value = edit(policyXml(policy.inputs));
};

const stripElement = (name: string) =>
  editPolicies([T.apiPolicy, T.apimPolicy, T.apiOperationPolicy], (xml) =>
    xml.replace(new RegExp(`<${name}[\\s\\S]*?(</${name}>|/>)`, "g"), ""),
  );

/** The backend-token step with a non-empty resource. */
const MANAGED_IDENTITY = /<authentication-managed-identity\s[^>]*resource="[^"]+"/;

/**
 * A rule about the service's APIs, policies, products or named values, judged on the API
 * Management service that owns them (as PSRule reports it): one finding per service, naming each
 * child to change. Children of no service in the stack (an existing gateway) are judged themselves.
 * The examples patch the compliant fixture's children of `types[0]`.
 */
function onService(rule: ResourceRule): StackRule {
  const { check, examples, types, ...meta } = rule;
  const problems = (child: GraphResource, context: Parameters<StackRule["check"]>[1]) =>
    problemsOf(check(child, context)).map((message) => `${nameOf(child)}: ${message}`);
  const patchChildren = (patch: (typeof examples.fail)[number]) => (graph: Graph) => {
    for (const child of ofType(graph, types[0]!)) child.inputs = patchInputs(child.inputs, patch);
  };
  return {
    ...meta,
    kind: "stack",
    description: `${meta.description} Judged on the API Management service, naming each ${types.map((type) => type.split(":").at(-1)).join(" or ")} to change.`,
    types: [T.apim, ...types],
    check: (graph, context) => {
      const services = ofType(graph, T.apim);
      const children = ofType(graph, ...types);
      const owned = services.flatMap((service) => {
        const messages = children
          .filter((child) => belongsTo(child, service, "serviceName"))
          .flatMap((child) => problems(child, context));
        return messages.length ? [{ urn: service.urn, message: messages.join("; ") }] : [];
      });
      const orphans = children.filter((child) => !services.some((service) => belongsTo(child, service, "serviceName")));
      return [
        ...owned,
        ...orphans.flatMap((child) => {
          const verdict = check(child, context);
          return isNotApplicable(verdict)
            ? [{ urn: child.urn, message: verdict.notApplicable, notApplicable: true as const }]
            : verdict.map((message) => ({ urn: child.urn, message }));
        }),
      ];
    },
    examples: { fail: examples.fail.map(patchChildren), pass: examples.pass?.map(patchChildren) },
  };
}

export const apimRules: Rule[] = [
  customRule({
    id: "EST-APIM-001",
    title: "API Management gateway refuses SSL 3.0, TLS 1.0 and TLS 1.1",
    description: "SSL 3.0, TLS 1.0 and 1.1 stay enabled on older services unless switched off explicitly.",
    severity: "high",
    types: service,
    check: (inputs) => insecureSettings(inputs, ["Protocols.Tls10", "Protocols.Tls11", "Protocols.Ssl30"]),
    // PSRule Azure.APIM.Protocols passes an absent switch (newer services default to off); Estate wants each set
    // "false" (services created before April 2018 keep them on): stricter. Case does not matter: "False" passes.
    fail: [
      { customProperties: {} },
      enable("Protocols.Tls10"),
      enable("Protocols.Ssl30"),
      { customProperties: { ...HARDENED_SETTINGS, [`${SECURITY}.Protocols.Tls11`]: "True" } },
      { customProperties: REMOVE },
    ],
    pass: [{ customProperties: { ...HARDENED_SETTINGS, [`${SECURITY}.Protocols.Tls10`]: "False" } }],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.Protocols"], checkov: ["CKV_AZURE_173"] },
    remediation: `Set customProperties "${SECURITY}.Protocols.Tls10", ".Tls11" and ".Ssl30" to "false" on the ApiManagementService.`,
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APIM-002",
    title: "API Management refuses SSL 3.0, TLS 1.0 and TLS 1.1 to backends",
    description: "Backend connections must not fall back to old protocols.",
    severity: "high",
    types: service,
    check: (inputs) =>
      insecureSettings(inputs, ["Backend.Protocols.Tls10", "Backend.Protocols.Tls11", "Backend.Protocols.Ssl30"]),
    fail: [enable("Backend.Protocols.Ssl30"), enable("Backend.Protocols.Tls10"), enable("Backend.Protocols.Tls11")],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.Protocols"] },
    remediation: `Set customProperties "${SECURITY}.Backend.Protocols.Tls10", ".Tls11" and ".Ssl30" to "false" on the ApiManagementService.`,
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APIM-003",
    title: "API Management disables weak ciphers",
    description:
      "Triple DES (Sweet32), the CBC suites (padding oracles) and RSA key exchange without forward secrecy stay enabled unless switched off explicitly.",
    severity: "medium",
    types: service,
    check: (inputs) => insecureSettings(inputs, WEAK_CIPHERS),
    // Each weak cipher re-enabled fails; so does leaving them to the service's default (PSRule passes an absent
    // switch; Estate wants each one set "false", as for the protocols).
    fail: [...WEAK_CIPHERS.map(enable), { customProperties: {} }],
    pass: [{ customProperties: { ...HARDENED_SETTINGS, [`${SECURITY}.Ciphers.TripleDes168`]: "False" } }],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.Ciphers"] },
    remediation: `Set customProperties "${SECURITY}.Ciphers.<cipher>" to "false" on the ApiManagementService for ${WEAK_CIPHERS.map((key) => key.slice("Ciphers.".length)).join(", ")}.`,
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APIM-004",
    title: "API Management has a managed identity",
    description: "APIM reads named values from Key Vault and calls backends with its identity.",
    severity: "medium",
    types: service,
    path: "identity.type",
    expect: managedIdentity,
    bad: "None",
    // PSRule Azure.APIM.ManagedIdentity: no identity block is no identity.
    fail: [{ identity: REMOVE }],
    pass: [{ "identity.type": "UserAssigned" }],
    controls: { mcsb: ["IM-3"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.ManagedIdentity"] },
    remediation: 'Set `identity: { type: "SystemAssigned" }` on the ApiManagementService.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APIM-005",
    title: "API Management is injected into the virtual network",
    description: "The gateway reaches backends privately and is reached only through Front Door.",
    severity: "high",
    types: service,
    path: "virtualNetworkType",
    expect: oneOf("Internal", "External"),
    bad: "None",
    controls: { mcsb: ["NS-1", "NS-2"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_107"], azurePolicy: ["ef619a2c-cc4d-4d03-b2ba-8c94a834d85b"] },
    remediation:
      "Set `virtualNetworkType` to `External` (behind Front Door, NSG-restricted) or `Internal` and `virtualNetworkConfiguration.subnetResourceId` on the ApiManagementService.",
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-APIM-006",
    title: "Production API Management is not a Developer or Consumption SKU",
    description: "Developer has no SLA; Consumption cannot be VNet-injected.",
    severity: "high",
    types: service,
    path: "sku.name",
    expect: oneOf("Basic", "Standard", "Premium", "BasicV2", "StandardV2", "PremiumV2"),
    bad: "Developer",
    controls: { mcsb: [], waf: "Reliability" },
    mappings: {},
    remediation: "Set `sku.name` to `Premium` (or `StandardV2`) on the ApiManagementService.",
    enforcement: ENFORCE.prodOnly,
  }),
  customRule({
    id: "EST-APIM-007",
    title: "Production API Management spans availability zones",
    description:
      "Zones keep the gateway up through a zone outage (Premium): at least two zones in the primary and every additional location, with the units spread evenly over them.",
    severity: "low",
    types: service,
    check: (inputs) => {
      if (get(inputs, "sku.name") !== "Premium")
        return notApplicable("applies to the Premium tier only (zones on v2 tiers are set at creation)");
      const locations = [
        { where: "", zones: inputs.zones, capacity: get(inputs, "sku.capacity") },
        ...asArray(inputs.additionalLocations).map((location, index) => ({
          where: `additionalLocations[${index}].`,
          zones: get(location, "zones"),
          capacity: get(location, "sku.capacity"),
        })),
      ];
      return locations.flatMap(({ where, zones, capacity }) => {
        const count = new Set(asArray(zones).map(String)).size;
        if (count < 2) return [`${where}zones is ${show(zones)}; expected at least two zones`];
        return typeof capacity === "number" && capacity % count !== 0
          ? [`${where}sku.capacity is ${capacity} over ${count} zones; expected a multiple of ${count}`]
          : [];
      });
    },
    // PSRule Azure.APIM.AvailabilityZone: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.AvailabilityZone
    fail: [
      { zones: REMOVE },
      { zones: ["1"] },
      { zones: ["1", "2", "3"] },
      { additionalLocations: [{ location: "northeurope", sku: { name: "Premium", capacity: 1 } }] },
      { additionalLocations: [{ location: "northeurope", sku: { name: "Premium", capacity: 3 }, zones: ["1", "2"] }] },
    ],
    pass: [
      { additionalLocations: [{ location: "northeurope", sku: { name: "Premium", capacity: 2 }, zones: ["1", "2"] }] },
      { "sku.capacity": 4 },
    ],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.APIM.AvailabilityZone", "Azure.APIM.AvailabilityZone.Units"] },
    remediation:
      'Set `zones: ["1", "2"]` (and `sku.capacity` a multiple of them) on the Premium ApiManagementService and on each of its `additionalLocations`.',
    enforcement: ENFORCE.prodAdvisory,
  }),
  customRule({
    id: "EST-APIM-008",
    title: "API Management blocks old management API versions",
    description: "Management API versions before 2021-08-01 expose secrets in GET responses.",
    severity: "medium",
    types: service,
    check: (inputs) => {
      const version = get(inputs, "apiVersionConstraint.minApiVersion");
      return typeof version === "string" && version >= "2021-08-01"
        ? undefined
        : `apiVersionConstraint.minApiVersion is ${show(version)}; expected 2021-08-01 or later`;
    },
    // PSRule Azure.APIM.MinAPIVersion: absent allows every version; later versions pass.
    fail: [
      { apiVersionConstraint: REMOVE },
      { "apiVersionConstraint.minApiVersion": "2019-12-01" },
      { "apiVersionConstraint.minApiVersion": "2021-01-01-preview" },
    ],
    pass: [
      { "apiVersionConstraint.minApiVersion": "2021-08-01" },
      { "apiVersionConstraint.minApiVersion": "2024-05-01" },
    ],
    controls: { mcsb: ["IM-8"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.MinAPIVersion"], azurePolicy: ["549814b6-3212-4203-bdc8-1548d342fb67"] },
    remediation: 'Set `apiVersionConstraint: { minApiVersion: "2021-08-01" }` on the ApiManagementService.',
    enforcement: ENFORCE.always,
  }),
  onService(
    customRule({
      id: "EST-APIM-009",
      title: "APIs accept HTTPS only",
      description: "Plain HTTP would carry tokens in clear text.",
      severity: "high",
      types: [T.api],
      check: (inputs) => {
        const protocols = asArray(inputs.protocols).map((p) => String(p).toLowerCase());
        return protocols.length && protocols.every((p) => p === "https" || p === "wss")
          ? undefined
          : `protocols is ${JSON.stringify(inputs.protocols)}; expected ["https"]`;
      },
      // PSRule Azure.APIM.HTTPEndpoint: any http (or plain ws) protocol fails, as does none; case does not matter.
      fail: [
        { protocols: ["http", "https"] },
        { protocols: REMOVE },
        { protocols: [] },
        { protocols: ["https", "ws"] },
        { protocols: ["HTTP"] },
      ],
      pass: [{ protocols: ["HTTPS"] }, { protocols: ["https", "wss"] }],
      controls: { mcsb: ["DP-3"], waf: "Security" },
      mappings: { psrule: ["Azure.APIM.HTTPEndpoint"], azurePolicy: ["ee7495e7-3ba7-40b6-bfee-c29e22cc75d4"] },
      remediation: 'Set `protocols: ["https"]` on the apimanagement Api.',
      enforcement: ENFORCE.always,
    }),
  ),
  onService(
    customRule({
      id: "EST-APIM-010",
      title: "APIs call their backend over HTTPS",
      description: "The hop from APIM to the app must stay encrypted.",
      severity: "high",
      types: [T.api],
      check: (inputs) =>
        inputs.serviceUrl === undefined || String(inputs.serviceUrl).toLowerCase().startsWith("https://")
          ? undefined
          : `serviceUrl is ${JSON.stringify(inputs.serviceUrl)}; expected an https:// URL`,
      // PSRule Azure.APIM.HTTPBackend: an http service URL fails (schemes compare case-insensitively); an API without
      // one routes by policy (set-backend-service, judged by EST-APIM-018 on the backend).
      fail: [
        { serviceUrl: "http://func-estate.azurewebsites.net/api" },
        { serviceUrl: "HTTP://func-estate.azurewebsites.net/api" },
      ],
      pass: [{ serviceUrl: REMOVE }, { serviceUrl: "HTTPS://func-estate.azurewebsites.net/api" }],
      controls: { mcsb: ["DP-3"], waf: "Security" },
      mappings: { psrule: ["Azure.APIM.HTTPBackend"] },
      remediation: "Set `serviceUrl` to an `https://` URL on the apimanagement Api.",
      enforcement: ENFORCE.always,
    }),
  ),
  onService(
    customRule({
      id: "EST-APIM-011",
      title: "APIs have a display name and description",
      description: "The developer portal and auditors read these.",
      severity: "low",
      types: [T.api],
      check: (inputs) =>
        ["displayName", "description"].filter((key) => !present.test(inputs[key])).map((key) => `${key} is not set`),
      fail: [{ description: REMOVE }],
      controls: { mcsb: [], waf: "Operational Excellence" },
      mappings: { psrule: ["Azure.APIM.APIDescriptors"] },
      remediation: "Set `displayName` and `description` on the apimanagement Api.",
      enforcement: ENFORCE.advisory,
    }),
  ),
  onService(
    customRule({
      id: "EST-APIM-012",
      title: "Policy sections inherit the enclosing scope with <base />",
      description:
        "Without <base />, the service-wide policy (JWT validation, rate limits, headers) is silently skipped.",
      severity: "high",
      types: POLICY_TYPES,
      check: (inputs) => {
        const xml = policyXml(inputs);
        return SECTIONS.filter((section) => {
          const body = new RegExp(`<${section}>([\\s\\S]*?)</${section}>`).exec(xml)?.[1];
          return body !== undefined && !/<base\s*\/>|<base>\s*<\/base>/.test(body);
        }).map((section) => `<${section}> has no <base />`);
      },
      fail: [
        {
          value:
            '<policies><inbound><rate-limit calls="10" renewal-period="60" /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>',
        },
      ],
      controls: { mcsb: ["PV-2"], waf: "Security" },
      mappings: { psrule: ["Azure.APIM.PolicyBase"] },
      remediation:
        "Put `<base />` first in every section (inbound, backend, outbound, on-error) of the policy's `value`.",
      enforcement: ENFORCE.always,
    }),
  ),
  onService(
    customRule({
      id: "EST-APIM-013",
      title: "CORS policies name their origins, methods and headers",
      description:
        "A wildcard origin lets any site call the API from a user's browser; wildcard methods and headers relax the browser's checks further.",
      severity: "high",
      types: [...POLICY_TYPES, T.apimPolicy],
      check: (inputs) =>
        corsWildcards(policyXml(inputs)).map((where) => `the cors policy allows ${where}; expected explicit values`),
      // PSRule Azure.APIM.CORSPolicy (no wildcard in any cors setting): https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.CORSPolicy
      fail: [
        { value: corsPolicy("<allowed-origins><origin>*</origin></allowed-origins>") },
        {
          value: corsPolicy(
            "<allowed-origins><origin>https://app.contoso.com</origin></allowed-origins><allowed-methods><method>*</method></allowed-methods>",
          ),
        },
        {
          value: corsPolicy(
            "<allowed-origins><origin>https://app.contoso.com</origin></allowed-origins><allowed-headers><header>*</header></allowed-headers>",
          ),
        },
        {
          value: corsPolicy(
            "<allowed-origins><origin>https://app.contoso.com</origin></allowed-origins><expose-headers><header> * </header></expose-headers>",
          ),
        },
      ],
      pass: [
        {
          value: corsPolicy(
            "<allowed-origins><origin>https://app.contoso.com</origin></allowed-origins><allowed-methods><method>GET</method></allowed-methods><allowed-headers><header>Authorization</header></allowed-headers>",
          ),
        },
      ],
      controls: { mcsb: ["NS-2"], waf: "Security" },
      mappings: { psrule: ["Azure.APIM.CORSPolicy"] },
      remediation:
        "List the allowed origins explicitly in the policy's `<cors><allowed-origins>` (stack config), never `*`.",
      enforcement: ENFORCE.always,
    }),
  ),
  onService(
    customRule({
      id: "EST-APIM-014",
      title: "No sample products",
      description: "The Starter and Unlimited sample products grant subscription keys to every API added to them.",
      severity: "medium",
      types: [T.product],
      check: (inputs, _context, resource) => {
        const id = String(inputs.productId ?? resource.name).toLowerCase();
        return ["starter", "unlimited"].includes(id) ? `product ${JSON.stringify(id)} is a sample product` : undefined;
      },
      fail: [{ productId: "starter" }, { productId: "unlimited" }],
      controls: { mcsb: ["PV-2"], waf: "Security" },
      mappings: { psrule: ["Azure.APIM.SampleProducts"] },
      remediation: "Delete the Starter/Unlimited Product and declare products with their own `productId`.",
      enforcement: ENFORCE.always,
    }),
  ),
  inputRule({
    id: "EST-APIM-015",
    title: "Products require a subscription",
    description: "Subscriptions identify callers for rate limits and revocation.",
    severity: "medium",
    types: [T.product],
    path: "subscriptionRequired",
    expect: is(true),
    bad: false,
    // PSRule Azure.APIM.ProductSubscription wants it set: an absent value fails.
    fail: [{ subscriptionRequired: REMOVE }],
    controls: { mcsb: ["IM-4"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.ProductSubscription"] },
    remediation: "Set `subscriptionRequired: true` on the apimanagement Product.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APIM-016",
    title: "Product subscriptions need approval",
    description: "Self-service subscriptions let anyone with a portal account obtain keys.",
    severity: "low",
    types: [T.product],
    path: "approvalRequired",
    expect: is(true),
    bad: false,
    // PSRule Azure.APIM.ProductApproval: absent is Azure's default, no approval.
    fail: [{ approvalRequired: REMOVE }],
    controls: { mcsb: ["PA-1"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.ProductApproval"] },
    remediation: "Set `approvalRequired: true` on the apimanagement Product.",
    enforcement: ENFORCE.advisory,
  }),
  customRule({
    id: "EST-APIM-017",
    title: "Products have a description and terms of use",
    description: "Subscribers must know what they get and agree to the terms.",
    severity: "low",
    types: [T.product],
    check: (inputs) =>
      ["displayName", "description", "terms"]
        .filter((key) => !present.test(inputs[key]))
        .map((key) => `${key} is not set`),
    fail: [{ terms: REMOVE }],
    controls: { mcsb: [], waf: "Operational Excellence" },
    mappings: { psrule: ["Azure.APIM.ProductDescriptors", "Azure.APIM.ProductTerms"] },
    remediation: "Set `displayName`, `description` and `terms` on the apimanagement Product.",
    enforcement: ENFORCE.advisory,
  }),
  customRule({
    id: "EST-APIM-018",
    title: "Backends use HTTPS and validate certificates",
    description: "A backend over HTTP or with validation off can be impersonated.",
    severity: "high",
    types: [T.apimBackend],
    check: (inputs) => {
      const problems: string[] = [];
      // URL schemes are case-insensitive, as PSRule's StartsWith compares.
      if (
        !String(inputs.url ?? "")
          .toLowerCase()
          .startsWith("https://")
      )
        problems.push(`url is ${show(inputs.url)}; expected an https:// URL`);
      for (const key of ["validateCertificateChain", "validateCertificateName"]) {
        if (get(inputs, `tls.${key}`) === false) problems.push(`tls.${key} is false`);
      }
      return problems;
    },
    // PSRule Azure.APIM.HTTPBackend and Checkov CKV_AZURE_215: an http URL, none, or certificate validation off fails.
    fail: [
      { url: "http://app.internal" },
      { "tls.validateCertificateChain": false },
      { "tls.validateCertificateName": false },
      { url: REMOVE },
      { url: "HTTP://app.internal" },
    ],
    pass: [{ url: "HTTPS://app.contoso.com" }, { tls: REMOVE }],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.HTTPBackend"], checkov: ["CKV_AZURE_215"] },
    remediation:
      "Set `url` to `https://…` and leave `tls.validateCertificateChain`/`validateCertificateName` true on the apimanagement Backend.",
    enforcement: ENFORCE.always,
  }),
  onService(
    customRule({
      id: "EST-APIM-019",
      title: "Named values holding secrets are secret or Key Vault references",
      description: "Plain named values are readable by every APIM contributor and show in exports.",
      severity: "high",
      types: [T.namedValue],
      check: (inputs, _context, resource) => {
        const name = `${inputs.displayName ?? ""} ${inputs.namedValueId ?? resource.name}`;
        if (!/secret|password|key|token|connection/i.test(name)) return undefined;
        return inputs.secret === true || present.test(get(inputs, "keyVault.secretIdentifier"))
          ? undefined
          : "the named value looks like a secret but is neither `secret: true` nor a Key Vault reference";
      },
      fail: [
        { secret: false, keyVault: REMOVE },
        { secret: REMOVE, keyVault: REMOVE },
        { secret: false, "keyVault.secretIdentifier": "" },
      ],
      controls: { mcsb: ["IM-8", "DP-6"], waf: "Security" },
      mappings: { psrule: ["Azure.APIM.EncryptValues"], azurePolicy: ["f1cc7827-022c-473e-836e-5a51cae0b249"] },
      remediation:
        "Set `keyVault: { secretIdentifier }` (preferred) or `secret: true` on the apimanagement NamedValue.",
      enforcement: ENFORCE.always,
    }),
  ),
  stackRule({
    id: "EST-APIM-020",
    title: "Every API operation validates JWTs",
    description:
      "Tokens are checked at the gateway (validate-jwt or validate-azure-ad-token, in the operation's, the API's or the service's policy) " +
      "before a request reaches a service. An operation that is anonymous by design (a health probe) needs a waiver saying so.",
    severity: "critical",
    types: [T.apiOperation],
    check: (graph) =>
      operationsMissing(graph, /<validate-(jwt|azure-ad-token)[\s>]/, "<validate-jwt> or <validate-azure-ad-token>"),
    fail: [stripElement("validate-jwt")],
    controls: { mcsb: ["IM-4"], waf: "Security" },
    mappings: {},
    remediation:
      "Add `<validate-jwt>` (issuer, audience, required claims) to the inbound section of the operation's ApiOperationPolicy, the API's ApiPolicy or the service Policy `value`; waive operations that are anonymous on purpose.",
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-APIM-021",
    title: "Every API operation is rate limited",
    description: "rate-limit-by-key caps each caller so one tenant cannot starve the others.",
    severity: "high",
    types: [T.apiOperation],
    check: (graph) => operationsMissing(graph, /<rate-limit(-by-key)?[\s>/]/, "<rate-limit> or <rate-limit-by-key>"),
    fail: [stripElement("rate-limit-by-key")],
    controls: { mcsb: ["NS-6"], waf: "Reliability" },
    mappings: {},
    remediation:
      "Add `<rate-limit-by-key calls renewal-period counter-key>` to the inbound section of the operation's ApiOperationPolicy (after validate-jwt, keyed on the token it validated: EST-APIM-024), the API's ApiPolicy or the service Policy `value`.",
    enforcement: ENFORCE.always,
  }),
  stackRule({
    id: "EST-APIM-022",
    title: "Every API operation has a usage quota",
    description: "Quotas bound each caller's monthly volume and cost.",
    severity: "low",
    types: [T.apiOperation],
    check: (graph) => operationsMissing(graph, /<quota(-by-key)?[\s>/]/, "<quota> or <quota-by-key>"),
    fail: [stripElement("quota-by-key")],
    controls: { mcsb: [], waf: "Cost Optimization" },
    mappings: {},
    remediation:
      "Add `<quota-by-key calls renewal-period counter-key>` to the inbound section of the operation's ApiOperationPolicy (after validate-jwt), the API's ApiPolicy or the service Policy `value`.",
    enforcement: ENFORCE.advisory,
  }),
  stackRule({
    id: "EST-APIM-023",
    title: "Operations of APIs that pick a backend call it with the gateway's managed identity",
    description:
      "authentication-managed-identity gives the backend a token it can check (App Service authentication, EST-APP-022); without it the app must trust whatever reaches it. " +
      "It belongs in each operation's policy, after validate-jwt: the API's policy runs inside the operation's <base />, before validate-jwt, which would then check the gateway's token instead of the caller's.",
    severity: "high",
    types: [T.apiOperation],
    problemOf: (graph) => (operation) => {
      const api = apiOf(graph, operation);
      if (
        !api ||
        !apiPolicies(graph, api).some((policy) => /<set-backend-service[\s>/]/.test(policyXml(policy.inputs)))
      )
        return undefined;
      if (operationPolicies(graph, operation).some((policy) => MANAGED_IDENTITY.test(policyXml(policy.inputs))))
        return undefined;
      return `${String(operation.inputs.method)} ${String(operation.inputs.urlTemplate)}: its API's policy sets a backend (<set-backend-service>) but the operation's policy has no <authentication-managed-identity resource="…">`;
    },
    fail: [
      stripElement("authentication-managed-identity"),
      editPolicies(T.apiOperationPolicy, (xml) =>
        xml.replace(/(<authentication-managed-identity\s[^>]*resource=")[^"]*"/g, '$1"'),
      ),
      // The step only in the API's policy, where it would run before the operation's validate-jwt.
      (graph) => {
        stripElement("authentication-managed-identity")(graph);
        editPolicies(T.apiPolicy, (xml) =>
          xml.replace("</inbound>", '<authentication-managed-identity resource="api://tenant/app" /></inbound>'),
        )(graph);
      },
      // An operation with no policy of its own.
      (graph) => void (graph.resources = graph.resources.filter((r) => r.type !== T.apiOperationPolicy)),
    ],
    // An API that sets no backend (mocked, or served by the service policy) is not this rule's concern.
    pass: [
      (graph) => {
        editPolicies(T.apiPolicy, (xml) => xml.replace(/<set-backend-service[^>]*\/>/g, ""))(graph);
        stripElement("authentication-managed-identity")(graph);
      },
    ],
    controls: { mcsb: ["IM-3", "IM-4"], waf: "Security" },
    mappings: {},
    remediation:
      "Add `<authentication-managed-identity resource=\"api://<tenant>/<app>\" />` (the app registration's identifier URI) to the inbound section of every operation's ApiOperationPolicy `value`, after `<base />` and `<validate-jwt>`, and let the app admit only the gateway (EST-APP-022).",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APIM-024",
    title: "Per-caller limits count by a validated identity",
    description:
      "A rate limit or quota keyed on the subject a token claims, read before or without validate-jwt, gives a caller that forges subjects a fresh counter with every forged token. " +
      "Key on the token validate-jwt validated (its output-token-variable-name), the subscription, or the client's address.",
    severity: "medium",
    types: [T.apiOperationPolicy, T.apiPolicy, T.apimPolicy, T.productPolicy],
    check: (inputs) =>
      [...policyXml(inputs).matchAll(LIMIT_KEY)]
        .map(([, element, counterKey]) => ({ element, counterKey: counterKey!.replace(/&quot;/g, '"') }))
        .filter(({ counterKey }) => readsUnvalidatedToken(counterKey))
        .map(
          ({ element, counterKey }) =>
            `value: <${element}> counter-key ${counterKey} reads the caller's token without validating it`,
        ),
    fail: [
      {
        value:
          '<policies><inbound><base /><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;,&quot;&quot;).AsJwt()?.Subject)" /></inbound>' +
          "<backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
      },
    ],
    pass: [
      {
        value:
          '<policies><inbound><base /><validate-jwt header-name="Authorization" output-token-variable-name="caller-token" /><quota-by-key calls="10" renewal-period="60" counter-key="@(((Jwt)context.Variables[&quot;caller-token&quot;]).Subject)" /></inbound>' +
          "<backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
      },
    ],
    controls: { mcsb: ["NS-6"], waf: "Security" },
    mappings: {},
    remediation:
      'Give `<validate-jwt>` an `output-token-variable-name` and key the limit after it on `@(((Jwt)context.Variables["<name>"]).Subject)`, or on `@(context.Subscription.Id)`.',
    enforcement: ENFORCE.always,
  }),
];
