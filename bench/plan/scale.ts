/**
 * How `estate plan` grows with the number of hosted services: prod hosting 10, 50 and 200 (its api
 * and worker, and copies of the api: copies.ts), planned one after another with the real CLI. Reports wall time, plan time and resources, and the least-squares
 * cost per resource with the fit's R² (linear growth gives R² close to 1).
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { hostedServices, planIn, projectWithCopies } from "./copies.js";
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
    // The api and the worker, and copies of the api to make up the number, all running one package.
    const copies = services - hostedServices("prod").length;
    const dir = projectWithCopies("prod", copies, { services: ["api"], sharedCode: true });
    const { seconds, resources, planMs } = planIn("prod", dir);
    rmSync(dir, { recursive: true, force: true });
    return {
      services,
      resources,
      wallSeconds: Number(seconds.toFixed(2)),
      planMs,
    };
  });
  const fit = leastSquares(points.map((p) => [p.resources, p.planMs]));
  return { points, msPerResource: Number(fit.slope.toFixed(3)), rSquared: Number(fit.rSquared.toFixed(4)) };
}

// Run alone (`node bin/run-ts.js bench/plan/scale.ts`): updates the `scaling` entry of bench/results/plan.json.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const file = path.join(ROOT, "bench/results/plan.json");
  const result = { ...JSON.parse(readFileSync(file, "utf8")), scaling: measureScale() };
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result.scaling, null, 2));
}
