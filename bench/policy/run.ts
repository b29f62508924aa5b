/**
 * bench/policy: the policy pack over the prod plan. Measures the evaluation of the whole pack (median
 * of many runs after warm-up), the reports it writes, their share of `estate plan prod` wall time
 * (target < 5 %), the cost per rule × resource result, and the slowest rules; and the wall time of
 * every command that reads a saved plan (policy --plan, cost, diff, graph, export, dr) beside a bare
 * `node` process that reads and parses the same plan.json, run in turns in the same loop so both see
 * the same machine load (target: at most 3x). Writes bench/results/policy.json.
 * Run: node bin/run-ts.js bench/policy/run.ts
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
// @ts-expect-error: plain JavaScript module without type declarations
import { BUNDLE, buildBundle } from "../../bin/cli-bundle.js";
import { planStack } from "../../cli/plan/stack.js";
import { savedPlanCommands } from "../../cli/testing/saved-plan-commands.js";
import { renderReport, REPORT_FORMATS } from "../../cli/reports/write.js";
import { evaluatePlan } from "../../policies/evaluate.js";
import { RULES } from "../../policies/rules/index.js";
import { loadStackPolicy } from "../../policies/settings.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SAVED_PLAN_RUNS = Number(process.env.BENCH_SAVED_PLAN_RUNS ?? 7);
const SAVED_PLAN_TARGET = 3;
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
const reportsMs = timeMs(
  () => REPORT_FORMATS.forEach((format) => renderReport(report, format)),
  Math.max(10, EVAL_RUNS / 10),
);
const perRule = RULES.map((rule) => ({
  rule: rule.id,
  ms: timeMs(() => evaluatePlan(plan, { rules: [rule], waivers }), 20),
})).sort((a, b) => b.ms - a.ms);

/**
 * `estate` runs from a bundle cached in the shared node_modules/.cache, which other checkouts
 * sharing that node_modules may rebuild from their own sources at any time (the bundle holds its
 * sources' absolute paths). So the bench builds the bundle from this checkout and runs a private
 * copy of it: bin/estate.js with ESTATE_BUNDLE=<copy> runs it as `estate` does (with its code
 * cache, beside the copy), less the freshness check (one stat per source file). The copy is
 * removed at the end.
 */
await buildBundle();
// Beside the cache, so that the packages it imports when needed resolve as from the cache.
const bundleDir = mkdtempSync(path.join(path.dirname(BUNDLE), "..", "estate-bench-"));
const bundle = path.join(bundleDir, "cli.cjs");
copyFileSync(BUNDLE, bundle);
if (!readFileSync(bundle, "utf8").includes(`${path.join(ROOT, "cli")}${path.sep}`))
  throw new Error(`${BUNDLE} was not built from ${ROOT} (another checkout rebuilt it): run the bench again`);
const estate = (args: string[]) => [path.join(ROOT, "bin/estate.js"), ...args];
process.env.ESTATE_BUNDLE = bundle;

// Wall time of the whole command, which plans, evaluates and writes every report.
const out = mkdtempSync(path.join(os.tmpdir(), "estate-bench-policy-"));
const planWall: number[] = [];
for (let i = 0; i < PLAN_RUNS; i++) {
  const start = performance.now();
  const run = spawnSync(process.execPath, estate(["plan", "prod", "--out", out]), {
    cwd: ROOT,
    env: { ...process.env, CI: "true" },
  });
  if (run.status !== 0) throw new Error(`estate plan prod failed:\n${run.stderr}`);
  planWall.push(performance.now() - start);
}
const planWallMs = median(planWall);

const savedPlan = path.join(out, "plan.json");
const savedOut = mkdtempSync(path.join(os.tmpdir(), "estate-bench-saved-"));
const SAVED_PLAN_COMMANDS = savedPlanCommands(savedPlan, savedOut).map(({ command, args, exitCodes }) => ({
  command,
  argv: estate(args),
  exitCodes,
}));
const BARE_NODE = ["-e", `JSON.parse(require("node:fs").readFileSync(${JSON.stringify(savedPlan)}, "utf8"))`];
/**
 * graph's floor: a bare node that reads the plan and has Graphviz (WebAssembly) render the DOT graph
 * wrote into graph.svg, which is most of what graph does: its ratio to this says what is left to the CLI.
 */
const GRAPHVIZ_FLOOR = [
  "--input-type=module",
  "-e",
  `import { readFileSync, writeFileSync } from "node:fs";
   import { instance } from "@viz-js/viz";
   JSON.parse(readFileSync(${JSON.stringify(savedPlan)}, "utf8"));
   const dot = readFileSync(${JSON.stringify(path.join(savedOut, "graph.dot"))}, "utf8");
   writeFileSync(${JSON.stringify(path.join(savedOut, "floor.svg"))}, (await instance()).renderString(dot, { format: "svg" }));`,
];

function wallMs(argv: string[], exitCodes = [0]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, argv, { cwd: ROOT, env: { ...process.env, CI: "true", NO_COLOR: "1" } });
  const ms = performance.now() - start;
  if (!exitCodes.includes(run.status ?? -1))
    throw new Error(`node ${argv.join(" ")} exited ${run.status}:\n${run.stderr}`);
  return ms;
}

const loadAtStart = os.loadavg()[0]!;
const bareSamples: number[] = [];
const floorSamples: number[] = [];
const commandSamples = new Map(SAVED_PLAN_COMMANDS.map(({ command }) => [command, [] as number[]]));
for (const { argv, exitCodes } of SAVED_PLAN_COMMANDS) wallMs(argv, exitCodes); // warm-up: file cache, the bundle's compile cache
for (let i = 0; i < SAVED_PLAN_RUNS; i++) {
  bareSamples.push(wallMs(BARE_NODE));
  floorSamples.push(wallMs(GRAPHVIZ_FLOOR));
  for (const { command, argv, exitCodes } of SAVED_PLAN_COMMANDS)
    commandSamples.get(command)!.push(wallMs(argv, exitCodes));
}
for (const dir of [bundleDir, out, savedOut]) rmSync(dir, { recursive: true, force: true });
const bareNodeMs = median(bareSamples);
const graphvizFloorMs = median(floorSamples);
const savedPlanResults = SAVED_PLAN_COMMANDS.map(({ command }) => {
  const ms = median(commandSamples.get(command)!);
  return {
    command,
    wallMedianMs: Math.round(ms),
    timesBareNode: round(ms / bareNodeMs, 2),
    ...(command === "graph" && { timesGraphvizFloor: round(ms / graphvizFloorMs, 2) }),
  };
});

const result = {
  bench: "policy",
  date: new Date().toISOString(),
  // Other processes share the machine: the load average says how much the timings are inflated.
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    node: process.version,
    loadAverage1m: round(os.loadavg()[0]!, 2),
    loadAverage1mBeforeSavedPlanRuns: round(loadAtStart, 2),
  },
  plan: { stack: "prod", resources: plan.resources.length, programMs: plan.durationMs },
  rules: RULES.length,
  results: report.results.length,
  evaluateMedianMs: round(evaluateMs),
  reportsMedianMs: round(reportsMs),
  estatePlanProdWallMedianMs: Math.round(planWallMs),
  shareOfPlanPercent: round((100 * (evaluateMs + reportsMs)) / planWallMs, 2),
  targetSharePercent: 5,
  costPerResultMicroseconds: round((1000 * evaluateMs) / report.results.length, 2),
  savedPlan: {
    bareNodeReadWallMedianMs: Math.round(bareNodeMs),
    graphvizFloorWallMedianMs: Math.round(graphvizFloorMs),
    targetTimesBareNode: SAVED_PLAN_TARGET,
    commands: savedPlanResults,
  },
  slowestRules: perRule.slice(0, 10).map(({ rule, ms }) => ({ rule, ms: round(ms) })),
  runs: { evaluate: EVAL_RUNS, plan: PLAN_RUNS, savedPlan: SAVED_PLAN_RUNS },
};
mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
writeFileSync(path.join(ROOT, "bench/results/policy.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
if (result.shareOfPlanPercent >= result.targetSharePercent) {
  console.error(
    `policy evaluation and reports take ${result.shareOfPlanPercent} % of estate plan prod (target < ${result.targetSharePercent} %)`,
  );
  process.exitCode = 1;
}
for (const { command, timesBareNode } of savedPlanResults.filter((c) => c.timesBareNode > SAVED_PLAN_TARGET)) {
  console.error(
    `estate ${command} on a saved plan takes ${timesBareNode}x a bare node process reading it (target at most ${SAVED_PLAN_TARGET}x)`,
  );
  process.exitCode = 1;
}
