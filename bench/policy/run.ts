/**
 * bench/policy: the policy pack over the prod plan. Measures the evaluation of the whole pack (median
 * of many runs after warm-up), the reports it writes, their share of `estate plan prod` wall time
 * (target < 5 %), the cost per rule × resource result, and the slowest rules; writes
 * bench/results/policy.json. Run: node bin/run-ts.js bench/policy/run.ts
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { planStack } from "../../cli/plan/stack.js";
import { renderReport, REPORT_FORMATS } from "../../cli/reports/write.js";
import { evaluatePlan } from "../../policies/evaluate.js";
import { RULES } from "../../policies/rules/index.js";
import { loadStackPolicy } from "../../policies/settings.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const EVAL_RUNS = Number(process.env.BENCH_RUNS ?? 200);
const PLAN_RUNS = Number(process.env.BENCH_PLAN_RUNS ?? 5);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

function timeMs(fn: () => void, runs: number): number {
  for (let i = 0; i < Math.min(20, runs); i++) fn(); // warm-up: JIT and caches
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const plan = await planStack({ projectDir: ROOT, stack: "prod" });
const { waivers } = loadStackPolicy(ROOT, RULES, { stack: "prod", profile: "prod" });
const report = evaluatePlan(plan, { waivers });

const evaluateMs = timeMs(() => evaluatePlan(plan, { waivers }), EVAL_RUNS);
const reportsMs = timeMs(() => REPORT_FORMATS.forEach((format) => renderReport(report, format)), Math.max(10, EVAL_RUNS / 10));
const perRule = RULES.map((rule) => ({ rule: rule.id, ms: timeMs(() => evaluatePlan(plan, { rules: [rule], waivers }), 20) })).sort((a, b) => b.ms - a.ms);

// Wall time of the whole command, which plans, evaluates and writes every report.
const out = mkdtempSync(path.join(os.tmpdir(), "estate-bench-policy-"));
const planWall: number[] = [];
for (let i = 0; i < PLAN_RUNS; i++) {
  const start = performance.now();
  const run = spawnSync(process.execPath, [path.join(ROOT, "bin/estate.js"), "plan", "prod", "--out", out], { cwd: ROOT, env: { ...process.env, CI: "true" } });
  if (run.status !== 0) throw new Error(`estate plan prod failed:\n${run.stderr}`);
  planWall.push(performance.now() - start);
}
const planWallMs = median(planWall);

const result = {
  bench: "policy",
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  plan: { stack: "prod", resources: plan.resources.length, programMs: plan.durationMs },
  rules: RULES.length,
  results: report.results.length,
  evaluateMedianMs: round(evaluateMs),
  reportsMedianMs: round(reportsMs),
  estatePlanProdWallMedianMs: Math.round(planWallMs),
  shareOfPlanPercent: round((100 * (evaluateMs + reportsMs)) / planWallMs, 2),
  targetSharePercent: 5,
  costPerResultMicroseconds: round((1000 * evaluateMs) / report.results.length, 2),
  slowestRules: perRule.slice(0, 10).map(({ rule, ms }) => ({ rule, ms: round(ms) })),
  runs: { evaluate: EVAL_RUNS, plan: PLAN_RUNS },
};
mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
writeFileSync(path.join(ROOT, "bench/results/policy.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
if (result.shareOfPlanPercent >= result.targetSharePercent) {
  console.error(`policy evaluation and reports take ${result.shareOfPlanPercent} % of estate plan prod (target < ${result.targetSharePercent} %)`);
  process.exitCode = 1;
}
