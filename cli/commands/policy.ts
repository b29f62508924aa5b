import path from "node:path";
import type { Command } from "commander";
import { filterReport, isProfile } from "../../policies/evaluate.js";
import type { Plan } from "../plan/schema.js";
import { PROFILES, SEVERITIES, type Severity } from "../../policies/model.js";
import { RULES } from "../../policies/rules/index.js";
import { WAIVER_RULES } from "../../policies/waivers.js";
import { EstateError, EXIT, UsageError } from "../errors.js";
import { displayPath, printJson } from "../output/files.js";
import { renderCatalogue, renderPolicy } from "../output/policy.js";
import { planningProgress, withProgress } from "../output/progress.js";
import { findProjectDir } from "../project.js";
import { readPlanFile } from "../plan/source.js";
import { planStack } from "../plan/stack.js";
import { defaultOutDir } from "../plan/write.js";
import { evaluateAndWriteReports } from "../reports/policy.js";
import { renderReport, REPORT_FORMATS, type ReportFormat } from "../reports/write.js";

interface PolicyFlags {
  plan?: string;
  out?: string;
  minSeverity?: string;
  rule?: string[];
  format: string;
  list?: boolean;
  json?: boolean;
}

const FORMATS = ["text", ...REPORT_FORMATS];

function printCatalogue(json: boolean): void {
  const rules = [
    ...RULES.map((rule) => ({ rule, kind: rule.kind })),
    ...[WAIVER_RULES.expired, WAIVER_RULES.unmatched].map((rule) => ({ rule, kind: "waiver" as const })),
  ];
  if (json) {
    const catalogue = rules.map(({ rule: { id, title, description, severity, types, controls, mappings, remediation, enforcement }, kind }) => ({
      id, kind, title, description, severity, types, controls, mappings, remediation, enforcement,
    }));
    printJson(catalogue);
    return;
  }
  console.log(renderCatalogue(rules.map(({ rule }) => rule)));
}

export function registerPolicy(program: Command): void {
  program
    .command("policy")
    .description("evaluate the policy pack on a stack's offline plan (or a saved plan.json) and write policy reports")
    .argument("[stack]", "stack name, e.g. dev or prod (reads Pulumi.<stack>.yaml); optional with --plan")
    .option("--plan <file>", "evaluate a saved plan.json instead of planning the stack")
    .option("--out <dir>", "folder for the reports (default: .estate/<stack>)")
    .option("--min-severity <level>", `only rules of this severity or worse (${SEVERITIES.join(", ")})`)
    .option("--rule <ids...>", "only these rules (ids or globs such as EST-WAF-*)")
    .option("--format <format>", `what to print on stdout (${FORMATS.join(", ")})`, "text")
    .option("--list", "print the rule catalogue instead of evaluating")
    .option("--json", "with --list, print the catalogue as JSON")
    .action(async (stack: string | undefined, flags: PolicyFlags) => {
      if (flags.list) return printCatalogue(Boolean(flags.json));
      if (!FORMATS.includes(flags.format)) throw new UsageError(`--format ${flags.format}: expected one of ${FORMATS.join(", ")}`);
      if (flags.minSeverity && !(SEVERITIES as readonly string[]).includes(flags.minSeverity)) {
        throw new UsageError(`--min-severity ${flags.minSeverity}: expected one of ${SEVERITIES.join(", ")}`);
      }
      if (!stack && !flags.plan) throw new UsageError("missing stack: give a stack name or --plan <file>");
      const projectDir = findProjectDir();
      let plan: Plan;
      if (flags.plan) {
        plan = readPlanFile(path.resolve(flags.plan));
        if (stack && stack !== plan.stack) throw new UsageError(`--plan ${flags.plan} is a plan of stack ${plan.stack}, not ${stack}`);
        if (!isProfile(plan.profile)) throw new EstateError(`${flags.plan}: profile ${JSON.stringify(plan.profile)} is not one of ${PROFILES.join(", ")}`);
      } else {
        plan = await withProgress(`Planning ${stack} offline…`, `Plan of ${stack} failed`, async (progress) => {
          const plan = await planStack({ projectDir, stack: stack!, onProgress: planningProgress(progress, stack!) });
          progress.succeed(`Planned ${plan.resources.length} resources for ${stack}`);
          return plan;
        });
      }
      const outDir = flags.out ? path.resolve(flags.out) : defaultOutDir(projectDir, plan.stack);
      const { report: full, files } = evaluateAndWriteReports(projectDir, outDir, plan);
      const report = filterReport(full, { minSeverity: flags.minSeverity as Severity | undefined, rules: flags.rule });
      if (flags.format === "text") {
        console.log(renderPolicy(report));
        console.log(`Wrote ${files.map(displayPath).join(", ")}`);
      } else {
        process.stdout.write(renderReport(report, flags.format as ReportFormat));
      }
      if (report.summary.mandatoryViolations) process.exitCode = EXIT.policy;
    });
}
