import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { buildServicePackage, PackageRun } from "./package.js";

/** A tiny project with two services that share a module, in a folder of its own. */
function project(): string {
  const root = mkdtempSync(path.join(tmpdir(), "estate-package-"));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  write("shared/greet.ts", "export const greet = (n: string) => `hello ${n}`;\n");
  write("a/index.ts", 'import { greet } from "../shared/greet.js";\nconsole.log(greet("a"));\n');
  write("b/index.ts", 'import { greet } from "../shared/greet.js";\nconsole.log(greet("b"));\n');
  return root;
}

const build = (root: string, entry: string, run?: PackageRun) =>
  buildServicePackage({
    kind: "function-app",
    entry,
    rootDir: root,
    outDir: path.join(root, ".estate/packages"),
    run,
  });

const recordsFile = (root: string) => path.join(root, ".estate/packages/builds.json");
const recordsOf = (root: string) => JSON.parse(readFileSync(recordsFile(root), "utf8"));

describe("service packages", () => {
  it("zip one bundle with package.json and host.json, byte-identical for the same sources", () => {
    const root = project();
    const first = build(root, "a/index.ts");
    const files = unzipSync(readFileSync(first.file));
    expect(Object.keys(files).sort()).toEqual(["dist/main.js", "host.json", "package.json"]);
    expect(new TextDecoder().decode(files["dist/main.js"])).toContain("hello ");
    expect(JSON.parse(new TextDecoder().decode(files["package.json"])).main).toBe("dist/main.js");
    // A second project with the same sources gives the same bytes: nothing machine- or time-specific.
    expect(build(project(), "a/index.ts").sha256).toBe(first.sha256);
  });

  it("change only the package of the service whose code changed", () => {
    const root = project();
    const a = build(root, "a/index.ts").sha256;
    const b = build(root, "b/index.ts").sha256;
    writeFileSync(
      path.join(root, "b/index.ts"),
      'import { greet } from "../shared/greet.js";\nconsole.log(greet("bee"));\n',
    );
    expect(build(root, "a/index.ts").sha256).toBe(a);
    expect(build(root, "b/index.ts").sha256).not.toBe(b);
  });

  it("rebuild both services when a module they share changes", () => {
    const root = project();
    const before = [build(root, "a/index.ts").sha256, build(root, "b/index.ts").sha256];
    writeFileSync(path.join(root, "shared/greet.ts"), "export const greet = (n: string) => `hi ${n}`;\n");
    const after = [build(root, "a/index.ts").sha256, build(root, "b/index.ts").sha256];
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
  });

  it("check each source file once in a run, for all the run's packages", () => {
    const root = project();
    const before = [build(root, "a/index.ts").sha256, build(root, "b/index.ts").sha256];
    // One run: the module both bundle is checked for the first package and trusted for the second.
    const run = new PackageRun();
    expect(build(root, "a/index.ts", run).sha256).toBe(before[0]);
    expect([...run.fingerprints.keys()].sort()).toEqual(["a/index.ts", "shared/greet.ts"]);
    writeFileSync(path.join(root, "shared/greet.ts"), "export const greet = (n: string) => `hi ${n}`;\n");
    expect(build(root, "b/index.ts", run).sha256).toBe(before[1]);
    // The next run checks again, and rebuilds.
    expect(build(root, "b/index.ts", new PackageRun()).sha256).not.toBe(before[1]);
  });

  it("keep one record file in which the sources the builds share are listed once", () => {
    const root = project();
    build(root, "a/index.ts");
    build(root, "b/index.ts");
    const records = recordsOf(root);
    expect(records.sources.map(([input]: [string]) => input).sort()).toEqual([
      "a/index.ts",
      "b/index.ts",
      "shared/greet.ts",
    ]);
    expect(Object.keys(records.builds).sort()).toEqual(["function-app-a-index-ts", "function-app-b-index-ts"]);
    // A file both read, then changed: b is rebuilt from the new version, a still records the old one.
    writeFileSync(path.join(root, "shared/greet.ts"), "export const greet = (n: string) => `hey ${n}`;\n");
    const b = build(root, "b/index.ts").sha256;
    const after = recordsOf(root);
    expect(after.sources.filter(([input]: [string]) => input === "shared/greet.ts")).toHaveLength(2);
    const a = build(root, "a/index.ts");
    expect(new TextDecoder().decode(unzipSync(readFileSync(a.file))["dist/main.js"])).toContain("hey ");
    expect(build(root, "b/index.ts").sha256).toBe(b);
    // Both rebuilt from the same version: the old one is no longer listed.
    const last = recordsOf(root);
    expect(last.sources.filter(([input]: [string]) => input === "shared/greet.ts")).toHaveLength(1);
  });

  it("keep what another run recorded in the meantime", () => {
    const root = project();
    const run = new PackageRun();
    build(root, "a/index.ts", run);
    // Another run records b after this one has read the records, then this one records another build.
    build(root, "b/index.ts", new PackageRun());
    buildServicePackage({
      kind: "web-app",
      entry: "a/index.ts",
      rootDir: root,
      outDir: path.join(root, ".estate/packages"),
      run,
    });
    const records = recordsOf(root);
    expect(Object.keys(records.builds).sort()).toEqual([
      "function-app-a-index-ts",
      "function-app-b-index-ts",
      "web-app-a-index-ts",
    ]);
  });

  it("build again when the record file is unreadable, and replace it", () => {
    const root = project();
    const first = build(root, "a/index.ts");
    for (const broken of [
      "{ not json",
      JSON.stringify({ sources: [], builds: { "function-app-a-index-ts": { sha256: first.sha256, inputs: [3] } } }),
    ]) {
      writeFileSync(recordsFile(root), broken);
      writeFileSync(first.file, "not the zip");
      expect(build(root, "a/index.ts").sha256).toBe(first.sha256);
      expect(readFileSync(first.file, "utf8")).not.toBe("not the zip");
    }
    const records = recordsOf(root);
    expect(Object.keys(records.builds)).toEqual(["function-app-a-index-ts"]);
  });

  it("rebuild a package made by another recipe (esbuild version, build options)", () => {
    const root = project();
    const first = build(root, "a/index.ts");
    const records = recordsOf(root);
    const record = records.builds["function-app-a-index-ts"];
    writeFileSync(first.file, "a zip from an older recipe");
    records.builds["function-app-a-index-ts"] = { ...record, recipe: "an older recipe" };
    writeFileSync(recordsFile(root), JSON.stringify(records));
    expect(build(root, "a/index.ts").sha256).toBe(first.sha256);
    expect(readFileSync(first.file, "utf8")).not.toBe("a zip from an older recipe");
    expect(recordsOf(root).builds["function-app-a-index-ts"].recipe).toBe(record.recipe);
  });

  it("web apps get no Functions host.json", () => {
    const root = project();
    const web = buildServicePackage({
      kind: "web-app",
      entry: "a/index.ts",
      rootDir: root,
      outDir: path.join(root, "out"),
    });
    expect(Object.keys(unzipSync(readFileSync(web.file))).sort()).toEqual(["dist/main.js", "package.json"]);
  });
});
