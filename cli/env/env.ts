import { existsSync, rmSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { runCloud, type CloudDeps, type CloudRun } from "../cloud/operation.js";
import { backendEnv, readBackend } from "../cloud/backend.js";
import { preflight } from "../cloud/preflight.js";
import { estimateCost, type CostReport } from "../cost/estimate.js";
import { loadPriceTable, type PriceTable } from "../cost/prices.js";
import { EstateError, UsageError } from "../errors.js";
import { ConfigError } from "../../stacks/config/errors.js";
import { EMAIL } from "../../stacks/config/contacts.js";
import { ProgramError } from "../plan/program-error.js";
import type { Plan } from "../plan/schema.js";
import { planConfig } from "../plan/stack.js";
import { flattenConfig, readStackFile, stackFilePath, type StackFile } from "../../stacks/config/stackfile.js";
import { defaultOutDir } from "../plan/write.js";
import { runPipeline } from "../pipeline.js";
import { EPHEMERAL_PREFIX, envName, formatDuration, parseDuration } from "./names.js";
import type { EphemeralSettings } from "./settings.js";
import { describeStack, isExpired, isLive, localEphemeralStacks, type EphemeralStack } from "./stacks.js";
import { byText } from "../output/order.js";

/** What every env command needs; `cloud` is absent in offline mode. Tests pass a fake clock and engine. */
export interface EnvContext {
  projectDir: string;
  settings: EphemeralSettings;
  now: () => Date;
  cloud?: CloudDeps;
  /** The price table the cost ceiling is checked with; the shipped one by default. */
  prices?: PriceTable;
}

/** Keys the ephemeral profile decides, or `env up` sets: never copied from the `--from` stack. */
const NOT_COPIED = ["estate:profile", "estate:environment", "estate:zoneRedundant", "estate:expiresAt", "estate:owner"];

export interface UpOptions {
  name: string;
  ttl?: string;
  from?: string;
  owner?: string;
  branch?: string;
}

export interface UpResult {
  stack: string;
  normalisedFrom?: string;
  expiresAt: string;
  plan: Plan;
  cost: CostReport;
  urls: Array<[string, string]>;
  /** `secure:` values of the source stack: encrypted for that stack, so not carried over. */
  droppedSecrets: string[];
  files: string[];
  cloud?: CloudRun;
}

/** Every ephemeral stack: local stack files, and in cloud mode the backend's (with its config). */
export async function listEphemeral(context: EnvContext): Promise<EphemeralStack[]> {
  const local = localEphemeralStacks(context.projectDir);
  if (!context.cloud) return local;
  const backend = readBackend(context.projectDir);
  const target = { projectDir: context.projectDir, env: backendEnv(backend) };
  // The backend is asked through the Pulumi CLI: a missing CLI or login gets its clear message first.
  await preflight({
    toolchain: context.cloud.toolchain,
    backendEnv: target.env,
    loginHint: backend?.loginCommand,
    needsLogin: true,
  });
  const remote = (await context.cloud.engine.listStacks(target)).filter((s) => s.name.startsWith(EPHEMERAL_PREFIX));
  const merged = new Map(local.map((s) => [s.stack, s]));
  for (const { name } of remote) {
    const known = merged.get(name);
    if (known) merged.set(name, { ...known, source: "file+backend" });
    else
      merged.set(
        name,
        describeStack(name, await context.cloud.engine.stackConfig({ ...target, stack: name }), "backend"),
      );
  }
  return [...merged.values()].sort((a, b) => byText(a.stack, b.stack));
}

/** URLs worth printing: top-level https outputs and app host names. */
export function urlsOf(outputs: Record<string, unknown>): Array<[string, string]> {
  const urls: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(outputs)) {
    if (typeof value === "string" && value.startsWith("https://")) urls.push([key, value]);
    if (key.endsWith("HostNames") && value && typeof value === "object") {
      for (const [app, host] of Object.entries(value)) urls.push([`${key}.${app}`, `https://${host}`]);
    }
  }
  return urls;
}

export async function envUp(context: EnvContext, options: UpOptions): Promise<UpResult> {
  const { settings, projectDir } = context;
  const env = envName(options.name);
  const ttlText = options.ttl ?? settings.defaultTtl;
  // Name the duration where it was written: the option, or estate.config.json's default.
  const ttlSource = options.ttl ? `--ttl ${ttlText}` : `estate.config.json ephemeral.defaultTtl ${ttlText}`;
  const ttl = parseDuration(ttlText);
  if (ttl === undefined) throw new UsageError(`${ttlSource}: expected a duration such as 8h, 90m or 2d`);
  if (ttl > parseDuration(settings.maxTtl)!)
    throw new UsageError(
      `${ttlSource} is longer than the allowed ${settings.maxTtl} (estate.config.json ephemeral.maxTtl)`,
    );
  const owner = options.owner;
  if (!owner) throw new UsageError("no owner: pass --owner, or set git config user.email or $USER");
  // The owner receives the environment's alerts and is its gateway's publisher: an address is needed.
  if (!EMAIL.test(owner))
    throw new UsageError(
      `--owner ${JSON.stringify(owner)}: expected the owner's email address, such as dev@contoso.com`,
    );
  const from = options.from ?? settings.from;
  if (from.startsWith(EPHEMERAL_PREFIX))
    throw new UsageError(`--from ${from}: start from a long-lived stack such as dev`);
  const source = readStackFile(projectDir, from);

  const now = context.now();
  const expiresAt = new Date(now.getTime() + ttl).toISOString().replace(/\.\d{3}Z$/, "Z");
  const sourceConfig = source.section;
  const copied = Object.entries(sourceConfig).filter(
    ([key]) => !NOT_COPIED.includes(key) && !source.secretKeys.includes(key),
  );
  const sourceTags = (sourceConfig["estate:tags"] as Record<string, string> | undefined) ?? {};
  // Running `env up` again refreshes the environment (a new expiry); it keeps its creation time.
  const existingFile = existsSync(stackFilePath(projectDir, env.stack))
    ? readStackFile(projectDir, env.stack)
    : undefined;
  const existing = existingFile && describeStack(env.stack, existingFile.section, "file");
  const config: Record<string, unknown> = {
    ...Object.fromEntries(copied),
    // Secrets set on the environment itself (`pulumi config set --secret <key> --stack <stack>`,
    // what a secret of the source that is not copied asks for) stay in its file.
    ...Object.fromEntries((existingFile?.secretKeys ?? []).map((key) => [key, existingFile!.section[key]])),
    "estate:profile": "ephemeral",
    "estate:owner": owner,
    "estate:expiresAt": expiresAt,
    "estate:tags": {
      ...sourceTags,
      "created-at": existing?.createdAt ?? now.toISOString().replace(/\.\d{3}Z$/, "Z"),
      ...(options.branch ? { "source-branch": options.branch } : {}),
    },
  };

  await checkLiveLimit(context, env.stack);
  // Plan from the config in memory: an environment refused for its cost leaves no trace.
  const plan = await planConfig({ projectDir, stack: env.stack, ...flattenConfig(config) }).catch((error: unknown) => {
    throw attributeConfigError(error, { from: source, ttlSource });
  });
  const cost = estimateCost(plan, context.prices ?? loadPriceTable());
  checkCostCeiling(context.settings, env.stack, cost);

  const header =
    `# Ephemeral environment ${env.name}: created by \`estate env up\` from ${from}, expires ${expiresAt}.\n` +
    `# \`estate env down ${env.name}\` removes it; \`estate env gc\` collects it once expired.\n`;
  const stackFile = stackFilePath(projectDir, env.stack);
  writeFileSync(stackFile, header + stringify({ config }));
  // One pipeline writes the run's plan.json, policy reports and cost.json: the cloud path's (with
  // the plan made above, not a second one), or the offline one's.
  const prices = context.prices;
  const cloud = context.cloud
    ? await runCloud("up", projectDir, env.stack, { ...context.cloud, prices }, plan)
    : undefined;
  const files = [
    stackFile,
    ...(cloud ? cloud.files : runPipeline(projectDir, defaultOutDir(projectDir, env.stack), plan, { prices }).files),
  ];
  return {
    stack: env.stack,
    normalisedFrom: env.normalisedFrom,
    expiresAt,
    plan,
    cost,
    urls: urlsOf(cloud?.outputs ?? plan.outputs),
    droppedSecrets: source.secretKeys,
    files,
    cloud,
  };
}

async function checkLiveLimit(context: EnvContext, stack: string): Promise<void> {
  const { settings } = context;
  const now = context.now();
  const others = (await listEphemeral(context)).filter((s) => s.stack !== stack && isLive(s, now));
  if (others.length >= settings.maxLiveStacks) {
    throw new EstateError(
      `Refusing ${stack}: ${others.length} ephemeral environments are live (${others.map((s) => s.name).join(", ")}) and the limit is ` +
        `${settings.maxLiveStacks} (estate.config.json ephemeral.maxLiveStacks). Run \`estate env down <name>\` or \`estate env gc\` first.`,
    );
  }
}

function checkCostCeiling(settings: EphemeralSettings, stack: string, cost: CostReport): void {
  if (!cost.total.complete) {
    const unpriced = cost.resources.filter((r) => r.status === "unknown");
    throw new EstateError(
      `Refusing ${stack}: ${unpriced.length} of its resources have no price, so its daily cost cannot be checked against the ceiling of ` +
        `${settings.maxDailyCost} ${cost.currency}/day (${unpriced
          .slice(0, 3)
          .map((r) => `${r.physicalName ?? r.name}: ${r.reason}`)
          .join("; ")}${unpriced.length > 3 ? "; ..." : ""}). ` +
        "Choose a region and SKUs the price table has (`estate cost` lists them).",
    );
  }
  if (cost.total.daily > settings.maxDailyCost) {
    throw new EstateError(
      `Refusing ${stack}: its estimated fixed cost is ${cost.total.daily.toFixed(2)} ${cost.currency}/day, above the ceiling of ` +
        `${settings.maxDailyCost} ${cost.currency}/day (estate.config.json ephemeral.maxDailyCost). See \`estate cost ${stack}\` once planned, or lower the SKUs.`,
    );
  }
}

/**
 * A config problem of the new environment, named where the user can fix it: the source stack's
 * file for copied keys, the secret that was not copied, or the option env up set it from.
 */
function attributeConfigError(error: unknown, where: { from: StackFile; ttlSource: string }): unknown {
  const config = error instanceof ProgramError ? error.cause : error;
  if (!(config instanceof ConfigError)) return error;
  const setBy: Record<string, string> = {
    "estate:owner": "--owner",
    "estate:expiresAt": where.ttlSource,
    "estate:profile": "env up (the ephemeral profile)",
  };
  const notCopied = (key: string) =>
    `${key} is a secret of ${where.from.file} and is not copied; set it with \`pulumi config set --secret ${key} --stack ${config.stackFile.replace(/^Pulumi\.|\.yaml$/g, "")}\``;
  const problems = config.problems.map((problem) => {
    const topKey = problem.key.replace(/[.[].*$/, "");
    if (setBy[topKey]) return { ...problem, message: `${problem.message} (set by ${setBy[topKey]})` };
    if (where.from.secretKeys.includes(topKey))
      return { ...problem, message: `${problem.message}: ${notCopied(topKey)}` };
    // A supplied secret's value (estate:secrets.supplied[i].valueFrom) is a secret of the source too.
    const supplied = suppliedValueKey(where.from, problem.key);
    if (supplied && where.from.secretKeys.includes(supplied)) return { ...problem, message: notCopied(supplied) };
    if (topKey in where.from.section)
      return { ...problem, message: `${problem.message} (copied from ${where.from.file})` };
    return problem;
  });
  return new ConfigError(`${config.stackFile} (written from ${where.from.file})`, problems);
}

/** The config key a supplied secret of the source stack reads its value from, for a problem at its `valueFrom`. */
function suppliedValueKey(from: StackFile, problemKey: string): string | undefined {
  const index = /^estate:secrets\.supplied\[(\d+)\]\.valueFrom$/.exec(problemKey)?.[1];
  const supplied = (from.section["estate:secrets"] as { supplied?: Array<{ valueFrom?: unknown }> } | undefined)
    ?.supplied;
  const valueFrom = index === undefined ? undefined : supplied?.[Number(index)]?.valueFrom;
  return typeof valueFrom === "string" ? valueFrom : undefined;
}

export interface ListedEnv extends EphemeralStack {
  ageMs?: number;
  timeLeftMs?: number;
  expired: boolean;
}

export async function envList(context: EnvContext): Promise<ListedEnv[]> {
  const now = context.now().getTime();
  return (await listEphemeral(context)).map((s) => ({
    ...s,
    ageMs: s.createdAt ? now - Date.parse(s.createdAt) : undefined,
    timeLeftMs: s.expiresAt ? Date.parse(s.expiresAt) - now : undefined,
    expired: isExpired(s, context.now()),
  }));
}

export const describeTime = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms) ? "?" : formatDuration(ms);

/** Removes one environment: in cloud mode destroys it and removes the stack; always its file and plans. */
export async function envDown(
  context: EnvContext,
  name: string,
): Promise<{ stack: string; removed: string[]; cloud?: CloudRun }> {
  const env = envName(name);
  const known = await listEphemeral(context);
  if (!known.some((s) => s.stack === env.stack)) {
    throw new EstateError(
      `no ephemeral environment ${env.name} (stack ${env.stack}); known: ${known.map((s) => s.name).join(", ") || "(none)"}`,
    );
  }
  let cloud: CloudRun | undefined;
  if (context.cloud) {
    cloud = await runCloud("destroy", context.projectDir, env.stack, context.cloud);
    await context.cloud.engine.removeStack({
      projectDir: context.projectDir,
      stack: env.stack,
      env: backendEnv(readBackend(context.projectDir)),
    });
  }
  const removed = [stackFilePath(context.projectDir, env.stack), defaultOutDir(context.projectDir, env.stack)].filter(
    (p) => existsSync(p),
  );
  for (const item of removed) rmSync(item, { recursive: true, force: true });
  return { stack: env.stack, removed, cloud };
}

export interface GcResult {
  collected: string[];
  kept: Array<{ stack: string; reason: string }>;
  failed: Array<{ stack: string; error: string }>;
  dryRun: boolean;
}

/**
 * Collects every ephemeral environment whose expiry has passed. Only `ephemeral-` stacks with the
 * ephemeral profile are ever considered; one failure does not stop the others (safe on a schedule).
 */
export async function envGc(context: EnvContext, dryRun: boolean): Promise<GcResult> {
  const now = context.now();
  const result: GcResult = { collected: [], kept: [], failed: [], dryRun };
  for (const stack of await listEphemeral(context)) {
    if (stack.unreadable) {
      result.failed.push({ stack: stack.stack, error: `not collected: ${stack.unreadable}` });
    } else if (stack.profile !== "ephemeral") {
      result.kept.push({
        stack: stack.stack,
        reason: `profile is ${stack.profile ?? "unknown"}, not ephemeral: never collected`,
      });
    } else if (!stack.expiresAt || Number.isNaN(Date.parse(stack.expiresAt))) {
      result.kept.push({ stack: stack.stack, reason: "no readable expiry: never collected" });
    } else if (!isExpired(stack, now)) {
      result.kept.push({
        stack: stack.stack,
        reason: `expires in ${formatDuration(Date.parse(stack.expiresAt) - now.getTime())}`,
      });
    } else if (dryRun) {
      result.collected.push(stack.stack);
    } else {
      try {
        await envDown(context, stack.name);
        result.collected.push(stack.stack);
      } catch (error) {
        result.failed.push({ stack: stack.stack, error: (error as Error).message });
      }
    }
  }
  return result;
}
