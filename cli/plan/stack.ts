import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import type { Plan } from "./schema.js";
import { readStackFile, type FlatConfig } from "../../stacks/config/stackfile.js";

export interface StackPlanOptions {
  projectDir: string;
  stack: string;
  /** Config values that replace the stack file's (used by `estate env` and tests). */
  configOverrides?: Record<string, string>;
  onProgress?: (resourcesSoFar: number) => void;
}

export function projectName(projectDir: string): string {
  const doc = parse(readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: string };
  return doc.name ?? "estate";
}

/** The offline plan of one stack of the project: its stack file, the estate program, the mocks. */
export async function planStack(options: StackPlanOptions): Promise<Plan> {
  const stackFile = readStackFile(options.projectDir, options.stack);
  const config = { ...stackFile.config, ...options.configOverrides };
  return planConfig({
    projectDir: options.projectDir,
    stack: options.stack,
    config,
    secretKeys: stackFile.secretKeys,
    onProgress: options.onProgress,
  });
}

/** The offline plan of a stack from config in memory (`estate env up` plans before it writes the stack file). */
export async function planConfig(options: FlatConfig & Omit<StackPlanOptions, "configOverrides">): Promise<Plan> {
  // One spelling of the project folder, whatever the caller passed ("./", a trailing slash...).
  const projectDir = path.resolve(options.projectDir);
  // The SDK, the providers and the estate program load only when something is planned: commands
  // that read a saved plan never pay for them.
  const [{ planProgram }, { estateProgram }] = await Promise.all([
    import("./engine.js"),
    import("../../stacks/program.js"),
  ]);
  return planProgram({
    project: projectName(projectDir),
    stack: options.stack,
    config: options.config,
    secretKeys: options.secretKeys,
    rootDirectory: projectDir,
    program: estateProgram,
    onProgress: options.onProgress,
  });
}
