import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insecureReport } from "../../policies/fixtures/insecure.js";
import { launchChromium } from "../../test/browser.js";
import { TOOL_VERSION } from "../version.js";
import { compareFindings, createBaseline } from "./baseline.js";
import { bareContext, type ReportContext } from "./context.js";
import { findings as listedFindings, ruleArea } from "./format.js";
import { toHtml } from "./html.js";

const report = insecureReport();

// The same report with Azure names, a commit, and a baseline holding one finding that is gone and missing one that is new.
const named = {
  ...report,
  results: report.results.map((r) =>
    r.ruleId === "EST-ST-003" ? { ...r, resource: { ...r.resource, physicalName: "stestateprodweu01" } } : r,
  ),
};
const failures = createBaseline(named);
const [firstNew, ...rest] = failures.findings;
const reference = {
  ...failures,
  findings: [
    ...rest,
    {
      ruleId: "EST-KV-001",
      resource: "urn:pulumi:test::estate::azure-native:keyvault:Vault::gone",
      name: "gone",
      messageHash: "0123456789abcdef",
    },
  ],
};
const context: ReportContext = {
  ...bareContext(named),
  provenance: {
    commit: "0a6f0f9d1e2c3b4a5968778695a4b3c2d1e0f9a8",
    evaluatedAt: named.evaluatedAt,
    toolVersion: TOOL_VERSION,
    packVersion: named.packVersion,
  },
  comparison: compareFindings(named, reference, "baseline", "policy-baseline.json"),
};

let browser: Browser;
let url: string;
let auditUrl: string;

beforeAll(async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "estate-html-")), "policy.html");
  writeFileSync(file, toHtml(report));
  url = pathToFileURL(file).href;
  const audit = path.join(path.dirname(file), "audit.html");
  writeFileSync(audit, toHtml(named, context));
  auditUrl = pathToFileURL(audit).href;
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

describe("policy.html in headless Chromium", () => {
  it("shows the findings with remediation, waivers with owners, and filters them", async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(url);

    const visible = () => page.locator("#findings tbody tr:visible");
    const findings = report.results.filter((r) => r.status === "fail" || r.status === "waived").length;
    expect(await visible().count()).toBe(findings);
    expect(await page.locator("#shown").textContent()).toBe(`${findings} of ${report.results.length} results shown`);
    await expect
      .poll(() => page.locator('#findings tr[data-rule="EST-ST-003"]').innerText())
      .toContain("Remediation: Set `allowBlobPublicAccess: false`");
    expect(await page.locator("#waivers").innerText()).toContain("platform-team@contoso.com");
    expect(await page.locator("header").innerText()).toContain("profile prod");

    await page.selectOption("#f-severity", "critical");
    const critical = report.results.filter((r) => r.status !== "pass" && r.severity === "critical").length;
    expect(await visible().count()).toBe(critical);
    expect(await visible().evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.severity))).toEqual(
      Array(critical).fill("critical"),
    );

    await page.selectOption("#f-severity", "all");
    await page.selectOption("#f-status", "waived");
    expect(await visible().count()).toBe(1);
    expect(await visible().first().innerText()).toContain("Migrating clients to Entra ID");

    await page.selectOption("#f-status", "all");
    await page.selectOption("#f-control", "CIS 3.7");
    const cis = await visible().evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.rule));
    expect(new Set(cis)).toEqual(new Set(["EST-ST-003", "EST-ST-015"]));

    await page.selectOption("#f-control", "all");
    await page.fill("#f-text", "cosmos");
    expect(await visible().count()).toBeGreaterThan(0);
    for (const text of await visible().allInnerTexts()) expect(text.toLowerCase()).toContain("cosmos");

    expect(requests.filter((u) => !u.startsWith("file:"))).toEqual([]);
    await page.close();
  }, 30_000);

  it("charts findings by severity and by area as inline SVG", async () => {
    const page = await browser.newPage();
    await page.goto(auditUrl);
    const listed = listedFindings(named);
    const counts = (id: string) =>
      page
        .locator(`#${id} g`)
        .evaluateAll((bars) =>
          Object.fromEntries(
            bars.map((bar) => [(bar as SVGGElement).dataset.key, Number((bar as SVGGElement).dataset.count)]),
          ),
        );
    expect(await counts("chart-severity")).toEqual({
      critical: listed.filter((r) => r.severity === "critical").length,
      high: listed.filter((r) => r.severity === "high").length,
      medium: listed.filter((r) => r.severity === "medium").length,
      low: listed.filter((r) => r.severity === "low").length,
    });
    const areas = await counts("chart-area");
    expect(Object.values(areas).reduce((a: number, b) => a + Number(b), 0)).toBe(listed.length);
    expect(areas.ST).toBe(listed.filter((r) => ruleArea(r.ruleId) === "ST").length);
    const box = await page.locator("#chart-area rect").first().boundingBox();
    expect(box!.width).toBeGreaterThan(0);
    await page.close();
  }, 30_000);

  it("shows provenance, Azure names beside Pulumi names, and what changed against the baseline", async () => {
    const page = await browser.newPage();
    await page.goto(auditUrl);
    const provenance = await page.locator("#provenance").innerText();
    expect(provenance).toContain("commit 0a6f0f9d1e2c");
    expect(provenance).toContain(`estate ${TOOL_VERSION}`);
    expect(provenance).toContain(`rule pack ${named.packVersion}`);
    expect(provenance).toContain(named.evaluatedAt);
    expect(await page.locator('#findings tr[data-rule="EST-ST-003"]').first().innerText()).toContain(
      "Azure name: stestateprodweu01",
    );

    expect(await page.locator("#cmp-new").innerText()).toBe("1");
    expect(await page.locator("#cmp-fixed").innerText()).toBe("1");
    expect(await page.locator("#cmp-unchanged").innerText()).toBe(String(rest.length));
    expect(await page.locator("#comparison").innerText()).toContain("gone");
    const newRows = page.locator('#findings tbody tr[data-change="new"]');
    expect(await newRows.count()).toBe(1);
    expect(await newRows.first().getAttribute("data-rule")).toBe(firstNew!.ruleId);
    expect(await page.locator('#findings tbody tr[data-change="unchanged"]').count()).toBe(rest.length);
    await page.close();
  }, 30_000);

  it("groups the findings by rule and by control framework, with the CIS version", async () => {
    const page = await browser.newPage();
    await page.goto(auditUrl);
    const shown = await page.locator("#shown").textContent();
    const headers = () => page.locator("#findings tbody tr.group:visible").allInnerTexts();

    await page.selectOption("#f-group", "rule");
    const rules = new Set(listedFindings(named).map((r) => r.ruleId));
    const byRule = await headers();
    expect(byRule.map((text) => text.split(" ")[0]).sort()).toEqual([...rules].sort());
    expect(await page.locator("#shown").textContent()).toBe(shown);
    // Each rule's group holds only that rule's rows.
    const grouping = await page.locator("#findings tbody tr:visible").evaluateAll((trs) => {
      let current = "";
      return trs.every((tr) =>
        tr.classList.contains("group")
          ? ((current = tr.textContent!.split(" ")[0]!), true)
          : (tr as HTMLElement).dataset.rule === current,
      );
    });
    expect(grouping).toBe(true);

    await page.selectOption("#f-group", "CIS");
    const byCis = await headers();
    expect(byCis).toContain("CIS 3.7 — CIS Microsoft Azure Foundations Benchmark v2.0.0");
    expect(byCis.at(-1)).toBe("no CIS control");
    expect(await page.locator("#shown").textContent()).toBe(shown);

    await page.selectOption("#f-group", "MCSB");
    expect((await headers()).every((text) => text.startsWith("MCSB ") || text === "no MCSB control")).toBe(true);
    await page.selectOption("#f-severity", "critical");
    const critical = listedFindings(named).filter((r) => r.severity === "critical").length;
    expect(await page.locator("#shown").textContent()).toBe(`${critical} of ${named.results.length} results shown`);
    await page.close();
  }, 30_000);
});
