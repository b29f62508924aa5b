import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../../policies/evaluate.js";
import { EXPIRED_WAIVER, insecureEstate } from "../../policies/fixtures/insecure.js";
import { launchChromium } from "../../test/browser.js";
import { toHtml } from "./html.js";

const now = new Date("2026-11-24T12:00:00Z");
const waiver = { ...EXPIRED_WAIVER, rule: "EST-COS-002", resource: "cosmos", expires: "2027-01-31", reason: "Migrating clients to Entra ID" };
const report = evaluate(insecureEstate(), { stack: "test", profile: "prod", planCreatedAt: now.toISOString() }, { now, waivers: [EXPIRED_WAIVER, waiver] });

let browser: Browser;
let url: string;

beforeAll(async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "estate-html-")), "policy.html");
  writeFileSync(file, toHtml(report));
  url = pathToFileURL(file).href;
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
    await expect.poll(() => page.locator('#findings tr[data-rule="EST-ST-003"]').innerText()).toContain("Remediation: Set `allowBlobPublicAccess: false`");
    expect(await page.locator("#waivers").innerText()).toContain("platform-team@contoso.com");
    expect(await page.locator("header").innerText()).toContain("profile prod");

    await page.selectOption("#f-severity", "critical");
    const critical = report.results.filter((r) => r.status !== "pass" && r.severity === "critical").length;
    expect(await visible().count()).toBe(critical);
    expect(await visible().evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.severity))).toEqual(Array(critical).fill("critical"));

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
});
