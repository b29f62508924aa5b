import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

/** Runs `estate <command> dev` (plan by default) on a pseudo-terminal of the given width (util-linux `script`), CI unset. */
async function planOnTerminal(columns: number, verb = "plan"): Promise<string> {
  const out = mkdtempSync(path.join(tmpdir(), "estate-tty-"));
  const command = `stty cols ${columns}; node ${path.join(ROOT, "bin/estate.js")} ${verb} dev --out ${out}`;
  const { CI: _, ...env } = process.env;
  const { stdout } = await run("script", ["-qec", command, "/dev/null"], {
    cwd: ROOT,
    env,
    timeout: 60_000,
    maxBuffer: 4 * 1024 * 1024,
  });
  return stdout;
}

describe("progress on an interactive terminal", () => {
  it("shows a spinner that ends with the result", async () => {
    const output = await planOnTerminal(100);
    expect(output).toContain("Planning dev offline");
    expect(output).toMatch(/✔.*Planned dev: \d+ resources \(\d+ in Azure Resource Manager\) in \d+ components/);
    expect(output).toContain("Wrote");
  });

  it("says how many resources were planned the same way in estate policy as in estate plan", async () => {
    const [plan, policy] = [await planOnTerminal(100), await planOnTerminal(100, "policy")];
    const planned = (output: string) =>
      /✔.*(Planned dev: \d+ resources \(\d+ in Azure Resource Manager\) in \d+ components)/.exec(output)?.[1];
    expect(planned(policy)).toBeDefined();
    expect(planned(policy)).toBe(planned(plan));
  });

  it("shows none on a terminal that reports no width, and still plans", async () => {
    const output = await planOnTerminal(0);
    expect(output).not.toContain("Planning dev offline");
    expect(output).toContain("Wrote");
  });
});
