/**
 * API Management policies as XML, generated from typed settings so no policy is hand-written
 * text. Every value is escaped; settings that would weaken the gateway (a wildcard CORS origin,
 * a non-positive limit) are refused with an error naming the setting.
 */

import { el, renderXml, type XmlElement } from "./xml.js";

export type PolicyScope = "global" | "api" | "operation";

export interface PolicySections {
  inbound?: XmlElement[];
  outbound?: XmlElement[];
  onError?: XmlElement[];
}

/**
 * The four sections of a policy document. Below the global scope each section starts with
 * `<base />`, so the enclosing scope's policies (Front Door check, CORS, security headers)
 * always run before this scope's own; the global scope has nothing above it and forwards the
 * request itself.
 */
export function policyDocument(scope: PolicyScope, sections: PolicySections): string {
  const base = scope === "global" ? [] : [el("base")];
  const backend = scope === "global" ? [el("forward-request")] : base;
  return renderXml(
    el(
      "policies",
      {},
      el("inbound", {}, ...base, ...(sections.inbound ?? [])),
      el("backend", {}, ...backend),
      el("outbound", {}, ...base, ...(sections.outbound ?? [])),
      el("on-error", {}, ...base, ...(sections.onError ?? [])),
    ),
  );
}

// ---- typed settings -------------------------------------------------------------------------

export interface JwtSettings {
  /** OpenID configuration document of the token issuer (keys are fetched from it). */
  openIdConfigUrl: string;
  issuer: string;
  audiences: string[];
  /** Claims every token must carry, e.g. `org_id` for tenant isolation. */
  requiredClaims: string[];
}

/**
 * What a limit counts by: the APIM subscription, or the caller: the subject of its validated token,
 * or on an anonymous operation the address of its connection to Front Door.
 */
export type LimitKey = "subscription" | "subject";

export interface LimitSettings {
  calls: number;
  renewalPeriodSeconds: number;
  key: LimitKey;
}

export interface LimitsSettings {
  /** Absent where the gateway's tier has no such policy (or the stack wants none). */
  rateLimit?: LimitSettings;
  quota?: LimitSettings;
}

export interface CorsSettings {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
}

export interface ApiPolicySettings {
  cors: CorsSettings;
  /** APIM backend id of the service's host. */
  backendId: string;
  /**
   * A multi-region gateway's other regions: each sends to the backend in its own region, chosen
   * by `context.Deployment.Region` (the region's display name, e.g. "North Europe").
   * Source: https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region#route-api-calls-to-regional-backend-services
   */
  regionalBackends?: Array<{ region: string; backendId: string }>;
}

export interface OperationPolicySettings extends LimitsSettings {
  /** How the caller is checked: its token's validation, or "anonymous" for operations open to all (health probe). */
  caller: JwtSettings | "anonymous";
  /** Entra application ID URI of the service's app registration: the audience of the gateway's token. */
  backendResource: string;
}

/**
 * Where the gateway puts the caller's Authorization value before its own managed-identity token
 * takes that header: the services read the caller's token from here (AUTH_CALLER_HEADER).
 */
export const CALLER_AUTHORIZATION_HEADER = "X-Estate-Caller-Authorization";

/** The variable validate-jwt leaves the caller's validated token in, for the limits to key on. */
export const CALLER_TOKEN_VARIABLE = "caller-token";

/**
 * The counter keys. A `subject` limit runs after validate-jwt and reads the subject of the token it
 * validated: a subject claimed in a token nobody checked would let a caller mint fresh counters.
 * Anonymous operations have no token: X-Azure-SocketIP holds the address of the client's
 * connection to Front Door, which a client cannot set (X-Azure-ClientIP it can), and
 * `context.Request.IpAddress` would be Front Door's own.
 */
export const COUNTER_KEYS = {
  subscription: "@(context.Subscription.Id)",
  validatedSubject: `@(((Jwt)context.Variables["${CALLER_TOKEN_VARIABLE}"]).Subject)`,
  clientAddress: '@(context.Request.Headers.GetValueOrDefault("X-Azure-SocketIP", context.Request.IpAddress))',
} as const;

function counterKey(key: LimitKey, caller: OperationPolicySettings["caller"]): string {
  if (key === "subscription") return COUNTER_KEYS.subscription;
  return caller === "anonymous" ? COUNTER_KEYS.clientAddress : COUNTER_KEYS.validatedSubject;
}

/** One limit element, its setting checked first (`setting` names it in the error). */
function limitElement(
  name: "rate-limit-by-key" | "quota-by-key",
  setting: keyof LimitsSettings,
  settings: OperationPolicySettings,
): XmlElement[] {
  const limit = settings[setting];
  if (!limit) return [];
  checkLimit(limit, setting);
  return [
    el(name, {
      calls: limit.calls,
      "renewal-period": limit.renewalPeriodSeconds,
      "counter-key": counterKey(limit.key, settings.caller),
    }),
  ];
}

/** Response headers that tell an attacker what runs behind the gateway. */
export const BACKEND_HEADERS = ["X-Powered-By", "Server", "X-AspNet-Version", "X-AspNetMvc-Version"];

export const SECURITY_HEADERS: Record<string, string> = {
  "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  // The gateway serves JSON only: nothing may be loaded or framed from its responses.
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "Referrer-Policy": "no-referrer",
};

function setHeader(name: string, value: string): XmlElement {
  return el("set-header", { name, "exists-action": "override" }, el("value", {}, value));
}

function responseHardening(): XmlElement[] {
  return [
    ...BACKEND_HEADERS.map((name) => el("set-header", { name, "exists-action": "delete" })),
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => setHeader(name, value)),
  ];
}

/**
 * The service-wide policy: only requests that came through our Front Door profile (its id in
 * X-Azure-FDID) are served, and every response, errors included, is hardened.
 */
export function globalPolicyXml(settings: { frontDoorId: string }): string {
  requireText(settings.frontDoorId, "frontDoorId");
  return policyDocument("global", {
    inbound: [frontDoorCheck(settings.frontDoorId)],
    outbound: responseHardening(),
    onError: responseHardening(),
  });
}

/** A 403 for any request whose X-Azure-FDID is not our Front Door profile's id. */
function frontDoorCheck(frontDoorId: string): XmlElement {
  return el(
    "check-header",
    {
      name: "X-Azure-FDID",
      "failed-check-httpcode": 403,
      "failed-check-error-message": "Requests must come through the estate's Front Door.",
      "ignore-case": true,
    },
    el("value", {}, frontDoorId),
  );
}

/**
 * One service's API: CORS and its backend. Runs inside each operation's `<base />`, after the
 * service-wide policy and before the operation's own, so CORS headers reach a 401 from
 * validate-jwt. The limits and the gateway's backend token are the operations' business
 * (operationPolicyXml): both must come after validate-jwt, which runs at the operation.
 */
export function apiPolicyXml(settings: ApiPolicySettings): string {
  checkCors(settings.cors);
  requireText(settings.backendId, "backendId");
  return policyDocument("api", {
    inbound: [...corsPolicy(settings.cors), backendSelection(settings)],
  });
}

/** The cors policy for the configured origins; none configured means none, so cross-origin browser calls are refused. */
function corsPolicy(cors: CorsSettings): XmlElement[] {
  if (!cors.allowedOrigins.length) return [];
  return [
    el(
      "cors",
      { "allow-credentials": false },
      el("allowed-origins", {}, ...cors.allowedOrigins.map((o) => el("origin", {}, o))),
      el("allowed-methods", {}, ...cors.allowedMethods.map((m) => el("method", {}, m))),
      el("allowed-headers", {}, ...cors.allowedHeaders.map((h) => el("header", {}, h))),
    ),
  ];
}

/** The service's backend: the primary's, or in a multi-region gateway the one of the region serving the call. */
function backendSelection({ backendId, regionalBackends = [] }: ApiPolicySettings): XmlElement {
  const primary = el("set-backend-service", { "backend-id": backendId });
  if (!regionalBackends.length) return primary;
  for (const { region, backendId: regional } of regionalBackends) {
    requireText(region, "regionalBackends.region");
    requireText(regional, "regionalBackends.backendId");
  }
  return el(
    "choose",
    {},
    ...regionalBackends.map(({ region, backendId: regional }) =>
      el(
        "when",
        {
          condition: `@(${JSON.stringify(region)}.Equals(context.Deployment.Region, StringComparison.OrdinalIgnoreCase))`,
        },
        el("set-backend-service", { "backend-id": regional }),
      ),
    ),
    el("otherwise", {}, primary),
  );
}

/** The caller's bearer token checked against the issuer's keys, audiences and required claims: a 401 otherwise. */
function validateJwt(jwt: JwtSettings): XmlElement {
  checkJwt(jwt);
  return el(
    "validate-jwt",
    {
      "header-name": "Authorization",
      "require-scheme": "Bearer",
      "failed-validation-httpcode": 401,
      "failed-validation-error-message": "Unauthorized: a valid bearer token is required.",
      "require-expiration-time": true,
      "require-signed-tokens": true,
      "output-token-variable-name": CALLER_TOKEN_VARIABLE,
    },
    el("openid-config", { url: jwt.openIdConfigUrl }),
    el("audiences", {}, ...jwt.audiences.map((a) => el("audience", {}, a))),
    el("issuers", {}, el("issuer", {}, jwt.issuer)),
    ...(jwt.requiredClaims.length
      ? [el("required-claims", {}, ...jwt.requiredClaims.map((claim) => el("claim", { name: claim, match: "any" })))]
      : []),
  );
}

/**
 * The caller's Authorization value, moved to CALLER_AUTHORIZATION_HEADER: whatever a client sent
 * in that header is replaced, or removed when the request carries no Authorization.
 */
function forwardCallerToken(): XmlElement {
  return el(
    "choose",
    {},
    el(
      "when",
      { condition: '@(context.Request.Headers.ContainsKey("Authorization"))' },
      setHeader(CALLER_AUTHORIZATION_HEADER, '@(context.Request.Headers.GetValueOrDefault("Authorization"))'),
    ),
    el("otherwise", {}, el("set-header", { name: CALLER_AUTHORIZATION_HEADER, "exists-action": "delete" })),
  );
}

/**
 * One operation: `<base />` first (the service's Front Door check, then the API's CORS and
 * backend), then validate-jwt on the caller's token unless the operation is anonymous, then the
 * rate limit and quota keyed on what validate-jwt validated, and last the swap: the caller's
 * Authorization moves to CALLER_AUTHORIZATION_HEADER (the service validates it again and takes the
 * tenant from it) and the gateway's managed-identity token for the service's app registration
 * takes its place (App Service authentication on the app admits only the gateway). The swap comes
 * after validate-jwt, which must see the caller's token, not the gateway's; anonymous operations
 * swap too, so every request reaching the app carries that token. Requests refused by validate-jwt
 * are not counted here: Front Door's per-client WAF rate limit bounds those.
 */
export function operationPolicyXml(settings: OperationPolicySettings): string {
  requireText(settings.backendResource, "backendResource");
  return policyDocument("operation", {
    inbound: [
      ...(settings.caller === "anonymous" ? [] : [validateJwt(settings.caller)]),
      ...limitElement("rate-limit-by-key", "rateLimit", settings),
      ...limitElement("quota-by-key", "quota", settings),
      forwardCallerToken(),
      el("authentication-managed-identity", { resource: settings.backendResource }),
    ],
  });
}

function requireText(value: string, setting: string): void {
  if (value.trim() === "") throw new Error(`policy setting ${setting}: must not be empty`);
}

function checkJwt(jwt: JwtSettings): void {
  requireText(jwt.openIdConfigUrl, "jwt.openIdConfigUrl");
  requireText(jwt.issuer, "jwt.issuer");
  if (jwt.audiences.length === 0) throw new Error("policy setting jwt.audiences: at least one audience is required");
  jwt.audiences.forEach((a, i) => requireText(a, `jwt.audiences[${i}]`));
}

function checkLimit(limit: LimitSettings, setting: string): void {
  if (!Number.isInteger(limit.calls) || limit.calls <= 0) {
    throw new Error(`policy setting ${setting}.calls: got ${limit.calls}; expected a positive whole number`);
  }
  if (!Number.isInteger(limit.renewalPeriodSeconds) || limit.renewalPeriodSeconds <= 0) {
    throw new Error(
      `policy setting ${setting}.renewalPeriodSeconds: got ${limit.renewalPeriodSeconds}; expected a positive whole number`,
    );
  }
}

/** CORS origins are explicit HTTPS origins (plain HTTP only for localhost): never a wildcard. */
export function corsOriginProblem(origin: string): string | undefined {
  if (origin.includes("*")) return `"${origin}" is a wildcard; list each allowed origin`;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `"${origin}" is not an origin such as https://app.contoso.com`;
  }
  if (url.origin !== origin) return `"${origin}" is not a bare origin; expected ${url.origin}`;
  if (url.protocol !== "https:" && url.hostname !== "localhost") return `"${origin}" must use https`;
  return undefined;
}

function checkCors(cors: CorsSettings): void {
  cors.allowedOrigins.forEach((origin, i) => {
    const problem = corsOriginProblem(origin);
    if (problem) throw new Error(`policy setting cors.allowedOrigins[${i}]: ${problem}`);
  });
}

/**
 * An Entra ID tenant's v2.0 token endpoints: the gateway (validate-jwt) and the services (their
 * own JWT check) must validate against exactly the same issuer and keys.
 */
export function entraEndpoints(tenantId: string): { issuer: string; openIdConfigUrl: string; jwksUri: string } {
  const issuer = `https://login.microsoftonline.com/${tenantId}/v2.0`;
  return {
    issuer,
    openIdConfigUrl: `${issuer}/.well-known/openid-configuration`,
    jwksUri: `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`,
  };
}

/** Token validation for an Entra ID tenant's v2.0 tokens. */
export function entraJwt(tenantId: string, audience: string, requiredClaims: string[]): JwtSettings {
  const { issuer, openIdConfigUrl } = entraEndpoints(tenantId);
  return { openIdConfigUrl, issuer, audiences: [audience], requiredClaims };
}
