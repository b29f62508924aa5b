import path from "node:path";
import type { Command } from "commander";
import { filterReport, isProfile, severityRank, type RuleInfo } from "../../policies/evaluate.js";
import type { Plan } from "../plan/schema.js";
import { PACK_VERSION, PROFILES, SEVERITIES, type RuleMeta, type Severity } from "../../policies/model.js";
import { RULES } from "../../policies/rules/index.js";
import { loadSettingsFile, projectSettings, resolveSettings } from "../../policies/settings.js";
import { globToRegExp, WAIVER_RULES } from "../../policies/waivers.js";
import { EstateError, EXIT, UsageError } from "../errors.js";
import { printJson, wroteLine } from "../output/files.js";
import { resourceCount } from "../output/plan.js";
import { renderCatalogue, renderPolicy, renderSettings } from "../output/policy.js";
import { readStackFile } from "../../stacks/config/stackfile.js";
import { createBaseline, newMandatoryViolations, readBaseline, writeBaseline } from "../reports/baseline.js";
import { planningProgress, withProgress } from "../output/progress.js";
import { findProjectDir } from "../project.js";
import { readPlanFile } from "../plan/source.js";
import { defaultOutDir } from "../plan/write.js";
import { runPipeline } from "../pipeline.js";
import { renderReport, REPORT_FORMATS, type ReportFormat } from "../reports/write.js";

interface PolicyFlags {
  plan?: string;
  out?: string;
  minSeverity?: string;
  rule?: string[];
  format: string;
  list?: boolean;
  json?: boolean;
  baseline?: string;
  createBaseline?: string;
}

const FORMATS = ["text", ...REPORT_FORMATS];
const LIST_FORMATS = ["text", "json"];

const CATALOGUE: Array<{ rule: RuleMeta; kind: RuleInfo["kind"] }> = [
  ...RULES.map((rule) => ({ rule: rule as RuleMeta, kind: rule.kind })),
  ...[WAIVER_RULES.expired, WAIVER_RULES.unmatched].map((rule) => ({ rule, kind: "waiver" as const })),
];

/** `--rule` patterns that name no rule of the pack: a typo would otherwise select nothing and pass. */
function checkRulePatterns(patterns: string[] | undefined): void {
  const unmatched = (patterns ?? []).filter(
    (pattern) => !CATALOGUE.some(({ rule }) => globToRegExp(pattern).test(rule.id)),
  );
  if (unmatched.length)
    throw new UsageError(`--rule ${unmatched.join(" ")}: matches no rule of the pack (see \`estate policy --list\`)`);
}

/** The settings `--list` shows: a stack's effective ones, or the project-wide ones and every override section. */
function listedSettings(projectDir: string, stack: string | undefined) {
  const file = loadSettingsFile(projectDir);
  if (!stack) return { resolved: projectSettings(file), file };
  const profile = String(readStackFile(projectDir, stack).config["estate:profile"] ?? "");
  if (!isProfile(profile))
    throw new EstateError(
      `Pulumi.${stack}.yaml: estate:profile is ${JSON.stringify(profile)}; expected one of ${PROFILES.join(", ")}`,
    );
  return { resolved: resolveSettings(file, { stack, profile }), file, stack, profile };
}

function printCatalogue(projectDir: string, stack: string | undefined, flags: PolicyFlags): void {
  const format = flags.json ? "json" : flags.format;
  if (!LIST_FORMATS.includes(format))
    throw new UsageError(`--list --format ${format}: the catalogue prints as ${LIST_FORMATS.join(" or ")}`);
  for (const flag of ["plan", "out", "baseline", "createBaseline"] as const) {
    if (flags[flag])
      throw new UsageError(
        `--list does not evaluate anything: drop --${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      );
  }
  const patterns = (flags.rule ?? []).map(globToRegExp);
  const minimum = flags.minSeverity as Severity | undefined;
  const rules = CATALOGUE.filter(
    ({ rule }) =>
      (!patterns.length || patterns.some((p) => p.test(rule.id))) &&
      (!minimum || severityRank(rule.severity) <= severityRank(minimum)),
  );
  const { resolved, file, ...target } = listedSettings(projectDir, stack);
  if (format === "json") {
    printJson({
      packVersion: PACK_VERSION,
      settings: {
        ...target,
        effective: resolved.values,
        from: resolved.from,
        profiles: file.profiles,
        stacks: file.stacks,
      },
      rules: rules.map(
        ({
          rule: { id, title, description, severity, types, controls, mappings, remediation, enforcement },
          kind,
        }) => ({
          id,
          kind,
          title,
          description,
          severity,
          types,
          controls,
          mappings,
          remediation,
          enforcement,
        }),
      ),
    });
    return;
  }
  console.log(renderCatalogue(rules.map(({ rule }) => rule)));
  console.log(renderSettings(resolved, { ...target, profiles: file.profiles, stacks: file.stacks }));
}

export function registerPolicy(program: Command): void {
  program
    .command("policy")
    .description("evaluate the policy pack on a stack's offline plan (or a saved plan.json) and write policy reports")
    .argument("[stack]", "stack name, e.g. dev or prod (reads Pulumi.<stack>.yaml); optional with --plan")
    .option("--plan <file>", "evaluate a saved plan.json instead of planning the stack")
    .option("--out <dir>", "folder for the reports (default: .estate/<stack>)")
    .option("--min-severity <level>", `only rules of this severity or worse (${SEVERITIES.join(", ")})`)
    .option(
      "--rule <ids...>",
      "only these rules (ids or globs such as EST-WAF-*); a pattern that matches no rule is an error",
    )
    .option(
      "--format <format>",
      `what to print on stdout (${FORMATS.join(", ")}; with --list: ${LIST_FORMATS.join(", ")})`,
      "text",
    )
    .option("--list", "print the rule catalogue and the policy settings (of the stack, if given) instead of evaluating")
    .option("--json", "with --list, print the catalogue as JSON")
    .option("--baseline <file>", "fail only on mandatory violations that the baseline file does not hold")
    .option("--create-baseline <file>", "write the stack's current failures to a baseline file")
    .action(async (stack: string | undefined, flags: PolicyFlags) => {
      if (flags.minSeverity && !(SEVERITIES as readonly string[]).includes(flags.minSeverity)) {
        throw new UsageError(`--min-severity ${flags.minSeverity}: expected one of ${SEVERITIES.join(", ")}`);
      }
      checkRulePatterns(flags.rule);
      if (flags.list) return printCatalogue(findProjectDir(), stack, flags);
      if (flags.json) throw new UsageError("--json goes with --list; to evaluate, use --format json");
      if (!FORMATS.includes(flags.format))
        throw new UsageError(`--format ${flags.format}: expected one of ${FORMATS.join(", ")}`);
      if (!stack && !flags.plan) throw new UsageError("missing stack: give a stack name or --plan <file>");
      const projectDir = findProjectDir();
      const baseline = flags.baseline ? readBaseline(path.resolve(flags.baseline)) : undefined;
      let plan: Plan;
      if (flags.plan) {
        plan = readPlanFile(path.resolve(flags.plan));
        if (stack && stack !== plan.stack)
          throw new UsageError(`--plan ${flags.plan} is a plan of stack ${plan.stack}, not ${stack}`);
        if (!isProfile(plan.profile))
          throw new EstateError(
            `${flags.plan}: profile ${JSON.stringify(plan.profile)} is not one of ${PROFILES.join(", ")}`,
          );
      } else {
        const { planStack } = await import("../plan/stack.js");
        plan = await withProgress(`Planning ${stack} offline…`, `Plan of ${stack} failed`, async (progress) => {
          const plan = await planStack({ projectDir, stack: stack!, onProgress: planningProgress(progress, stack!) });
          progress.succeed(`Planned ${stack}: ${resourceCount(plan)}`);
          return plan;
        });
      }
      const outDir = flags.out ? path.resolve(flags.out) : defaultOutDir(projectDir, plan.stack);
      // A stack planned now gets its plan.json and cost.json written with the reports, as `estate plan` does.
      const run = runPipeline(projectDir, outDir, plan, {
        baseline: baseline && { file: flags.baseline!, baseline },
        writePlanAndCost: !flags.plan,
      });
      const { policy: full, context, files } = run;
      if (flags.createBaseline) {
        const file = path.resolve(flags.createBaseline);
        writeBaseline(file, createBaseline(full));
        files.push(file);
      }
      const report = filterReport(full, { minSeverity: flags.minSeverity as Severity | undefined, rules: flags.rule });
      if (flags.format === "text") {
        console.log(renderPolicy(report, baseline ? { file: flags.baseline! } : undefined));
        console.log(wroteLine(files));
      } else {
        process.stdout.write(renderReport(report, flags.format as ReportFormat, context));
      }
      const failing = baseline ? newMandatoryViolations(report).length : report.summary.mandatoryViolations;
      if (failing) process.exitCode = EXIT.policy;
    });
}
