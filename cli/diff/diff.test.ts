import { describe, expect, it } from "vitest";
import { fixturePlan, type FixtureResource } from "../testing/plan-fixture.js";
import { diffPlans } from "./diff.js";
import { renderDiff } from "./render.js";

const estate = (
  env: string,
  extra: { sku: string; capacity: number; suffix: string; cc: string },
): FixtureResource[] => [
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
    inputs: {
      target: `/caches/redis-estate-${env}-weu-${extra.suffix}`,
      tags: { environment: env, "cost-centre": extra.cc },
    },
  },
];

const dev = fixturePlan("dev", estate("dev", { sku: "Standard", capacity: 0, suffix: "aaaaaa", cc: "CC-1" }), "dev");
const prod = fixturePlan(
  "prod",
  [
    ...estate("prod", { sku: "Premium", capacity: 1, suffix: "bbbbbb", cc: "CC-2" }),
    {
      type: "azure-native:authorization:ManagementLockByScope",
      name: "redis-lock",
      parent: "data",
      inputs: { level: "CanNotDelete" },
    },
  ],
  "prod",
);

describe("diffPlans", () => {
  const diff = diffPlans(dev, prod, { a: "stack dev", b: "stack prod" });

  it("matches resources across stacks by URN without the stack name and lists those on one side only", () => {
    expect(diff.onlyInA).toEqual([]);
    expect(diff.onlyInB.map((r) => [r.name, r.component])).toEqual([["redis-lock", "data"]]);
    expect(diff.onlyInB[0].key).toBe(
      "urn:pulumi:*::estate::estate:data:Data$azure-native:authorization:ManagementLockByScope::redis-lock",
    );
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
    const other = {
      ...prod,
      resources: prod.resources.map((r) => ({ ...r, urn: r.urn.replace("::estate::", "::other::") })),
    };
    const loose = diffPlans(dev, other, { a: "a", b: "b" });
    expect(loose.onlyInA).toEqual([]);
    expect(loose.changed.map((r) => r.name).sort()).toEqual(["pe-redis", "redis", "rg"]);
  });

  it("renders groups by component and folds a change repeated on many resources into one line", () => {
    const text = renderDiff(diff).replace(/\u001b\[[0-9;]*m/g, "");
    expect(text).toContain('on 3 resources  tags.cost-centre: "CC-1" → "CC-2"');
    expect(text).toMatch(/ {2}data\n {4}~ redis-estate-dev-weu-aaaaaa redis:Redis {2}update\n {8}sku\.capacity: 0 → 1/);
    expect(text).toContain("0 only in stack dev, 1 only in stack prod, 3 with different inputs, 0 the same");
  });
});

describe("renames across stacks", () => {
  it("rewrites each name once: a short name inside a longer one is not renamed again", () => {
    const side = (env: string, origin: string): FixtureResource[] => [
      {
        type: "azure-native:cdn:AFDOriginGroup",
        name: "origins",
        physicalName: origin,
        inputs: { originGroupName: origin, tags: { environment: env } },
      },
      {
        type: "azure-native:network:NetworkSecurityGroup",
        name: "nsg",
        physicalName: `nsg-x-${env}-gateway`,
        inputs: { networkSecurityGroupName: `nsg-x-${env}-gateway`, tags: { environment: env } },
      },
    ];
    const diff = diffPlans(fixturePlan("dev", side("dev", "gateway")), fixturePlan("prod", side("prod", "web")), {
      a: "dev",
      b: "prod",
    });
    expect(diff.changed.find((r) => r.name === "nsg")).toBeUndefined();
    expect(diff.changed.find((r) => r.name === "origins")).toBeUndefined();
  });
});

describe("replacements", () => {
  // A stack against its own saved plan: the container's partition key and the cache's name changed.
  const container = (partitionKey: string) => ({
    type: "azure-native:cosmosdb:SqlResourceSqlContainer",
    name: "container",
    parent: "data",
    physicalName: "events",
    dependsOn: ["account"],
    inputs: {
      accountName: "cosmos-x",
      databaseName: "estate",
      containerName: "events",
      resourceGroupName: "rg-estate-dev-weu",
      resource: { id: "events", partitionKey: { paths: [partitionKey], kind: "Hash" } },
      options: { throughput: 400 },
      tags: { environment: "dev" },
    },
  });
  const side = (partitionKey: string, cacheName: string, location: string, throughput = 400): FixtureResource[] => [
    { type: "estate:data:Data", name: "data", custom: false },
    {
      type: "azure-native:cosmosdb:DatabaseAccount",
      name: "account",
      parent: "data",
      physicalName: "cosmos-x",
      inputs: { accountName: "cosmos-x", location, tags: { environment: "dev" } },
    },
    { ...container(partitionKey), inputs: { ...container(partitionKey).inputs, options: { throughput } } },
    {
      type: "azure-native:authorization:RoleAssignment",
      name: "api-reads-events",
      parent: "data",
      physicalName: "0f0e",
      dependsOn: ["container"],
      inputs: {
        roleAssignmentName: "0f0e",
        scope:
          "/subscriptions/s/resourceGroups/rg-estate-dev-weu/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-x/sqlDatabases/estate/containers/events",
        principalId: "p",
      },
    },
    {
      type: "azure-native:monitor:ActionGroup",
      name: "ag",
      physicalName: "ag-x",
      dependsOn: ["container"],
      inputs: { actionGroupName: "ag-x", groupShortName: "x", tags: { environment: "dev" } },
    },
    {
      type: "azure-native:redis:Redis",
      name: "redis",
      parent: "data",
      physicalName: cacheName,
      inputs: { name: cacheName, location: "westeurope", tags: { environment: "dev" } },
    },
  ];
  const before = fixturePlan("dev", side("/tenantId", "redis-a", "westeurope"), "dev");
  const after = fixturePlan("dev", side("/orgId", "redis-b", "northeurope", 1000), "dev");
  for (const plan of [before, after]) {
    plan.resources.find((r) => r.name === "container")!.outputs.id =
      "/subscriptions/s/resourceGroups/rg-estate-dev-weu/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-x/sqlDatabases/estate/containers/events";
  }
  const diff = diffPlans(before, after, { a: "saved plan", b: "stack dev" });
  const changed = (name: string) => diff.changed.find((r) => r.name === name)!;

  it("marks a change to a create-only input (partition key, location) as a replacement, and others as updates", () => {
    expect(changed("container").action).toBe("replace");
    expect(changed("container").changes).toEqual([
      { path: "options.throughput", a: 400, b: 1000 },
      {
        path: "resource.partitionKey.paths",
        a: ["/tenantId"],
        b: ["/orgId"],
        replaces: "a container's partition key is fixed: changing it copies the data into a new container",
      },
    ]);
    expect(changed("account")).toMatchObject({
      action: "replace",
      changes: [{ path: "location", replaces: "a resource's location is set at creation" }],
    });
  });

  it("within one environment a new name is a replacement, not a rename", () => {
    expect(changed("redis")).toMatchObject({
      action: "replace",
      renamed: 0,
      changes: [{ path: "name", a: "redis-a", b: "redis-b", replaces: expect.stringContaining("ARM id") }],
    });
  });

  it("gives a replacement's blast radius: the resources whose inputs reference it", () => {
    // The action group depends on the container only to be ordered after it: its inputs hold nothing of it.
    expect(changed("container").blastRadius.map((r) => r.name)).toEqual(["api-reads-events"]);
    // The account takes its container along, and the container its role assignment.
    expect(changed("account").blastRadius.map((r) => r.name)).toEqual(["container", "api-reads-events"]);
  });

  it("renders replace next to update, with the reason and the blast radius", () => {
    const text = renderDiff(diff, 120).replace(/\u001b\[[0-9;]*m/g, "");
    expect(text).toContain("± events cosmosdb:SqlResourceSqlContainer  replace");
    // Wrapped at 120 columns, the rest of the reason under the change.
    expect(text).toContain(
      'resource.partitionKey.paths: ["/tenantId"] → ["/orgId"]  forces replacement: a container\'s partition key is\n          fixed',
    );
    expect(text).toContain("blast radius: 1 dependent changes too: 0f0e authorization:RoleAssignment");
    expect(text).toContain("3 with different inputs (3 replaced)");
  });

  it("an update has no blast radius", () => {
    const resized = fixturePlan("dev", side("/tenantId", "redis-a", "westeurope", 1000), "dev");
    const update = diffPlans(before, resized, { a: "a", b: "b" });
    expect(update.changed.map((r) => [r.name, r.action, r.blastRadius.length])).toEqual([["container", "update", 0]]);
  });
});

describe("long values on the terminal", () => {
  const policy = (calls: number) =>
    `<policies><inbound><base /><rate-limit-by-key calls="${calls}" renewal-period="60" counter-key="@(context.Request.IpAddress)" /><set-header name="X-Content-Type-Options" exists-action="override"><value>nosniff</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>`;
  const subnet = `/subscriptions/00000000-0000-4000-8000-0000e57a7e00/resourceGroups/rg-estate-dev-weu/providers/Microsoft.Network/virtualNetworks/vnet-estate-dev-weu/subnets/snet-estate-dev-weu-gateway`;
  const apiPolicy = (value: string, subnetResourceId?: string): FixtureResource[] => [
    {
      type: "azure-native:apimanagement:ApiPolicy",
      name: "policy",
      inputs: { policyId: "policy", format: "rawxml", value, ...(subnetResourceId ? { subnetResourceId } : {}) },
    },
  ];
  const render = (a: FixtureResource[], b: FixtureResource[], width: number) =>
    renderDiff(diffPlans(fixturePlan("dev", a, "dev"), fixturePlan("dev", b, "dev"), { a: "a", b: "b" }), width)
      .replace(/\u001b\[[0-9;]*m/g, "")
      .split("\n");

  it("wraps a long single-line value to the width, the lines after the first under the change", () => {
    const lines = render(apiPolicy(policy(300)), apiPolicy(policy(600), subnet), 80);
    expect(lines.filter((line) => line.length > 80)).toEqual([]);
    const first = lines.findIndex((line) => line.startsWith("        value: "));
    const rest = lines.slice(first + 1);
    const end = rest.findIndex((line) => !line.startsWith("          "));
    expect(end).toBeGreaterThan(2);
    // Cut where a run of the XML is longer than a line: every character kept, in order.
    const change = [lines[first]!, ...rest.slice(0, end)].join("").replace(/\s/g, "");
    expect(change).toBe(`value: ${JSON.stringify(policy(300))} → ${JSON.stringify(policy(600))}`.replace(/\s/g, ""));
    // An id has no space to wrap at: cut at the width, every character kept.
    const id = lines.findIndex((line) => line.startsWith("        subnetResourceId: "));
    expect(
      lines
        .slice(id, id + 4)
        .map((line) => line.trim())
        .join(""),
    ).toContain(JSON.stringify(subnet));
  });

  it("shows the lines that differ in a value of several lines, with their context, a long line wrapped under its text", () => {
    const document = (calls: number) =>
      [
        "<policies>",
        "  <inbound>",
        "    <base />",
        '    <set-header name="x-estate" exists-action="override"><value>1</value></set-header>',
        `    <rate-limit-by-key calls="${calls}" renewal-period="60" counter-key="@(context.Request.IpAddress)" />`,
        "  </inbound>",
        "</policies>",
      ].join("\n");
    const lines = render(apiPolicy(document(300)), apiPolicy(document(600)), 80);
    expect(lines.filter((line) => line.length > 80)).toEqual([]);
    const value = lines.indexOf("        value:");
    expect(lines.slice(value + 1, value + 3)).toEqual(["            (2 unchanged lines)", "                <base />"]);
    expect(lines.filter((line) => /^ {10}[-+] /.test(line)).map((line) => line.slice(10, 34))).toEqual([
      "-     <rate-limit-by-key",
      "+     <rate-limit-by-key",
    ]);
    // The continuation starts past the marker and the line's own indentation.
    const limit = lines.indexOf('          +     <rate-limit-by-key calls="600" renewal-period="60"');
    expect(lines[limit + 1]).toBe('                  counter-key="@(context.Request.IpAddress)" />');
    expect(lines[limit + 2]).toBe("              </inbound>");
  });

  it("shows every line of a text of several lines set or unset on one side", () => {
    const lines = render(apiPolicy("<policies />"), apiPolicy("<policies>\n  <base />\n</policies>"), 80);
    expect(lines.filter((line) => /^ {10}[-+] /.test(line))).toEqual([
      '          - "<policies />"',
      "          + <policies>",
      "          +   <base />",
      "          + </policies>",
    ]);
  });

  it("leaves a diff whose lines fit as it was", () => {
    const lines = render(apiPolicy("<policies />"), apiPolicy("<policies><base /></policies>"), 80);
    expect(lines).toContain('        value: "<policies />" → "<policies><base /></policies>"');
  });
});
