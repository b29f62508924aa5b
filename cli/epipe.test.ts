import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePlan } from "./testing/plan-fixture.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Runs estate with its stdout read only up to the first chunk, as `| head -1` does. */
function readFirstChunk(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // From the sources: the bundle cached in a shared node_modules may be another checkout's.
    const child = spawn(process.execPath, [path.join(ROOT, "bin/estate.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: "true", ESTATE_NO_BUNDLE: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.once("data", () => child.stdout.destroy());
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("output into a pipe closed early", () => {
  it("ends the command quietly with its own exit code, not an EPIPE crash", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "estate-epipe-"));
    const plan = path.join(dir, "plan.json");
    const resources = Array.from({ length: 400 }, (_, i) => ({
      type: "azure-native:resources:ResourceGroup",
      name: `rg${i}`,
      inputs: { location: "eastus", tags: { note: "x".repeat(200) } },
    }));
    writeFileSync(plan, JSON.stringify(fixturePlan("dev", resources)));
    for (const args of [
      ["policy", "--list", "--json"],
      ["cost", plan, "--json", "--out", dir],
      ["policy", "--plan", plan, "--format", "json", "--out", dir],
    ]) {
      const { code, stderr } = await readFirstChunk(args);
      expect(stderr, args.join(" ")).not.toMatch(/EPIPE|Unhandled/);
      expect([0, 3], args.join(" ")).toContain(code);
    }
  }, 60_000);
});
