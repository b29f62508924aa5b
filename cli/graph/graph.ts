import { shortType, type Plan, type PlanResource } from "../plan/schema.js";
import { T } from "../../policies/types.js";

/**
 * Two views of a plan's dependencies, both drawn with arrows from each dependency to what needs it,
 * so arrows follow deployment order:
 * - the component view (the default): one node per component (and per resource declared directly
 *   in the stack), components that hold other components drawn as groups around them, and one
 *   edge between two components when a resource of one depends on a resource of the other;
 * - the resource view: every Azure resource a node, every component a group (nested as the
 *   components nest), plumbing folded into the resource it serves (see PLUMBING).
 */
export interface GraphNode {
  id: string;
  label: string;
  /** The second line: the short type, or for a component its type and resource count. */
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
  /** The dependency is a component drawn as a group: `from` is its group's id. */
  fromGroup: boolean;
}

export interface DependencyGraph {
  stack: string;
  /** Top level: nodes and groups directly under the stack. */
  root: GraphGroup;
  edges: GraphEdge[];
}

export type GraphView = "components" | "resources";

/**
 * Resources that only attach something to another resource: in the resource view they are folded
 * into that target (its label counts them, their other dependencies point at the target). The
 * target is the resource whose id the `scope` input holds, else the dependency of `targetType`.
 */
const PLUMBING: Record<string, { what: string; scopeInput?: string; targetType?: string }> = {
  [T.diagnosticSetting]: { what: "diagnostic setting", scopeInput: "resourceUri" },
  [T.roleAssignment]: { what: "role assignment", scopeInput: "scope" },
  [T.lock]: { what: "lock", scopeInput: "scope" },
  [T.vnetLink]: { what: "DNS link", targetType: T.privateZone },
  [T.privateDnsZoneGroup]: { what: "DNS zone group", targetType: T.privateEndpoint },
};

export function buildGraph(plan: Plan, view: GraphView = "components"): DependencyGraph {
  return view === "components" ? componentGraph(plan) : resourceGraph(plan);
}

const uniqueEdges = (edges: GraphEdge[]) => [
  ...new Map(edges.filter((e) => e.from !== e.to).map((e) => [`${e.from}>${e.to}`, e])).values(),
];

/** What each plumbing resource is folded into (URN to URN), for plumbing whose target is in the plan. */
function plumbingTargets(plan: Plan): Map<string, string> {
  const byId = new Map<unknown, string>();
  for (const r of plan.resources) if (typeof r.outputs.id === "string") byId.set(r.outputs.id, r.urn);
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const targets = new Map<string, string>();
  for (const r of plan.resources) {
    const rule = PLUMBING[r.type];
    if (!rule) continue;
    const scoped = rule.scopeInput ? byId.get(r.inputs[rule.scopeInput]) : undefined;
    const target = scoped ?? r.dependsOn.find((d) => byUrn.get(d)?.type === rule.targetType);
    if (target && target !== r.urn && !PLUMBING[byUrn.get(target)!.type]) targets.set(r.urn, target);
  }
  return targets;
}

function resourceGraph(plan: Plan): DependencyGraph {
  const folded = plumbingTargets(plan);
  const ids = new Map<string, string>();
  plan.resources.forEach((r, i) => ids.set(r.urn, `${r.custom ? "n" : "g"}${i}`));
  const root: GraphGroup = { id: "root", label: plan.stack, nodes: [], groups: [] };
  const groups = new Map<string | undefined, GraphGroup>([[undefined, root]]);
  const groupOf = (resource: PlanResource): GraphGroup => {
    const existing = groups.get(resource.urn);
    if (existing) return existing;
    const group: GraphGroup = {
      id: ids.get(resource.urn)!,
      label: `${resource.name} (${resource.type})`,
      nodes: [],
      groups: [],
    };
    groups.set(resource.urn, group);
    return group;
  };
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const parentGroup = (resource: PlanResource): GraphGroup => {
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    return parent ? groupOf(parent) : root;
  };
  const foldedInto = new Map<string, string[]>();
  for (const [plumbing, target] of folded)
    foldedInto.set(target, [...(foldedInto.get(target) ?? []), PLUMBING[byUrn.get(plumbing)!.type]!.what]);
  const foldNote = (urn: string) => {
    const counts = new Map<string, number>();
    for (const what of foldedInto.get(urn) ?? []) counts.set(what, (counts.get(what) ?? 0) + 1);
    return [...counts].map(([what, n]) => ` + ${n} ${what}${n > 1 ? "s" : ""}`).join("");
  };
  for (const resource of plan.resources) {
    if (folded.has(resource.urn)) continue;
    if (resource.custom) {
      parentGroup(resource).nodes.push({
        id: ids.get(resource.urn)!,
        label: resource.physicalName ?? resource.name,
        type: `${shortType(resource.type)}${foldNote(resource.urn)}`,
      });
    } else {
      parentGroup(resource).groups.push(groupOf(resource));
    }
  }
  const drawn = (urn: string) => folded.get(urn) ?? urn;
  const edges = plan.resources
    .filter((r) => r.custom)
    .flatMap((r) =>
      r.dependsOn
        .filter((d) => ids.has(d))
        .map((d) => ({
          from: ids.get(drawn(d))!,
          to: ids.get(drawn(r.urn))!,
          fromGroup: !byUrn.get(drawn(d))!.custom,
        })),
    );
  return { stack: plan.stack, root, edges: uniqueEdges(edges) };
}

function componentGraph(plan: Plan): DependencyGraph {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const index = new Map(plan.resources.map((r, i) => [r.urn, i]));
  const components = plan.resources.filter((r) => !r.custom);
  const hasChildComponents = new Set(components.flatMap((c) => (c.parent && byUrn.has(c.parent) ? [c.parent] : [])));
  /** The component a resource belongs to (itself, for a component); a resource directly under the stack stands for itself. */
  const ownerOf = (urn: string): string => {
    for (let r = byUrn.get(urn); r; r = r.parent ? byUrn.get(r.parent) : undefined) if (!r.custom) return r.urn;
    return urn;
  };
  const nodeId = (urn: string) => `${byUrn.get(urn)!.custom ? "n" : "c"}${index.get(urn)}`;
  const owned = new Map<string, number>();
  for (const r of plan.resources) if (r.custom) owned.set(ownerOf(r.urn), (owned.get(ownerOf(r.urn)) ?? 0) + 1);

  const root: GraphGroup = { id: "root", label: plan.stack, nodes: [], groups: [] };
  const groups = new Map<string, GraphGroup>();
  const groupFor = (component: PlanResource): GraphGroup => {
    let group = groups.get(component.urn);
    if (!group) {
      group = {
        id: `g${index.get(component.urn)}`,
        label: `${component.name} (${component.type})`,
        nodes: [],
        groups: [],
      };
      groups.set(component.urn, group);
      containerOf(component).groups.push(group);
    }
    return group;
  };
  const containerOf = (resource: PlanResource): GraphGroup => {
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    return !parent || parent.custom ? root : groupFor(parent);
  };
  const edges = uniqueEdges(
    plan.resources
      .filter((r) => r.custom)
      .flatMap((r) =>
        r.dependsOn
          .filter((d) => byUrn.has(d))
          .map((d) => ({ from: nodeId(ownerOf(d)), to: nodeId(ownerOf(r.urn)), fromGroup: false })),
      ),
  );
  const linked = new Set(edges.flatMap((e) => [e.from, e.to]));
  for (const r of plan.resources) {
    if (r.custom && byUrn.get(ownerOf(r.urn)) !== r) continue; // drawn as part of its component
    const count = owned.get(r.urn) ?? 0;
    const holdsComponents = !r.custom && hasChildComponents.has(r.urn);
    // A component that holds components is a group; it has a node of its own inside only for its own resources.
    if (holdsComponents && !count && !linked.has(nodeId(r.urn))) {
      groupFor(r);
      continue;
    }
    const type = r.custom ? shortType(r.type) : `${r.type} · ${count} resource${count === 1 ? "" : "s"}`;
    (holdsComponents ? groupFor(r) : containerOf(r)).nodes.push({
      id: nodeId(r.urn),
      label: r.custom ? (r.physicalName ?? r.name) : r.name,
      type,
    });
  }
  return { stack: plan.stack, root, edges };
}

/** Every node of a graph, at any depth. */
export function graphNodes(graph: DependencyGraph): GraphNode[] {
  const all = (group: GraphGroup): GraphNode[] => [...group.nodes, ...group.groups.flatMap(all)];
  return all(graph.root);
}

const mermaidText = (text: string) => text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");

export function toMermaid(graph: DependencyGraph): string {
  const lines = ["flowchart LR"];
  const emit = (group: GraphGroup, depth: number) => {
    const pad = "  ".repeat(depth);
    for (const node of group.nodes)
      lines.push(`${pad}${node.id}["${mermaidText(node.label)}<br/><small>${mermaidText(node.type)}</small>"]`);
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
    for (const node of group.nodes)
      lines.push(`${pad}${node.id} [label="${dotText(node.label)}\\n${dotText(node.type)}"];`);
    for (const inner of group.groups) {
      const first = firstNode(inner);
      if (first) anchor.set(inner.id, first);
      lines.push(
        `${pad}subgraph cluster_${inner.id} {`,
        `${pad}  label="${dotText(inner.label)}";`,
        `${pad}  style="rounded"; color="#8aa4c8";`,
      );
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
