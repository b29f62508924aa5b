import { describe, expect, it } from "vitest";
import {
  apiPolicyXml,
  COUNTER_KEYS,
  globalPolicyXml,
  operationPolicyXml,
  entraJwt,
} from "../../infra/gateway/policy-xml.js";
import {
  editPolicyXml,
  elementsNamed,
  parsePolicyXml,
  policyDocument,
  removeElements,
  textOf,
  writePolicyXml,
} from "./apim-policy-document.js";

const root = (xml: string) => {
  const document = parsePolicyXml(xml);
  expect(document.error).toBeUndefined();
  return document.root!;
};

describe("reading the policy documents infra/gateway generates", () => {
  const operation = operationPolicyXml({
    caller: entraJwt("00000000-0000-0000-0000-000000000001", "api://estate", ["org_id"]),
    backendResource: "api://tenant/func-events",
    rateLimit: { calls: 100, renewalPeriodSeconds: 60, key: "subject" },
    quota: { calls: 10000, renewalPeriodSeconds: 2592000, key: "subscription" },
  });

  it("decodes escaped policy expressions in attributes and text", () => {
    const [rateLimit] = elementsNamed(root(operation), "rate-limit-by-key");
    expect(rateLimit!.attributes["counter-key"]).toBe(COUNTER_KEYS.validatedSubject);
    const [when] = elementsNamed(root(operation), "when");
    expect(when!.attributes.condition).toBe('@(context.Request.Headers.ContainsKey("Authorization"))');
    expect(textOf(elementsNamed(when!, "value")[0]!)).toBe(
      '@(context.Request.Headers.GetValueOrDefault("Authorization"))',
    );
  });

  it("finds every section and step of the global and API policies", () => {
    const global = root(globalPolicyXml({ frontDoorId: "fd-id" }));
    expect(global.children.filter((child) => typeof child === "object").map((child) => child.name)).toEqual([
      "inbound",
      "backend",
      "outbound",
      "on-error",
    ]);
    const api = root(
      apiPolicyXml({
        cors: {
          allowedOrigins: ["https://app.contoso.com"],
          allowedMethods: ["GET"],
          allowedHeaders: ["Authorization"],
        },
        backendId: "events-backend",
      }),
    );
    expect(elementsNamed(api, "origin").map(textOf)).toEqual(["https://app.contoso.com"]);
    expect(elementsNamed(api, "base")).toHaveLength(4);
  });
});

describe("policy expressions written raw (format rawxml)", () => {
  it("reads quotes, < and && inside attribute values as the escaped document does", () => {
    const raw = `<policies><inbound><choose><when condition="@(context.Request.Method == "GET" && context.Response.StatusCode < 400)" /></choose></inbound></policies>`;
    const escaped = `<policies><inbound><choose><when condition="@(context.Request.Method == &quot;GET&quot; &amp;&amp; context.Response.StatusCode &lt; 400)" /></choose></inbound></policies>`;
    expect(root(raw)).toEqual(root(escaped));
    expect(elementsNamed(root(raw), "when")[0]!.attributes.condition).toBe(
      '@(context.Request.Method == "GET" && context.Response.StatusCode < 400)',
    );
  });

  it("skips brackets inside C# strings, verbatim strings, characters, interpolations and comments", () => {
    const code = `@{ var s = $"{context.Request.Method}:{(1 < 2 ? "}" : ")")}"; var v = @"a"")"; var c = ')'; // ) }
  /* } */ return s + v + c; }`;
    const document = root(`<policies><inbound><set-body>${code}</set-body><base /></inbound></policies>`);
    expect(textOf(elementsNamed(document, "set-body")[0]!)).toBe(code);
    expect(elementsNamed(document, "base")).toHaveLength(1);
  });

  it("reads a quoted attribute expression that holds the other quote and brackets", () => {
    const document = root(`<policies><set-variable name="x" value="@("a)b" + ')' + "it's")" /></policies>`);
    expect(elementsNamed(document, "set-variable")[0]!.attributes.value).toBe(`@("a)b" + ')' + "it's")`);
  });
});

describe("XML itself", () => {
  it("ignores commented-out elements and keeps CDATA as text", () => {
    const document = root(
      "<policies><inbound><!-- <base /> --><set-body><![CDATA[a < b]]></set-body></inbound></policies>",
    );
    expect(elementsNamed(document, "base")).toEqual([]);
    expect(textOf(elementsNamed(document, "set-body")[0]!)).toBe("a < b");
  });

  it("decodes the XML entities and numeric references, and no others", () => {
    const [value] = elementsNamed(root("<value>&#34;&#x41;&amp;#34;&nbsp;&lt;</value>"), "value");
    expect(textOf(value!)).toBe('"A&#34;&nbsp;<');
  });

  it("does not expand a document type's entities", () => {
    const document = parsePolicyXml('<!DOCTYPE p [<!ENTITY e "expanded">]><p>&e;</p>');
    expect(document.root && textOf(document.root)).not.toBe("expanded");
  });

  it("says where a document is not well-formed", () => {
    expect(parsePolicyXml("<policies><inbound><base /></policies>").error).toMatch(/^line 1, column \d+: .*inbound/);
    expect(parsePolicyXml("<inbound /><outbound />").error).toBe("expected one root element, found 2");
    expect(parsePolicyXml("  ")).toEqual({});
  });

  it("reads no document from a policy given as a link", () => {
    expect(policyDocument({ format: "rawxml-link", value: "https://contoso.com/policy.xml" })).toEqual({ link: true });
  });

  it("writes a tree back to XML that reads as the same tree", () => {
    const xml = `<policies><inbound><base /><set-header name="a&quot;" exists-action="override"><value>@(x &lt; 1)</value></set-header></inbound></policies>`;
    expect(root(writePolicyXml(root(xml)))).toEqual(root(xml));
    expect(editPolicyXml(xml, (tree) => removeElements(tree, "set-header"))).toBe(
      "<policies><inbound><base /></inbound></policies>",
    );
  });
});
