import path from "node:path";
import type { PriceTable } from "../cost/prices.js";
import { EstateError } from "../errors.js";
import { writeJson } from "../output/files.js";
import type { Plan } from "../plan/schema.js";
import { planStack } from "../plan/stack.js";
import { readStackFile } from "../../stacks/config/stackfile.js";
import { defaultOutDir } from "../plan/write.js";
import { runPipeline } from "../pipeline.js";
import { backendEnv, readBackend } from "./backend.js";
import type { CloudEngine } from "./engine.js";
import { EventTally, type CloudOperation, type CloudSummary } from "./events.js";
import type { PolicyGate } from "./gate.js";
import { preflight, type Toolchain } from "./preflight.js";

/** `estate up` found mandatory policy violations offline and did not start: exit 3. */
export class PolicyRefusal extends EstateError {
  constructor(
    readonly stack: string,
    readonly violations: string[],
  ) {
    super(
      `Refusing to deploy ${stack}: the offline policy evaluation found ${violations.length} mandatory violation${violations.length === 1 ? "" : "s"}:\n` +
        violations.map((v) => `  - ${v}`).join("\n") +
        `\nFix them, or waive them in policies/waivers.yaml, then run \`estate up ${stack}\` again (see \`estate policy ${stack}\`).`,
    );
  }
}

/** The engine ran but the operation failed; the summary (with what did change) is still written. */
export class CloudOperationError extends EstateError {}

export interface CloudDeps {
  engine: CloudEngine;
  toolchain: Toolchain;
  gate: PolicyGate;
  /** The price table of the run's cost.json (default: the shipped one). */
  prices?: PriceTable;
  onProgress?: (text: string) => void;
}

export interface CloudRun {
  summary: CloudSummary;
  /** The summary file and, for preview and up, the offline plan and cost written beside it. */
  files: string[];
  outputs?: Record<string, unknown>;
}

/** The policy pack the engine runs alongside the program (`--policy-pack policies`). */
export const policyPackDir = (projectDir: string) => path.join(projectDir, "policies");

/**
 * An engine error, short: the Automation API's message holds the Pulumi CLI's whole output. Its
 * `error:` lines when it has any (at most five), else its last lines.
 */
export function engineErrorText(message: string, lines = 15): string {
  const all = message.trim().split("\n");
  const errors = [...new Set(all.filter((line) => /^\s*error:/.test(line)).map((line) => line.trim()))].slice(0, 5);
  const kept = errors.length ? errors : all.slice(-lines);
  return kept.length < all.length ? `…\n${kept.join("\n")}` : kept.join("\n");
}

/**
 * `estate preview --cloud`, `estate up` and `estate destroy`: writes the offline plan (or the one
 * given, already made by the caller), cost and policy reports, gates `up` on mandatory policy,
 * then checks the tools, streams
 * engine events as progress, and writes `.estate/<stack>/cloud-<operation>.json`.
 */
export async function runCloud(
  operation: CloudOperation,
  projectDir: string,
  stack: string,
  deps: CloudDeps,
  planned?: Plan,
): Promise<CloudRun> {
  // A missing stack file is reported before any tool is asked. Destroy works from the state alone
  // (an ephemeral stack's file exists only where it was created, e.g. one CI job).
  if (operation !== "destroy") readStackFile(projectDir, stack);
  const outDir = defaultOutDir(projectDir, stack);
  const files: string[] = [];
  // The policy pack learns the stack and its profile from these: its enforcement is per profile.
  const policyEnv: Record<string, string> = { ESTATE_STACK: stack };
  if (operation !== "destroy") {
    // The offline gates come before the tools: a broken config (exit 1) or a mandatory violation
    // (exit 3) is the answer even on a machine without the Pulumi CLI.
    const plan = planned ?? (await planStack({ projectDir, stack }));
    policyEnv.ESTATE_PROFILE = plan.profile;
    const run = runPipeline(projectDir, outDir, plan, { prices: deps.prices });
    const gate = deps.gate(run.policy);
    files.push(...run.files);
    if (operation === "up" && gate.mandatory.length) throw new PolicyRefusal(stack, gate.mandatory);
  }
  const backend = readBackend(projectDir);
  const env = backendEnv(backend);
  await preflight({ toolchain: deps.toolchain, backendEnv: env, loginHint: backend?.loginCommand, needsLogin: true });

  const tally = new EventTally(operation, stack);
  const options = {
    projectDir,
    stack,
    env: { ...env, ...policyEnv },
    secretsProvider: backend?.secretsProvider,
    policyPacks: [policyPackDir(projectDir)],
    onEvent: (event: Parameters<EventTally["add"]>[0]) => {
      const text = tally.add(event);
      if (text) deps.onProgress?.(text);
    },
  };
  const summaryFile = path.join(outDir, `cloud-${operation}.json`);
  const writeSummary = () => writeJson(summaryFile, tally.summary);
  let outputs: Record<string, unknown> | undefined;
  try {
    if (operation === "preview") await deps.engine.preview(options);
    else if (operation === "up") outputs = await deps.engine.up(options);
    else await deps.engine.destroy(options);
  } catch (error) {
    writeSummary();
    throw new CloudOperationError(
      `pulumi ${operation} of ${stack} failed (summary in ${summaryFile}):\n${engineErrorText((error as Error).message)}`,
    );
  }
  writeSummary();
  return { summary: tally.summary, files: [...files, summaryFile], outputs };
}
