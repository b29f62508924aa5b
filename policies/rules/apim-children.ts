/**
 * The API Management service's children (APIs, products, backends, named values), and how rules
 * about them are judged on the service that owns them.
 */
import {
  ENFORCE,
  isNotApplicable,
  problemsOf,
  REMOVE,
  type Graph,
  type GraphResource,
  type ResourceRule,
  type Rule,
  type StackRule,
} from "../model.js";
import { T } from "../types.js";
import { asArray, customRule, get, inputRule, is, present, show } from "./factory.js";
import { belongsTo, nameOf, ofType } from "./graph.js";
import { patchInputs } from "./patch.js";

/**
 * A rule about the service's APIs, policies, products or named values, judged on the API
 * Management service that owns them (as PSRule reports it): one finding per service, naming each
 * child to change. Children of no service in the stack (an existing gateway) are judged themselves.
 * The examples patch the compliant fixture's children of `types[0]`.
 */
export function onService(rule: ResourceRule): StackRule {
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

export const apimChildRules: Rule[] = [
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
];
