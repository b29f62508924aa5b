import path from "node:path";
import { writeJson } from "../output/files.js";
import type { Plan } from "./schema.js";
import { checkStackName } from "../../stacks/config/stack-name.js";

/** Where a stack's plan and reports go unless --out says otherwise. */
export function defaultOutDir(projectDir: string, stack: string): string {
  return path.join(projectDir, ".estate", checkStackName(stack));
}

export function writePlan(outDir: string, plan: Plan): string {
  return writeJson(path.join(outDir, "plan.json"), plan);
}
