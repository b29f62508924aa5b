import { copyFileSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * A throwaway copy of the project for tests that write stack files or `.estate/`: the project and
 * stack files copied, the folders the program and the policy check read (services, policies) linked.
 */
export function projectCopy(stacks: string[] = ["dev", "prod"]): string {
  const dir = mkdtempSync(path.join(tmpdir(), "estate-project-"));
  for (const file of ["Pulumi.yaml", ...stacks.map((s) => `Pulumi.${s}.yaml`)])
    copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
  for (const folder of ["services", "policies"])
    symlinkSync(path.join(REPO_ROOT, folder), path.join(dir, folder), "dir");
  return dir;
}
