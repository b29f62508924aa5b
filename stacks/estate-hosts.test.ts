import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../cli/plan/schema.js";
import { planConfig } from "../cli/plan/stack.js";
import { DEV_STACK as DEV } from "../test/config.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { loadHostedServices } from "./services.js";

/** A project hosting the given services, each `services/<name>/manifest.json`, with a built site for static ones. */
function project(manifests: Array<Record<string, unknown>>): string {
  const root = mkdtempSync(path.join(tmpdir(), "estate-hosts-"));
  writeFileSync(path.join(root, "Pulumi.yaml"), "name: estate\nruntime: nodejs\n");
  for (const manifest of manifests) {
    const dir = path.join(root, "services", String(manifest.name));
    mkdirSync(path.join(dir, "dist"), { recursive: true });
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    writeFileSync(path.join(dir, "dist", "index.html"), `<!doctype html><title>${String(manifest.name)}</title>`);
  }
  return root;
}

const SITE = { name: "web", kind: "static-site", build: "dist" };

describe("a static-site service in the dev estate", () => {
  let plan: Plan;
  beforeAll(async () => {
    const edge = { "estate:edge": JSON.stringify({ customDomains: ["www.contoso.com"] }) };
    plan = await planConfig({ projectDir: project([SITE]), stack: "dev", config: { ...DEV, ...edge }, secretKeys: [] });
  });
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);

  it("is a Static Web App with the dev profile's settings, its build output uploaded", () => {
    const [site] = ofType("azure-native:web:StaticSite");
    expect(site.inputs).toMatchObject({ location: "westeurope", sku: { name: "Standard" }, stagingEnvironmentPolicy: "Enabled" });
    const upload = ofType("command:local:Command").find((c) => String(c.inputs.create).includes("static-web-apps-cli"))!;
    expect(upload.inputs.environment).toMatchObject({ SITE_FOLDER: expect.stringMatching(/^\.estate\/sites\/[0-9a-f]{16}$/) });
  });

  it("is Front Door's static origin: everything but /api/* goes to it, cached", () => {
    const [site] = ofType("azure-native:web:StaticSite");
    const origin = ofType("azure-native:cdn:AFDOrigin").find((o) => o.inputs.originName === "site")!;
    expect(origin.inputs.hostName).toBe(site.outputs.defaultHostname);
    const routes = Object.fromEntries(ofType("azure-native:cdn:Route").map((r) => [r.inputs.routeName, r.inputs]));
    expect(routes.static).toMatchObject({ patternsToMatch: ["/*"] });
    expect(routes.api).toMatchObject({ patternsToMatch: ["/api/*"] });
    expect(plan.outputs.siteHostNames).toEqual({ web: site.outputs.defaultHostname });
  });

  it("answers on the stack's custom domains at Front Door, with managed certificates on every route", () => {
    const [domain] = ofType("azure-native:cdn:AFDCustomDomain");
    expect(domain.inputs).toMatchObject({ hostName: "www.contoso.com", tlsSettings: { certificateType: "ManagedCertificate", minimumTlsVersion: "TLS12" } });
    for (const route of ofType("azure-native:cdn:Route")) expect(route.inputs.customDomains).toEqual([{ id: domain.outputs.id }]);
  });

  it("gets no App Service plan or package: nothing of it runs on App Service", () => {
    expect(ofType("azure-native:web:WebApp")).toEqual([]);
    expect(ofType("command:local:Command").filter((c) => String(c.inputs.create).includes("az storage blob upload"))).toEqual([]);
  });
});

describe("services the stack cannot host are refused before anything is declared", () => {
  const refused = async (manifests: Array<Record<string, unknown>>, raw: Record<string, string> = DEV) => {
    const error = await loadHostedServices(project(manifests), loadConfig(raw, { stack: "dev" }), "dev").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
  };

  it("a static site in a region without Static Web Apps, unless the stack names one", async () => {
    const east = { ...DEV, "estate:location": "eastus" };
    expect(await refused([SITE], east)).toEqual([
      expect.stringMatching(/^estate:hosts\.staticSites\.region: service web \(services\/web\/manifest\.json\) is a static site and Static Web Apps has no region eastus; set one of centralus, eastus2/),
    ]);
    const named = { ...east, "estate:hosts": JSON.stringify({ staticSites: { region: "eastus2" } }) };
    await expect(loadHostedServices(project([SITE]), loadConfig(named, { stack: "dev" }), "dev")).resolves.toHaveLength(1);
  });

  it("a second static site, and a container service", async () => {
    const found = await refused([SITE, { ...SITE, name: "admin" }, { name: "events", kind: "container", image: "events:1.0.0", port: 8080 }]);
    expect(found).toEqual([
      'estate:services: services/events/manifest.json: kind "container" cannot be hosted by this stack; its tiers host function-app, web-app, static-site',
      expect.stringMatching(/^kind: service web .* is a second static site; an estate serves one \(admin\)/),
    ]);
  });
});
