import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REGION_NAMES } from "../infra/naming/regions.js";
import { compliantEstate, patchInputs } from "./fixtures/estate.js";
import { evaluate } from "./evaluate.js";
import { RULES } from "./rules/index.js";
import { T } from "./types.js";
import {
  DEFAULT_SETTINGS,
  loadStackPolicy,
  parseSettings,
  resolveSettings,
  SettingsError,
  type PolicySettings,
} from "./settings.js";
import { loadWaivers, parseWaivers, WaiverError, type WaiverTarget } from "./waivers.js";

const now = new Date("2026-12-01T12:00:00Z");
const FILE = `settings:
  minimumTlsVersion: "1.3"
  waivers:
    maxDays: { critical: 30 }
profiles:
  prod:
    logRetentionDays: 90
stacks:
  "ephemeral-*":
    allowedRegions: [westeurope]
  ephemeral-pr7:
    waivers: { allowCriticalOnAllResources: true }
`;

describe("policy settings", () => {
  it("defaults to every region the stack config accepts, TLS 1.2 and 30 days of logs", () => {
    expect(DEFAULT_SETTINGS.allowedRegions).toEqual(REGION_NAMES);
    expect(DEFAULT_SETTINGS.allowedRegions).toContain("eastus");
    expect(resolveSettings(parseSettings("", "s.yaml"), { stack: "dev", profile: "dev" })).toEqual({
      values: DEFAULT_SETTINGS,
      from: [],
    });
  });

  it("applies settings, then the profile, then matching stack globs in file order, key by key", () => {
    const file = parseSettings(FILE, "policies/settings.yaml");
    const prod = resolveSettings(file, { stack: "prod", profile: "prod" });
    expect(prod.values).toMatchObject({ minimumTlsVersion: "1.3", logRetentionDays: 90, allowedRegions: REGION_NAMES });
    expect(prod.values.waivers.maxDays).toEqual({ critical: 30, high: 365, medium: 365, low: 365 });
    expect(prod.from).toEqual(["policies/settings.yaml#settings", "policies/settings.yaml#profiles.prod"]);
    const pr7 = resolveSettings(file, { stack: "ephemeral-pr7", profile: "ephemeral" });
    expect(pr7.values).toMatchObject({
      allowedRegions: ["westeurope"],
      logRetentionDays: 30,
      waivers: { allowCriticalOnAllResources: true, maxDays: { critical: 30 } },
    });
    expect(pr7.from).toEqual([
      "policies/settings.yaml#settings",
      "policies/settings.yaml#stacks.ephemeral-*",
      "policies/settings.yaml#stacks.ephemeral-pr7",
    ]);
  });

  it.each([
    ["settings:\n  allowedRegions: [westeurope, moon]\n", 'settings.allowedRegions.1: unknown region "moon"'],
    ["settings:\n  minimumTlsVersion: 1.2\n", 'settings.minimumTlsVersion: expected "1.2" or "1.3"'],
    ["profiles:\n  staging:\n    logRetentionDays: 30\n", "Unrecognized key(s) in object: 'staging'"],
    ["stacks:\n  dev:\n    logRetentionDays: 7\n", "stacks.dev.logRetentionDays: expected at least 30 days"],
    [
      "settings:\n  waivers:\n    maxDays: { critical: 0 }\n",
      "settings.waivers.maxDays.critical: expected a whole number of days",
    ],
    ["settings:\n  sqlAuditRetentionDays: 4000\n", "settings.sqlAuditRetentionDays: expected at most 3285 days"],
    ["settings:\n  colour: red\n", "Unrecognized key(s) in object: 'colour'"],
    ["settings: [", "not valid YAML"],
  ])("refuses a bad file naming the file, the entry and the field (%#)", (text, message) => {
    expect(() => parseSettings(text, "policies/settings.yaml")).toThrow(SettingsError);
    expect(() => parseSettings(text, "policies/settings.yaml")).toThrow(`policies/settings.yaml`);
    expect(() => parseSettings(text, "policies/settings.yaml")).toThrow(message);
  });

  it("reaches the rules through the context: TLS and retention follow the settings", () => {
    const strict: PolicySettings = {
      ...DEFAULT_SETTINGS,
      minimumTlsVersion: "1.3",
      logRetentionDays: 365,
      sqlAuditRetentionDays: 180,
    };
    const report = evaluate(
      compliantEstate(),
      { stack: "t", profile: "prod", planCreatedAt: now.toISOString() },
      { now, settings: { values: strict, from: ["x"] } },
    );
    const failed = (id: string) =>
      report.results.filter((r) => r.ruleId === id && r.status === "fail").map((r) => r.message);
    expect(failed("EST-APP-002")[0]).toMatch(/expected "1.3" \(setting minimumTlsVersion 1.3\)/);
    // Redis offers nothing newer than 1.2: it is held to 1.2 and passes.
    expect(report.results.filter((r) => r.ruleId === "EST-RED-002").map((r) => r.status)).toEqual(["pass"]);
    expect(failed("EST-MON-001")[0]).toMatch(/retentionInDays is \d+; expected a number of at least 365/);
    // The fixture's workspace keeps 90 days: enough by default, short of 180.
    expect(failed("EST-SQL-006")[0]).toMatch(
      /keeps them 90 days \(retentionInDays\); expected at least 180 \(setting sqlAuditRetentionDays\)/,
    );
    expect(failed("EST-MYSQL-003")[0]).toMatch(
      /value of tls_version is "TLSv1.2,TLSv1.3"; expected only "TLSv1.3" \(setting minimumTlsVersion 1.3\)/,
    );
    expect(report.settings).toEqual(strict);
    expect(report.settingsFrom).toEqual(["x"]);
  });

  it("EST-GEN-003 accepts East US by default and refuses a region outside narrowed settings", () => {
    const graph = compliantEstate();
    const group = graph.resources.find((r) => r.type === T.resourceGroup)!;
    group.inputs = patchInputs(group.inputs, { location: "eastus" });
    const judged = (settings: PolicySettings) =>
      evaluate(
        graph,
        { stack: "t", profile: "prod", planCreatedAt: now.toISOString() },
        { now, settings: { values: settings, from: [] } },
      ).results.find((r) => r.ruleId === "EST-GEN-003" && r.resource.urn === group.urn)!;
    expect(judged(DEFAULT_SETTINGS).status).toBe("pass");
    expect(judged({ ...DEFAULT_SETTINGS, allowedRegions: ["westeurope"] })).toMatchObject({
      status: "fail",
      message: 'location is "eastus"; allowed by the policy settings: westeurope',
    });
  });
});

const target = (fields: Partial<WaiverTarget> = {}): WaiverTarget => ({
  stack: "staging",
  profile: "dev",
  now,
  settings: DEFAULT_SETTINGS,
  ...fields,
});
const entry = (fields: string) =>
  `waivers:\n  - rule: EST-STK-001\n    resource: "data-servicebus-namespace"\n    reason: Service Bus Standard in dev for cost\n    owner: platform-team@contoso.com\n    expires: 2027-03-31\n${fields}`;

describe("scoped waivers", () => {
  it("keeps a waiver for the stacks and profiles it names, and only those", () => {
    const scoped = entry('    stacks: ["ephemeral-*", staging]\n    profiles: [dev, ephemeral]\n');
    expect(parseWaivers(scoped, "w.yaml", RULES, target())).toHaveLength(1);
    expect(
      parseWaivers(scoped, "w.yaml", RULES, target({ stack: "ephemeral-pr12", profile: "ephemeral" })),
    ).toHaveLength(1);
    expect(parseWaivers(scoped, "w.yaml", RULES, target({ stack: "ephemeral-pr12", profile: "prod" }))).toEqual([]);
    expect(parseWaivers(scoped, "w.yaml", RULES, target({ stack: "dev" }))).toEqual([]);
    const byProfile = entry("    profiles: [dev, ephemeral]\n");
    expect(parseWaivers(byProfile, "w.yaml", RULES, target({ stack: "anything" }))).toHaveLength(1);
    expect(parseWaivers(byProfile, "w.yaml", RULES, target({ stack: "prod", profile: "prod" }))).toEqual([]);
  });

  it("refuses impossible dates", () => {
    expect(() => parseWaivers(entry("").replace("2027-03-31", "2026-11-31"), "w.yaml", RULES)).toThrow(
      "waivers.0.expires: 2026-11-31 is not a calendar date",
    );
    expect(() => parseWaivers(entry("").replace("2027-03-31", "2027-02-29"), "w.yaml", RULES)).toThrow(
      "is not a calendar date",
    );
    expect(parseWaivers(entry("").replace("2027-03-31", "2028-02-29"), "w.yaml", RULES)).toHaveLength(1);
  });

  it("refuses a waiver that runs longer than the settings allow for the rule's severity, from the evaluation date", () => {
    // EST-STK-001 is critical: 120 days from 2026-12-01 is beyond a 90-day limit.
    const settings = {
      ...DEFAULT_SETTINGS,
      waivers: { ...DEFAULT_SETTINGS.waivers, maxDays: { ...DEFAULT_SETTINGS.waivers.maxDays, critical: 90 } },
    };
    expect(() => parseWaivers(entry(""), "policies/waivers.yaml", RULES, target({ settings }))).toThrow(
      "policies/waivers.yaml: 1 problem(s) in the waiver file:\n  - waivers.0.expires: 2027-03-31 is 120 days after 2026-12-01; a waiver of a critical rule may run at most 90 days (setting waivers.maxDays.critical)",
    );
    expect(
      parseWaivers(entry(""), "w.yaml", RULES, target({ settings, now: new Date("2027-01-01T00:00:00Z") })),
    ).toHaveLength(1);
    // Out of scope: not checked here.
    expect(parseWaivers(entry("    profiles: [prod]\n"), "w.yaml", RULES, target({ settings }))).toEqual([]);
  });

  it('refuses a critical rule waived on "*" unless the settings allow it', () => {
    const all = entry("").replace('"data-servicebus-namespace"', '"*"');
    expect(() => parseWaivers(all, "w.yaml", RULES, target())).toThrow(
      'waivers.0.resource: "*" waives the critical rule EST-STK-001 on every resource',
    );
    const allowed = {
      ...DEFAULT_SETTINGS,
      waivers: { ...DEFAULT_SETTINGS.waivers, allowCriticalOnAllResources: true },
    };
    expect(parseWaivers(all, "w.yaml", RULES, target({ settings: allowed }))).toHaveLength(1);
    // A high rule may be waived on every resource.
    expect(parseWaivers(all.replace("EST-STK-001", "EST-WAF-002"), "w.yaml", RULES, target())).toHaveLength(1);
  });

  it("reads policies/waivers.yaml and the per-stack file, with the project's settings", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "estate-waivers-"));
    mkdirSync(path.join(dir, "policies"));
    writeFileSync(path.join(dir, "policies", "waivers.yaml"), entry("    profiles: [dev]\n"));
    writeFileSync(path.join(dir, "policies", "waivers.qa.yaml"), entry("").replace("EST-STK-001", "EST-STK-005"));
    writeFileSync(
      path.join(dir, "policies", "settings.yaml"),
      "profiles:\n  dev:\n    waivers: { maxDays: { critical: 200 } }\n",
    );
    const { settings, waivers } = loadStackPolicy(dir, RULES, { stack: "qa", profile: "dev", now });
    expect(settings.from).toEqual(["policies/settings.yaml#profiles.dev"]);
    expect(waivers.map((w) => `${w.rule} ${w.source}`)).toEqual([
      "EST-STK-001 policies/waivers.yaml#0",
      "EST-STK-005 policies/waivers.qa.yaml#0",
    ]);
    expect(loadWaivers(dir, RULES, target({ stack: "other", profile: "prod" }))).toEqual([]);
  });

  it("the project's own waivers apply to a staging stack on the dev profile and to every ephemeral stack, not to prod", () => {
    const root = path.resolve(import.meta.dirname, "..");
    const rules = (stack: string, profile: "dev" | "prod" | "ephemeral") =>
      loadStackPolicy(root, RULES, { stack, profile })
        .waivers.map((w) => w.rule)
        .sort();
    expect(rules("staging", "dev")).toEqual(["EST-APIM-020", "EST-STK-001", "EST-STK-005"]);
    expect(rules("ephemeral-pr3", "ephemeral")).toEqual(["EST-APIM-020", "EST-STK-001", "EST-STK-005"]);
    expect(rules("prod", "prod")).toEqual(["EST-APIM-020"]);
  });
});

it("a parse without a target checks the shape only", () => {
  expect(() => parseWaivers(entry("    profiles: [qa]\n"), "w.yaml", RULES)).toThrow(WaiverError);
});
