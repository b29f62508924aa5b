import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { StackFileError } from "./stackfile.js";
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

export function readPlanFile(file: string): Plan {
  if (!existsSync(file)) throw new StackFileError(`no plan file at ${file}; run \`estate plan <stack>\` first or give a stack name`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new StackFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const plan = doc as Partial<Plan>;
  if (plan.schemaVersion !== PLAN_SCHEMA_VERSION || !Array.isArray(plan.resources) || typeof plan.stack !== "string") {
    throw new StackFileError(
      `${file} is not an estate plan (schemaVersion ${PLAN_SCHEMA_VERSION} with stack and resources[]); got schemaVersion ${JSON.stringify(plan.schemaVersion)}`,
    );
  }
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
    return { plan: readPlanFile(file), label: path.relative(process.cwd(), file) || file };
  }
  const plan = await planStack({ projectDir, stack: ref, onProgress });
  return { plan, label: `stack ${ref}` };
}
