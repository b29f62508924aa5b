/**
 * bench/plan: `estate plan prod` against its floor (a process that only imports the Pulumi SDK and
 * the same azure-native submodules), run alternately in one session; writes the ratio of medians
 * and peak memory to bench/results/plan.json, with the ratio to that floor when it too skips what
 * `estate plan` skips at start, and how plan time grows with the number of hosted services
 * (scale.ts), and each seed stack's plan cost per resource beside prod's (seeds.ts). Needs GNU time (/usr/bin/time, Debian package `time`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildDeferPreload } from "./defer-preload.js";
import { measureScale } from "./scale.js";
import { measureSeeds } from "./seeds.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TIME = "/usr/bin/time";

interface Sample {
  seconds: number;
  peakMiB: number;
}

function measure(args: string[]): Sample {
  const result = spawnSync(TIME, ["-f", "%e %M", process.execPath, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed:\n${result.stderr}`);
  const [seconds, kib] = result.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  return { seconds, peakMiB: kib / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (!existsSync(TIME)) {
  console.error(`bench/plan needs GNU time at ${TIME} (apt-get install time)`);
  process.exit(1);
}

const out = mkdtempSync(path.join(os.tmpdir(), "estate-bench-"));
const planArgs = [path.join(ROOT, "bin/estate.js"), "plan", "prod", "--out", out];
// The floor imports exactly the provider SDKs (azure-native: the submodules) whose resources the
// plan holds; `pulumi:` types are the SDK itself, `estate:` ones the project's components.
execFileSync(process.execPath, planArgs, { cwd: ROOT, env: { ...process.env, CI: "true" } });
const plan = JSON.parse(readFileSync(path.join(out, "plan.json"), "utf8")) as { resources: Array<{ type: string }> };
const modules = plan.resources
  .map((r) => r.type.split(":"))
  .filter(([pkg]) => pkg !== "pulumi" && pkg !== "estate")
  .map(([pkg, module]) => {
    if (pkg === "azure-native") return `@pulumi/azure-native/${module}`;
    // azuread classes are imported one file each (index/application -> @pulumi/azuread/application).
    if (pkg === "azuread") return `@pulumi/azuread/${module.split("/")[1]}`;
    return `@pulumi/${pkg}`;
  });
const floorArgs = [path.join(ROOT, "bench/plan/floor.cjs"), ...new Set(modules)];

// `estate plan` skips loading modules the Pulumi SDK loads as it starts (cli/defer-closure-deps.ts);
// the floor, as the issue defines it, loads them. The same floor with them deferred too shows how
// much of the plan's lead is that skipped load rather than less work of its own.
const deferPreload = buildDeferPreload(out);
const deferredFloorArgs = ["-r", deferPreload, ...floorArgs];

const estate: Sample[] = [];
const floor: Sample[] = [];
const deferredFloor: Sample[] = [];
for (let i = 0; i < RUNS; i++) {
  // Alternate so all see the same machine load.
  floor.push(measure(floorArgs));
  deferredFloor.push(measure(deferredFloorArgs));
  estate.push(measure(planArgs));
}

const estateSeconds = median(estate.map((s) => s.seconds));
const floorSeconds = median(floor.map((s) => s.seconds));
const deferredFloorSeconds = median(deferredFloor.map((s) => s.seconds));
const result = {
  bench: "plan",
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    node: process.version,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  },
  runs: RUNS,
  resources: plan.resources.length,
  floorModules: [...new Set(modules)].sort(),
  estatePlanProd: { medianSeconds: estateSeconds, peakMiB: Math.max(...estate.map((s) => s.peakMiB)) },
  floor: { medianSeconds: floorSeconds, peakMiB: Math.max(...floor.map((s) => s.peakMiB)) },
  ratio: Number((estateSeconds / floorSeconds).toFixed(3)),
  floorWithClosureDepsDeferred: {
    medianSeconds: deferredFloorSeconds,
    peakMiB: Math.max(...deferredFloor.map((s) => s.peakMiB)),
  },
  ratioToFloorWithClosureDepsDeferred: Number((estateSeconds / deferredFloorSeconds).toFixed(3)),
  scaling: measureScale(),
  seeds: measureSeeds(),
  targets: { ratioAtMost: 1.5, peakMiBAtMost: 1024, growth: "linear in resources" },
};
mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
writeFileSync(path.join(ROOT, "bench/results/plan.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
