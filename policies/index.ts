/**
 * The policy pack for the real engine: `pulumi preview --policy-pack policies`. The profile and
 * stack come from ESTATE_PROFILE / ESTATE_STACK (set by `estate preview --cloud` and `estate up`);
 * without them the strictest profile, prod, applies. Per-rule enforcement can still be overridden
 * with Pulumi's own `--policy-pack-config`.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PolicyPack } from "@pulumi/policy";
import { isProfile } from "./evaluate.js";
import { PROFILES } from "./model.js";
import { enginePolicies } from "./pulumi.js";
import { RULES } from "./rules/index.js";
import { loadStackPolicy } from "./settings.js";

const profile = process.env.ESTATE_PROFILE ?? "prod";
if (!isProfile(profile)) throw new Error(`ESTATE_PROFILE is ${JSON.stringify(profile)}; expected one of ${PROFILES.join(", ")}`);
const stack = process.env.ESTATE_STACK ?? "";
const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// The same settings and scoped waivers as `estate plan` and `estate policy` use for this stack.
const { settings, waivers } = loadStackPolicy(projectDir, RULES, { stack, profile });

new PolicyPack("estate", {
  description: "Estate's Azure web estate rules: security, reliability, operations and cost",
  policies: enginePolicies(RULES, { profile, stack, waivers, policySettings: settings.values }),
});
