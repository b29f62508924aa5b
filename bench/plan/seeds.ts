/**
 * The seed stacks (one per page in docs/seeds/) planned with the real CLI beside prod, alternately
 * so all see the same machine load: median wall time, resources, and seconds per resource as a
 * ratio to prod's (target: at most 1.2x). Run alone with `node bin/run-ts.js bench/plan/seeds.ts`,
 * which updates the `seeds` entry of bench/results/plan.json; bench/plan/run.ts includes it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "../..");
const RUNS = Number(process.env.BENCH_SEED_RUNS ?? 3);
const PER_RESOURCE_RATIO_AT_MOST = 1.2;

export interface SeedPoint {
  stack: string;
  resources: number;
  medianSeconds: number;
  secondsPerResource: number;
  /** Seconds per resource over prod's. */
  ratioToProd: number;
}

/** The seed stacks: each has its doc page docs/seeds/<stack>.md and its Pulumi.<stack>.yaml. */
export function seedStacks(): string[] {
  return readdirSync(path.join(ROOT, "docs/seeds"))
    .filter((file) => file.endsWith(".md"))
    .map((file) => file.slice(0, -3))
    .filter((stack) => existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)))
    .sort();
}

function planOnce(stack: string): { seconds: number; resources: number } {
  const out = mkdtempSync(path.join(os.tmpdir(), `estate-bench-${stack}-`));
  const started = performance.now();
  execFileSync(process.execPath, [path.join(ROOT, "bin/estate.js"), "plan", stack, "--out", out], {
    cwd: ROOT,
    env: { ...process.env, CI: "true" },
    stdio: "pipe",
  });
  const seconds = (performance.now() - started) / 1000;
  const plan = JSON.parse(readFileSync(path.join(out, "plan.json"), "utf8")) as { resources: unknown[] };
  return { seconds, resources: plan.resources.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function measureSeeds(): {
  runs: number;
  prod: Omit<SeedPoint, "ratioToProd">;
  seeds: SeedPoint[];
  targets: { perResourceRatioAtMost: number };
} {
  const stacks = ["prod", ...seedStacks()];
  const samples = new Map(stacks.map((stack) => [stack, [] as Array<{ seconds: number; resources: number }>]));
  for (let i = 0; i < RUNS; i++) for (const stack of stacks) samples.get(stack)!.push(planOnce(stack));
  const point = (stack: string) => {
    const runs = samples.get(stack)!;
    const medianSeconds = Number(median(runs.map((r) => r.seconds)).toFixed(3));
    return {
      stack,
      resources: runs[0].resources,
      medianSeconds,
      secondsPerResource: Number((medianSeconds / runs[0].resources).toFixed(5)),
    };
  };
  const prod = point("prod");
  const seeds = stacks.slice(1).map((stack) => {
    const p = point(stack);
    return { ...p, ratioToProd: Number((p.secondsPerResource / prod.secondsPerResource).toFixed(3)) };
  });
  return { runs: RUNS, prod, seeds, targets: { perResourceRatioAtMost: PER_RESOURCE_RATIO_AT_MOST } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const file = path.join(ROOT, "bench/results/plan.json");
  const result = { ...JSON.parse(readFileSync(file, "utf8")), seeds: measureSeeds() };
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result.seeds, null, 2));
}
