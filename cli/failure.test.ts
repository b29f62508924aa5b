import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { sourceLocation } from "./error-location.js";
// @ts-expect-error: plain JavaScript module without type declarations
import { BUNDLE, buildBundle } from "../bin/cli-bundle.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const run = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  promisify(execFile)(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );
/** The 1-based line of the first line of `file` containing `text`. */
const lineOf = (file: string, text: string) =>
  readFileSync(path.join(ROOT, file), "utf8")
    .split("\n")
    .findIndex((line) => line.includes(text)) + 1;

describe("a failed command", () => {
  it("reports a bug in a component with the file and line of the project's source that threw", async () => {
    const fixture = "cli/plan/fixtures/component-type-error.ts";
    const { code, stderr } = await run(["bin/run-ts.js", fixture], { env: { ESTATE_DEBUG: "" } });
    expect(code).toBe(1);
    expect(stderr).toContain("TypeError: Cannot read properties of undefined (reading 'name')");
    expect(stderr).toContain(`at ${fixture}:${lineOf(fixture, "// the bug")}:`);
    expect(stderr).toContain("run again with ESTATE_DEBUG=1");
  });

  it("reports a config error as one message, without a stack or the debugging hint", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "estate-failure-"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: estate\nruntime: nodejs\n");
    writeFileSync(
      path.join(dir, "Pulumi.bad.yaml"),
      "config:\n  estate:profile: dev\n  estate:owner: me\n  estate:costCentre: x\n  estate:colour: blue\n",
    );
    const { code, stderr } = await run([path.join(ROOT, "bin/estate.js"), "plan", "bad"], {
      cwd: dir,
      env: { ESTATE_DEBUG: "", CI: "true" },
    });
    expect(code).toBe(1);
    expect(stderr).toContain("Pulumi.bad.yaml: 1 problem in the stack config; nothing was declared.");
    expect(stderr).toContain("estate:colour");
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain("ESTATE_DEBUG");
  });

  it("maps a frame of the CLI bundle to the TypeScript source it was built from", async () => {
    await buildBundle();
    const line = readFileSync(BUNDLE, "utf8")
      .split("\n")
      .findIndex((text) => text.startsWith("function money("));
    // Node names the bundle by its real path, wherever node_modules links to.
    const error = new TypeError("x");
    error.stack = `TypeError: x\n    at money (${realpathSync(BUNDLE)}:${line + 1}:1)\n    at node:internal/main:1:1`;
    const reportLine = lineOf("cli/cost/report.ts", "export function money(");
    expect(sourceLocation(error)).toMatch(new RegExp(`^cli/cost/report\\.ts:${reportLine}:\\d+$`));
  });
});
