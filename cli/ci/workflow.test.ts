import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const workflow = parse(readFileSync(path.join(root, ".github/workflows/estate.yml"), "utf8"));
const runs = (job: string) =>
  (workflow.jobs[job].steps as Array<{ run?: string; uses?: string }>).map((s) => s.run ?? s.uses ?? "");

describe(".github/workflows/estate.yml", () => {
  it("plans offline and reports policy on every pull request, with SARIF and a PR comment", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request", "schedule", "workflow_dispatch"]);
    expect(workflow.jobs.plan.strategy.matrix.stack).toEqual(["dev", "prod"]);
    const steps = runs("plan").join("\n");
    expect(steps).toContain("npm ci");
    expect(steps).toContain("node bin/estate.js plan ${{ matrix.stack }}");
    expect(steps).toContain("node bin/estate.js policy ${{ matrix.stack }}");
    expect(steps).toContain("github/codeql-action/upload-sarif@v3");
    expect(steps).toContain("actions/github-script@v7");
    expect(workflow.jobs.plan.permissions).toMatchObject({ "pull-requests": "write", "security-events": "write" });
  });

  it("keeps ephemeral environments behind a repository variable: up on PR, down on close, gc on schedule", () => {
    for (const job of ["pr-environment", "pr-environment-down", "gc"])
      expect(workflow.jobs[job].if).toContain("vars.ESTATE_PR_ENVIRONMENTS == 'true'");
    expect(workflow.jobs["pr-environment"].if).toContain("github.event.action != 'closed'");
    expect(runs("pr-environment").join("\n")).toMatch(
      /estate\.js env up pr\$\{\{ github\.event\.pull_request\.number \}\} --ttl 24h/,
    );
    expect(workflow.jobs["pr-environment-down"].if).toContain("github.event.action == 'closed'");
    expect(runs("pr-environment-down").join("\n")).toContain("env down pr${{ github.event.pull_request.number }}");
    expect(workflow.jobs.gc.if).toContain("github.event_name == 'schedule'");
    expect(runs("gc").join("\n")).toContain("node bin/estate.js env gc");
  });
});
