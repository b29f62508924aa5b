import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { evaluate, planGraph } from "../../policies/evaluate.js";
import { RULES } from "../../policies/rules/index.js";
import { T } from "../../policies/types.js";
import { BASE, endpointOf, ofType, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { Edge } from "../edge/index.js";
import { contentTypeOf, DEFAULT_CONTENT_TYPE } from "./content.js";
import { StorageWebsite, type StorageWebsiteArgs } from "./index.js";
import { PREVIOUS_VERSION_DAYS } from "./storage-website.js";

const DEPLOYER = "00000000-0000-0000-0000-00000000d3b1";

/** A project with a built site in `web/dist`. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "estate-website-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, "web/dist", file)), { recursive: true });
    writeFileSync(path.join(root, "web/dist", file), text);
  }
  return root;
}

const SITE_FILES = {
  "index.html": "<!doctype html><title>app</title>",
  "assets/app-3f9a.js": "console.log(1)",
  "assets/app-3f9a.css": "body{margin:0}",
  "LICENSE.unknownext": "MIT",
};

const args = (rootDir: string, extra: Partial<StorageWebsiteArgs> = {}): StorageWebsiteArgs => ({
  ...BASE,
  name: "web",
  content: { folder: "web/dist", rootDir },
  redundancy: "ZRS",
  softDeleteDays: 7,
  privateEndpoint: PRIVATE_ENDPOINT,
  deployerPrincipalId: DEPLOYER,
  ...extra,
});

let root: string;
let plan: Plan;
beforeAll(async () => {
  root = project(SITE_FILES);
  plan = await planComponents(() => ({ host: websiteBehind("Premium") }));
});

/** A website for the built site, the site origin of a Front Door of that tier over Private Link; its host name. */
function websiteBehind(sku: "Standard" | "Premium") {
  const website = new StorageWebsite("website", args(root));
  new Edge("edge", {
    ...BASE,
    sku,
    origin: { hostName: "apim-test.azure-api.net" },
    waf: { mode: "Prevention", enabled: true, managedRules: sku === "Premium", rateLimitPerMinute: 600 },
    cachedPaths: ["/assets/*"],
    staticSite: { hostName: website.defaultHostname, privateLink: website.privateLinkOrigin },
  });
  return website.defaultHostname;
}

const account = () => oneOfType(plan, T.storageAccount);

describe("StorageWebsite", () => {
  it("is an Entra-only, private StorageV2 account: HTTPS, TLS 1.2, no shared key, no anonymous blobs", () => {
    expect(account().inputs).toMatchObject({
      accountName: expect.stringMatching(/^stestatetestweuweb[a-z0-9]{6}$/),
      kind: "StorageV2",
      sku: { name: "Standard_ZRS" },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      publicNetworkAccess: "Disabled",
      networkRuleSet: { defaultAction: "Deny" },
    });
    const endpoint = endpointOf(plan, account().outputs.id);
    expect(endpoint?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["blob"] }),
    ]);
  });

  it("expires the versions deployments overwrite after a month, and never archives a file it serves", () => {
    const [rule] = (oneOfType(plan, T.storagePolicy).inputs.policy as any).rules;
    expect(rule.definition.actions).toEqual({
      version: { delete: { daysAfterCreationGreaterThan: PREVIOUS_VERSION_DAYS } },
    });
    expect(oneOfType(plan, T.blobService).inputs).toMatchObject({
      isVersioningEnabled: true,
      deleteRetentionPolicy: { enabled: true, days: 7 },
    });
  });

  it("serves index.html as the index and the not-found page, from $web", () => {
    expect(oneOfType(plan, T.staticWebsite).inputs).toMatchObject({
      accountName: account().outputs.name ?? account().inputs.accountName,
      indexDocument: "index.html",
      error404Document: "index.html",
    });
    expect(plan.outputs.host).toMatch(/^stestatetestweuweb[a-z0-9]{6}\.z6\.web\.core\.windows\.net$/);
  });

  it("uploads every file of the snapshot as a block blob in $web with its content type, after the deployer may write", () => {
    const blobs = ofType(plan, T.blob);
    expect(Object.fromEntries(blobs.map((b) => [b.inputs.blobName, b.inputs.contentType]))).toEqual({
      "LICENSE.unknownext": DEFAULT_CONTENT_TYPE,
      "assets/app-3f9a.css": "text/css; charset=utf-8",
      "assets/app-3f9a.js": "text/javascript; charset=utf-8",
      "index.html": "text/html; charset=utf-8",
    });
    for (const blob of blobs) expect(blob.inputs).toMatchObject({ containerName: "$web", type: "Block" });
    const grant = ofType(plan, T.roleAssignment).find((r) => r.inputs.principalId === DEPLOYER)!;
    expect(grant.inputs.scope).toBe(`${account().outputs.id}/blobServices/default/containers/$web`);
    for (const blob of blobs) expect(blob.dependsOn).toContain(grant.urn);
  });

  it("uploads from the snapshot named by the content's hash, the same files giving the same plan", async () => {
    const index = ofType(plan, T.blob).find((b) => b.inputs.blobName === "index.html")!;
    const source = JSON.stringify(index.inputs.source);
    expect(source).toMatch(/\.estate\/sites\/[0-9a-f]{16}\/index\.html/);
    const snapshot = source.match(/(\.estate\/sites\/[0-9a-f]{16})/)![1];
    expect(readFileSync(path.join(root, snapshot, "index.html"), "utf8")).toBe(SITE_FILES["index.html"]);
  });

  it("is Front Door's site origin over Private Link to its web endpoint, with the site's caching rules", () => {
    const origin = ofType(plan, "azure-native:cdn:AFDOrigin").find((o) => o.inputs.originName === "site")!;
    expect(origin.inputs).toMatchObject({
      hostName: plan.outputs.host,
      originHostHeader: plan.outputs.host,
      sharedPrivateLinkResource: { privateLink: { id: account().outputs.id }, groupId: "web" },
    });
    const rules = ofType(plan, "azure-native:cdn:Rule").map((r) => r.inputs.ruleName);
    expect(rules).toEqual(["assets", "pages"]);
  });

  it("passes the storage rules of the pack in prod", () => {
    const ours = RULES.filter((rule) => rule.id.startsWith("EST-ST-"));
    const report = evaluate(
      planGraph(plan),
      { stack: "unit", profile: "prod", planCreatedAt: plan.createdAt },
      { rules: ours },
    );
    const failed = report.results.filter((r) => r.status === "fail" && r.enforcement === "mandatory");
    expect(failed).toEqual([]);
    expect(report.results.length).toBeGreaterThan(0);
  });
});

describe("refused before anything is declared", () => {
  it("a build folder without index.html", async () => {
    const bare = project({ "app.js": "1" });
    await expect(planComponents(() => void new StorageWebsite("website", args(bare)))).rejects.toThrow(
      /build folder web\/dist has no index\.html at its root/,
    );
  });

  it("a private link site origin on Front Door Standard", async () => {
    await expect(planComponents(() => void websiteBehind("Standard"))).rejects.toThrow(
      /private link origin needs sku Premium/,
    );
  });
});

describe("content types", () => {
  it("come from the fixed table by lowercase extension, bytes otherwise", () => {
    expect(contentTypeOf("a/B.SVG")).toBe("image/svg+xml");
    expect(contentTypeOf("font.woff2")).toBe("font/woff2");
    expect(contentTypeOf("Makefile")).toBe(DEFAULT_CONTENT_TYPE);
  });
});
