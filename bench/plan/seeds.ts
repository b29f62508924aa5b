/**
 * Each seed stack's plan cost per resource beside prod's (one page per seed in docs/seeds/). Run
 * alone with `node bin/run-ts.js bench/plan/seeds.ts` (BENCH_SEEDS=<stack>,... for some of them),
 * which updates the `seeds` entry of bench/results/plan.json; bench/plan/run.ts includes it.
 *
 * A plan's wall time is a fixed part plus a cost for each resource. The fixed part is Node, the
 * Pulumi SDK and providers, the CLI's own start-up (its bundle, config schemas, reading the stack
 * and service files, writing the reports) and whatever the stack declares once: about 1 s, which
 * whole wall time over resources spreads thinner the bigger the stack, so that figure measures a
 * stack's size rather than its cost. The cost per resource is how much the wall time grows with
 * each resource: every stack, prod too, is planned as it is and grown by copies of its own
 * services (copies.ts: the same kinds, bindings and code, about 300 and 600 resources more), and
 * its cost per resource is the least-squares slope of median wall time over resources at those
 * three sizes, its intercept the fixed part. All stacks and sizes are planned alternately in one
 * run, so all see the same machine load; the load average says how far other processes inflated them.
 *
 * What the slope cannot see is a resource declared only once however many services (a network,
 * a cluster, the static site: an estate serves one), which is in the intercept with the start-up.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { planIn, projectWithCopies } from "./copies.js";
import { leastSquares } from "./fit.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const RUNS = Number(process.env.BENCH_SEED_RUNS ?? 5);
/** Resources the copies add at the two grown sizes: enough that the growth stands well above run-to-run noise. */
const ADDED_RESOURCES = [300, 600];
const PER_RESOURCE_RATIO_AT_MOST = 1.2;

export interface StackPoint {
  stack: string;
  /** The stack as it is. */
  resources: number;
  /** Resources one copy of the stack's services adds. */
  resourcesPerCopy: number;
  points: { copies: number; resources: number; medianSeconds: number }[];
  /** The slope: wall time per resource. */
  secondsPerResource: number;
  /** The fixed part: start-up and what the stack declares once. */
  interceptSeconds: number;
  rSquared: number;
  /** The stack as it is: whole wall time over resources, start-up included. */
  wallSecondsPerResourceIncludingStartUp: number;
}

export interface SeedPoint extends StackPoint {
  /** Seconds per resource over prod's: the figure the target applies to. */
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

/** The stack at three sizes, each planned once: which also builds its packages and warms the caches. */
function sizesOf(stack: string): { copies: number; dir: string; resources: number }[] {
  const asIs = projectWithCopies(stack, 0);
  const one = projectWithCopies(stack, 1);
  const base = planIn(stack, asIs).resources;
  const perCopy = planIn(stack, one).resources - base;
  rmSync(one, { recursive: true, force: true });
  const grown = ADDED_RESOURCES.map((added) => {
    const copies = Math.max(1, Math.round(added / perCopy));
    const dir = projectWithCopies(stack, copies);
    return { copies, dir, resources: planIn(stack, dir).resources };
  });
  return [{ copies: 0, dir: asIs, resources: base }, ...grown];
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
  targets: { perResourceRatioAtMost: number };
} {
  const loadAtStart = os.loadavg()[0]!;
  const stacks = ["prod", ...(process.env.BENCH_SEEDS?.split(",") ?? seedStacks())];
  const sizes = new Map(stacks.map((stack) => [stack, sizesOf(stack)]));
  const samples = new Map(stacks.map((stack) => [stack, sizes.get(stack)!.map(() => [] as number[])]));
  for (let i = 0; i < RUNS; i++)
    for (const stack of stacks)
      sizes.get(stack)!.forEach(({ dir }, size) => samples.get(stack)![size].push(planIn(stack, dir).seconds));
  for (const { dir } of [...sizes.values()].flat()) rmSync(dir, { recursive: true, force: true });

  const point = (stack: string): StackPoint => {
    const points = sizes.get(stack)!.map(({ copies, resources }, size) => ({
      copies,
      resources,
      medianSeconds: round(median(samples.get(stack)![size]), 3),
    }));
    const fit = leastSquares(points.map((p) => [p.resources, p.medianSeconds]));
    const [asIs, once] = points;
    return {
      stack,
      resources: asIs.resources,
      resourcesPerCopy: (once.resources - asIs.resources) / once.copies,
      points,
      secondsPerResource: round(fit.slope, 5),
      interceptSeconds: round(fit.intercept, 3),
      rSquared: round(fit.rSquared, 4),
      wallSecondsPerResourceIncludingStartUp: round(asIs.medianSeconds / asIs.resources, 5),
    };
  };
  const prod = point("prod");
  const seeds = stacks.slice(1).map((stack) => {
    const p = point(stack);
    return {
      ...p,
      ratioToProd: round(p.secondsPerResource / prod.secondsPerResource, 3),
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
      "per resource: the least-squares slope of median plan wall time over resources, each stack as it is and " +
      "grown by copies of its own services (bench/plan/seeds.ts, copies.ts)",
    loadAverage1m: { atStart: round(loadAtStart, 2), atEnd: round(os.loadavg()[0]!, 2) },
    prod,
    seeds,
    targets: { perResourceRatioAtMost: PER_RESOURCE_RATIO_AT_MOST },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const file = path.join(ROOT, "bench/results/plan.json");
  const result = { ...JSON.parse(readFileSync(file, "utf8")), seeds: measureSeeds() };
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result.seeds, null, 2));
}
