import { describe, expect, it } from "vitest";
import { findAll, parseXml, type ParsedElement } from "../../test/xml.js";
import {
  apiPolicyXml,
  BACKEND_HEADERS,
  CALLER_AUTHORIZATION_HEADER,
  CALLER_TOKEN_VARIABLE,
  COUNTER_KEYS,
  globalPolicyXml,
  operationPolicyXml,
  type ApiPolicySettings,
  type LimitsSettings,
} from "./policy-xml.js";
import { el, renderXml } from "./xml.js";

const apiSettings: ApiPolicySettings = {
  cors: {
    allowedOrigins: ["https://app.contoso.com"],
    allowedMethods: ["GET", "POST"],
    allowedHeaders: ["Authorization"],
  },
  backendId: "api-backend",
};
const backendResource = "api://tenant-1/func-estate-dev-weu-api";
const jwt = {
  openIdConfigUrl: "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration?appid=a&x=1",
  issuer: "https://login.microsoftonline.com/t/v2.0",
  audiences: ["api://estate"],
  requiredClaims: ["org_id"],
};
const limits: Required<LimitsSettings> = {
  rateLimit: { calls: 600, renewalPeriodSeconds: 60, key: "subject" },
  quota: { calls: 100_000, renewalPeriodSeconds: 86_400, key: "subscription" },
};
const operation = (
  caller: typeof jwt | "anonymous",
  settings: Partial<LimitsSettings & { backendResource: string }> = {},
) => operationPolicyXml({ caller, backendResource, ...limits, ...settings });

const sections = (doc: ParsedElement) => doc.children.map((c) => c.name);
const first = (doc: ParsedElement, name: string) => findAll(doc, name)[0];
const inboundOf = (xml: string) => first(parseXml(xml), "inbound").children;
/** The limits, then the token steps: the caller's header moved aside, then the gateway's own token. */
const LIMIT_AND_TOKEN_STEPS = ["rate-limit-by-key", "quota-by-key", "choose", "authentication-managed-identity"];

describe("policy XML", () => {
  it("escapes values so the document stays well-formed", () => {
    const nasty = `a<b>&"c"'d</inbound>`;
    const xml = renderXml(el("value", { note: nasty }, nasty));
    const parsed = parseXml(xml);
    expect(parsed.text).toBe(nasty);
    expect(parsed.attributes.note).toBe(nasty);
  });

  it("the parser used here rejects malformed XML", () => {
    expect(() => parseXml("<a><b></a>")).toThrow(/closes/);
    expect(() => parseXml('<a x="1 & 2" />')).toThrow(/entity/);
    expect(() => parseXml("<a>1 < 2</a>")).toThrow();
    expect(() => parseXml("<a></a><b />")).toThrow(/after the root/);
  });

  it("API policy: base in every section, CORS and the backend; no limit and no token step", () => {
    const doc = parseXml(apiPolicyXml(apiSettings));
    expect(sections(doc)).toEqual(["inbound", "backend", "outbound", "on-error"]);
    for (const section of doc.children) expect(section.children[0]?.name).toBe("base");
    expect(first(doc, "inbound").children.map((e) => e.name)).toEqual(["base", "cors", "set-backend-service"]);
    expect(first(doc, "set-backend-service").attributes["backend-id"]).toBe("api-backend");
    expect(findAll(doc, "origin").map((o) => o.text)).toEqual(["https://app.contoso.com"]);
    // Limits and the swap belong to the operations: here they would run before their validate-jwt.
    for (const step of [...LIMIT_AND_TOKEN_STEPS, "set-header", "validate-jwt"])
      expect(findAll(doc, step), step).toHaveLength(0);
  });

  it("limits count by the subject validate-jwt validated, by subscription, or on anonymous operations by the client's connection", () => {
    const limitKeys = (xml: string) =>
      ["rate-limit-by-key", "quota-by-key"].map((name) => first(parseXml(xml), name).attributes);
    expect(limitKeys(operation(jwt))).toEqual([
      { calls: "600", "renewal-period": "60", "counter-key": COUNTER_KEYS.validatedSubject },
      { calls: "100000", "renewal-period": "86400", "counter-key": COUNTER_KEYS.subscription },
    ]);
    expect(first(parseXml(operation(jwt)), "validate-jwt").attributes["output-token-variable-name"]).toBe(
      CALLER_TOKEN_VARIABLE,
    );
    expect(COUNTER_KEYS.validatedSubject).toBe(`@(((Jwt)context.Variables["${CALLER_TOKEN_VARIABLE}"]).Subject)`);
    expect(limitKeys(operation("anonymous")).map((l) => l["counter-key"])).toEqual([
      COUNTER_KEYS.clientAddress,
      COUNTER_KEYS.subscription,
    ]);
    // Front Door sets X-Azure-SocketIP from the connection; X-Azure-ClientIP is the client's to write.
    expect(COUNTER_KEYS.clientAddress).toContain('"X-Azure-SocketIP"');
    // Nothing keys on a token read from the header without validation.
    for (const key of Object.values(COUNTER_KEYS)) expect(key).not.toMatch(/Authorization|AsJwt/);
  });

  it("operation policy: base, validate-jwt, the limits, the caller's header moved aside, then the gateway's token", () => {
    const doc = parseXml(operation(jwt));
    expect(sections(doc)).toEqual(["inbound", "backend", "outbound", "on-error"]);
    expect(first(doc, "inbound").children.map((e) => e.name)).toEqual([
      "base",
      "validate-jwt",
      ...LIMIT_AND_TOKEN_STEPS,
    ]);
    for (const section of doc.children.slice(1)) expect(section.children.map((e) => e.name)).toEqual(["base"]);
    expect(first(doc, "authentication-managed-identity").attributes).toEqual({ resource: backendResource });
    const [when, otherwise] = first(doc, "choose").children;
    expect(when.attributes.condition).toBe('@(context.Request.Headers.ContainsKey("Authorization"))');
    // Override: a value the client put in that header itself never reaches the service.
    expect(when.children.map((h) => h.attributes)).toEqual([
      { name: CALLER_AUTHORIZATION_HEADER, "exists-action": "override" },
    ]);
    expect(when.children[0].children[0].text).toBe('@(context.Request.Headers.GetValueOrDefault("Authorization"))');
    expect(otherwise.children.map((h) => h.attributes)).toEqual([
      { name: CALLER_AUTHORIZATION_HEADER, "exists-action": "delete" },
    ]);
    expect(() => operation(jwt, { backendResource: " " })).toThrow(/backendResource/);
  });

  it("an anonymous operation validates nothing but is limited and calls the backend with the gateway's token", () => {
    expect(inboundOf(operation("anonymous")).map((e) => e.name)).toEqual(["base", ...LIMIT_AND_TOKEN_STEPS]);
    // The same token steps as an operation with a token, not a variant of them.
    expect(inboundOf(operation("anonymous")).slice(-2)).toEqual(inboundOf(operation(jwt)).slice(-2));
  });

  it("what APIM runs for an operation: service checks and CORS before validate-jwt, the limits and the gateway's token after it", () => {
    // An operation's inbound with <base /> replaced by the API's inbound, whose <base /> is in
    // turn replaced by the service-wide inbound.
    const expand = (elements: ParsedElement[], enclosing: ParsedElement[]) =>
      elements.flatMap((e) => (e.name === "base" ? enclosing : [e]));
    const service = inboundOf(globalPolicyXml({ frontDoorId: "fd-1" }));
    const effective = expand(inboundOf(operation(jwt)), expand(inboundOf(apiPolicyXml(apiSettings)), service)).map(
      (e) => e.name,
    );
    expect(effective).toEqual([
      "check-header",
      "cors",
      "set-backend-service",
      "validate-jwt",
      ...LIMIT_AND_TOKEN_STEPS,
    ]);
  });

  it("API policy without browser origins has no CORS element", () => {
    const doc = parseXml(apiPolicyXml({ ...apiSettings, cors: { ...apiSettings.cors, allowedOrigins: [] } }));
    expect(findAll(doc, "cors")).toHaveLength(0);
  });

  it.each([
    ["*", /wildcard/],
    ["https://*.contoso.com", /wildcard/],
    ["http://app.contoso.com", /https/],
    ["https://app.contoso.com/path", /bare origin/],
  ])("refuses the CORS origin %s", (origin, message) => {
    const cors = { ...apiSettings.cors, allowedOrigins: ["https://ok.contoso.com", origin] };
    expect(() => apiPolicyXml({ ...apiSettings, cors })).toThrow(/cors\.allowedOrigins\[1\]/);
    expect(() => apiPolicyXml({ ...apiSettings, cors })).toThrow(message);
  });

  it("leaves out a limit the settings do not give, and keeps the other", () => {
    const xml = operation(jwt, { rateLimit: undefined });
    expect(xml).not.toContain("rate-limit-by-key");
    expect(xml).toContain("<quota-by-key");
    expect(operation(jwt, { rateLimit: undefined, quota: undefined })).not.toMatch(/quota-by-key|rate-limit-by-key/);
  });

  it("refuses non-positive limits, naming the setting", () => {
    expect(() => operation(jwt, { rateLimit: { ...limits.rateLimit, calls: 0 } })).toThrow(/rateLimit\.calls: got 0/);
    expect(() => operation("anonymous", { quota: { ...limits.quota, renewalPeriodSeconds: -1 } })).toThrow(
      /quota\.renewalPeriodSeconds/,
    );
  });

  it("operation policy validates the token: issuer, audience, required claims", () => {
    const doc = parseXml(operation(jwt));
    const validation = first(doc, "validate-jwt");
    expect(validation.attributes).toMatchObject({
      "header-name": "Authorization",
      "failed-validation-httpcode": "401",
    });
    expect(first(doc, "openid-config").attributes.url).toContain("appid=a&x=1");
    expect(first(doc, "issuer").text).toBe("https://login.microsoftonline.com/t/v2.0");
    expect(findAll(doc, "audience").map((a) => a.text)).toEqual(["api://estate"]);
    expect(findAll(doc, "claim").map((c) => c.attributes.name)).toEqual(["org_id"]);
    expect(() => operation({ openIdConfigUrl: "u", issuer: "i", audiences: [], requiredClaims: [] })).toThrow(
      /jwt\.audiences/,
    );
  });

  it("global policy: only Front Door's id passes; responses lose backend headers and gain security headers", () => {
    const doc = parseXml(globalPolicyXml({ frontDoorId: "fd-1234" }));
    const check = first(doc, "check-header");
    expect(check.attributes).toMatchObject({ name: "X-Azure-FDID", "failed-check-httpcode": "403" });
    expect(check.children.map((v) => v.text)).toEqual(["fd-1234"]);
    expect(first(doc, "backend").children.map((c) => c.name)).toEqual(["forward-request"]);
    for (const section of ["outbound", "on-error"]) {
      const headers = first(doc, section).children;
      const deleted = headers.filter((h) => h.attributes["exists-action"] === "delete").map((h) => h.attributes.name);
      expect(deleted).toEqual(BACKEND_HEADERS);
      const set = Object.fromEntries(
        headers
          .filter((h) => h.attributes["exists-action"] === "override")
          .map((h) => [h.attributes.name, h.children[0].text]),
      );
      expect(set["Strict-Transport-Security"]).toMatch(/^max-age=\d+/);
      expect(set["X-Content-Type-Options"]).toBe("nosniff");
      expect(set["X-Frame-Options"]).toBe("DENY");
      expect(set["Content-Security-Policy"]).toContain("default-src 'none'");
    }
    expect(() => globalPolicyXml({ frontDoorId: " " })).toThrow(/frontDoorId/);
  });
});
