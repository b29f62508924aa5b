/**
 * Baselines: the failures a stack had when the file was made, so that `estate policy --baseline`
 * fails only on new ones. A finding is its rule id, its resource's URN and a hash of its message
 * (the same rule on the same resource failing for another reason is a new finding).
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import type { PolicyReport, PolicyResult } from "../../policies/evaluate.js";
import { EstateError, UsageError } from "../errors.js";
import { jsonText } from "../output/files.js";
import { byText } from "../output/order.js";

export const BASELINE_SCHEMA_VERSION = 1;

const baselineSchema = z
  .object({
    schemaVersion: z.literal(BASELINE_SCHEMA_VERSION),
    kind: z.literal("estate-policy-baseline"),
    stack: z.string().min(1),
    packVersion: z.string(),
    createdAt: z.string(),
    findings: z.array(
      z
        .object({
          ruleId: z.string(),
          resource: z.string(),
          name: z.string(),
          messageHash: z.string().regex(/^[0-9a-f]{16}$/),
        })
        .strict(),
    ),
  })
  .strict();

export type Baseline = z.infer<typeof baselineSchema>;

const messageHash = (message: string | undefined) =>
  createHash("sha256")
    .update(message ?? "")
    .digest("hex")
    .slice(0, 16);
const keyOf = (ruleId: string, resource: string, hash: string) => `${ruleId}\n${resource}\n${hash}`;

/** What identifies a finding across runs: rule, resource URN and the hash of the message. */
export const findingKey = (finding: FindingRef): string => keyOf(finding.ruleId, finding.resource, finding.messageHash);
export const resultKey = (result: PolicyResult): string =>
  keyOf(result.ruleId, result.resource.urn, messageHash(result.message));

/** Every failure of the report (mandatory and advisory, waived ones excluded). */
export function createBaseline(report: PolicyReport, now = new Date()): Baseline {
  const findings = report.results
    .filter((result) => result.status === "fail")
    .map((result) => ({
      ruleId: result.ruleId,
      resource: result.resource.urn,
      name: result.resource.name,
      messageHash: messageHash(result.message),
    }))
    .sort((a, b) => byText(a.ruleId, b.ruleId) || byText(a.resource, b.resource));
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    kind: "estate-policy-baseline",
    stack: report.stack,
    packVersion: report.packVersion,
    createdAt: now.toISOString(),
    findings,
  };
}

export function writeBaseline(file: string, baseline: Baseline): void {
  writeFileSync(file, jsonText(baseline));
}

export function readBaseline(file: string): Baseline {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new EstateError(`--baseline ${file}: ${(error as Error).message}`);
  }
  const parsed = baselineSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join(".") || "(file)"}: ${issue.message}`);
    throw new EstateError(
      `--baseline ${file}: not a policy baseline (make one with --create-baseline):\n${problems.join("\n")}`,
    );
  }
  return parsed.data;
}

/** Marks the report's failures that the baseline holds (`baseline: true`); a baseline of another stack is a usage error. */
export function applyBaseline(report: PolicyReport, baseline: Baseline, file: string): PolicyReport {
  if (baseline.stack !== report.stack)
    throw new UsageError(`--baseline ${file} is a baseline of stack ${baseline.stack}, not ${report.stack}`);
  const known = new Set(baseline.findings.map(findingKey));
  const results = report.results.map(
    (result): PolicyResult =>
      result.status === "fail" && known.has(resultKey(result)) ? { ...result, baseline: true } : result,
  );
  return { ...report, results };
}

/** Mandatory failures the baseline does not hold: what `--baseline` fails on. */
export function newMandatoryViolations(report: PolicyReport): PolicyResult[] {
  return report.results.filter(
    (result) => result.status === "fail" && result.enforcement === "mandatory" && !result.baseline,
  );
}

/** A failure as comparisons name it. */
export type FindingRef = Baseline["findings"][number];

/** This run's failures against a reference set (a baseline, or the previous run's policy.json). */
export interface Comparison {
  against: "baseline" | "previous run";
  /** The reference file. */
  file: string;
  /** When the reference was made. */
  createdAt: string;
  new: FindingRef[];
  fixed: FindingRef[];
  unchanged: FindingRef[];
}

export function compareFindings(
  report: PolicyReport,
  reference: Pick<Baseline, "findings" | "createdAt">,
  against: Comparison["against"],
  file: string,
): Comparison {
  const current = createBaseline(report).findings;
  const before = new Set(reference.findings.map(findingKey));
  const now = new Set(current.map(findingKey));
  return {
    against,
    file,
    createdAt: reference.createdAt,
    new: current.filter((finding) => !before.has(findingKey(finding))),
    fixed: reference.findings.filter((finding) => !now.has(findingKey(finding))),
    unchanged: current.filter((finding) => before.has(findingKey(finding))),
  };
}

interface PreviousResult {
  ruleId: string;
  status: string;
  message?: string;
  resource: { urn: string; name: string };
}

/** One result of a previous policy.json, as comparisons read it. */
function isPreviousResult(value: unknown): value is PreviousResult {
  const result = value as Partial<Record<keyof PreviousResult, unknown>> | null;
  const resource = result?.resource as Partial<Record<"urn" | "name", unknown>> | null | undefined;
  return (
    typeof result?.ruleId === "string" &&
    typeof result.status === "string" &&
    (result.message === undefined || typeof result.message === "string") &&
    typeof resource?.urn === "string" &&
    typeof resource.name === "string"
  );
}

/**
 * The results of a previous policy.json, checked by hand in one pass: a report holds hundreds, and
 * zod's parse of each field, even its call per element of an array, took longer than the whole
 * evaluation of the pack (bench/policy).
 */
const previousResults = z.custom<PreviousResult[]>((value) => Array.isArray(value) && value.every(isPreviousResult));

const previousReportSchema = z.object({
  stack: z.string(),
  evaluatedAt: z.string().datetime({ offset: true }),
  packVersion: z.string(),
  profile: z.string(),
  results: previousResults,
});

/**
 * The failures of an earlier policy.json of the same stack, as a baseline; undefined when there is
 * none, or it is of another stack or not a policy report (the comparison is then left out).
 */
export function readPreviousReport(file: string, stack: string): Baseline | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  const parsed = previousReportSchema.safeParse(doc);
  if (!parsed.success || parsed.data.stack !== stack) return undefined;
  const previous = parsed.data as unknown as PolicyReport;
  return createBaseline(previous, new Date(parsed.data.evaluatedAt));
}
