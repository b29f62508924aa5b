import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEV_STACK, refusal } from "../../test/config.js";
import { loadConfig } from "./load.js";

/** A valid dev stack with its own address space. */
const VALID: Record<string, string> = {
  ...DEV_STACK,
  "estate:network": JSON.stringify({ addressSpace: "10.10.0.0/16" }),
};

const problemsOf = (raw: Record<string, string>, secretKeys: string[] = []) => refusal(raw, { secretKeys });

describe("stack config", () => {
  it("resolves a valid stack with its profile's defaults", () => {
    const config = loadConfig(VALID, { stack: "dev" });
    expect(config.profile).toBe("dev");
    expect(config.workload).toBe("estate");
    expect(config.environment).toBe("dev");
    expect(config.zoneRedundant).toBe(false);
    expect(config.network.addressSpace).toBe("10.10.0.0/16");
    expect(config.observability.retentionDays).toBe(30);
  });

  it("lets the stack file override one nested key and keeps the other defaults", () => {
    const config = loadConfig(
      { ...VALID, "estate:profile": "prod", "estate:observability": '{"retentionDays":120}' },
      { stack: "prod" },
    );
    expect(config.observability.retentionDays).toBe(120);
    expect(config.zoneRedundant).toBe(true);
  });

  it("ignores other namespaces' keys", () => {
    expect(() => loadConfig({ ...VALID, "azure-native:location": "westeurope" }, { stack: "dev" })).not.toThrow();
  });

  const cases: Array<[string, Record<string, string>, string, RegExp]> = [
    [
      "an unknown top-level key",
      { "estate:colour": "blue" },
      "estate:colour",
      /unknown key; allowed keys here: profile, workload/,
    ],
    [
      "an unknown nested key",
      { "estate:network": '{"addressSpace":"10.0.0.0/16","dns":1}' },
      "estate:network.dns",
      /unknown key; allowed keys here: addressSpace, subnets/,
    ],
    [
      "a wrong type",
      { "estate:zoneRedundant": "yes" },
      "estate:zoneRedundant",
      /got "yes" \(string\); expected boolean/,
    ],
    [
      "a profile that does not exist",
      { "estate:profile": "staging" },
      "estate:profile",
      /got "staging"; expected one of dev, prod, ephemeral/,
    ],
    ["a region that does not exist", { "estate:location": "moon" }, "estate:location", /expected one of .*westeurope/],
    [
      "a bad CIDR",
      { "estate:network": '{"addressSpace":"10.0.0.0/33"}' },
      "estate:network.addressSpace",
      /got "10.0.0.0\/33"; expected an IPv4 CIDR/,
    ],
    ["an empty owner", { "estate:owner": "" }, "estate:owner", /expected the owning team/],
    ["a bad workload name", { "estate:workload": "My App" }, "estate:workload", /expected 2-10 lowercase letters/],
    [
      "retention out of range",
      { "estate:observability": '{"retentionDays":7}' },
      "estate:observability.retentionDays",
      /got 7/,
    ],
    ["an ephemeral stack without expiry", { "estate:profile": "ephemeral" }, "estate:expiresAt", /needs an expiry/],
    [
      "expiry on a non-ephemeral stack",
      { "estate:expiresAt": "2026-12-01T00:00:00Z" },
      "estate:expiresAt",
      /only ephemeral stacks expire/,
    ],
    [
      "zone redundancy where the region has no zones",
      { "estate:location": "westus", "estate:zoneRedundant": "true" },
      "estate:zoneRedundant",
      /westus has no availability zones/,
    ],
    [
      "an address space too small for the subnets",
      { "estate:network": '{"addressSpace":"10.0.0.0/25"}' },
      "estate:network.subnets",
      /too small/,
    ],
    [
      "a subnet outside the address space",
      { "estate:network": '{"addressSpace":"10.0.0.0/16","subnets":{"gateway":"10.1.0.0/27"}}' },
      "estate:network.subnets",
      /outside the address space/,
    ],
    [
      "overlapping subnets",
      {
        "estate:network":
          '{"addressSpace":"10.0.0.0/16","subnets":{"gateway":"10.0.0.0/27","management":"10.0.0.0/27"}}',
      },
      "estate:network.subnets",
      /overlaps subnet gateway/,
    ],
  ];

  it.each(cases)("refuses %s, naming the key and the stack file", (_label, change, key, message) => {
    const error = problemsOf({ ...VALID, ...change });
    expect(error.message).toContain("Pulumi.dev.yaml");
    const problem = error.problems.find((p) => p.key === key);
    expect(problem, `no problem reported for ${key}: ${error.message}`).toBeDefined();
    expect(problem!.message).toMatch(message);
  });

  it.each([
    ["production", "prod"],
    ["staging-eu", "stgeu"],
    ["ephemeral-pr42", "pr42"],
    ["Dev", "dev"],
  ])("plans stack %s with the environment segment %s", (stack, environment) => {
    expect(loadConfig(VALID, { stack }).environment).toBe(environment);
  });

  it("shortens a long stack name with a hash until every Azure name fits, so two long names differ", () => {
    const a = loadConfig(VALID, { stack: "staging-westeurope-blue" }).environment;
    const b = loadConfig(VALID, { stack: "staging-westeurope-green" }).environment;
    // Workload "estate" leaves 7 characters for the environment in a 24-character storage account name.
    expect(a).toMatch(/^stgw[a-z0-9]{3}$/);
    expect(b).toMatch(/^stgw[a-z0-9]{3}$/);
    expect(a).not.toBe(b);
    const longer = loadConfig(
      { ...VALID, "estate:workload": "estatepl" },
      { stack: "staging-westeurope-blue" },
    ).environment;
    expect(longer.length).toBeLessThan(a.length);
  });

  it("refuses a stack name that gives no valid environment segment on its own, and still reports other mistakes", () => {
    const error = refusal({ ...VALID, "estate:colour": "blue" }, { stack: "42-dev" });
    expect(error.message).toContain("Pulumi.42-dev.yaml");
    expect(error.problems).toContainEqual({
      key: "estate:environment",
      message:
        'the stack name "42-dev" gives the environment segment "42dev", which is not 2-8 lowercase letters or digits, starting with a letter; set estate:environment in Pulumi.42-dev.yaml',
    });
    expect(error.problems.map((p) => p.key)).toContain("estate:colour");
    expect(loadConfig({ ...VALID, "estate:environment": "qa42" }, { stack: "42-dev" }).environment).toBe("qa42");
  });

  it("clears a profile default with null, and says so when the key is required", () => {
    const prod = { ...VALID, "estate:profile": "prod" };
    const standard = loadConfig(
      {
        ...prod,
        "estate:data": JSON.stringify({
          serviceBus: { sku: "Standard", capacity: null, privateEndpoint: false, zoneRedundant: false },
        }),
      },
      { stack: "prod" },
    );
    expect(standard.data.serviceBus.sku).toBe("Standard");
    expect(standard.data.serviceBus.capacity).toBeUndefined();
    const error = refusal({ ...VALID, "estate:observability": '{"retentionDays":null}' });
    expect(error.problems).toEqual([
      {
        key: "estate:observability.retentionDays",
        message: "cleared with null, but this key is required here; expected number",
      },
    ]);
  });

  it("refuses a stack file without a profile", () => {
    const { "estate:profile": _, ...rest } = VALID;
    expect(problemsOf(rest).problems.map((p) => p.key)).toContain("estate:profile");
  });

  it("reports several mistakes together", () => {
    const error = problemsOf({
      ...VALID,
      "estate:colour": "blue",
      "estate:zoneRedundant": "7",
      "estate:location": "moon",
    });
    expect(error.problems.map((p) => p.key).sort()).toEqual([
      "estate:colour",
      "estate:location",
      "estate:zoneRedundant",
    ]);
  });

  it("never echoes a secret value", () => {
    const error = problemsOf({ ...VALID, "estate:owner": "", "estate:costCentre": "" }, ["estate:costCentre"]);
    expect(error.message).not.toContain('got ""; expected the cost centre');
    const secretProblem = error.problems.find((p) => p.key === "estate:costCentre");
    expect(secretProblem!.message).toContain("[secret]");
  });

  it("rejects any config with one invalid field, naming that field (property)", () => {
    const invalidValues: Record<string, fc.Arbitrary<string>> = {
      "estate:profile": fc.string().filter((s) => !["dev", "prod", "ephemeral"].includes(s)),
      // Region names are all longer than two letters.
      "estate:location": fc.stringMatching(/^[a-z]{1,2}$/),
      "estate:workload": fc.string({ minLength: 11, maxLength: 20 }),
      "estate:zoneRedundant": fc.oneof(fc.constant("yes"), fc.integer().map(String)),
      "estate:network": fc.integer({ min: 25, max: 32 }).map((p) => JSON.stringify({ addressSpace: `10.0.0.0/${p}` })),
      "estate:observability": fc.integer({ min: -5, max: 29 }).map((d) => JSON.stringify({ retentionDays: d })),
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(invalidValues)).chain((key) => fc.tuple(fc.constant(key), invalidValues[key])),
        ([key, value]) => {
          const error = problemsOf({ ...VALID, [key]: value });
          expect(error.problems.some((p) => p.key.startsWith(key))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
