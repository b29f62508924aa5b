/**
 * How `estate plan` grows with the number of hosted services: synthetic projects of 10, 50 and
 * 200 copies of the api service (same code, so one package build serves all), planned one after
 * another with the real CLI. Reports wall time, plan time and resources, and the least-squares
 * cost per resource with the fit's R² (linear growth gives R² close to 1).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface ScalePoint {
  services: number;
  resources: number;
  wallSeconds: number;
  planMs: number;
}

function syntheticProject(services: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `estate-scale-${services}-`));
  for (const file of ["Pulumi.yaml", "Pulumi.prod.yaml"])
    writeFileSync(path.join(dir, file), readFileSync(path.join(ROOT, file)));
  mkdirSync(path.join(dir, "services"));
  // The api's code and the modules it shares, reached through links; each copy's manifest points at it.
  symlinkSync(path.join(ROOT, "services/shared"), path.join(dir, "services/shared"));
  const api = JSON.parse(readFileSync(path.join(ROOT, "services/api/manifest.json"), "utf8"));
  mkdirSync(path.join(dir, "services/api"));
  symlinkSync(path.join(ROOT, "services/api/src"), path.join(dir, "services/api/src"));
  writeFileSync(path.join(dir, "services/api/manifest.json"), JSON.stringify(api));
  for (let i = 1; i < services; i++) {
    const name = `svc${String(i).padStart(3, "0")}`;
    const routes = api.routes.map((r: { path: string }) => ({
      ...r,
      path: r.path.replace("/api/v1/", `/api/v1/${name}/`),
    }));
    mkdirSync(path.join(dir, "services", name));
    writeFileSync(
      path.join(dir, "services", name, "manifest.json"),
      JSON.stringify({ ...api, name, routes, entry: "../api/src/index.ts" }),
    );
  }
  return dir;
}

export function measureScale(sizes = [10, 50, 200]): { points: ScalePoint[]; msPerResource: number; rSquared: number } {
  const points = sizes.map((services) => {
    const dir = syntheticProject(services);
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

function leastSquares(xy: number[][]): { slope: number; rSquared: number } {
  const n = xy.length;
  const mx = xy.reduce((s, [x]) => s + x, 0) / n;
  const my = xy.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = xy.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = xy.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssRes = xy.reduce((s, [x, y]) => s + (y - (intercept + slope * x)) ** 2, 0);
  const ssTot = xy.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  return { slope, rSquared: 1 - ssRes / ssTot };
}
