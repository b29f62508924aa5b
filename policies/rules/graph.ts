import type { Graph, GraphResource } from "../model.js";
import { get, splitPath } from "./factory.js";

/**
 * Reads a value that may be unknown: during `pulumi preview` the engine's props throw
 * @pulumi/policy's UnknownValueError for values not yet computed (ids of resources to be created);
 * `whenUnknown` stands in for them. Matched by class name so the rules need not load
 * @pulumi/policy offline.
 */
export function knownOr(read: () => unknown, whenUnknown: unknown): unknown {
  try {
    return read();
  } catch (error) {
    if (error instanceof Error && error.constructor.name === "UnknownValueError") return whenUnknown;
    throw error;
  }
}

export const knownOrUndefined = (read: () => unknown): unknown => knownOr(read, undefined);

/**
 * The resources of each type of the graphs an evaluation indexed (indexByType): every rule of the
 * pack asks for the resources of its types, and filtering them all for each rule was a good part
 * of what evaluating a plan took (bench/policy).
 */
const resourcesByType = new WeakMap<Graph, Map<string, GraphResource[]>>();

/** A copy of the graph whose resources ofType finds by type: an evaluation's own, which nothing changes while it runs. */
export function indexByType(graph: Graph): Graph {
  const indexed = { ...graph };
  const index = new Map<string, GraphResource[]>();
  for (const resource of graph.resources) {
    const same = index.get(resource.type);
    if (same) same.push(resource);
    else index.set(resource.type, [resource]);
  }
  resourcesByType.set(indexed, index);
  return indexed;
}

/** The graph's resources of these types, in the graph's order. */
export function ofType(graph: Graph, ...types: readonly string[]): GraphResource[] {
  const index = resourcesByType.get(graph);
  if (!index) return graph.resources.filter((resource) => types.includes(resource.type));
  const found = [...new Set(types.filter((type) => index.has(type)))];
  if (found.length === 0) return [];
  if (found.length === 1) return [...index.get(found[0]!)!];
  return graph.resources.filter((resource) => found.includes(resource.type));
}

function armId(resource: GraphResource): string | undefined {
  const id = resource.outputs.id;
  return typeof id === "string" ? id.toLowerCase() : undefined;
}

/**
 * Whether `from`'s input at `path` points at `to`: by ARM id where the value is known (offline
 * plans), else by the engine's property dependencies (`pulumi preview`, where ids are unknown).
 * `nested` also accepts ids of `to`'s child resources (e.g. a storage account's blob service).
 */
export function refersTo(from: GraphResource, path: string, to: GraphResource, nested = false): boolean {
  const value = knownOrUndefined(() => get(from.inputs, path));
  const target = armId(to);
  if (typeof value === "string" && target) {
    const id = value.toLowerCase();
    return id === target || (nested && id.startsWith(`${target}/`));
  }
  const topLevel = String(splitPath(path)[0]);
  return from.propertyDependencies?.[topLevel]?.includes(to.urn) ?? false;
}

/** Whether any of `from`'s id strings anywhere under `path` (arrays flattened with `[]`) points at `to`. */
export function refersToAny(from: GraphResource, arrayPath: string, itemPath: string, to: GraphResource): boolean {
  const items = knownOrUndefined(() => get(from.inputs, arrayPath));
  if (!Array.isArray(items)) return refersTo(from, arrayPath, to);
  // By index only: touching an unknown item of the engine's proxied array would throw.
  return Array.from({ length: items.length }, (_unused, index) => index).some((index) =>
    refersTo(from, `${arrayPath}[${index}]${itemPath ? `.${itemPath}` : ""}`, to),
  );
}

/** Whether two names are the same known name: two unset names are no evidence of anything. */
export function sameName(a: unknown, b: unknown): boolean {
  return typeof a === "string" && a !== "" && a === b;
}

/**
 * Whether `child` belongs to `parent`: it names the parent in `key` (e.g. `serverName`), or the
 * engine recorded it as the parent's child or dependant (names not yet known in a preview).
 */
export function belongsTo(child: GraphResource, parent: GraphResource, key: string): boolean {
  return (
    sameName(
      knownOrUndefined(() => child.inputs[key]),
      knownOrUndefined(() => parent.inputs[key]),
    ) ||
    child.parent === parent.urn ||
    child.dependsOn.includes(parent.urn)
  );
}

/** The resources of `type` that belong to `parent` by `key` (see belongsTo). */
export function childrenOf(graph: Graph, parent: GraphResource, type: string, key: string): GraphResource[] {
  return ofType(graph, type).filter((child) => belongsTo(child, parent, key));
}

/** How a child resource is named in messages: its type's last segment and its name. */
export function nameOf(resource: GraphResource): string {
  return `${resource.type.split(":").at(-1)} ${resource.name}`;
}
