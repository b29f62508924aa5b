/**
 * The policy pack as the Pulumi engine runs it: `policies/` started the way the CLI starts a Node
 * policy pack (its `pulumi-analyzer-policy` shim runs `@pulumi/pulumi/cmd/run-policy-pack` with the
 * engine address, the pack folder and PulumiPolicy.yaml's runtime options as `-key=value`, in the
 * pack's folder, with the stack's config and name in the environment), then spoken to over the
 * Analyzer gRPC service with the dev plan's resources encoded as the engine sends them. Its verdicts
 * must be the offline evaluation's (`estate policy dev`), waivers and enforcement included.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Plan } from "../../cli/plan/schema.js";
import { planStack } from "../../cli/plan/stack.js";
import { readStackFile } from "../../stacks/config/stackfile.js";
import { evaluateWithProject } from "../../cli/reports/policy.js";
import { REPO_ROOT } from "../../cli/testing/project.js";
import type { PolicyReport } from "../../policies/evaluate.js";
import { PACK_VERSION } from "../../policies/model.js";
import { engineResources, unknownCount, type EngineResource, type Phase } from "./engine-view.js";
import { startEngine, type TestEngine } from "./monitor.js";
import { analyzerGrpc, analyzerPb, call, empty, grpc, startPlugin, toStruct, type PluginProcess } from "./protocol.js";

const STACK = "dev";

/** Waivers added to the repository's for this test: one expired, one that waives an advisory finding, one matching nothing. */
const EXTRA_WAIVERS = `waivers:
  - rule: EST-WAF-002
    resource: "edge-waf"
    reason: Detection mode while the rule exclusions are tuned
    owner: platform-team@contoso.com
    expires: 2026-01-01
  - rule: EST-KV-003
    resource: "data-keyvault-vault"
    reason: The dev vault is recreated under the same name after each teardown
    owner: platform-team@contoso.com
    expires: 2027-01-31
  - rule: EST-ST-003
    resource: "st-that-was-renamed"
    reason: Public blob access for the static site while it moves to Front Door
    owner: platform-team@contoso.com
    expires: 2027-01-31
`;

/**
 * A project folder whose policies/ is a copy of the repository's plus EXTRA_WAIVERS: the pack reads
 * settings and waivers from the project it sits in, as `estate policy` does.
 */
function packProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "estate-policy-pack-"));
  cpSync(path.join(REPO_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  writeFileSync(path.join(dir, "policies", `waivers.${STACK}.yaml`), EXTRA_WAIVERS);
  for (const linked of ["infra", "node_modules"])
    symlinkSync(path.join(REPO_ROOT, linked), path.join(dir, linked), "dir");
  return dir;
}

/** PulumiPolicy.yaml's runtime options as the engine passes them to the shim, which splits them on spaces (`$@`). */
function runtimeOptionArgs(packDir: string): string[] {
  const doc = parse(readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8")) as {
    runtime: { options?: Record<string, unknown> };
  };
  return Object.entries(doc.runtime.options ?? {}).flatMap(([key, value]) => `-${key}=${String(value)}`.split(" "));
}

function startPack(packDir: string, engineAddress: string, config: Record<string, string>): PluginProcess {
  // The shim resolves run-policy-pack from the pack's folder.
  const runPolicyPack = createRequire(path.join(packDir, "package.json")).resolve("@pulumi/pulumi/cmd/run-policy-pack");
  const env: NodeJS.ProcessEnv = { ...process.env };
  // What `estate up` adds is left out: the pack must learn the stack from what the engine gives every pack.
  delete env.ESTATE_STACK;
  delete env.ESTATE_PROFILE;
  Object.assign(env, {
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_NODEJS_PROJECT: "estate",
    PULUMI_NODEJS_STACK: STACK,
    PULUMI_NODEJS_DRY_RUN: "true",
    PULUMI_PROJECT: "estate",
    PULUMI_STACK: STACK,
    PULUMI_DRY_RUN: "true",
  });
  return startPlugin(process.execPath, [runPolicyPack, engineAddress, ".", ...runtimeOptionArgs(packDir)], {
    cwd: packDir,
    env,
  });
}

const ENFORCEMENT = Object.fromEntries(
  Object.entries(analyzerPb.EnforcementLevel as Record<string, number>).map(([name, value]) => [
    value,
    name.toLowerCase(),
  ]),
);
const SEVERITY = Object.fromEntries(
  Object.entries(analyzerPb.PolicySeverity as Record<string, number>).map(([name, value]) => [
    value,
    name.replace("POLICY_SEVERITY_", "").toLowerCase(),
  ]),
);

interface Diagnostic {
  rule: string;
  urn: string;
  enforcement: string;
  severity: string;
  message: string;
}

function diagnostics(response: any, urn = ""): Diagnostic[] {
  return response.getDiagnosticsList().map((d: any) => {
    const prefix = `${d.getDescription()}\n`;
    const message: string = d.getMessage();
    return {
      rule: d.getPolicyname(),
      urn: d.getUrn() || urn,
      enforcement: ENFORCEMENT[d.getEnforcementlevel()],
      severity: SEVERITY[d.getSeverity()],
      // The pack prefixes every violation with the policy's description.
      message: message.startsWith(prefix) ? message.slice(prefix.length) : message,
    };
  });
}

function analyzeRequest(resource: EngineResource): any {
  return new analyzerPb.AnalyzeRequest()
    .setUrn(resource.urn)
    .setType(resource.type)
    .setName(resource.name)
    .setProperties(toStruct(resource.inputs))
    .setOptions(new analyzerPb.AnalyzerResourceOptions().setParent(resource.parent));
}

function analyzeStackRequest(resources: EngineResource[]): any {
  const request = new analyzerPb.AnalyzeStackRequest();
  for (const resource of resources) {
    const entry = new analyzerPb.AnalyzerResource()
      .setUrn(resource.urn)
      .setType(resource.type)
      .setName(resource.name)
      .setProperties(toStruct(resource.state))
      .setOptions(new analyzerPb.AnalyzerResourceOptions().setParent(resource.parent))
      .setParent(resource.parent)
      .setDependenciesList(resource.dependencies);
    for (const [key, urns] of Object.entries(resource.propertyDependencies))
      entry.getPropertydependenciesMap().set(key, new analyzerPb.AnalyzerPropertyDependencies().setUrnsList(urns));
    request.addResources(entry);
  }
  return request;
}

/** One verdict per rule and resource, as text: rule, resource, enforcement, severity, message. */
type Verdicts = string[];

const verdictLine = (rule: string, resource: string, enforcement: string, severity: string, message: string) =>
  `${rule} ${resource} [${enforcement}/${severity}] ${message}`;

/** The offline failures; findings about no resource of the plan (stack outputs) are "(stack)". */
function offlineVerdicts(report: PolicyReport, plan: Plan): Verdicts {
  const urns = new Set(plan.resources.map((r) => r.urn));
  return report.results
    .filter((result) => result.status === "fail")
    .map((result) => {
      const resource =
        urns.has(result.resource.urn) || result.resource.urn.startsWith("waiver:") ? result.resource.urn : "(stack)";
      return verdictLine(result.ruleId, resource, result.enforcement, result.severity, result.message ?? "");
    })
    .sort();
}

/**
 * The engine's diagnostics as verdicts: one stack policy may report several findings on one
 * resource, which the offline report joins with "; ". An expired waiver concerns no resource: the
 * pack names its source in the message, where the offline report makes it the resource.
 */
function engineVerdicts(found: Diagnostic[]): Verdicts {
  const grouped = new Map<string, { d: Diagnostic; messages: string[] }>();
  for (const d of found) {
    let resource = d.urn || "(stack)";
    let message = d.message;
    const waiver = /^waiver (\S+) (for .*)$/s.exec(message);
    if (!d.urn && waiver) [resource, message] = [`waiver:${waiver[1]}`, `waiver ${waiver[2]}`];
    const key = `${d.rule} ${resource} ${d.enforcement} ${d.severity}`;
    const entry = grouped.get(key) ?? grouped.set(key, { d: { ...d, urn: resource }, messages: [] }).get(key)!;
    entry.messages.push(message);
  }
  return [...grouped.values()]
    .map(({ d, messages }) => verdictLine(d.rule, d.urn, d.enforcement, d.severity, messages.join("; ")))
    .sort();
}

const CANT_RUN = /^can't run policy '([^']+)' from policy pack .* during preview/;

describe("the policy pack over the engine's Analyzer protocol", () => {
  let projectDir: string;
  let plan: Plan;
  let report: PolicyReport;
  let engine: TestEngine;
  let pack: PluginProcess;
  let client: any;

  beforeAll(async () => {
    projectDir = packProject();
    plan = await planStack({ projectDir: REPO_ROOT, stack: STACK });
    report = evaluateWithProject(projectDir, plan);
    engine = await startEngine();
    pack = startPack(path.join(projectDir, "policies"), engine.address, readStackFile(REPO_ROOT, STACK).config);
    const port = await pack.port;
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    // As the engine does right after the handshake: the stack it runs for.
    const configure = new analyzerPb.AnalyzerStackConfigureRequest()
      .setStack(STACK)
      .setProject("estate")
      .setOrganization("organization")
      .setDryRun(true);
    for (const [key, value] of Object.entries(readStackFile(REPO_ROOT, STACK).config))
      configure.getConfigMap().set(key, value);
    await call(client, "configureStack", configure);
  });

  afterAll(async () => {
    client?.close();
    await pack?.stop();
    await engine?.stop();
    if (projectDir) rmSync(projectDir, { recursive: true, force: true });
  });

  /** Every Analyze (one per resource) and the AnalyzeStack of one operation. */
  async function analyzeAll(phase: Phase): Promise<{ resources: EngineResource[]; found: Diagnostic[] }> {
    const resources = engineResources(plan, phase);
    const perResource = await Promise.all(
      resources.map(async (resource) =>
        diagnostics(await call(client, "analyze", analyzeRequest(resource)), resource.urn),
      ),
    );
    const stack = diagnostics(await call(client, "analyzeStack", analyzeStackRequest(resources)));
    return { resources, found: [...perResource.flat(), ...stack] };
  }

  it("prints only its port first on stdout, and describes each rule with the dev profile's enforcement", async () => {
    expect(pack.output().stdout.split("\n")[0]).toMatch(/^\d+$/);
    const info: any = await call(client, "getAnalyzerInfo", empty());
    expect(info.getName()).toBe("estate");
    expect(info.getVersion()).toBe(PACK_VERSION);
    const engineRules = Object.fromEntries(
      info
        .getPoliciesList()
        .map((p: any) => [p.getName(), `${ENFORCEMENT[p.getEnforcementlevel()]}/${SEVERITY[p.getSeverity()]}`]),
    );
    const offlineRules = Object.fromEntries(
      report.rules.map((rule) => [rule.id, `${rule.enforcement}/${rule.severity}`]),
    );
    expect(engineRules).toEqual(offlineRules);
  });

  it("gives the offline verdicts when every value is known (`pulumi up`), waivers and enforcement included", async () => {
    const { found } = await analyzeAll("update");
    expect(engineVerdicts(found)).toEqual(offlineVerdicts(report, plan));
    // The extra waivers took effect on both sides: one waived finding, one expired waiver failing the stack.
    expect(report.results.filter((r) => r.status === "waived").map((r) => r.ruleId)).toContain("EST-KV-003");
    expect(found.filter((d) => d.rule === "EST-WVR-001").map((d) => d.enforcement)).toEqual(["mandatory"]);
    expect(found.filter((d) => d.rule === "EST-WVR-002").map((d) => d.enforcement)).toEqual(["advisory"]);
  });

  it("during preview, judges what is known as offline and says which rules cannot run on unknown values", async () => {
    const { resources, found } = await analyzeAll("preview");
    expect(unknownCount(resources)).toBeGreaterThan(0);
    const cantRun = found.filter((d) => CANT_RUN.test(d.message));
    for (const d of cantRun) expect(d.enforcement, d.message).toBe("advisory");
    const judged = found.filter((d) => !CANT_RUN.test(d.message));
    const offline = offlineVerdicts(report, plan);
    // Nothing the pack reports is unknown to the offline evaluation...
    for (const line of engineVerdicts(judged)) expect(offline, line).toContain(line);
    // ...and every offline failure is reported, or its rule said it could not run on that resource.
    const reported = new Set(engineVerdicts(judged));
    const skipped = new Set(cantRun.map((d) => `${d.rule} ${d.urn || "(stack)"}`));
    const stackSkipped = new Set(cantRun.filter((d) => !d.urn).map((d) => d.rule));
    const missing = offline.filter((line) => {
      const [rule, resource] = line.split(" ");
      return !reported.has(line) && !skipped.has(`${rule} ${resource}`) && !stackSkipped.has(rule);
    });
    expect(missing).toEqual([]);
  });
});
