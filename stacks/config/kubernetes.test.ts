import { describe, expect, it } from "vitest";
import { DEV_STACK, refusal } from "../../test/config.js";
import { loadConfig } from "./load.js";

const REGISTRY = {
  id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acrx",
  loginServer: "acrx.azurecr.io",
};
const WORKLOAD = {
  name: "api",
  image: "api:1.0.0",
  port: 3000,
  healthPath: "/health",
  replicas: { min: 2, max: 5, cpuUtilization: 70 },
  resources: { cpu: "250m", memory: "256Mi" },
  exposure: "internal",
};
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

  it("takes a workload with its registry", () => {
    const config = loadConfig(stack({ enabled: true, registry: REGISTRY, workload: WORKLOAD }), { stack: "dev" });
    expect(config.kubernetes.workload).toMatchObject({ name: "api", replicas: { min: 2 } });
  });

  it("refuses bad pools and a bad workload with the component's own checks, naming every key", () => {
    const problems = keys(
      stack({
        enabled: true,
        userPool: { name: "apps", vmSize: "Standard_D2ds_v5", minCount: 4, maxCount: 2 },
        workload: { ...WORKLOAD, replicas: { min: 1, max: 1, cpuUtilization: 70 } },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        "estate:kubernetes.userPool.minCount: got 4, more than maxCount 2",
        expect.stringMatching(/^estate:kubernetes\.workload\.replicas\.min: got 1; at least 2 replicas/),
      ]),
    );
  });

  it("refuses a workload bound to a database the stack does not declare, naming the data key", () => {
    const problems = keys(
      stack({ enabled: true, workload: { ...WORKLOAD, mysql: { database: "shop", access: "read" } } }),
    );
    expect(problems).toEqual([
      "estate:data.mysql.enabled: estate:kubernetes.workload binds MySQL, which this stack leaves out; set it true or remove the binding",
    ]);
  });

  it("pulls a workload from the estate's registry unless the stack names one, and refuses one with neither", () => {
    expect(
      loadConfig(stack({ enabled: true, workload: WORKLOAD }), { stack: "dev" }).kubernetes.registry,
    ).toBeUndefined();
    const problems = keys(
      stack(
        { enabled: true, workload: WORKLOAD },
        { "estate:hosts": JSON.stringify({ registry: { enabled: false } }) },
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^estate:kubernetes\.registry: missing; the workload's image comes from a registry the nodes pull/,
      ),
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
