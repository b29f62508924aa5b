/**
 * Rules on API Management policy documents: inheritance (<base />), CORS, and what every operation's
 * effective policy (its own, its API's and the service's) must hold: token validation, rate limit,
 * quota, the gateway's backend identity, limits keyed on validated identities.
 */
import { ENFORCE, notApplicable, type Graph, type GraphResource, type Rule } from "../model.js";
import { T } from "../types.js";
import { customRule, stackRule } from "./factory.js";
import { ofType, sameName } from "./graph.js";
import { onService } from "./apim-children.js";
import {
  editPolicyXml,
  elementsNamed,
  isElement,
  policyDocument,
  removeElements,
  textOf,
  type PolicyDocument,
  type PolicyElement,
} from "./apim-policy-document.js";

const POLICY_TYPES = [T.apiPolicy, T.apiOperationPolicy, T.productPolicy];

/** The wildcard settings of a document's cors policies: `<origin>*</origin>`, `<method>*</method>`, `<header>*</header>`. */
function corsWildcards(document: PolicyDocument): string[] {
  const cors = elementsNamed(document, "cors");
  const wildcard = (within: PolicyElement[], name: string) =>
    within.some((element) => elementsNamed(element, name).some((setting) => textOf(setting).trim() === "*"));
  return [
    ["<origin>*</origin>", wildcard(cors, "origin")],
    ["<method>*</method>", wildcard(cors, "method")],
    [
      "<allowed-headers><header>*</header>",
      wildcard(
        cors.flatMap((c) => elementsNamed(c, "allowed-headers")),
        "header",
      ),
    ],
    [
      "<expose-headers><header>*</header>",
      wildcard(
        cors.flatMap((c) => elementsNamed(c, "expose-headers")),
        "header",
      ),
    ],
  ]
    .filter(([, found]) => found)
    .map(([where]) => where as string);
}

/** Sections of a policy document that must inherit the enclosing scope's policy. */
const SECTIONS = ["inbound", "backend", "outbound", "on-error"] as const;

/** A policy document with `<base />` in each section, or the given content instead (undefined: no such section). */
function policies(sections: Partial<Record<(typeof SECTIONS)[number], string | undefined>>): string {
  const body = SECTIONS.map((section) => {
    const content = section in sections ? sections[section] : "<base />";
    return content === undefined ? "" : `<${section}>${content}</${section}>`;
  });
  return `<policies>${body.join("")}</policies>`;
}

/** A policy document whose inbound section holds one cors policy with the given settings. */
const corsPolicy = (settings: string) => policies({ inbound: `<base /><cors>${settings}</cors>` });

/** An API's own ApiPolicy resources: by apiId, or by dependency when the id is unknown (preview). */
function apiPolicies(graph: Graph, api: GraphResource): GraphResource[] {
  const apiId = api.inputs.apiId ?? api.outputs.name ?? api.name;
  return ofType(graph, T.apiPolicy).filter(
    (policy) => sameName(policy.inputs.apiId, apiId) || policy.dependsOn.includes(api.urn),
  );
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

/** The policies that apply to one operation: its own ApiOperationPolicy, then its API's and the service's. */
function effectivePolicies(graph: Graph, operation: GraphResource): GraphResource[] {
  const api = apiOf(graph, operation);
  return [
    ...operationPolicies(graph, operation),
    ...(api ? apiPolicies(graph, api) : []),
    ...ofType(graph, T.apimPolicy),
  ];
}

/** Whether any of the policies holds an element named one of `names`. */
const hasElement = (policies: GraphResource[], ...names: string[]) =>
  policies.some((policy) => elementsNamed(policyDocument(policy.inputs), ...names).length > 0);

/** How messages name an operation: its method and URL template. */
const routeOf = (operation: GraphResource) =>
  `${String(operation.inputs.method)} ${String(operation.inputs.urlTemplate)}`;

/** Operations none of whose policies holds an element named one of `names`; the messages name those policies. */
function operationsMissing(graph: Graph, names: string[], what: string) {
  return ofType(graph, T.apiOperation).flatMap((operation) => {
    const policies = effectivePolicies(graph, operation);
    if (hasElement(policies, ...names)) return [];
    const where = policies.length
      ? `none of its policies (${policies.map((policy) => policy.name).join(", ")}) has`
      : "no ApiOperationPolicy, ApiPolicy or service Policy applies to it, so none has";
    return [{ urn: operation.urn, message: `${routeOf(operation)}: ${where} ${what}` }];
  });
}

/** A counter key that reads the caller's token itself, which no policy has validated. */
const readsUnvalidatedToken = (counterKey: string) => /Authorization|AsJwt|TryParseJwt/i.test(counterKey);

/** A graph edit changing the element tree of every policy of the given types. */
const editPolicies = (types: string | string[], edit: (root: PolicyElement) => void) => (graph: Graph) => {
  for (const policy of ofType(graph, ...[types].flat()))
    policy.inputs.value = editPolicyXml(String(policy.inputs.value ?? ""), edit);
};

const stripElement = (name: string) =>
  editPolicies([T.apiPolicy, T.apimPolicy, T.apiOperationPolicy], (root) => removeElements(root, name));

/** The backend-token step with a non-empty resource. */
const callsWithManagedIdentity = (policy: GraphResource) =>
  elementsNamed(policyDocument(policy.inputs), "authentication-managed-identity").some(
    (step) => (step.attributes.resource ?? "") !== "",
  );

export const apimPolicyRules: Rule[] = [
  onService(
    customRule({
      id: "EST-APIM-012",
      title: "Policy sections inherit the enclosing scope with <base />",
      description:
        "Without <base />, the service-wide policy (JWT validation, rate limits, headers) is silently skipped.",
      severity: "high",
      types: POLICY_TYPES,
      // PSRule Azure.APIM.PolicyBase: each of the four sections needs <base /> as one of its own elements (a
      // missing or empty section fails); policies given as links, and values with no <policies> document, are not
      // judged: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.PolicyBase
      check: (inputs) => {
        const document = policyDocument(inputs);
        if (document.error) return `value is not a well-formed policy document (${document.error})`;
        if (document.link)
          return notApplicable("the policy is a link (format *-link): its document is not in the plan");
        const root = document.root;
        if (!isElement(root, "policies")) return notApplicable("value holds no <policies> document");
        return SECTIONS.flatMap((section) => {
          const body = root.children.find((child) => isElement(child, section));
          if (!isElement(body)) return [`value has no <${section}> section; expected one with <base />`];
          return body.children.some((child) => isElement(child, "base")) ? [] : [`<${section}> has no <base />`];
        });
      },
      fail: [
        { value: policies({ inbound: '<rate-limit calls="10" renewal-period="60" />' }) },
        // A section left out, or left empty, inherits nothing either.
        { value: policies({ backend: undefined }) },
        { value: policies({ outbound: "" }) },
        // Commented out, or only inside a conditional branch, <base /> is not the section's.
        { value: policies({ inbound: "<!-- <base /> -->" }) },
        { value: policies({ inbound: '<choose><when condition="@(true)"><base /></when></choose>' }) },
        { value: "<policies><inbound><base /></inbound>" },
      ],
      // <base /> may come after the section's own elements (the evaluation order then differs), and rawxml
      // expressions with raw quotes are read as XML.
      pass: [
        { value: policies({ outbound: '<set-header name="X-Id" exists-action="override" /><base />' }) },
        {
          format: "rawxml",
          value: policies({ inbound: '<base /><set-variable name="m" value="@(context.Request.Method == "GET")" />' }),
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
        corsWildcards(policyDocument(inputs)).map(
          (where) => `the cors policy allows ${where}; expected explicit values`,
        ),
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
  stackRule({
    id: "EST-APIM-020",
    title: "Every API operation validates JWTs",
    description:
      "Tokens are checked at the gateway (validate-jwt or validate-azure-ad-token, in the operation's, the API's or the service's policy) " +
      "before a request reaches a service. An operation that is anonymous by design (a health probe) needs a waiver saying so.",
    severity: "critical",
    types: [T.apiOperation],
    check: (graph) =>
      operationsMissing(
        graph,
        ["validate-jwt", "validate-azure-ad-token"],
        "<validate-jwt> or <validate-azure-ad-token>",
      ),
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
    check: (graph) =>
      operationsMissing(graph, ["rate-limit", "rate-limit-by-key"], "<rate-limit> or <rate-limit-by-key>"),
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
    check: (graph) => operationsMissing(graph, ["quota", "quota-by-key"], "<quota> or <quota-by-key>"),
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
      if (!api || !hasElement(apiPolicies(graph, api), "set-backend-service")) return undefined;
      const own = operationPolicies(graph, operation);
      if (own.some(callsWithManagedIdentity)) return undefined;
      const lacking = own.length
        ? `its ApiOperationPolicy ${own.map((policy) => policy.name).join(", ")} has`
        : "it has no ApiOperationPolicy, so";
      return `${routeOf(operation)}: its API's policy sets a backend (<set-backend-service>) but ${lacking} no <authentication-managed-identity resource="…">`;
    },
    fail: [
      stripElement("authentication-managed-identity"),
      editPolicies(T.apiOperationPolicy, (root) => {
        for (const step of elementsNamed(root, "authentication-managed-identity")) step.attributes.resource = "";
      }),
      // The step only in the API's policy, where it would run before the operation's validate-jwt.
      (graph) => {
        stripElement("authentication-managed-identity")(graph);
        editPolicies(T.apiPolicy, (root) => {
          for (const inbound of elementsNamed(root, "inbound"))
            inbound.children.push({
              name: "authentication-managed-identity",
              attributes: { resource: "api://tenant/app" },
              children: [],
            });
        })(graph);
      },
      // An operation with no policy of its own.
      (graph) => void (graph.resources = graph.resources.filter((r) => r.type !== T.apiOperationPolicy)),
    ],
    // An API that sets no backend (mocked, or served by the service policy) is not this rule's concern.
    pass: [
      (graph) => {
        editPolicies(T.apiPolicy, (root) => removeElements(root, "set-backend-service"))(graph);
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
      elementsNamed(policyDocument(inputs), "rate-limit-by-key", "quota-by-key")
        .filter((limit) => readsUnvalidatedToken(limit.attributes["counter-key"] ?? ""))
        .map(
          (limit) =>
            `value: <${limit.name}> counter-key ${limit.attributes["counter-key"]} reads the caller's token without validating it`,
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
