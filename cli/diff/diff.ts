import { environmentFromStack } from "../../stacks/config/environment.js";
import type { Plan, PlanResource } from "../plan/schema.js";

/** One input that differs between the two sides, by its path (`sku.name`, `tags.owner`). */
export interface InputChange {
  path: string;
  a: unknown;
  b: unknown;
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
  changes: InputChange[];
  /** Inputs that differ only by the environment name (`rg-estate-dev-weu` vs `rg-estate-prod-weu`). */
  renamed: number;
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

/**
 * Rewrites a value of side A into side B's names: each matched resource's Azure name and id, then
 * the environment segment where it stands alone (`rg-estate-dev-weu`). Names with a hashed suffix
 * differ by more than the environment, hence the per-resource pairs.
 */
type Renamer = (value: unknown) => string;

function renamer(pairs: Array<[string, string]>, envA: string, envB: string): Renamer {
  const ordered = pairs.filter(([x, y]) => x && x !== y).sort((p, q) => q[0].length - p[0].length);
  const env = new RegExp(`(?<![a-z0-9])${envA.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![a-z0-9])`, "g");
  return (value) => {
    let text = JSON.stringify(value ?? null);
    for (const [from, to] of ordered) text = text.split(from).join(to);
    return envA === envB ? text : text.replace(env, envB);
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
  const rename = renamer(
    pairs.flatMap(([ra, rb]) => [
      [ra.physicalName ?? "", rb.physicalName ?? ""],
      [String(ra.outputs.id ?? ""), String(rb.outputs.id ?? "")],
    ]),
    envA,
    envB,
  );
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
      else changes.push({ path, a: va, b: vb });
    }
    if (changes.length) changed.push({ ...ref(ra, key, a), changes, renamed });
    else same += 1;
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
