import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePlan } from "../testing/plan-fixture.js";
import { buildGraph, graphNodes, toDot, toMermaid, type DependencyGraph } from "./graph.js";
import { writeGraph } from "./render.js";

const plan = fixturePlan("dev", [
  { type: "azure-native:resources:ResourceGroup", name: "rg", physicalName: "rg-estate-dev-weu" },
  { type: "estate:data:Data", name: "data", custom: false },
  { type: "estate:data:Cosmos", name: "cosmos", custom: false, parent: "data" },
  {
    type: "azure-native:cosmosdb:DatabaseAccount",
    name: "account",
    parent: "cosmos",
    physicalName: 'cosmos "quoted"',
    dependsOn: ["rg"],
  },
  { type: "azure-native:network:PrivateEndpoint", name: "pe", parent: "data", dependsOn: ["rg", "account"] },
  { type: "estate:edge:Edge", name: "edge", custom: false },
  { type: "azure-native:cdn:Profile", name: "afd", parent: "edge", dependsOn: ["data"] },
]);

const labelIn = (graph: DependencyGraph) => {
  const all = (g: DependencyGraph["root"]): Array<{ id: string; label: string }> => [
    ...g.nodes,
    { id: g.id, label: g.label },
    ...g.groups.flatMap(all),
  ];
  return (id: string) => all(graph.root).find((n) => n.id === id)!.label;
};

describe("the component view (the default)", () => {
  const graph = buildGraph(plan);

  it("draws one node per component, components that hold components as groups around them", () => {
    expect(graphNodes(graph).map((n) => [n.label, n.type])).toEqual([
      ["rg-estate-dev-weu", "resources:ResourceGroup"],
      ["edge", "estate:edge:Edge · 1 resource"],
      ["data", "estate:data:Data · 1 resource"],
      ["cosmos", "estate:data:Cosmos · 1 resource"],
    ]);
    expect(graph.root.groups.map((g) => g.label)).toEqual(["data (estate:data:Data)"]);
    expect(graph.root.groups[0]!.nodes.map((n) => n.label)).toEqual(["data", "cosmos"]);
  });

  it("draws one edge between two components when a resource of one depends on the other's", () => {
    const label = labelIn(graph);
    expect(graph.edges.map((e) => `${label(e.from)} -> ${label(e.to)}`)).toEqual([
      "rg-estate-dev-weu -> cosmos",
      "rg-estate-dev-weu -> data",
      "cosmos -> data",
      "data -> edge",
    ]);
  });
});

describe("the resource view (--resources)", () => {
  const graph = buildGraph(plan, "resources");

  it("nests one group per component as the components nest, with resources as nodes", () => {
    expect(graph.root.nodes.map((n) => n.label)).toEqual(["rg-estate-dev-weu"]);
    const data = graph.root.groups.find((g) => g.label.startsWith("data "))!;
    expect(data.nodes.map((n) => n.label)).toEqual(["pe"]);
    expect(data.groups[0].nodes.map((n) => [n.label, n.type])).toEqual([
      ['cosmos "quoted"', "cosmosdb:DatabaseAccount"],
    ]);
  });

  it("draws an edge from each dependency to the resource that needs it", () => {
    const label = labelIn(graph);
    expect(graph.edges.map((e) => `${label(e.from)} -> ${label(e.to)}`)).toEqual([
      'rg-estate-dev-weu -> cosmos "quoted"',
      "rg-estate-dev-weu -> pe",
      'cosmos "quoted" -> pe',
      "data (estate:data:Data) -> afd",
    ]);
  });

  it("writes Mermaid with subgraphs and escaped labels", () => {
    const mermaid = toMermaid(graph);
    expect(mermaid.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaid).toContain('subgraph g1["data (estate:data:Data)"]');
    expect(mermaid).toContain('n3["cosmos #quot;quoted#quot;<br/><small>cosmosdb:DatabaseAccount</small>"]');
    expect(mermaid).toContain("  n0 --> n3\n");
    expect(mermaid).toContain("  g1 --> n6\n"); // a dependency on a component points at its subgraph
  });

  it("writes DOT with a cluster per component and a compound edge from a component", () => {
    const dot = toDot(graph);
    expect(dot).toContain("subgraph cluster_g1 {");
    expect(dot).toContain('n3 [label="cosmos \\"quoted\\"\\ncosmosdb:DatabaseAccount"];');
    expect(dot).toContain("n4 -> n6 [ltail=cluster_g1];");
  });
});

describe("plumbing in the resource view", () => {
  const ACCOUNT_ID = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/account";
  const withPlumbing = fixturePlan("dev", [
    { type: "azure-native:resources:ResourceGroup", name: "rg" },
    { type: "azure-native:operationalinsights:Workspace", name: "law", dependsOn: ["rg"] },
    { type: "estate:data:Cosmos", name: "cosmos", custom: false },
    { type: "azure-native:cosmosdb:DatabaseAccount", name: "account", parent: "cosmos", dependsOn: ["rg"] },
    {
      type: "azure-native:monitor:DiagnosticSetting",
      name: "diag",
      parent: "cosmos",
      inputs: { resourceUri: ACCOUNT_ID },
      dependsOn: ["account", "law"],
    },
    {
      type: "azure-native:authorization:ManagementLockByScope",
      name: "lock",
      parent: "cosmos",
      inputs: { scope: ACCOUNT_ID },
      dependsOn: ["account"],
    },
    {
      type: "azure-native:authorization:RoleAssignment",
      name: "reader",
      parent: "cosmos",
      inputs: { scope: ACCOUNT_ID },
      dependsOn: ["account"],
    },
    {
      type: "azure-native:authorization:RoleAssignment",
      name: "writer",
      parent: "cosmos",
      inputs: { scope: ACCOUNT_ID },
      dependsOn: ["account"],
    },
    { type: "azure-native:privatedns:PrivateZone", name: "zone", dependsOn: ["rg"] },
    { type: "azure-native:network:VirtualNetwork", name: "vnet", dependsOn: ["rg"] },
    { type: "azure-native:privatedns:VirtualNetworkLink", name: "link", dependsOn: ["zone", "vnet", "rg"] },
  ]);
  withPlumbing.resources.find((r) => r.name === "account")!.outputs.id = ACCOUNT_ID;
  const graph = buildGraph(withPlumbing, "resources");

  it("folds diagnostic settings, role assignments, locks and DNS links into their target", () => {
    expect(graphNodes(graph).map((n) => `${n.label}: ${n.type}`)).toEqual([
      "rg: resources:ResourceGroup",
      "law: operationalinsights:Workspace",
      "zone: privatedns:PrivateZone + 1 DNS link",
      "vnet: network:VirtualNetwork",
      "account: cosmosdb:DatabaseAccount + 1 diagnostic setting + 1 lock + 2 role assignments",
    ]);
  });

  it("keeps what the folded plumbing needed as dependencies of its target, once each", () => {
    const label = labelIn(graph);
    expect(graph.edges.map((e) => `${label(e.from)} -> ${label(e.to)}`)).toEqual([
      "rg -> law",
      "rg -> account",
      "law -> account",
      "rg -> zone",
      "rg -> vnet",
      "vnet -> zone",
    ]);
  });
});

describe("writeGraph", () => {
  it("renders the component view by default, the resource view on request", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "estate-graph-"));
    expect(await writeGraph(out, plan)).toMatchObject({ view: "components", nodes: 4, edges: 4 });
    expect(readFileSync(path.join(out, "graph.mmd"), "utf8")).toContain(
      'c5["edge<br/><small>estate:edge:Edge · 1 resource</small>"]',
    );
  });

  it("renders a valid SVG offline next to the Mermaid and DOT files", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "estate-graph-"));
    const written = await writeGraph(out, plan, "resources");
    expect(written).toMatchObject({ view: "resources", nodes: 4, edges: 4 });
    const svg = readFileSync(path.join(out, "graph.svg"), "utf8");
    expect(svg).toMatch(/<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("cluster_g1");
    expect(svg).toContain("rg&#45;estate&#45;dev&#45;weu");
    expect(readFileSync(path.join(out, "graph.mmd"), "utf8")).toContain("flowchart LR");
  });
});
