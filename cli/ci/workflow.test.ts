import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { Command } from "commander";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { EMAIL } from "../../stacks/config/contacts.js";
import { registrations } from "../commands/index.js";
import { EXIT } from "../errors.js";

const root = path.resolve(import.meta.dirname, "../..");
const workflow = parse(readFileSync(path.join(root, ".github/workflows/estate.yml"), "utf8"));

interface Step {
  name?: string;
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  steps: Step[];
  strategy?: { matrix: Record<string, string[]> };
}
const jobs = workflow.jobs as Record<string, Job>;

/** What a run of the workflow sees: the event and its payload, the repository variables, the matrix. */
interface Run {
  github: { event_name: string; event: Record<string, unknown>; head_ref?: string };
  vars: Record<string, string>;
  matrix?: Record<string, string>;
}

/** A context path (`github.event.action`) in the run, "" when absent, as GitHub Actions reads it. */
function lookup(run: Run, expression: string): unknown {
  const value = expression
    .split(".")
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as any)[key] : undefined), run);
  return value ?? "";
}

/**
 * The subset of GitHub Actions expressions the workflow's job conditions use: context paths, string
 * literals, ==, !=, &&, || and parentheses (https://docs.github.com/actions/learn-github-actions/expressions).
 */
function evaluate(expression: string, run: Run): unknown {
  const tokens = expression.match(/'[^']*'|==|!=|&&|\|\||[()]|[A-Za-z_][\w.-]*/g) ?? [];
  let at = 0;
  const primary = (): unknown => {
    const token = tokens[at++];
    if (token === "(") {
      const value = or();
      at++; // ")"
      return value;
    }
    if (token.startsWith("'")) return token.slice(1, -1);
    return lookup(run, token);
  };
  const comparison = (): unknown => {
    const left = primary();
    if (tokens[at] === "==" || tokens[at] === "!=") {
      const op = tokens[at++];
      const right = primary();
      return op === "==" ? String(left) === String(right) : String(left) !== String(right);
    }
    return left;
  };
  /** Operands joined by `op`, left to right, as JavaScript's && and || join them. */
  const joined = (op: "&&" | "||", operand: () => unknown) => (): unknown => {
    let value = operand();
    while (tokens[at] === op) {
      at++;
      const right = operand();
      value = op === "&&" ? value && right : value || right;
    }
    return value;
  };
  const and = joined("&&", comparison);
  const or: () => unknown = joined("||", and);
  const value = or();
  if (at !== tokens.length) throw new Error(`cannot evaluate ${expression}`);
  return value;
}

/** The jobs a run starts: those whose condition holds (a job without one always runs). */
const jobsRunFor = (run: Run) =>
  Object.entries(jobs)
    .filter(([, job]) => job.if === undefined || Boolean(evaluate(job.if, run)))
    .map(([name]) => name);

const pullRequest = (action: string, environments: boolean): Run => ({
  github: {
    event_name: "pull_request",
    event: { action, pull_request: { number: 42, user: { login: "octocat" } } },
    head_ref: "feature/x",
  },
  vars: environments ? { ESTATE_PR_ENVIRONMENTS: "true", ESTATE_PR_OWNER: "platform-team@contoso.com" } : {},
});
const scheduled = (event: string, environments: boolean): Run => ({
  github: { event_name: event, event: {} },
  vars: environments ? { ESTATE_PR_ENVIRONMENTS: "true" } : {},
});

/** The `node bin/estate.js ...` command lines of a job's steps, with the run's expressions filled in. */
function estateCommands(job: Job, run: Run): string[][] {
  const fill = (text: string) =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression) => String(lookup(run, expression)));
  return job.steps
    .flatMap((step) => (step.run ? fill(step.run).split("\n") : []))
    .map((line) => line.split("|")[0].trim())
    .filter((line) => line.startsWith("node bin/estate.js "))
    .map((line) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]).slice(2));
}

/** The arguments a command line gives that the estate command does not take: none when it accepts them. */
function refusedBy(program: Command, argv: string[]): string[] {
  let command = program;
  let rest = argv;
  while (rest.length && command.commands.some((c) => c.name() === rest[0])) {
    command = command.commands.find((c) => c.name() === rest[0])!;
    rest = rest.slice(1);
  }
  const { operands, unknown } = command.parseOptions(rest);
  const required = command.registeredArguments.filter((a) => a.required).length;
  const allowed = command.registeredArguments.some((a) => a.variadic) ? Infinity : command.registeredArguments.length;
  return [
    ...unknown,
    ...(operands.length < required ? [`(${required - operands.length} missing argument(s))`] : []),
    ...(operands.length > allowed ? operands.slice(allowed) : []),
  ];
}

describe(".github/workflows/estate.yml", () => {
  it("runs the offline plan on every open pull request, and the cloud jobs only when the repository opts in", () => {
    expect(jobsRunFor(pullRequest("opened", false))).toEqual(["plan"]);
    expect(jobsRunFor(pullRequest("synchronize", true))).toEqual(["plan", "pr-environment"]);
    // The environment waits for the plan and its policy gate.
    expect(jobs["pr-environment"].needs).toBe("plan");
    expect(jobsRunFor(pullRequest("closed", true))).toEqual(["pr-environment-down"]);
    expect(jobsRunFor(pullRequest("closed", false))).toEqual([]);
    expect(jobsRunFor(scheduled("schedule", true))).toEqual(["gc"]);
    expect(jobsRunFor(scheduled("workflow_dispatch", true))).toEqual(["gc"]);
    expect(jobsRunFor(scheduled("schedule", false))).toEqual([]);
    // Each on: trigger starts some job.
    expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "schedule", "workflow_dispatch"]);
  });

  describe("calls the estate command as it is defined", () => {
    let program: Command;
    beforeAll(async () => {
      program = new Command().exitOverride();
      for (const register of await registrations(["node", "estate"])) register(program);
    });

    it.each([
      ["plan", pullRequest("opened", true), ["plan dev", "policy dev"]],
      ["pr-environment", pullRequest("opened", true), ["env up"]],
      ["pr-environment-down", pullRequest("closed", true), ["env down"]],
      ["gc", scheduled("schedule", true), ["env gc"]],
    ] as const)("%s", (job, run, expected) => {
      const commands = estateCommands(jobs[job], { ...run, matrix: { stack: "dev" } });
      expect(commands.map((argv) => argv.slice(0, 2).join(" "))).toEqual(expected);
      for (const argv of commands) expect(refusedBy(program, argv), argv.join(" ")).toEqual([]);
    });

    it("names each pull request's environment after its number, for 24 hours, owned by an email address", () => {
      const [up] = estateCommands(jobs["pr-environment"], pullRequest("opened", true));
      const env = program.commands.find((c) => c.name() === "env")!;
      const parsed = env.commands.find((c) => c.name() === "up")!;
      expect(parsed.parseOptions(up.slice(2)).operands).toEqual(["pr42"]);
      const option = (flag: string) => up[up.indexOf(flag) + 1];
      expect(option("--ttl")).toBe("24h");
      expect(option("--branch")).toBe("feature/x");
      // `env up` refuses an owner that is no email address.
      expect(option("--owner")).toMatch(EMAIL);
      const [down] = estateCommands(jobs["pr-environment-down"], pullRequest("closed", true));
      expect(down).toEqual(["env", "down", "pr42"]);
    });
  });

  describe("the plan job's reports", () => {
    const stack = "dev";
    let policyExit: number;
    beforeAll(async () => {
      // The job's own commands, run here as the runner would (the sources, not a cached bundle).
      const run = promisify(execFile);
      const env = { ...process.env, CI: "true", ESTATE_NO_BUNDLE: "1" };
      for (const argv of estateCommands(jobs.plan, { ...pullRequest("opened", false), matrix: { stack } })) {
        const result = await run(process.execPath, ["bin/estate.js", ...argv], { cwd: root, env }).then(
          () => 0,
          (error: { code: number }) => error.code,
        );
        if (argv[0] === "policy") policyExit = result;
      }
    }, 180_000);

    it("fails the job only after reporting, and only when the policy command exits non-zero", () => {
      const steps = jobs.plan.steps;
      const policy = steps.findIndex((s) => s.id === "policy");
      const gate = steps.findIndex((s) => s.if?.includes("steps.policy.outputs.exit"));
      expect(policy).toBeGreaterThan(-1);
      // Reports (SARIF, comment, artifact) come between the policy run and the gate, and run always.
      expect(gate).toBe(steps.length - 1);
      for (const step of steps.slice(policy + 1, gate)) expect(step.if, step.name ?? step.uses).toMatch(/^always\(\)/);
      // The policy step keeps going on a failing exit (set +e) and hands the code to the gate.
      expect(steps[policy].run).toMatch(/^set \+e\n/);
      expect(steps[policy].run).toMatch(/echo "exit=\$\?" >> "\$GITHUB_OUTPUT"/);
      expect([EXIT.ok, EXIT.policy]).toContain(policyExit);
    });

    it("uploads the SARIF file and the artifact folder the policy command wrote", () => {
      const fill = (text: string) =>
        text.replace(/\$\{\{\s*matrix\.stack\s*\}\}/g, stack).replace(/\$\{\{[^}]*\}\}/g, "");
      const sarifStep = jobs.plan.steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
      const sarif = JSON.parse(readFileSync(path.join(root, fill(sarifStep.with!.sarif_file)), "utf8"));
      expect(sarif.version).toBe("2.1.0");
      const artifact = jobs.plan.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
      expect(existsSync(path.join(root, fill(artifact.with!.path), "plan.json"))).toBe(true);
    });

    it("comments the policy report once per stack, and updates that comment on the next push", async () => {
      const step = jobs.plan.steps.find((s) => s.uses?.startsWith("actions/github-script@"))!;
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
      const script = new AsyncFunction("require", "github", "context", step.with!.script);
      const comments: Array<{ id: number; body: string }> = [{ id: 1, body: "an unrelated comment" }];
      const listComments = () => comments;
      const github = {
        paginate: async (list: () => unknown) => list(),
        rest: {
          issues: {
            listComments,
            createComment: async ({ body }: { body: string }) => void comments.push({ id: comments.length + 1, body }),
            updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) =>
              void (comments.find((c) => c.id === comment_id)!.body = body),
          },
        },
      };
      const context = { repo: { owner: "contoso", repo: "estate" }, issue: { number: 42 } };
      const report = readFileSync(path.join(root, `.estate/${stack}/policy.md`), "utf8");
      const previous = process.env.STACK;
      process.env.STACK = stack;
      try {
        const require = createRequire(import.meta.url);
        await script(require, github, context);
        await script(require, github, context);
      } finally {
        process.env.STACK = previous;
      }
      expect(comments).toHaveLength(2);
      expect(comments[1].body).toContain(report.slice(0, 200));
    });
  });
});
