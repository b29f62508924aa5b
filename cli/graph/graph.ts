import { shortType, type Plan, type PlanResource } from "../plan/schema.js";

/**
 * The dependency graph of a plan: every Azure resource is a node, every component a group (nested
 * as the components nest), and an edge runs from each dependency to the resource that needs it,
 * so arrows follow deployment order. A dependency on a component points at its group.
 */
export interface GraphNode {
  id: string;
  label: string;
  type: string;
}

export interface GraphGroup {
  id: string;
  label: string;
  nodes: GraphNode[];
  groups: GraphGroup[];
}

export interface GraphEdge {
  from: string;
  to: string;
  /** The dependency is a component: `from` is its group's id. */
  fromGroup: boolean;
}

export interface DependencyGraph {
  stack: string;
  /** Top level: resources and components directly under the stack. */
  root: GraphGroup;
  edges: GraphEdge[];
}

export function buildGraph(plan: Plan): DependencyGraph {
  const ids = new Map<string, string>();
  plan.resources.forEach((r, i) => ids.set(r.urn, `${r.custom ? "n" : "g"}${i}`));
  const root: GraphGroup = { id: "root", label: plan.stack, nodes: [], groups: [] };
  const groups = new Map<string | undefined, GraphGroup>([[undefined, root]]);
  const groupOf = (resource: PlanResource): GraphGroup => {
    const existing = groups.get(resource.urn);
    if (existing) return existing;
    const group: GraphGroup = { id: ids.get(resource.urn)!, label: `${resource.name} (${resource.type})`, nodes: [], groups: [] };
    groups.set(resource.urn, group);
    return group;
  };
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const parentGroup = (resource: PlanResource): GraphGroup => {
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    return parent ? groupOf(parent) : root;
  };
  for (const resource of plan.resources) {
    if (resource.custom) {
      parentGroup(resource).nodes.push({ id: ids.get(resource.urn)!, label: resource.physicalName ?? resource.name, type: shortType(resource.type) });
    } else {
      parentGroup(resource).groups.push(groupOf(resource));
    }
  }
  const edges = plan.resources
    .filter((r) => r.custom)
    .flatMap((r) =>
      r.dependsOn.filter((d) => ids.has(d)).map((d) => ({ from: ids.get(d)!, to: ids.get(r.urn)!, fromGroup: !byUrn.get(d)!.custom })),
    );
  return { stack: plan.stack, root, edges };
}

const mermaidText = (text: string) => text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");

export function toMermaid(graph: DependencyGraph): string {
  const lines = ["flowchart LR"];
  const emit = (group: GraphGroup, depth: number) => {
    const pad = "  ".repeat(depth);
    for (const node of group.nodes) lines.push(`${pad}${node.id}["${mermaidText(node.label)}<br/><small>${mermaidText(node.type)}</small>"]`);
    for (const inner of group.groups) {
      lines.push(`${pad}subgraph ${inner.id}["${mermaidText(inner.label)}"]`);
      emit(inner, depth + 1);
      lines.push(`${pad}end`);
    }
  };
  emit(graph.root, 1);
  for (const edge of graph.edges) lines.push(`  ${edge.from} --> ${edge.to}`);
  return `${lines.join("\n")}\n`;
}

const dotText = (text: string) => text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

export function toDot(graph: DependencyGraph): string {
  const lines = [
    `digraph "${dotText(graph.stack)}" {`,
    "  rankdir=LR;",
    "  compound=true;",
    '  node [shape=box, style="rounded,filled", fillcolor="#eef4fb", fontname="Helvetica", fontsize=10];',
    '  graph [fontname="Helvetica", fontsize=11];',
  ];
  // Graphviz can only point an edge at a cluster through one of its nodes (lhead): pick the first.
  const anchor = new Map<string, string>();
  const firstNode = (group: GraphGroup): string | undefined =>
    group.nodes[0]?.id ?? group.groups.map(firstNode).find((id) => id !== undefined);
  const emit = (group: GraphGroup, depth: number) => {
    const pad = "  ".repeat(depth);
    for (const node of group.nodes) lines.push(`${pad}${node.id} [label="${dotText(node.label)}\\n${dotText(node.type)}"];`);
    for (const inner of group.groups) {
      const first = firstNode(inner);
      if (first) anchor.set(inner.id, first);
      lines.push(`${pad}subgraph cluster_${inner.id} {`, `${pad}  label="${dotText(inner.label)}";`, `${pad}  style="rounded"; color="#8aa4c8";`);
      emit(inner, depth + 1);
      lines.push(`${pad}}`);
    }
  };
  emit(graph.root, 1);
  for (const edge of graph.edges) {
    if (!edge.fromGroup) {
      lines.push(`  ${edge.from} -> ${edge.to};`);
      continue;
    }
    const first = anchor.get(edge.from);
    if (first) lines.push(`  ${first} -> ${edge.to} [ltail=cluster_${edge.from}];`); // an empty component has nothing to draw from
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
