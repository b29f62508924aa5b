import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildSync } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * cli/defer-closure-deps.ts built into a CommonJS file in `outDir`, for `node -r` before a floor:
 * `estate plan` skips loading what that module defers, and a floor with it preloaded skips the same.
 * Returns the file's path.
 */
export function buildDeferPreload(outDir: string): string {
  const source = path.join(ROOT, "cli/defer-closure-deps.ts");
  const outfile = path.join(outDir, "defer-closure-deps.cjs");
  buildSync({
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    logLevel: "silent",
    define: { "import.meta.url": JSON.stringify(pathToFileURL(source).href) },
  });
  return outfile;
}
