import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { insecureReport } from "../../policies/fixtures/insecure.js";
import { validateJson } from "./json-schema.js";
import { toHtml } from "./html.js";
import { toJunit } from "./junit.js";
import { toMarkdown } from "./markdown.js";
import { toSarif } from "./sarif.js";
import { writeReports } from "./write.js";
import { bareContext, reportContext } from "./context.js";
import { sourceLocator } from "./sources.js";
import type { PolicyReport } from "../../policies/evaluate.js";

const schema = JSON.parse(readFileSync(new URL("./fixtures/sarif-schema-2.1.0.json", import.meta.url), "utf8"));
const report = insecureReport();

describe("the JSON schema validator", () => {
  it("catches what the SARIF schema forbids", () => {
    expect(validateJson(schema, { version: "2.1.0", runs: [] })).toEqual([]);
    expect(validateJson(schema, { version: "2.0.0", runs: [] })).toContain('$.version: "2.0.0" not in enum');
    expect(validateJson(schema, { version: "2.1.0" })).toContain("$: missing required runs");
    expect(validateJson(schema, { version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toContain(
      "$.runs[0].tool.driver: missing required name",
    );
    expect(validateJson(schema, { version: "2.1.0", runs: [], colour: 1 })).toContain("$: unexpected property colour");
  });
});

describe("SARIF", () => {
  const sarif = toSarif(report, bareContext(report)) as any;

  it("validates against the SARIF 2.1.0 schema", () => {
    expect(validateJson(schema, sarif)).toEqual([]);
  });

  it("carries rule metadata with help and control tags, and locates results by resource", () => {
    const run = sarif.runs[0];
    const rule = run.tool.driver.rules.find((r: any) => r.id === "EST-ST-003");
    expect(rule.help.text).toContain("allowBlobPublicAccess: false");
    expect(rule.properties.tags).toEqual(
      expect.arrayContaining(["MCSB NS-2", "CIS 3.7", "Azure.Storage.BlobPublicAccess", "CKV_AZURE_190"]),
    );
    const result = run.results.find((r: any) => r.ruleId === "EST-ST-003");
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe("EST-ST-003");
    expect(result.level).toBe("error");
    expect(result.locations[0].logicalLocations[0].fullyQualifiedName).toBe(
      "urn:pulumi:test::estate::azure-native:storage:StorageAccount::st",
    );
    const waived = run.results.find((r: any) => r.ruleId === "EST-COS-002");
    expect(waived.suppressions[0]).toMatchObject({ kind: "external", status: "accepted" });
  });
});

describe("JUnit and Markdown", () => {
  it("has one test case per rule × resource, failures for violations and skips for waivers and not-applicable", () => {
    const xml = toJunit(report, bareContext(report));
    expect((xml.match(/<testcase /g) ?? []).length).toBe(report.results.length);
    expect((xml.match(/<failure /g) ?? []).length).toBe(report.summary.fail);
    expect((xml.match(/<skipped message="waived /g) ?? []).length).toBe(1);
    expect(report.summary.notApplicable).toBeGreaterThan(0);
    expect((xml.match(/<skipped message="not applicable: /g) ?? []).length).toBe(report.summary.notApplicable);
    expect(xml).toMatch(
      /<testcase classname="EST-ST-003" name="st \(azure-native:storage:StorageAccount\)"><failure type="mandatory"/,
    );
  });

  it("lists findings with remediation and waivers with owner and expiry", () => {
    const md = toMarkdown(report, bareContext(report));
    expect(md).toContain(`**${report.summary.mandatoryViolations} mandatory violations**`);
    expect(md).toContain(`${report.summary.notApplicable} not applicable`);
    expect(md).toContain("| Severity | Pass | Fail | Waived | Not applicable |");
    expect(md).toMatch(/\| violation \| critical \| EST-ST-003 .*\| `st` \|.*allowBlobPublicAccess: false/);
    expect(md).toContain("| EST-WAF-002 | `waf` | platform-team@contoso.com | 2026-11-23 | expired |");
  });
});

describe("settings and not-applicable in every report", () => {
  it("shows the effective settings and counts not-applicable apart", () => {
    const md = toMarkdown(report, bareContext(report));
    expect(md).toContain("## Settings");
    expect(md).toContain("| minimumTlsVersion | 1.2 |");
    const html = toHtml(report);
    expect(html).toMatch(/<table id="settings">.*<code>allowedRegions<\/code><\/td><td>[^<]*eastus/);
    expect(html).toContain(
      `<div class="card" id="c-not-applicable"><b>${report.summary.notApplicable}</b>not applicable</div>`,
    );
    expect((html.match(/data-status="not-applicable"/g) ?? []).length).toBe(report.summary.notApplicable);
    const run = (toSarif(report, bareContext(report)) as any).runs[0];
    expect(run.properties.settings).toEqual(report.settings);
    expect(run.properties.summary.notApplicable).toBe(report.summary.notApplicable);
    expect(
      run.results.some((r: any) =>
        report.results.find(
          (x) =>
            x.status === "not-applicable" &&
            r.ruleId === x.ruleId &&
            r.locations[0].logicalLocations[0].fullyQualifiedName === x.resource.urn,
        ),
      ),
    ).toBe(false);
  });
});

describe("policy.md as a pull-request comment (GitHub Markdown)", () => {
  const apim = {
    ...report,
    results: report.results.map((result, index) =>
      index === 0
        ? {
            ...result,
            status: "fail" as const,
            message: "`<policies>` has no `<base />` in <inbound> & <outbound>",
            resource: { ...result.resource, name: "api|v1" },
          }
        : result,
    ),
  };
  const md = toMarkdown(apim, bareContext(apim));

  it("leaves code spans as they are: nothing is entity-decoded inside backticks", () => {
    expect(md).toContain("`<policies>` has no `<base />` in &lt;inbound&gt; &amp; &lt;outbound&gt;");
    const spans = md.match(/`[^`\n]+`/g) ?? [];
    expect(spans.length).toBeGreaterThan(10);
    expect(spans.filter((span) => /&(lt|gt|amp);/.test(span))).toEqual([]);
  });

  it("escapes pipes in code spans so the table keeps its columns", () => {
    const row = md.split("\n").find((line) => line.includes("api\\|v1"))!;
    expect(row).toContain("| `api\\|v1` |");
    expect(row.split(/(?<!\\)\|/).length).toBe(
      md
        .split("\n")
        .find((line) => line.startsWith("| Status |"))!
        .split("|").length,
    );
  });
});

describe("SARIF locations point at the sources that declared the resource", () => {
  const PROJECT = path.resolve(import.meta.dirname, "../..");
  // The resources as a real plan names them: the parent component's type in the URN.
  const underComponent: Record<string, string> = {
    "azure-native:storage:StorageAccount": "estate:data:BlobStorage",
    "azure-native:monitor:DiagnosticSetting": "estate:data:BlobStorage",
    "azure-native:cosmosdb:DatabaseAccount": "estate:data:CosmosDb",
  };
  const placed: PolicyReport = {
    ...report,
    stack: "prod",
    results: report.results.map((result) => {
      const parent = underComponent[result.resource.type];
      return parent
        ? {
            ...result,
            resource: {
              ...result.resource,
              urn: `urn:pulumi:prod::estate::${parent}$${result.resource.type}::${result.resource.name}`,
            },
          }
        : result;
    }),
  };
  const run = (
    toSarif(
      placed,
      reportContext(PROJECT, placed, { outDir: mkdtempSync(path.join(tmpdir(), "estate-sarif-")) }),
    ) as any
  ).runs[0];
  const lineOf = (uri: string, line: number) => readFileSync(path.join(PROJECT, uri), "utf8").split("\n")[line - 1];
  const locationOf = (type: string) =>
    run.results.find((r: any) => r.properties.resourceType === type)?.locations[0].physicalLocation;

  it("never points at the gitignored plan.json, and stays valid SARIF", () => {
    expect(run.results.length).toBeGreaterThan(5);
    expect(
      run.results.filter((r: any) => /plan\.json$/.test(r.locations[0].physicalLocation.artifactLocation.uri)),
    ).toEqual([]);
    expect(validateJson(schema, { version: "2.1.0", runs: [run] })).toEqual([]);
  });

  it("locates a resource of a component at its constructor in the component's infra file", () => {
    const storage = locationOf("azure-native:storage:StorageAccount");
    expect(storage.artifactLocation).toEqual({ uri: "infra/data/storage.ts", uriBaseId: "SRCROOT" });
    expect(lineOf(storage.artifactLocation.uri, storage.region.startLine)).toMatch(/new storage\.StorageAccount\(/);
    const cosmos = locationOf("azure-native:cosmosdb:DatabaseAccount");
    expect(cosmos.artifactLocation.uri).toBe("infra/data/cosmos.ts");
    expect(lineOf(cosmos.artifactLocation.uri, cosmos.region.startLine)).toMatch(/new cosmosdb\.DatabaseAccount\(/);
  });

  it("locates a resource a shared helper declares at the helper, and stack findings at the stack file", () => {
    const locate = sourceLocator(PROJECT, "prod");
    const diagnostics = locate({
      urn: "urn:pulumi:prod::estate::estate:data:BlobStorage$azure-native:monitor:DiagnosticSetting::data-storage-diag",
      type: "azure-native:monitor:DiagnosticSetting",
    });
    expect(diagnostics.uri).toBe("infra/observability/diagnostics.ts");
    expect(lineOf(diagnostics.uri, diagnostics.line)).toMatch(/new monitor\.DiagnosticSetting\(/);
    const stackFile = locate({ urn: "pulumi:pulumi:Stack::outputs", type: "pulumi:pulumi:Stack" });
    expect(stackFile.uri).toBe("Pulumi.prod.yaml");
    expect(lineOf(stackFile.uri, stackFile.line)).toBe("config:");
  });
});

describe("the comparison with the previous run", () => {
  const PROJECT = path.resolve(import.meta.dirname, "../..");

  it("reads the policy.json already in the output folder before the reports replace it", () => {
    const outDir = mkdtempSync(path.join(tmpdir(), "estate-previous-"));
    expect(reportContext(PROJECT, report, { outDir }).comparison).toBeUndefined();
    writeReports(outDir, report, reportContext(PROJECT, report, { outDir }));
    const fixedOne = report.results.findIndex((result) => result.status === "fail");
    const next: PolicyReport = {
      ...report,
      results: report.results.map((result, index) =>
        index === fixedOne ? { ...result, status: "pass" as const, message: undefined } : result,
      ),
    };
    const { comparison } = reportContext(PROJECT, next, { outDir });
    expect(comparison).toMatchObject({
      against: "previous run",
      file: path.join(outDir, "policy.json"),
      new: [],
      fixed: [{ ruleId: report.results[fixedOne]!.ruleId, resource: report.results[fixedOne]!.resource.urn }],
    });
    expect(comparison!.unchanged.length).toBe(report.summary.fail - 1);
    expect(reportContext(PROJECT, { ...next, stack: "other" }, { outDir }).comparison).toBeUndefined();
    const run = (toSarif(next, reportContext(PROJECT, next, { outDir })) as any).runs[0];
    expect(run.results.filter((r: any) => r.baselineState === "unchanged").length).toBe(report.summary.fail - 1);
    expect(run.results.filter((r: any) => r.baselineState === "new")).toEqual([]);
    expect(validateJson(schema, { version: "2.1.0", runs: [run] })).toEqual([]);
  });

  it("names the previous policy.json from the project when it is inside it", () => {
    const estateDir = path.join(PROJECT, ".estate");
    mkdirSync(estateDir, { recursive: true });
    const outDir = mkdtempSync(path.join(estateDir, "previous-"));
    try {
      writeReports(outDir, report, reportContext(PROJECT, report, { outDir }));
      expect(reportContext(PROJECT, report, { outDir }).comparison?.file).toBe(
        path.join(".estate", path.basename(outDir), "policy.json"),
      );
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it("leaves the comparison out when the previous policy.json holds a result that is not one", () => {
    const outDir = mkdtempSync(path.join(tmpdir(), "estate-previous-"));
    writeReports(outDir, report, reportContext(PROJECT, report, { outDir }));
    const file = path.join(outDir, "policy.json");
    const previous = JSON.parse(readFileSync(file, "utf8"));
    expect(reportContext(PROJECT, report, { outDir }).comparison).toBeDefined();
    for (const broken of [{ resource: { name: "x" } }, { ruleId: 7 }, { message: 1 }, null]) {
      const results = previous.results.map((result: object, index: number) =>
        index === 0 ? (broken === null ? null : { ...result, ...broken }) : result,
      );
      writeFileSync(file, JSON.stringify({ ...previous, results }));
      expect(reportContext(PROJECT, report, { outDir }).comparison, JSON.stringify(broken)).toBeUndefined();
    }
  });
});
