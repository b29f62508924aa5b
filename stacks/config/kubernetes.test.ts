import { describe, expect, it } from "vitest";
import { DEV_STACK, refusal } from "../../test/config.js";
import { loadConfig } from "./load.js";

const stack = (kubernetes: unknown, extra: Record<string, string> = {}) => ({
  ...DEV_STACK,
  "estate:kubernetes": JSON.stringify(kubernetes),
  ...extra,
});
const keys = (raw: Record<string, string>) => refusal(raw).problems.map((p) => `${p.key}: ${p.message}`);

describe("estate:kubernetes", () => {
  it("is off by default, with the Standard tier and three zonal system nodes as prod's defaults", () => {
    expect(loadConfig(DEV_STACK, { stack: "dev" }).kubernetes).toMatchObject({ enabled: false, tier: "Free" });
    const prod = loadConfig({ ...DEV_STACK, "estate:profile": "prod" }, { stack: "prod" }).kubernetes;
    expect(prod).toMatchObject({
      enabled: false,
      tier: "Standard",
      systemPool: { minCount: 3 },
      userPool: { minCount: 3 },
    });
  });

  it("runs every app of the cluster from 2 replicas by default, and takes the stack's own range", () => {
    expect(loadConfig(stack({ enabled: true }), { stack: "dev" }).kubernetes.apps).toEqual({
      replicas: { min: 2, max: 3, cpuUtilization: 70 },
      resources: { cpu: "250m", memory: "512Mi" },
      exposure: "internal",
    });
    const apps = { replicas: { min: 3, max: 6, cpuUtilization: 60 }, exposure: "cluster" };
    expect(loadConfig(stack({ enabled: true, apps }), { stack: "dev" }).kubernetes.apps).toMatchObject(apps);
  });

  it("refuses bad pools and a bad replica range with the component's own checks, naming every key", () => {
    const problems = keys(
      stack({
        enabled: true,
        userPool: { name: "apps", vmSize: "Standard_D2ds_v5", minCount: 4, maxCount: 2 },
        apps: { replicas: { min: 1, max: 1, cpuUtilization: 170 } },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        "estate:kubernetes.userPool.minCount: got 4, more than maxCount 2",
        expect.stringMatching(/^estate:kubernetes\.apps\.replicas\.min: got 1; at least 2 replicas/),
        "estate:kubernetes.apps.replicas.cpuUtilization: got 170; expected a percentage between 1 and 100",
      ]),
    );
  });

  it("refuses the workload key the manifests replaced", () => {
    expect(keys(stack({ enabled: true, workload: { name: "api" } }))).toEqual([
      expect.stringMatching(/^estate:kubernetes\.workload: unknown key; allowed keys here: .*apps/),
    ]);
  });

  it("refuses a zone-redundant cluster with fewer than three system nodes", () => {
    const problems = keys(
      stack(
        { enabled: true, systemPool: { name: "system", vmSize: "Standard_D4ds_v5", minCount: 2, maxCount: 3 } },
        { "estate:profile": "prod" },
      ),
    );
    expect(problems).toContain(
      "estate:kubernetes.systemPool.minCount: got 2; a zone-redundant cluster keeps at least 3 system nodes, one per zone",
    );
  });

  it("refuses an address space with no room for the aks subnet, only when the cluster is on", () => {
    const small = { "estate:network": JSON.stringify({ addressSpace: "10.0.0.0/24" }) };
    expect(() => loadConfig({ ...DEV_STACK, ...small }, { stack: "dev" })).not.toThrow();
    expect(keys(stack({ enabled: true }, small))).toEqual([
      expect.stringMatching(
        /^estate:network\.subnets: address space 10\.0\.0\.0\/24 is too small: .*\(kubernetes\.enabled needs an aks subnet\)$/,
      ),
    ]);
  });
});
