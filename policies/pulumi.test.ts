import type {
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { compliantEstate } from "./fixtures/estate.js";
import { PACK_VERSION, type GraphResource } from "./model.js";
import { enginePolicies } from "./pulumi.js";
import { RULES } from "./rules/index.js";
import { T } from "./types.js";
import { DEFAULT_SETTINGS, type PolicySettings } from "./settings.js";
import type { Waiver } from "./waivers.js";

const now = () => new Date("2026-11-24T12:00:00Z");
const find = <P>(policies: unknown[], name: string) => policies.find((p) => (p as { name: string }).name === name) as P;

function stackArgs(resources: PolicyResource[]): StackValidationArgs {
  // Only the fields the adapter reads; the engine supplies the rest.
  return { resources, stackTags: new Map() } as unknown as StackValidationArgs;
}

function resourceArgs(resource: GraphResource) {
  return {
    type: resource.type,
    props: resource.inputs,
    urn: resource.urn,
    name: resource.name,
    opts: {} as never,
    stackTags: new Map(),
  };
}

/** @pulumi/policy's own unknown-value proxy (internal, so loaded untyped): props as the engine hands them over in preview. */
const proxy = createRequire(import.meta.url)("@pulumi/policy/proxy.js") as {
  unknownCheckingProxy: <T>(value: T) => T;
  unknownStringValue: unknown;
};
const ARM_ID = /^\/subscriptions\//;

/** Replaces every ARM id by the engine's unknown-string sentinel. */
function withUnknownIds(value: unknown): unknown {
  if (typeof value === "string") return ARM_ID.test(value) ? proxy.unknownStringValue : value;
  if (Array.isArray(value)) return value.map(withUnknownIds);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnknownIds(v)]));
  return value;
}

/** The engine's view during preview: ids unknown (reading them throws), links only as property dependencies. */
function previewResources(resources: GraphResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  for (const resource of resources) {
    const props = proxy.unknownCheckingProxy(withUnknownIds(resource.inputs) as Record<string, unknown>);
    byUrn.set(resource.urn, {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      dependencies: [],
      propertyDependencies: {},
    } as unknown as PolicyResource);
  }
  for (const resource of resources) {
    const entry = byUrn.get(resource.urn)!;
    entry.dependencies = resource.dependsOn.map((urn) => byUrn.get(urn)!).filter(Boolean);
    for (const [key, value] of Object.entries(resource.inputs)) {
      const ids: string[] = JSON.stringify(value).match(/\/subscriptions\/[^"]+/g) ?? [];
      const sources = resources
        .filter((other) => ids.includes(other.outputs.id as string))
        .map((other) => byUrn.get(other.urn)!);
      if (sources.length) entry.propertyDependencies[key] = sources;
    }
  }
  return [...byUrn.values()];
}

describe("the PolicyPack's policies", () => {
  it("ships the pack version the reports carry", () => {
    const manifest = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as {
      version: string;
      main: string;
    };
    expect(manifest.version).toBe(PACK_VERSION);
    // The Pulumi CLI requires `main` under ts-node, which cannot load the ESM TypeScript pack: entry.cjs loads it through tsx.
    expect(manifest.main).toBe("entry.cjs");
  });

  it("has one policy per rule plus the two waiver checks, with the profile's enforcement and metadata", () => {
    const policies = enginePolicies(RULES, { profile: "dev", stack: "dev", waivers: [], now });
    expect(policies).toHaveLength(RULES.length + 2);
    const waf = find<ResourceValidationPolicy>(policies, "EST-WAF-002");
    expect(waf.enforcementLevel).toBe("advisory");
    expect(
      find<ResourceValidationPolicy>(
        enginePolicies(RULES, { profile: "prod", stack: "prod", waivers: [], now }),
        "EST-WAF-002",
      ).enforcementLevel,
    ).toBe("mandatory");
    expect(waf.remediationSteps).toContain("policySettings.mode");
    expect(waf.tags).toContain("mcsb:NS-6");
  });

  it("reports resource violations unless waived", async () => {
    const graph = compliantEstate();
    const storage = graph.resources.find((r) => r.type === T.storageAccount)!;
    storage.inputs.allowBlobPublicAccess = true;
    const validate = (waivers: Waiver[]) => {
      const reported: string[] = [];
      const policy = find<ResourceValidationPolicy>(
        enginePolicies(RULES, { profile: "prod", stack: "prod", waivers, now }),
        "EST-ST-003",
      );
      (policy.validateResource as Function)(resourceArgs(storage), (message: string) => reported.push(message));
      return reported;
    };
    expect(validate([])).toEqual(["allowBlobPublicAccess is true; expected false"]);
    expect(
      validate([
        {
          rule: "EST-ST-003",
          resource: "st",
          reason: "static website migration",
          owner: "a@contoso.com",
          expires: "2027-01-01",
          source: "x#0",
        },
      ]),
    ).toEqual([]);
  });

  it("judges with the stack's policy settings, as the offline evaluation does", () => {
    const group = compliantEstate().resources.find((r) => r.type === T.resourceGroup)!;
    const validate = (policySettings?: PolicySettings) => {
      const reported: string[] = [];
      const policy = find<ResourceValidationPolicy>(
        enginePolicies(RULES, { profile: "prod", stack: "prod", waivers: [], policySettings, now }),
        "EST-GEN-003",
      );
      (policy.validateResource as Function)(
        resourceArgs({ ...group, inputs: { ...group.inputs, location: "eastus" } }),
        (message: string) => reported.push(message),
      );
      return reported;
    };
    expect(validate()).toEqual([]);
    expect(validate({ ...DEFAULT_SETTINGS, allowedRegions: ["westeurope"] })).toEqual([
      'location is "eastus"; allowed by the policy settings: westeurope',
    ]);
  });

  it("runs stack rules on the engine's graph, where ids are unknown and links are property dependencies", () => {
    const run = (resources: GraphResource[], name: string) => {
      const reported: Array<[string, string | undefined]> = [];
      const policy = find<StackValidationPolicy>(
        enginePolicies(RULES, { profile: "prod", stack: "prod", waivers: [], now }),
        name,
      );
      policy.validateStack(stackArgs(previewResources(resources)), (message: string, urn?: string) =>
        reported.push([message, urn]),
      );
      return reported;
    };
    const graph = compliantEstate();
    for (const rule of RULES.filter((r) => r.kind === "stack"))
      expect(run(graph.resources, rule.id), rule.id).toEqual([]);
    const withoutVaultDiagnostics = graph.resources.filter((r) => r.name !== "kv-diag");
    expect(run(withoutVaultDiagnostics, "EST-STK-003")).toEqual([
      ["no diagnostic setting targets it", graph.resources.find((r) => r.type === T.keyVault)!.urn],
    ]);
  });

  it("knows which apps API Management routes to while host names and principal ids are unknown", () => {
    const graph = compliantEstate();
    const validate = (resources: PolicyResource[]) => {
      const reported: Array<string | undefined> = [];
      const policy = find<StackValidationPolicy>(
        enginePolicies(RULES, { profile: "prod", stack: "prod", waivers: [], now }),
        "EST-APP-022",
      );
      policy.validateStack(stackArgs(resources), (_message: string, urn?: string) => reported.push(urn));
      return reported;
    };
    const preview = (resources: GraphResource[]) => {
      const entries = previewResources(resources);
      const app = entries.find((r) => r.type === T.webApp)!;
      // The backend's and the API's URLs are built from the app's host name: unknown before it exists.
      for (const [type, input] of [
        [T.apimBackend, "url"],
        [T.api, "serviceUrl"],
      ] as const) {
        const entry = entries.find((r) => r.type === type)!;
        entry.props = proxy.unknownCheckingProxy({
          ...resources.find((r) => r.urn === entry.urn)!.inputs,
          [input]: proxy.unknownStringValue,
        });
        entry.propertyDependencies[input] = [app];
      }
      // So is the gateway's principal id that the app admits.
      const auth = resources.find((r) => r.type === T.webAppAuth);
      const authEntry = entries.find((r) => r.type === T.webAppAuth);
      if (auth && authEntry) {
        const inputs = structuredClone(auth.inputs) as any;
        inputs.identityProviders.azureActiveDirectory.validation.defaultAuthorizationPolicy.allowedPrincipals.identities =
          proxy.unknownStringValue;
        authEntry.props = proxy.unknownCheckingProxy(inputs);
      }
      return entries;
    };
    expect(validate(preview(graph.resources))).toEqual([]);
    const app = graph.resources.find((r) => r.type === T.webApp)!;
    expect(validate(preview(graph.resources.filter((r) => r.type !== T.webAppAuth)))).toEqual([app.urn]);
  });

  it("lets the engine see unknown values in resource rules (it reports them as 'can't run during preview')", () => {
    const app = previewResources(compliantEstate().resources).find((r) => r.type === T.webApp)!;
    const policy = find<ResourceValidationPolicy>(
      enginePolicies(RULES, { profile: "prod", stack: "prod", waivers: [], now }),
      "EST-APP-010",
    );
    expect(() =>
      (policy.validateResource as Function)(
        { ...resourceArgs(compliantEstate().resources.find((r) => r.type === T.webApp)!), props: app.props },
        () => {},
      ),
    ).toThrow("can't be known during preview");
  });

  it("warns about live waivers that match nothing their rule judged", () => {
    const reported: string[] = [];
    const waiver = (resource: string, source: string): Waiver => ({
      rule: "EST-ST-003",
      resource,
      reason: "static website migration",
      owner: "a@contoso.com",
      expires: "2027-01-01",
      source,
    });
    const waivers = [waiver("st*", "x#0"), waiver("no-such-account", "x#1")];
    const policy = find<StackValidationPolicy>(
      enginePolicies(RULES, { profile: "prod", stack: "prod", waivers, now }),
      "EST-WVR-002",
    );
    policy.validateStack(stackArgs(previewResources(compliantEstate().resources)), (message: string) =>
      reported.push(message),
    );
    expect(reported).toEqual(['waiver x#1 for EST-ST-003 on "no-such-account" matches no resource the rule judged']);
  });

  it("fails on expired waivers", () => {
    const reported: string[] = [];
    const waivers = [
      {
        rule: "EST-ST-003",
        resource: "st",
        reason: "static website migration",
        owner: "a@contoso.com",
        expires: "2026-01-01",
        source: "policies/waivers.yaml#0",
      },
    ];
    const policy = find<StackValidationPolicy>(
      enginePolicies(RULES, { profile: "prod", stack: "prod", waivers, now }),
      "EST-WVR-001",
    );
    policy.validateStack(stackArgs([]), (message: string) => reported.push(message));
    expect(reported).toEqual([
      'waiver policies/waivers.yaml#0 for EST-ST-003 on "st" (owner a@contoso.com) expired on 2026-01-01',
    ]);
  });
});
