import { environmentFromStack } from "../../stacks/config/environment.js";
import type { Plan, PlanResource } from "../plan/schema.js";
import { replacementReason } from "./replacements.js";

/** One input that differs between the two sides, by its path (`sku.name`, `tags.owner`). */
export interface InputChange {
  path: string;
  a: unknown;
  b: unknown;
  /** Set when Azure cannot change this input in place: why the resource is created anew. */
  replaces?: string;
}

export interface ResourceRef {
  key: string;
  type: string;
  name: string;
  physicalName?: string;
  /** Logical name of the component it belongs to, for grouping. */
  component?: string;
}

export interface ChangedResource extends ResourceRef {
  /** `replace` when any change is to an input Azure takes only at creation (create-only.json, the ARM id). */
  action: "update" | "replace";
  changes: InputChange[];
  /** Inputs that differ only by the environment name (`rg-estate-dev-weu` vs `rg-estate-prod-weu`). */
  renamed: number;
  /**
   * For a replacement: the resources of side B whose inputs take this one's outputs, directly or
   * through another of them. They change too (new ids, new principal ids) or go with it.
   */
  blastRadius: ResourceRef[];
}

export interface PlanDiff {
  a: { label: string; stack: string; profile: string };
  b: { label: string; stack: string; profile: string };
  onlyInA: ResourceRef[];
  onlyInB: ResourceRef[];
  changed: ChangedResource[];
  /** Resources in both whose inputs are the same, or differ only by the environment name. */
  same: number;
}

/** A resource's identity across stacks: its URN with the stack name taken out. */
export function matchKey(resource: PlanResource, stack: string): string {
  return resource.urn.replace(`urn:pulumi:${stack}::`, "urn:pulumi:*::");
}

/** Type + logical name: the fallback match when URNs differ (e.g. a plan from another project). */
const looseKey = (r: PlanResource) => `${r.type}::${r.name}`;

/** The environment name segment a plan's names carry: its `environment` tag, else from the stack name. */
export function environmentOf(plan: Plan): string {
  for (const r of plan.resources) {
    const env = (r.inputs.tags as Record<string, unknown> | undefined)?.environment;
    if (typeof env === "string" && env) return env;
  }
  return environmentFromStack(plan.stack);
}

/** Inputs as path -> value; arrays of objects by index (`locations[0].isZoneRedundant`), lists of scalars whole. */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  const isObject = (v: unknown) => v !== null && typeof v === "object";
  if (Array.isArray(value) && value.length && value.every(isObject)) {
    value.forEach((inner, i) => flatten(inner, `${prefix}[${i}]`, out));
  } else if (isObject(value) && !Array.isArray(value) && Object.keys(value as object).length) {
    for (const [key, inner] of Object.entries(value as object)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** Each string output of A's resource with the same output of B's: values Azure computes, which differ when the resource does. */
function outputPairs(ra: PlanResource, rb: PlanResource): Array<[string, string]> {
  const outputsB = flatten(rb.outputs, "", new Map());
  return [...flatten(ra.outputs, "", new Map())]
    .filter(([path, value]) => typeof value === "string" && typeof outputsB.get(path) === "string")
    .map(([path, value]) => [value as string, outputsB.get(path) as string]);
}

/**
 * Rewrites a value of side A into side B's names: each matched resource's Azure name and id, then
 * the environment segment where it stands alone (`rg-estate-dev-weu`). Names with a hashed suffix
 * differ by more than the environment, hence the per-resource pairs.
 */
type Renamer = (value: unknown) => string;

function renamer(pairs: Array<[string, string]>, envA: string, envB: string): Renamer {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // One pass, longest first: a replaced name is never rewritten again by a shorter one it contains.
  const to = new Map(
    pairs
      .filter(([x, y]) => x && x !== y)
      .map(([x, y]) => [JSON.stringify(x).slice(1, -1), JSON.stringify(y).slice(1, -1)]),
  );
  const names = to.size
    ? new RegExp(
        [...to.keys()]
          .sort((p, q) => q.length - p.length)
          .map(escape)
          .join("|"),
        "g",
      )
    : undefined;
  const env = new RegExp(`(?<![a-z0-9])${escape(envA)}(?![a-z0-9])`, "g");
  return (value) => {
    const text = JSON.stringify(value ?? null);
    const renamed = names ? text.replace(names, (match) => to.get(match)!) : text;
    return envA === envB ? renamed : renamed.replace(env, envB);
  };
}

/** What other resources' inputs hold of a resource: its name and the values Azure computes for it (id, principal id, endpoints). */
function referenceValues(resource: PlanResource): string[] {
  const values: string[] = resource.physicalName ? [resource.physicalName] : [];
  const visit = (value: unknown): void => {
    if (typeof value === "string" && value.length >= 8 && value !== "[secret]") values.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(visit);
  };
  visit(resource.outputs);
  return values;
}

/**
 * The custom resources of a plan whose inputs reference a given one (they depend on it and hold its
 * name or one of its outputs), directly or through each other, in plan order.
 */
function dependentsIn(plan: Plan): (resource: PlanResource) => PlanResource[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const byDependency = new Map<string, PlanResource[]>();
  for (const r of plan.resources) {
    if (!r.custom) continue;
    const inputs = JSON.stringify(r.inputs);
    for (const urn of r.dependsOn) {
      const dependency = byUrn.get(urn);
      if (dependency && referenceValues(dependency).some((v) => inputs.includes(v)))
        byDependency.set(urn, [...(byDependency.get(urn) ?? []), r]);
    }
  }
  return (resource) => {
    const found = new Set<PlanResource>();
    const queue = [resource.urn];
    while (queue.length) {
      for (const dependent of byDependency.get(queue.shift()!) ?? []) {
        if (found.has(dependent) || dependent === resource) continue;
        found.add(dependent);
        queue.push(dependent.urn);
      }
    }
    return plan.resources.filter((r) => found.has(r));
  };
}

function componentName(resource: PlanResource, plan: Plan): string | undefined {
  return plan.resources.find((r) => r.urn === resource.parent)?.name;
}

const ref = (r: PlanResource, key: string, plan: Plan): ResourceRef => ({
  key,
  type: r.type,
  name: r.name,
  physicalName: r.physicalName,
  component: componentName(r, plan),
});

/**
 * What differs between two plans: resources only on one side, and for resources on both (matched
 * by URN without the stack name, else by type and logical name) the inputs that differ. Secrets are
 * already `[secret]` in plans, so they compare equal and never show.
 */
export function diffPlans(a: Plan, b: Plan, labels: { a: string; b: string }): PlanDiff {
  const envA = environmentOf(a);
  const envB = environmentOf(b);
  const customA = a.resources.filter((r) => r.custom);
  const customB = b.resources.filter((r) => r.custom);
  const byKeyB = new Map(customB.map((r) => [matchKey(r, b.stack), r]));
  const byLooseB = new Map(customB.map((r) => [looseKey(r), r]));
  const matchedB = new Set<PlanResource>();
  const pairs: Array<[PlanResource, PlanResource]> = [];
  const onlyInA: ResourceRef[] = [];
  for (const ra of customA) {
    const key = matchKey(ra, a.stack);
    const rb = byKeyB.get(key) ?? byLooseB.get(looseKey(ra));
    if (!rb || matchedB.has(rb)) {
      onlyInA.push(ref(ra, key, a));
      continue;
    }
    matchedB.add(rb);
    pairs.push([ra, rb]);
  }
  // Across stacks each matched resource's name and computed outputs (id, principal id, endpoints)
  // are renamed; within one stack (against its saved plan) a new name is a change, and a replacement.
  const rename = renamer(
    a.stack === b.stack
      ? []
      : pairs.flatMap(([ra, rb]) => [[ra.physicalName ?? "", rb.physicalName ?? ""], ...outputPairs(ra, rb)]),
    envA,
    envB,
  );
  const dependents = dependentsIn(b);
  const changed: ChangedResource[] = [];
  let same = 0;
  for (const [ra, rb] of pairs) {
    const key = matchKey(ra, a.stack);
    const inputsA = flatten(ra.inputs, "", new Map());
    const inputsB = flatten(rb.inputs, "", new Map());
    const changes: InputChange[] = [];
    let renamed = 0;
    for (const path of [...new Set([...inputsA.keys(), ...inputsB.keys()])].sort()) {
      const va = inputsA.get(path);
      const vb = inputsB.get(path);
      if (JSON.stringify(va) === JSON.stringify(vb)) continue;
      if (rename(va) === JSON.stringify(vb ?? null)) renamed += 1;
      else {
        const replaces = replacementReason(rb.type, path);
        changes.push({ path, a: va, b: vb, ...(replaces ? { replaces } : {}) });
      }
    }
    if (!changes.length) {
      same += 1;
      continue;
    }
    const replace = changes.some((c) => c.replaces);
    const blastRadius = replace ? dependents(rb).map((r) => ref(r, matchKey(r, b.stack), b)) : [];
    changed.push({ ...ref(ra, key, a), action: replace ? "replace" : "update", changes, renamed, blastRadius });
  }
  const onlyInB = customB.filter((r) => !matchedB.has(r)).map((r) => ref(r, matchKey(r, b.stack), b));
  return {
    a: { label: labels.a, stack: a.stack, profile: a.profile },
    b: { label: labels.b, stack: b.stack, profile: b.profile },
    onlyInA,
    onlyInB,
    changed,
    same,
  };
}
