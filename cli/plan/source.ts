import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { EstateError } from "../errors.js";
import { displayPath } from "../output/files.js";
import { PLAN_SCHEMA_VERSION, type Plan } from "./schema.js";
import { planStack } from "./stack.js";

/**
 * Where a plan came from: planned just now from a stack file, or read from a saved plan.json.
 * Tools that take "a stack or a plan" (diff, graph, cost, export) accept either.
 */
export interface PlanSource {
  plan: Plan;
  /** `stack dev` or the path of the plan file, for headings. */
  label: string;
}

/** True when the argument names a file rather than a stack: a path or a `.json` name. */
export function looksLikePlanFile(ref: string): boolean {
  return ref.endsWith(".json") || ref.includes("/") || ref.includes(path.sep);
}

/** Reads a saved plan.json, failing with the file and the field when it is not one. */
export function readPlanFile(file: string): Plan {
  if (!existsSync(file)) throw new EstateError(`no plan file at ${file}; run \`estate plan <stack>\` first or give a stack name`);
  let plan: Partial<Plan> | null;
  try {
    plan = JSON.parse(readFileSync(file, "utf8")) as Partial<Plan> | null;
  } catch (error) {
    throw new EstateError(`${file}: cannot read the plan: ${(error as Error).message}`);
  }
  if (plan?.schemaVersion !== PLAN_SCHEMA_VERSION) {
    throw new EstateError(`${file}: schemaVersion is ${JSON.stringify(plan?.schemaVersion)}; expected ${PLAN_SCHEMA_VERSION} (write it with \`estate plan\`)`);
  }
  for (const key of ["stack", "profile", "createdAt"] as const) {
    if (typeof plan[key] !== "string") throw new EstateError(`${file}: ${key} is missing; expected a plan written by \`estate plan\``);
  }
  if (!Array.isArray(plan.resources)) throw new EstateError(`${file}: resources is not a list; expected a plan written by \`estate plan\``);
  return plan as Plan;
}

/** A plan for a stack name (planned offline now) or a plan file path (read as saved). */
export async function resolvePlan(
  projectDir: string,
  ref: string,
  onProgress?: (resourcesSoFar: number) => void,
): Promise<PlanSource> {
  if (looksLikePlanFile(ref)) {
    const file = path.resolve(ref);
    return { plan: readPlanFile(file), label: displayPath(file) };
  }
  const plan = await planStack({ projectDir, stack: ref, onProgress });
  return { plan, label: `stack ${ref}` };
}
