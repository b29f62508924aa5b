import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePlan } from "../testing/plan-fixture.js";
import { buildGraph, toDot, toMermaid } from "./graph.js";
import { writeGraph } from "./render.js";

const plan = fixturePlan("dev", [
  { type: "azure-native:resources:ResourceGroup", name: "rg", physicalName: "rg-estate-dev-weu" },
  { type: "estate:data:Data", name: "data", custom: false },
  { type: "estate:data:Cosmos", name: "cosmos", custom: false, parent: "data" },
  { type: "azure-native:cosmosdb:DatabaseAccount", name: "account", parent: "cosmos", physicalName: 'cosmos "quoted"', dependsOn: ["rg"] },
  { type: "azure-native:network:PrivateEndpoint", name: "pe", parent: "data", dependsOn: ["rg", "account"] },
  { type: "estate:edge:Edge", name: "edge", custom: false },
  { type: "azure-native:cdn:Profile", name: "afd", parent: "edge", dependsOn: ["data"] },
]);

describe("buildGraph", () => {
  const graph = buildGraph(plan);

  it("nests one group per component as the components nest, with resources as nodes", () => {
    expect(graph.root.nodes.map((n) => n.label)).toEqual(["rg-estate-dev-weu"]);
    const data = graph.root.groups.find((g) => g.label.startsWith("data "))!;
    expect(data.nodes.map((n) => n.label)).toEqual(["pe"]);
    expect(data.groups[0].nodes.map((n) => [n.label, n.type])).toEqual([['cosmos "quoted"', "cosmosdb:DatabaseAccount"]]);
  });

  it("draws an edge from each dependency to the resource that needs it", () => {
    const label = (id: string) =>
      [graph.root, ...graph.root.groups, ...graph.root.groups.flatMap((g) => g.groups)].flatMap((g) => [...g.nodes, { id: g.id, label: g.label }]).find((n) => n.id === id)!.label;
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

describe("writeGraph", () => {
  it("renders a valid SVG offline next to the Mermaid and DOT files", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "estate-graph-"));
    const written = await writeGraph(out, plan);
    expect(written).toMatchObject({ nodes: 4, edges: 4 });
    const svg = readFileSync(path.join(out, "graph.svg"), "utf8");
    expect(svg).toMatch(/<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("cluster_g1");
    expect(svg).toContain("rg&#45;estate&#45;dev&#45;weu");
    expect(readFileSync(path.join(out, "graph.mmd"), "utf8")).toContain("flowchart LR");
  });
});
