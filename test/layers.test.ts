// The layering DESIGN.md describes ("Each folder is a room with one job"), checked on the real
// import graph: every static import, re-export and dynamic import() of a relative path in the
// tracked source files, and every package import of services/.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

/**
 * The other top-level folders each folder's code may import. `infra/` knows Azure resources and
 * nothing about stacks; `stacks/` composes infra's components and hosts services' manifests;
 * `policies/` judges resources with infra's facts (regions, subnet rules) and builds none;
 * `services/` is the apps' code and stands alone; `cli/` drives the others, and `bin/` starts it.
 */
const MAY_IMPORT = {
  infra: [],
  services: [],
  policies: ["infra"],
  stacks: ["infra", "services"],
  cli: ["infra", "services", "policies", "stacks"],
  bin: ["cli"],
} as const satisfies Record<string, readonly string[]>;
type Layer = keyof typeof MAY_IMPORT;

/** Folders of tests and benchmarks, and vitest files anywhere, may import everything. */
const TEST_FOLDERS = ["test", "bench"];
const isTest = (file: string) => TEST_FOLDERS.includes(file.split("/")[0]) || /\.test\.ts$/.test(file);

const SOURCE = /\.(ts|js|cjs|mjs)$/;
const sourceFiles = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter((file) => SOURCE.test(file) && !file.endsWith(".d.ts"));

/** Every module specifier a file names: imports, re-exports, import() and require() with a literal. */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(path.join(ROOT, file), "utf8"), true, true);
  return info.importedFiles.map((imported) => imported.fileName);
}

const topFolder = (file: string) => (file.includes("/") ? file.split("/")[0] : "(root)");

interface Edge {
  file: string;
  specifier: string;
  from: string;
  to: string;
}

const edges: Edge[] = sourceFiles.flatMap((file) =>
  specifiers(file)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      return { file, specifier, from: topFolder(file), to: topFolder(target) };
    }),
);

describe("the layers' import directions", () => {
  it("reads a real graph: each layer's imports are found, static and dynamic", () => {
    const kinds = new Set(edges.map((e) => `${e.from}->${e.to}`));
    for (const expected of ["stacks->infra", "stacks->services", "cli->stacks", "cli->policies", "policies->infra"])
      expect(kinds).toContain(expected);
    // cli/plan/stack.ts loads the estate program with import() only when it plans.
    expect(edges).toContainEqual(expect.objectContaining({ file: "cli/plan/stack.ts", to: "stacks" }));
  });

  it("gives every folder that holds source a rule", () => {
    const folders = new Set(sourceFiles.filter((f) => !isTest(f)).map(topFolder));
    const unruled = [...folders].filter((folder) => folder !== "(root)" && !(folder in MAY_IMPORT));
    expect(unruled, "add the folder to MAY_IMPORT").toEqual([]);
  });

  it("imports only downwards: infra and services stand alone, policies use infra, stacks infra and services", () => {
    const violations = edges
      // The project's own files at the top (package.json) are everyone's.
      .filter((e) => !isTest(e.file) && e.from !== e.to && e.to !== "(root)" && e.from in MAY_IMPORT)
      .filter((e) => !(MAY_IMPORT[e.from as Layer] as readonly string[]).includes(e.to))
      .map(
        (e) =>
          `${e.file} imports ${e.specifier} (${e.from}/ may import ${MAY_IMPORT[e.from as Layer].join(", ") || "no other layer"})`,
      );
    expect(violations).toEqual([]);
  });

  it("keeps the Pulumi SDK out of services/", () => {
    const pulumi = sourceFiles
      .filter((file) => file.startsWith("services/") && !isTest(file))
      .flatMap((file) =>
        specifiers(file)
          .filter((s) => s.startsWith("@pulumi/"))
          .map((s) => `${file} imports ${s}`),
      );
    expect(pulumi).toEqual([]);
  });
});
