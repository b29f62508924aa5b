/**
 * How `estate plan` grows with the number of hosted services: prod hosting 10, 50 and 200 (its api
 * and worker, and copies of the api: copies.ts), planned one after another with the real CLI. Reports wall time, plan time and resources, and the least-squares
 * cost per resource with the fit's R² (linear growth gives R² close to 1).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { hostedServices, projectWithCopies } from "./copies.js";
import { leastSquares } from "./fit.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface ScalePoint {
  services: number;
  resources: number;
  wallSeconds: number;
  planMs: number;
}

export function measureScale(sizes = [10, 50, 200]): { points: ScalePoint[]; msPerResource: number; rSquared: number } {
  const points = sizes.map((services) => {
    // The api and the worker, and copies of the api to make up the number.
    const dir = projectWithCopies("prod", services - hostedServices("prod").length, ["api"]);
    const started = performance.now();
    execFileSync(process.execPath, [path.join(ROOT, "bin/estate.js"), "plan", "prod", "--out", path.join(dir, "out")], {
      cwd: dir,
      env: { ...process.env, CI: "true" },
      stdio: "ignore",
    });
    const wallSeconds = (performance.now() - started) / 1000;
    const plan = JSON.parse(readFileSync(path.join(dir, "out/plan.json"), "utf8")) as {
      resources: unknown[];
      durationMs: number;
    };
    return {
      services,
      resources: plan.resources.length,
      wallSeconds: Number(wallSeconds.toFixed(2)),
      planMs: plan.durationMs,
    };
  });
  const fit = leastSquares(points.map((p) => [p.resources, p.planMs]));
  return { points, msPerResource: Number(fit.slope.toFixed(3)), rSquared: Number(fit.rSquared.toFixed(4)) };
}
