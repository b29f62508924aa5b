/**
 * The seed stacks (one per page in docs/seeds/) planned with the real CLI beside prod, each next to
 * its own start-up floor, alternately so all see the same machine load. Run alone with
 * `node bin/run-ts.js bench/plan/seeds.ts`, which updates the `seeds` entry of
 * bench/results/plan.json; bench/plan/run.ts includes it.
 *
 * The target (a seed's plan costs at most 1.2x prod's per resource) is about the planning, not about
 * starting Node. A plan's wall time is a fixed start-up (Node, the Pulumi SDK, the provider modules)
 * plus a cost per resource: scale.ts finds ~4 ms per resource, linear (R² 0.999), and prod's 2.2 s
 * for 259 resources then holds about 1.1 s of start-up. Whole wall time over resources gives a
 * 93-resource stack (dreamspace) at most 1.2x prod's figure only when the start-up is under
 * ~0.13 s, which no Node process that loads the Pulumi SDK reaches: that ratio measures the stack's
 * size, not its cost. So each stack's figure is its planning cost beyond its own floor:
 *
 *   (median plan wall time − median floor wall time) / resources
 *
 * where the floor is a bare Node process (floor.cjs) that loads the SDK and exactly the Pulumi
 * package files (SDK and providers) that stack's plan loaded, read from Node's module cache at the
 * end of one plan (loaded-modules.cjs), with the SDK modules the CLI defers deferred in it too
 * (cli/defer-closure-deps.ts), and nothing else. Prod is measured the same way; the ratio of a
 * seed's figure to prod's is the one the target applies to. The whole-wall ratio stays in the
 * results, labelled as including start-up. The machine's load average says how far the timings are
 * inflated by other processes.
 *
 * What the beyond-floor figure still holds besides the resources is the CLI's own fixed work (its
 * bundle, its modules' set-up such as the config schemas, reading the stack and service files, the
 * policy reports), which weighs per resource almost three times as much on a 93-resource stack as on
 * prod's 259; the SDK's work per resource is about the same in every stack (18 properties per
 * resource on average in each).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { buildDeferPreload } from "./defer-preload.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const RUNS = Number(process.env.BENCH_SEED_RUNS ?? 5);
const PER_RESOURCE_RATIO_AT_MOST = 1.2;

export interface StackPoint {
  stack: string;
  resources: number;
  /** Pulumi package files the plan loads, which its floor loads too. */
  floorFiles: number;
  planMedianSeconds: number;
  floorMedianSeconds: number;
  /** Median over the runs of (plan − floor), each run's two measured one after the other. */
  beyondFloorMedianSeconds: number;
  beyondFloorSecondsPerResource: number;
  /** Whole wall time over resources: includes the start-up. */
  wallSecondsPerResourceIncludingStartUp: number;
}

export interface SeedPoint extends StackPoint {
  /** Beyond-floor seconds per resource over prod's: the figure the target applies to. */
  ratioToProd: number;
  /** Whole wall time per resource over prod's: includes start-up, so small stacks come out high. */
  wallRatioToProdIncludingStartUp: number;
}

/** The seed stacks: each has its doc page docs/seeds/<stack>.md and its Pulumi.<stack>.yaml. */
export function seedStacks(): string[] {
  return readdirSync(path.join(ROOT, "docs/seeds"))
    .filter((file) => file.endsWith(".md"))
    .map((file) => file.slice(0, -3))
    .filter((stack) => existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)))
    .sort();
}

const ENV = { ...process.env, CI: "true" };

function wallSeconds(args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, args, { cwd: ROOT, env: ENV, stdio: "pipe" });
  return (performance.now() - started) / 1000;
}

function planArgs(stack: string, out: string): string[] {
  return [path.join(ROOT, "bin/estate.js"), "plan", stack, "--out", path.join(out, stack)];
}

/** One plan of the stack with loaded-modules.cjs preloaded: its resources and the Pulumi files it loaded. */
function floorOf(stack: string, out: string): { resources: number; files: string[] } {
  const list = path.join(out, `${stack}.loaded`);
  execFileSync(process.execPath, ["-r", path.join(ROOT, "bench/plan/loaded-modules.cjs"), ...planArgs(stack, out)], {
    cwd: ROOT,
    env: { ...ENV, BENCH_LOADED_MODULES_OUT: list },
    stdio: "pipe",
  });
  const plan = JSON.parse(readFileSync(path.join(out, stack, "plan.json"), "utf8")) as { resources: unknown[] };
  return { resources: plan.resources.length, files: readFileSync(list, "utf8").split("\n").filter(Boolean) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits: number) => Number(x.toFixed(digits));

export function measureSeeds(): {
  date: string;
  runs: number;
  method: string;
  loadAverage1m: { atStart: number; atEnd: number };
  prod: StackPoint;
  seeds: SeedPoint[];
  targets: { perResourceBeyondFloorRatioAtMost: number };
} {
  const out = mkdtempSync(path.join(os.tmpdir(), "estate-bench-seeds-"));
  const loadAtStart = os.loadavg()[0]!;
  const deferPreload = buildDeferPreload(out);
  const stacks = ["prod", ...seedStacks()];
  // The first plan of each stack also warms the bundle, its code cache and the file cache.
  const floors = new Map(stacks.map((stack) => [stack, floorOf(stack, out)]));
  const samples = new Map(stacks.map((stack) => [stack, { plan: [] as number[], floor: [] as number[] }]));
  for (let i = 0; i < RUNS; i++)
    for (const stack of stacks) {
      const floorArgs = ["-r", deferPreload, path.join(ROOT, "bench/plan/floor.cjs"), ...floors.get(stack)!.files];
      samples.get(stack)!.floor.push(wallSeconds(floorArgs));
      samples.get(stack)!.plan.push(wallSeconds(planArgs(stack, out)));
    }
  rmSync(out, { recursive: true, force: true });
  const point = (stack: string): StackPoint => {
    const { plan, floor } = samples.get(stack)!;
    const { resources, files } = floors.get(stack)!;
    const beyond = median(plan.map((seconds, i) => seconds - floor[i]!));
    return {
      stack,
      resources,
      floorFiles: files.length,
      planMedianSeconds: round(median(plan), 3),
      floorMedianSeconds: round(median(floor), 3),
      beyondFloorMedianSeconds: round(beyond, 3),
      beyondFloorSecondsPerResource: round(beyond / resources, 5),
      wallSecondsPerResourceIncludingStartUp: round(median(plan) / resources, 5),
    };
  };
  const prod = point("prod");
  const seeds = stacks.slice(1).map((stack) => {
    const p = point(stack);
    return {
      ...p,
      ratioToProd: round(p.beyondFloorSecondsPerResource / prod.beyondFloorSecondsPerResource, 3),
      wallRatioToProdIncludingStartUp: round(
        p.wallSecondsPerResourceIncludingStartUp / prod.wallSecondsPerResourceIncludingStartUp,
        3,
      ),
    };
  });
  return {
    date: new Date().toISOString(),
    runs: RUNS,
    method:
      "per resource: (plan wall − floor wall) / resources, the floor a bare node loading the Pulumi files " +
      "that stack's plan loaded (bench/plan/seeds.ts)",
    // Other processes share the machine: the load average says how much the timings are inflated.
    loadAverage1m: { atStart: round(loadAtStart, 2), atEnd: round(os.loadavg()[0]!, 2) },
    prod,
    seeds,
    targets: { perResourceBeyondFloorRatioAtMost: PER_RESOURCE_RATIO_AT_MOST },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const file = path.join(ROOT, "bench/results/plan.json");
  const result = { ...JSON.parse(readFileSync(file, "utf8")), seeds: measureSeeds() };
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result.seeds, null, 2));
}
