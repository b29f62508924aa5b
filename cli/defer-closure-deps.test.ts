// The stand-ins keep the Pulumi SDK's function-serialization dependencies unloaded through a whole
// plan, and load them when a program does serialize a function.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { types } from "node:util";
import { describe, expect, it } from "vitest";
import { AUTOMATION_API, CLOSURE_DEPENDENCIES } from "./defer-closure-deps.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const require = createRequire(import.meta.url);
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const filenames = CLOSURE_DEPENDENCIES.map((request) => require.resolve(request, { paths: [sdkDir] }));
const automationFile = require.resolve(AUTOMATION_API, { paths: [sdkDir] });
/** Whether each dependency is still its stand-in (a proxy) in this process's module cache. */
const standingIn = () => filenames.map((file) => types.isProxy(require.cache[file]?.exports));

describe("deferred closure dependencies", () => {
  it("stay unloaded through `estate plan`, with the Automation API", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "estate-defer-"));
    const report = path.join(dir, "cache.json");
    const probe = path.join(dir, "probe.cjs");
    writeFileSync(
      probe,
      `const { types } = require("node:util");
       process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(report)},
         JSON.stringify(${JSON.stringify([...filenames, automationFile])}.map((f) => require.cache[f] ? (types.isProxy(require.cache[f].exports) ? "stand-in" : "loaded") : "absent"))));`,
    );
    execFileSync(process.execPath, ["-r", probe, path.join(ROOT, "bin/estate.js"), "plan", "dev", "--out", dir], {
      cwd: ROOT,
      env: { ...process.env, CI: "true" },
    });
    expect(JSON.parse(readFileSync(path.join(dir, "plan.json"), "utf8")).resources.length).toBeGreaterThan(50);
    expect(JSON.parse(readFileSync(report, "utf8"))).toEqual(
      [...CLOSURE_DEPENDENCIES, AUTOMATION_API].map(() => "stand-in"),
    );
  });

  it("load when a program serializes a function, which then works as before", async () => {
    const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    expect(standingIn()).toEqual([true, true, true]);

    const answer = 42;
    const serialized = await pulumi.runtime.serializeFunction(() => answer);
    expect(serialized.text).toContain("42");
    expect(standingIn()[0]).toBe(false);

    const codePaths = await pulumi.runtime.computeCodePaths();
    expect([...codePaths.keys()]).toContain(path.join("node_modules", "zod"));
    expect(standingIn()).toEqual([false, false, false]);
  });

  it("load the Automation API when a cloud command imports it, which then works as before", async () => {
    require("@pulumi/pulumi");
    expect(types.isProxy(require.cache[automationFile]?.exports)).toBe(true);
    const { LocalWorkspace, CommandError } = await import("@pulumi/pulumi/automation");
    expect(typeof LocalWorkspace.create).toBe("function");
    expect(new CommandError("no pulumi")).toBeInstanceOf(Error);
  });
});
