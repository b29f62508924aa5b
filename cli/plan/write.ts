import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Plan } from "./schema.js";

/** Where a stack's plan and reports go unless --out says otherwise. */
export function defaultOutDir(projectDir: string, stack: string): string {
  return path.join(projectDir, ".estate", stack);
}

export function writePlan(outDir: string, plan: Plan): string {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, "plan.json");
  writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
  return file;
}
