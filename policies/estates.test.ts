import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { envUp } from "../cli/env/env.js";
import { loadSettings as loadEnvSettings } from "../cli/env/settings.js";
import { planStack } from "../cli/plan/stack.js";
import { projectCopy } from "../cli/testing/project.js";
import { evaluatePlan, isProfile } from "./evaluate.js";
import { RULES } from "./rules/index.js";
import { loadStackPolicy, parseSettings, resolveSettings } from "./settings.js";

/**
 * Mandatory violations of the default estates that are reported to the owning component and not
 * yet fixed, as `stack rule resource`. Never add to this list to make a test pass: fix the
 * component. Fixed entries may stay until someone removes them; new violations fail the test.
 */
const REPORTED_TO_OWNERS = new Set<string>([]);

/** A throwaway copy of the project (its policies/ linked, so the real settings and waivers apply) with the stacks users make. */
let projectDir: string;

function copyOfDev(stack: string, change: (config: Record<string, unknown>) => void = () => {}): void {
  const doc = parse(readFileSync(path.join(projectDir, "Pulumi.dev.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  change(doc.config);
  writeFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), stringify(doc));
}

beforeAll(async () => {
  projectDir = projectCopy(["dev", "prod"]);
  copyOfDev("staging");
  copyOfDev("eastus", (config) => void (config["estate:location"] = "eastus"));
  // Exactly what `estate env up pr1 --offline` writes, from dev, by the same code.
  await envUp(
    { projectDir, settings: loadEnvSettings(projectDir), now: () => new Date() },
    { name: "pr1", ttl: "8h", owner: "dev@contoso.com", branch: "feature/pr1" },
  );
}, 60_000);

async function judge(stack: string) {
  const plan = await planStack({ projectDir, stack });
  if (!isProfile(plan.profile)) throw new Error(`unexpected profile ${plan.profile}`);
  const { settings, waivers } = loadStackPolicy(projectDir, RULES, { stack, profile: plan.profile });
  return { plan, report: evaluatePlan(plan, { settings, waivers }) };
}

const mandatory = (report: ReturnType<typeof evaluatePlan>) =>
  report.results
    .filter((result) => result.status === "fail" && result.enforcement === "mandatory")
    .map((result) => `${report.stack} ${result.ruleId} ${result.resource.name}`);

// Plans run one after another: Pulumi's mock runtime is per process.
describe.sequential("the estates users make", () => {
  it.each([
    ["dev", "dev"],
    ["prod", "prod"],
    ["staging", "dev"],
    ["ephemeral-pr1", "ephemeral"],
    ["eastus", "dev"],
  ] as const)(
    "%s (profile %s) has no mandatory violation beyond those reported to owners",
    async (stack, profile) => {
      const { plan, report } = await judge(stack);
      expect(plan.profile).toBe(profile);
      expect(report.results.length).toBeGreaterThan(100);
      expect(mandatory(report).filter((finding) => !REPORTED_TO_OWNERS.has(finding))).toEqual([]);
      expect(
        report.waivers.every((waiver) => waiver.status === "active"),
        JSON.stringify(report.waivers.map((w) => [w.rule, w.status])),
      ).toBe(true);
      if (profile !== "prod") {
        // The Service Bus waivers are scoped to the dev and ephemeral profiles, not to the stack name dev.
        expect(report.results.filter((r) => r.status === "waived").map((r) => r.ruleId)).toEqual(
          expect.arrayContaining(["EST-STK-001", "EST-STK-005"]),
        );
      }
    },
    60_000,
  );

  it("ephemeral-pr1 was judged on its own stack file, with an expiry the ephemeral rules check", () => {
    const doc = parse(readFileSync(path.join(projectDir, "Pulumi.ephemeral-pr1.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    expect(doc.config["estate:profile"]).toBe("ephemeral");
    expect(Date.parse(String(doc.config["estate:expiresAt"]))).toBeGreaterThan(Date.now());
  });

  it("refuses, through EST-GEN-003, a stack whose settings narrow the allowed regions, outside them", async () => {
    const plan = await planStack({ projectDir, stack: "eastus" });
    const file = parseSettings(
      `stacks:\n  "east*":\n    allowedRegions: [westeurope, northeurope]\n`,
      "policies/settings.yaml",
    );
    const settings = resolveSettings(file, { stack: "eastus", profile: "dev" });
    expect(settings.from).toEqual(["policies/settings.yaml#stacks.east*"]);
    const report = evaluatePlan(plan, { settings });
    const refused = report.results.filter((r) => r.ruleId === "EST-GEN-003" && r.status === "fail");
    expect(refused.length).toBeGreaterThan(5);
    expect(
      refused.every(
        (r) =>
          r.enforcement === "mandatory" &&
          /location is "eastus"; allowed by the policy settings: westeurope, northeurope/.test(r.message!),
      ),
    ).toBe(true);
    expect(report.settings.allowedRegions).toEqual(["westeurope", "northeurope"]);
    // The same settings let westeurope (dev) through.
    const dev = evaluatePlan(await planStack({ projectDir, stack: "dev" }), {
      settings: resolveSettings(file, { stack: "dev", profile: "dev" }),
    });
    expect(dev.results.filter((r) => r.ruleId === "EST-GEN-003" && r.status === "fail")).toEqual([]);
  }, 60_000);
});
