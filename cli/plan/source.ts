import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { EstateError } from "../errors.js";
import { displayPath } from "../output/files.js";
import { PLAN_SCHEMA_VERSION, planFileSchema, type Plan } from "./schema.js";

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

/** Reads a saved plan.json, failing with the file and the field when it is not one (docs/plan-schema.md). */
export function readPlanFile(file: string): Plan {
  if (!existsSync(file))
    throw new EstateError(`no plan file at ${file}; run \`estate plan <stack>\` first or give a stack name`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new EstateError(`${file}: cannot read the plan: ${(error as Error).message}`);
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== PLAN_SCHEMA_VERSION) {
    throw new EstateError(
      `${file}: schemaVersion is ${JSON.stringify(version)}; expected ${PLAN_SCHEMA_VERSION} (write it with \`estate plan\`)`,
    );
  }
  const parsed = planFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map(
      (issue) =>
        `  - ${
          issue.path
            .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
            .join("")
            .slice(1) || "(file)"
        }: ${issue.message}`,
    );
    const more = parsed.error.issues.length > 5 ? `\n  ... and ${parsed.error.issues.length - 5} more` : "";
    throw new EstateError(
      `${file}: not a plan written by \`estate plan\` (docs/plan-schema.md):\n${problems.join("\n")}${more}`,
    );
  }
  return parsed.data as Plan;
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
  // Loaded only to plan: the stack file reader and the engine stay out of saved-plan commands.
  const { planStack } = await import("./stack.js");
  const plan = await planStack({ projectDir, stack: ref, onProgress });
  return { plan, label: `stack ${ref}` };
}
