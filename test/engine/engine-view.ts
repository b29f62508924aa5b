/**
 * An offline plan as the Pulumi engine would hand it to a policy pack. During a first preview
 * nothing exists yet, so every value a resource takes from another resource's outputs (an ARM id,
 * a host name, a generated name) is unknown; after `up` everything is known and the engine sends
 * each resource's state (inputs plus what Azure computed). The engine also knows which resources
 * feed each input (property dependencies), which the plan does not record: they are found here by
 * the same matching of output values in inputs.
 */
import type { Plan, PlanResource } from "../../cli/plan/schema.js";
import { REDACTED } from "../../cli/plan/schema.js";
import { UNKNOWN, withSecrets } from "./protocol.js";

export type Phase = "preview" | "update";

export interface EngineResource {
  urn: string;
  type: string;
  name: string;
  parent: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** What `Analyze` gets: the resource's inputs. */
  inputs: Record<string, unknown>;
  /** What `AnalyzeStack` gets: the resource's state at the end of the operation. */
  state: Record<string, unknown>;
}

/** Output values this short ("default", "waf", "Succeeded") are names any resource may use on its own. */
const MIN_MATCH = 12;

/** The output values of each resource that another resource's inputs can carry. */
function outputValues(plan: Plan): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const resource of plan.resources) {
    const strings: string[] = [];
    const collect = (value: unknown) => {
      if (typeof value === "string") {
        if (value.length >= MIN_MATCH && value !== REDACTED) strings.push(value);
      } else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    collect(resource.outputs);
    values.set(resource.urn, strings);
  }
  return values;
}

/** The resources (other than `self`) whose outputs a string is built from. */
function sourcesOf(text: string, self: string, values: Map<string, string[]>): string[] {
  return [...values]
    .filter(([urn, strings]) => urn !== self && strings.some((value) => text.includes(value)))
    .map(([urn]) => urn);
}

function mapStrings(value: unknown, f: (text: string) => unknown): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, f));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

function engineResource(
  resource: PlanResource,
  stackUrn: string,
  phase: Phase,
  values: Map<string, string[]>,
): EngineResource {
  const propertyDependencies: Record<string, string[]> = {};
  const inputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource.inputs)) {
    const sources = new Set<string>();
    inputs[key] = mapStrings(value, (text) => {
      const from = sourcesOf(text, resource.urn, values);
      from.forEach((urn) => sources.add(urn));
      return phase === "preview" && from.length ? UNKNOWN : text;
    });
    if (sources.size) propertyDependencies[key] = [...sources].sort();
  }
  // In preview what the provider computes is not known yet; after `up` it is the resource's state.
  const computed =
    phase === "preview"
      ? Object.fromEntries(Object.keys(resource.outputs).map((key) => [key, UNKNOWN]))
      : resource.outputs;
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    parent: resource.parent ?? stackUrn,
    dependencies: resource.dependsOn,
    propertyDependencies,
    inputs: withSecrets(inputs) as Record<string, unknown>,
    state: withSecrets({ ...inputs, ...computed }) as Record<string, unknown>,
  };
}

export const stackUrn = (plan: Plan): string =>
  `urn:pulumi:${plan.stack}::${plan.project}::pulumi:pulumi:Stack::${plan.project}-${plan.stack}`;

/** Every resource of the plan, and the stack itself (its state: the stack outputs), as the engine sends them. */
export function engineResources(plan: Plan, phase: Phase): EngineResource[] {
  const values = outputValues(plan);
  const root = stackUrn(plan);
  const stack: EngineResource = {
    urn: root,
    type: "pulumi:pulumi:Stack",
    name: `${plan.project}-${plan.stack}`,
    parent: "",
    dependencies: [],
    propertyDependencies: {},
    inputs: {},
    state: withSecrets(
      phase === "preview"
        ? mapStrings(plan.outputs, (text) => (sourcesOf(text, root, values).length ? UNKNOWN : text))
        : plan.outputs,
    ) as Record<string, unknown>,
  };
  return [stack, ...plan.resources.map((resource) => engineResource(resource, root, phase, values))];
}

/** How many input values the encoding made unknown. */
export function unknownCount(resources: EngineResource[]): number {
  let count = 0;
  for (const resource of resources) mapStrings(resource.inputs, (text) => (text === UNKNOWN ? count++ : text));
  return count;
}
