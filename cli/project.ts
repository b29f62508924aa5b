import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The estate project: the nearest folder upwards holding Pulumi.yaml, else this package's own. */
export function findProjectDir(start = process.cwd()): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
}
