import { spawnSync } from "node:child_process";
import chalk from "chalk";
import type { Command } from "commander";
import { renderSummary } from "../cloud/events.js";
import { costSummaryLine, money } from "../cost/report.js";
import { EXIT } from "../errors.js";
import { describeTime, envDown, envGc, envList, envUp, type EnvContext } from "../env/env.js";
import { loadSettings } from "../env/settings.js";
import { displayPath, printJson } from "../output/files.js";
import { resourceCount } from "../output/plan.js";
import { withProgress, type Progress } from "../output/progress.js";
import { renderTable } from "../output/table.js";
import { OFFLINE_LABEL } from "../plan/schema.js";
import { findProjectDir } from "../project.js";
import { realDeps } from "./cloud.js";

function git(...args: string[]): string | undefined {
  const result = spawnSync("git", args, { encoding: "utf8" });
  return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : undefined;
}

function context(offline: boolean, progress?: Progress): EnvContext {
  const projectDir = findProjectDir();
  const cloud = offline ? undefined : realDeps((text) => progress?.update(text));
  return { projectDir, settings: loadSettings(projectDir), now: () => new Date(), cloud };
}

export function registerEnv(program: Command): void {
  const env = program
    .command("env")
    .description(
      "ephemeral environments: short-lived stacks on the ephemeral profile, with an owner, an expiry and guardrails (estate.config.json)",
    );

  env
    .command("up")
    .description(
      "create or refresh the stack ephemeral-<name> from another stack's config, plan and cost it, then deploy it (unless --offline)",
    )
    .argument("<name>", "environment name: 2-8 lowercase letters or digits (normalised: PR-42 becomes pr42)")
    .option("--ttl <duration>", "time to live, e.g. 90m, 8h, 2d (default from estate.config.json, 8h)")
    .option("--from <stack>", "stack whose config to start from (default dev)")
    .option("--owner <email>", "owner tag (default: git config user.email, else $USER)")
    .option("--branch <branch>", "source branch tag (default: $GITHUB_HEAD_REF or the current git branch)")
    .option("--offline", "plan and cost only: no Pulumi CLI or Azure needed")
    .option("--json", "print the result as JSON")
    .action(
      async (
        name: string,
        flags: { ttl?: string; from?: string; owner?: string; branch?: string; offline?: boolean; json?: boolean },
      ) => {
        const result = await withProgress(
          `Planning ephemeral-${name}…`,
          `env up ${name} refused or failed`,
          async (progress) => {
            const result = await envUp(context(Boolean(flags.offline), progress), {
              name,
              ttl: flags.ttl,
              from: flags.from,
              owner: flags.owner ?? git("config", "user.email") ?? process.env.USER,
              branch: flags.branch ?? (process.env.GITHUB_HEAD_REF || git("rev-parse", "--abbrev-ref", "HEAD")),
            });
            progress.succeed(`${result.stack} ${result.cloud ? "deployed" : "planned offline"}`);
            return result;
          },
        );
        if (flags.json) {
          const { plan, cost, cloud, ...rest } = result;
          printJson({
            ...rest,
            mode: cloud ? "cloud" : "offline",
            resources: plan.resources.filter((r) => r.custom).length,
            dailyCost: cost.total.daily,
            monthlyCost: cost.total.monthly,
            cloud: cloud?.summary,
          });
          return;
        }
        if (result.normalisedFrom)
          console.log(
            chalk.yellow(
              `Environment name "${result.normalisedFrom}" normalised to "${result.stack.slice("ephemeral-".length)}"`,
            ),
          );
        console.log(chalk.bold(`${result.stack}: ${resourceCount(result.plan)}, expires ${result.expiresAt}`));
        if (!result.cloud) console.log(chalk.yellow(`  ${OFFLINE_LABEL}: nothing was deployed`));
        else console.log(renderSummary(result.cloud.summary));
        console.log(costSummaryLine(result.cost));
        for (const [key, url] of result.urls)
          console.log(`  ${key}: ${url}${result.cloud ? "" : chalk.dim(" (planned)")}`);
        if (result.droppedSecrets.length) {
          console.log(
            chalk.yellow(
              `Not copied (secrets of the source stack): ${result.droppedSecrets.join(", ")}; set them with pulumi config set --secret`,
            ),
          );
        }
        for (const file of result.files) console.log(`Wrote ${displayPath(file)}`);
      },
    );

  env
    .command("list")
    .description("list ephemeral environments with owner, age, time left and estimated cost per day")
    .option("--cloud", "also list the stacks in the Pulumi backend (needs the Pulumi CLI and a login)")
    .option("--json", "print the list as JSON")
    .action(async (flags: { cloud?: boolean; json?: boolean }) => {
      const envs = await envList(context(!flags.cloud));
      const unreadable = envs.filter((e) => e.unreadable);
      if (unreadable.length) process.exitCode = EXIT.failed;
      for (const e of unreadable) console.error(chalk.yellow(`warning: ${e.stack}: ${e.unreadable}`));
      if (flags.json) {
        printJson(envs);
        return;
      }
      if (!envs.length) {
        console.log("No ephemeral environments.");
        return;
      }
      const rows = envs.map((e) => [
        e.name,
        e.owner ?? "?",
        describeTime(e.ageMs),
        e.expired ? chalk.red("expired") : describeTime(e.timeLeftMs),
        e.dailyCost === undefined ? "?" : money(e.dailyCost, "USD"),
        e.sourceBranch ?? "",
        e.unreadable ? "unreadable file" : e.source,
      ]);
      console.log(renderTable(["Name", "Owner", "Age", "Time left", "Cost/day", "Branch", "From"], rows));
    });

  env
    .command("down")
    .description(
      "remove one ephemeral environment: destroy it and remove its stack (or, with --offline, only its stack file and plans)",
    )
    .argument("<name>", "environment name (with or without the ephemeral- prefix)")
    .option("--offline", "remove only the local stack file and .estate/<stack>; nothing in Azure is touched")
    .action(async (name: string, flags: { offline?: boolean }) => {
      const result = await withProgress(`Removing ephemeral-${name}…`, `env down ${name} failed`, async (progress) => {
        const result = await envDown(context(Boolean(flags.offline), progress), name);
        progress.succeed(`Removed ${result.stack}`);
        return result;
      });
      if (result.cloud) console.log(renderSummary(result.cloud.summary));
      for (const item of result.removed) console.log(`Removed ${displayPath(item)}`);
    });

  env
    .command("gc")
    .description(
      "remove every ephemeral environment whose expiry has passed; never touches other stacks; safe on a schedule",
    )
    .option("--dry-run", "list what would be collected and remove nothing")
    .option("--offline", "collect local stack files and plans only; nothing in Azure is touched")
    .option("--json", "print the result as JSON")
    .action(async (flags: { dryRun?: boolean; offline?: boolean; json?: boolean }) => {
      const result = await envGc(context(Boolean(flags.offline)), Boolean(flags.dryRun));
      if (result.failed.length) process.exitCode = EXIT.failed;
      if (flags.json) {
        printJson(result);
        return;
      }
      const verb = result.dryRun ? "Would collect" : "Collected";
      console.log(`${verb} ${result.collected.length}: ${result.collected.join(", ") || "(none)"}`);
      for (const kept of result.kept) console.log(chalk.dim(`  kept ${kept.stack}: ${kept.reason}`));
      for (const failed of result.failed) console.log(chalk.red(`  failed ${failed.stack}: ${failed.error}`));
    });
}
