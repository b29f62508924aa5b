import { describe, expect, it } from "vitest";
import { fixturePlan, type FixtureResource } from "../testing/plan-fixture.js";
import { diffPlans } from "./diff.js";
import { renderDiff } from "./render.js";

const estate = (env: string, extra: { sku: string; capacity: number; suffix: string; cc: string }): FixtureResource[] => [
  { type: "estate:data:Data", name: "data", custom: false },
  {
    type: "azure-native:resources:ResourceGroup",
    name: "rg",
    physicalName: `rg-estate-${env}-weu`,
    inputs: { resourceGroupName: `rg-estate-${env}-weu`, tags: { environment: env, "cost-centre": extra.cc } },
  },
  {
    type: "azure-native:redis:Redis",
    name: "redis",
    parent: "data",
    physicalName: `redis-estate-${env}-weu-${extra.suffix}`,
    inputs: {
      name: `redis-estate-${env}-weu-${extra.suffix}`,
      resourceGroupName: `rg-estate-${env}-weu`,
      sku: { name: extra.sku, capacity: extra.capacity },
      accessKey: "[secret]",
      tags: { environment: env, "cost-centre": extra.cc },
    },
  },
  {
    type: "azure-native:network:PrivateEndpoint",
    name: "pe-redis",
    parent: "data",
    physicalName: `pe-estate-${env}-weu-redis`,
    // Refers to the Redis cache by its hashed name: only a rename, not a difference.
    inputs: { target: `/caches/redis-estate-${env}-weu-${extra.suffix}`, tags: { environment: env, "cost-centre": extra.cc } },
  },
];

const dev = fixturePlan("dev", estate("dev", { sku: "Standard", capacity: 0, suffix: "aaaaaa", cc: "CC-1" }), "dev");
const prod = fixturePlan(
  "prod",
  [
    ...estate("prod", { sku: "Premium", capacity: 1, suffix: "bbbbbb", cc: "CC-2" }),
    { type: "azure-native:authorization:ManagementLockByScope", name: "redis-lock", parent: "data", inputs: { level: "CanNotDelete" } },
  ],
  "prod",
);

describe("diffPlans", () => {
  const diff = diffPlans(dev, prod, { a: "stack dev", b: "stack prod" });

  it("matches resources across stacks by URN without the stack name and lists those on one side only", () => {
    expect(diff.onlyInA).toEqual([]);
    expect(diff.onlyInB.map((r) => [r.name, r.component])).toEqual([["redis-lock", "data"]]);
    expect(diff.onlyInB[0].key).toBe("urn:pulumi:*::estate::estate:data:Data$azure-native:authorization:ManagementLockByScope::redis-lock");
  });

  it("lists the inputs that differ, by path, and not those that differ only by environment or hashed names", () => {
    const redis = diff.changed.find((r) => r.name === "redis")!;
    expect(redis.changes).toEqual([
      { path: "sku.capacity", a: 0, b: 1 },
      { path: "sku.name", a: "Standard", b: "Premium" },
      { path: "tags.cost-centre", a: "CC-1", b: "CC-2" },
    ]);
    expect(redis.renamed).toBe(3); // name, resourceGroupName, tags.environment
    const pe = diff.changed.find((r) => r.name === "pe-redis")!;
    expect(pe.changes.map((c) => c.path)).toEqual(["tags.cost-centre"]);
  });

  it("never reveals secrets: both sides hold [secret], so they compare equal", () => {
    expect(JSON.stringify(diff)).not.toContain("accessKey");
  });

  it("falls back to type and logical name when URNs differ (a plan of another project)", () => {
    const other = { ...prod, resources: prod.resources.map((r) => ({ ...r, urn: r.urn.replace("::estate::", "::other::") })) };
    const loose = diffPlans(dev, other, { a: "a", b: "b" });
    expect(loose.onlyInA).toEqual([]);
    expect(loose.changed.map((r) => r.name).sort()).toEqual(["pe-redis", "redis", "rg"]);
  });

  it("renders groups by component and folds a change repeated on many resources into one line", () => {
    const text = renderDiff(diff).replace(/\u001b\[[0-9;]*m/g, "");
    expect(text).toContain('on 3 resources  tags.cost-centre: "CC-1" → "CC-2"');
    expect(text).toMatch(/ {2}data\n {4}~ redis-estate-dev-weu-aaaaaa redis:Redis\n {8}sku\.capacity: 0 → 1/);
    expect(text).toContain("0 only in stack dev, 1 only in stack prod, 3 with different inputs, 0 the same");
  });
});
