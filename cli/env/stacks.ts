import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { CostReport } from "../cost/estimate.js";
import { listStacks, readStackFile } from "../../stacks/config/stackfile.js";
import { defaultOutDir } from "../plan/write.js";
import { EPHEMERAL_PREFIX } from "./names.js";

/** One ephemeral environment as `env list` and `env gc` see it. */
export interface EphemeralStack {
  stack: string;
  name: string;
  /** Where it was found: a local stack file, the backend, or both. */
  source: "file" | "backend" | "file+backend";
  profile?: string;
  owner?: string;
  createdAt?: string;
  expiresAt?: string;
  sourceBranch?: string;
  /** Fixed cost per day from the last offline estimate (.estate/<stack>/cost.json). */
  dailyCost?: number;
  /** Why its stack file could not be read: it is listed, never collected, and the command fails at the end. */
  unreadable?: string;
}

/** Pulumi's flat config (`estate:tags` as JSON text), from a stack file or the backend. */
export function describeStack(
  stack: string,
  config: Record<string, unknown>,
  source: EphemeralStack["source"],
): EphemeralStack {
  const text = (key: string) => (typeof config[key] === "string" ? (config[key] as string) : undefined);
  let tags: Record<string, string> = {};
  const rawTags = config["estate:tags"];
  if (rawTags && typeof rawTags === "object") tags = rawTags as Record<string, string>;
  else if (typeof rawTags === "string") {
    try {
      tags = JSON.parse(rawTags);
    } catch {
      tags = {};
    }
  }
  return {
    stack,
    name: stack.slice(EPHEMERAL_PREFIX.length),
    source,
    profile: text("estate:profile"),
    owner: text("estate:owner"),
    expiresAt: text("estate:expiresAt"),
    createdAt: tags["created-at"],
    sourceBranch: tags["source-branch"],
  };
}

/** Ephemeral stacks that have a stack file here, with the daily cost of their last estimate. */
export function localEphemeralStacks(projectDir: string): EphemeralStack[] {
  return listStacks(projectDir)
    .filter((stack) => stack.startsWith(EPHEMERAL_PREFIX))
    .map((stack) => {
      try {
        return {
          ...describeStack(stack, readStackFile(projectDir, stack).section, "file"),
          dailyCost: lastDailyCost(projectDir, stack),
        };
      } catch (error) {
        // One broken file must not hide the others from `env list` or stop a scheduled `env gc`.
        return { ...describeStack(stack, {}, "file"), unreadable: (error as Error).message };
      }
    });
}

function lastDailyCost(projectDir: string, stack: string): number | undefined {
  const file = path.join(defaultOutDir(projectDir, stack), "cost.json");
  if (!existsSync(file)) return undefined;
  let total: Partial<CostReport["total"]> | undefined;
  try {
    total = (JSON.parse(readFileSync(file, "utf8")) as CostReport).total;
  } catch {
    return undefined; // a damaged estimate is no estimate
  }
  // A floor is not a daily cost: with unpriced resources the cost is unknown.
  return total?.complete === false ? undefined : total?.daily;
}

/** Expired: its expiry has passed. Stacks without a readable expiry never are (gc leaves them alone). */
export function isExpired(stack: EphemeralStack, now: Date): boolean {
  if (stack.profile !== "ephemeral" || !stack.expiresAt) return false;
  const expiry = Date.parse(stack.expiresAt);
  return Number.isFinite(expiry) && expiry <= now.getTime();
}

export const isLive = (stack: EphemeralStack, now: Date) => stack.profile === "ephemeral" && !isExpired(stack, now);
