/**
 * The policy pack for the real engine: `pulumi preview --policy-pack policies` (loaded through
 * `entry.cjs`). The stack and its profile come from ESTATE_STACK / ESTATE_PROFILE when
 * `estate preview --cloud` and `estate up` set them, otherwise from what the engine gives every
 * policy pack: the stack name (PULUMI_NODEJS_STACK) and the stack's config (PULUMI_CONFIG, whose
 * `estate:profile` names the profile). Without either, the strictest profile, prod, applies.
 * Per-rule enforcement can still be overridden with Pulumi's own `--policy-pack-config`.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PolicyPack } from "@pulumi/policy";
import { isProfile } from "./evaluate.js";
import { PROFILES } from "./model.js";
import { enginePolicies } from "./pulumi.js";
import { RULES } from "./rules/index.js";
import { loadStackPolicy } from "./settings.js";

/** The stack config the engine hands a policy pack: flat `namespace:key` -> text, as a program gets it. */
function engineStackConfig(): Record<string, string> {
  const text = process.env.PULUMI_CONFIG;
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch (error) {
    throw new Error(`PULUMI_CONFIG is not the JSON object the Pulumi engine passes: ${(error as Error).message}`);
  }
}

const profileSource =
  process.env.ESTATE_PROFILE !== undefined ? "ESTATE_PROFILE" : "the stack's estate:profile (PULUMI_CONFIG)";
const profile = process.env.ESTATE_PROFILE ?? engineStackConfig()["estate:profile"] ?? "prod";
if (!isProfile(profile))
  throw new Error(`${profileSource} is ${JSON.stringify(profile)}; expected one of ${PROFILES.join(", ")}`);
const stack = process.env.ESTATE_STACK ?? process.env.PULUMI_NODEJS_STACK ?? process.env.PULUMI_STACK ?? "";
const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// The same settings and scoped waivers as `estate plan` and `estate policy` use for this stack.
const { settings, waivers } = loadStackPolicy(projectDir, RULES, { stack, profile });

new PolicyPack("estate", {
  description: "Estate's Azure web estate rules: security, reliability, operations and cost",
  policies: enginePolicies(RULES, { profile, stack, waivers, policySettings: settings.values }),
});
