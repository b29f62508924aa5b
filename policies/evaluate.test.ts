import { describe, expect, it } from "vitest";
import { EXPIRED_WAIVER, INSECURE_PROD_FINDINGS, insecureEstate } from "./fixtures/insecure.js";
import { compliantEstate } from "./fixtures/estate.js";
import { evaluate, filterReport } from "./evaluate.js";
import { ENFORCE, notApplicable, PROFILES, type Profile, type Rule } from "./model.js";
import { inputRule, is, stackRule } from "./rules/factory.js";
import { T } from "./types.js";
import { RULES } from "./rules/index.js";
import { parseWaivers, WaiverError, type Waiver } from "./waivers.js";

const now = new Date("2026-11-24T12:00:00Z");
const meta = (profile: Profile) => ({ stack: "test", profile, planCreatedAt: now.toISOString() });
const failures = (report: ReturnType<typeof evaluate>) =>
  report.results
    .filter((result) => result.status === "fail")
    .map((result) => `${result.ruleId} ${result.resource.name}`)
    .sort();

const waiver = (fields: Partial<Waiver>): Waiver => ({
  rule: "EST-WAF-002",
  resource: "waf",
  reason: "Tuning against false positives",
  owner: "sec@contoso.com",
  expires: "2027-01-31",
  source: "waivers.yaml#0",
  ...fields,
});

describe("evaluate", () => {
  it.each(PROFILES)("finds nothing at all on the compliant estate in %s", (profile) => {
    const report = evaluate(compliantEstate(), meta(profile), { now });
    expect(failures(report)).toEqual([]);
    expect(report.summary.pass).toBeGreaterThan(300);
  });

  it("triggers exactly the expected rules on the insecure estate", () => {
    const report = evaluate(insecureEstate(), meta("prod"), { now, waivers: [EXPIRED_WAIVER] });
    expect(failures(report)).toEqual([...INSECURE_PROD_FINDINGS].sort());
    expect(report.summary.mandatoryViolations).toBe(INSECURE_PROD_FINDINGS.length);
    expect(report.waivers[0]!.status).toBe("expired");
  });

  it("honours enforcement per profile: mandatory in prod, advisory in dev, disabled rules not run", () => {
    const prod = evaluate(insecureEstate(), meta("prod"), { now });
    const dev = evaluate(insecureEstate(), meta("dev"), { now });
    expect(prod.results.find((r) => r.ruleId === "EST-WAF-002" && r.status === "fail")!.enforcement).toBe("mandatory");
    expect(dev.results.find((r) => r.ruleId === "EST-WAF-002" && r.status === "fail")!.enforcement).toBe("advisory");
    expect(dev.results.some((r) => r.ruleId === "EST-APP-018")).toBe(false); // prodOnly
    expect(prod.results.some((r) => r.ruleId === "EST-APP-018")).toBe(true);
    expect(prod.rules.find((r) => r.id === "EST-GEN-002")!.enforcement).toBe("disabled");
  });

  it("turns a matching, unexpired waiver into waived with its owner, and lists it as active", () => {
    const report = evaluate(insecureEstate(), meta("prod"), {
      now,
      waivers: [waiver({ resource: "urn:pulumi:*::waf" })],
    });
    const result = report.results.find((r) => r.ruleId === "EST-WAF-002")!;
    expect(result.status).toBe("waived");
    expect(result.waiver).toMatchObject({ owner: "sec@contoso.com", expires: "2027-01-31" });
    expect(report.waivers[0]).toMatchObject({ status: "active", waived: 1 });
    expect(report.summary.waived).toBe(1);
  });

  it("reports a waiver that matches nothing, and one on the day after it expires", () => {
    const report = evaluate(compliantEstate(), meta("prod"), {
      now,
      waivers: [
        waiver({ resource: "no-such-thing" }),
        waiver({ expires: "2026-11-24" }),
        waiver({ expires: "2026-11-23" }),
      ],
    });
    expect(report.waivers.map((w) => w.status)).toEqual(["unmatched", "active", "expired"]);
    expect(failures(report)).toEqual(["EST-WVR-001 EST-WAF-002 waf", "EST-WVR-002 EST-WAF-002 no-such-thing"]);
    expect(report.results.find((r) => r.ruleId === "EST-WVR-002")!.enforcement).toBe("advisory");
  });

  it("filters by rule glob and minimum severity and recounts", () => {
    const report = evaluate(insecureEstate(), meta("prod"), { now });
    const storage = filterReport(report, { rules: ["EST-ST-*"] });
    expect(new Set(storage.results.map((r) => r.ruleId.slice(0, 7)))).toEqual(new Set(["EST-ST-"]));
    expect(storage.summary.fail).toBe(3);
    // The same globs as waivers: `?` is one character, not a regular-expression quantifier.
    expect(new Set(filterReport(report, { rules: ["est-st-00?"] }).rules.map((r) => r.id.slice(0, 9)))).toEqual(
      new Set(["EST-ST-00"]),
    );
    const critical = filterReport(report, { minSeverity: "critical" });
    expect(critical.results.every((r) => r.severity === "critical")).toBe(true);
    expect(failures(critical)).toEqual(["EST-ST-003 st", "EST-STK-005 st"]);
  });
});

describe("not applicable", () => {
  const ruleData = {
    title: "t",
    description: "d",
    severity: "high" as const,
    controls: { mcsb: ["NS-2"], waf: "Security" as const },
    mappings: {},
    remediation: "Change the input.",
    enforcement: ENFORCE.always,
  };
  const premiumOnly = inputRule({
    ...ruleData,
    id: "EST-TST-001",
    types: [T.storageAccount],
    path: "minimumTlsVersion",
    expect: is("TLS1_3"),
    bad: "TLS1_0",
    when: (resource) => resource.name === "premium",
    appliesTo: "premium accounts",
  });
  const stackOnly = stackRule({
    ...ruleData,
    id: "EST-TST-002",
    types: [T.storageAccount],
    problemOf: () => (resource) => (resource.name === "st" ? notApplicable("no blob service declared") : "a problem"),
    fail: [],
  });

  it("reports a rule whose precondition does not hold as not-applicable with the reason, counted apart from pass", () => {
    const rules: Rule[] = [premiumOnly, stackOnly];
    const report = evaluate(compliantEstate(), meta("prod"), { now, rules });
    const st = report.results.filter((r) => r.resource.name === "st");
    expect(st.map((r) => [r.ruleId, r.status, r.message])).toEqual([
      ["EST-TST-001", "not-applicable", "applies to premium accounts only"],
      ["EST-TST-002", "not-applicable", "no blob service declared"],
    ]);
    expect(report.summary.notApplicable).toBe(report.results.filter((r) => r.status === "not-applicable").length);
    expect(report.summary.notApplicable).toBeGreaterThanOrEqual(2);
    expect(report.summary.pass + report.summary.fail + report.summary.waived + report.summary.notApplicable).toBe(
      report.summary.results,
    );
    expect(report.summary.bySeverity.high["not-applicable"]).toBe(report.summary.notApplicable);
    expect(report.summary.mandatoryViolations).toBe(report.results.filter((r) => r.status === "fail").length);
  });

  it("does not let a waiver match a not-applicable result", () => {
    const report = evaluate(compliantEstate(), meta("prod"), {
      now,
      rules: [premiumOnly],
      waivers: [waiver({ rule: "EST-TST-001", resource: "st" })],
    });
    expect(report.results.find((r) => r.resource.name === "st")!.status).toBe("not-applicable");
    expect(report.waivers[0]!.status).toBe("unmatched");
  });

  it("counts EST-GEN-004 on a resource without an explicit name as not-applicable", () => {
    const graph = compliantEstate();
    const group = graph.resources.find((r) => r.type === T.resourceGroup)!;
    delete group.inputs.resourceGroupName;
    const result = evaluate(graph, meta("prod"), { now }).results.find(
      (r) => r.ruleId === "EST-GEN-004" && r.resource.urn === group.urn,
    )!;
    expect(result).toMatchObject({
      status: "not-applicable",
      message: "resourceGroupName is not set: the provider generates the name from the logical name",
    });
  });
});

describe("waiver files", () => {
  const valid = `waivers:\n  - rule: EST-WAF-002\n    resource: "waf*"\n    reason: Tuning against false positives\n    owner: sec@contoso.com\n    expires: 2027-01-31\n`;

  it("parses a valid file, dates included", () => {
    expect(parseWaivers(valid, "policies/waivers.yaml", RULES)).toEqual([
      {
        rule: "EST-WAF-002",
        resource: "waf*",
        reason: "Tuning against false positives",
        owner: "sec@contoso.com",
        expires: "2027-01-31",
        source: "policies/waivers.yaml#0",
      },
    ]);
  });

  it.each([
    [valid.replace("sec@contoso.com", "security team"), "waivers.0.owner: expected the owner's email address"],
    [valid.replace("2027-01-31", "next year"), "waivers.0.expires: expected a date YYYY-MM-DD"],
    [valid.replace(/ *expires: 2027-01-31\n/, ""), "waivers.0.expires: required: the date the waiver ends, YYYY-MM-DD"],
    [valid.replace("EST-WAF-002", "WAF-2"), "waivers.0.rule: expected a rule id such as EST-WAF-002"],
    [`${valid}    colour: red\n`, "Unrecognized key(s) in object: 'colour'"],
    [valid.replace("EST-WAF-002", "EST-WAF-999"), "waivers.0.rule: no rule EST-WAF-999 in the pack"],
    ["waivers: [", "not valid YAML"],
  ])("rejects a bad file with the place and the problem (%#)", (text, message) => {
    expect(() => parseWaivers(text, "policies/waivers.yaml", RULES)).toThrow(WaiverError);
    expect(() => parseWaivers(text, "policies/waivers.yaml", RULES)).toThrow(message);
  });
});
