import { createHash } from "node:crypto";
import { CHOSEN_NAME_RULES } from "../../infra/naming/rules.js";

/** Words a stack name often spells out, and the short form names use (CAF's usual environment abbreviations). */
const ENVIRONMENT_WORDS: Record<string, string> = {
  production: "prod",
  staging: "stg",
  development: "dev",
  testing: "test",
  sandbox: "sbx",
  preview: "prev",
  qualityassurance: "qa",
  integration: "int",
};
/** The environment segment's rule, shared by the schema and the derivation's own message. */
export const ENVIRONMENT_PATTERN = CHOSEN_NAME_RULES.environment.pattern;
export const ENVIRONMENT_RULE = CHOSEN_NAME_RULES.environment.allowed;
export const MAX_ENVIRONMENT = 8;
export const HASH_CHARS = 3;

/**
 * The environment segment of names, derived from the stack name: ephemeral stacks drop their
 * `ephemeral-` prefix; the name is split at `-`, `_` and `.`, long words are abbreviated
 * (`production` -> `prod`, `staging` -> `stg`) and the words joined (`staging-eu` -> `stgeu`).
 * A result longer than `maxLength` keeps its first characters and ends in 3 characters of a hash
 * of the whole stack name, so two long stack names do not end up with the same Azure names.
 * The result may still break the rule (a stack name starting with a digit): the config check
 * says so and asks for `estate:environment`.
 */
export function environmentFromStack(stack: string, maxLength = MAX_ENVIRONMENT): string {
  const words = stack
    .replace(/^ephemeral-/, "")
    .toLowerCase()
    .split(/[-_.]+/)
    .map((word) => word.replace(/[^a-z0-9]/g, ""))
    .filter(Boolean);
  const joined = words.map((word) => ENVIRONMENT_WORDS[word] ?? word).join("");
  if (joined.length <= maxLength) return joined;
  const hash = BigInt(`0x${createHash("sha256").update(stack).digest("hex").slice(0, 12)}`)
    .toString(36)
    .slice(-HASH_CHARS)
    .padStart(HASH_CHARS, "0");
  return `${joined.slice(0, maxLength - HASH_CHARS)}${hash}`;
}
