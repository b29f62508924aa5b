import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { PolicyReport } from "../../policies/evaluate.js";
import { TOOL_VERSION } from "../version.js";
import { compareFindings, readPreviousReport, type Baseline, type Comparison } from "./baseline.js";
import { sourceLocator, type SourceLocator } from "./sources.js";

/** What made a report: the sources' commit (when the project is a git checkout), the time, the tool and the pack. */
export interface Provenance {
  commit?: string;
  evaluatedAt: string;
  toolVersion: string;
  packVersion: string;
}

/** What reports show beyond the policy report itself. */
export interface ReportContext {
  provenance: Provenance;
  /** Where each finding's resource was declared (SARIF locations). */
  locate: SourceLocator;
  /** This run against the baseline given, else against the previous run's policy.json. */
  comparison?: Comparison;
}

/** The commit checked out in `dir`, or undefined outside a git checkout (or without git). */
export function gitCommit(dir: string): string | undefined {
  const commit = commitFromGitFiles(dir) ?? commitFromGit(dir);
  return commit && /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined;
}

/**
 * HEAD read from the repository's files, as git resolves it: `.git` (a folder, or a file naming
 * the worktree's folder), HEAD (a commit or `ref: refs/heads/...`), the ref's file in the worktree
 * or the common folder, else packed-refs. Starting `git` would cost every report a process; any
 * layout this does not know falls back on it.
 */
function commitFromGitFiles(dir: string): string | undefined {
  try {
    let top = path.resolve(dir);
    while (!existsSync(path.join(top, ".git"))) {
      if (path.dirname(top) === top) return undefined;
      top = path.dirname(top);
    }
    const dotGit = path.join(top, ".git");
    const gitDir = statSync(dotGit).isDirectory() ? dotGit : path.resolve(top, readFileSync(dotGit, "utf8").replace(/^gitdir:\s*/, "").trim());
    const commonDir = existsSync(path.join(gitDir, "commondir")) ? path.resolve(gitDir, readFileSync(path.join(gitDir, "commondir"), "utf8").trim()) : gitDir;
    const head = readFileSync(path.join(gitDir, "HEAD"), "utf8").trim();
    const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
    if (!ref) return head;
    for (const base of [gitDir, commonDir]) {
      if (existsSync(path.join(base, ref))) return readFileSync(path.join(base, ref), "utf8").trim();
    }
    const packed = readFileSync(path.join(commonDir, "packed-refs"), "utf8").split("\n").find((line) => line.endsWith(` ${ref}`));
    return packed?.split(" ")[0];
  } catch {
    return undefined;
  }
}

function commitFromGit(dir: string): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "HEAD"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The context of reports written into `outDir` for a project: read before the reports are written,
 * so the previous run's policy.json there is still the previous one.
 */
export function reportContext(projectDir: string, report: PolicyReport, options: { outDir: string; baseline?: { file: string; baseline: Baseline } }): ReportContext {
  const previousFile = path.join(options.outDir, "policy.json");
  const previous = options.baseline ? undefined : readPreviousReport(previousFile, report.stack);
  const comparison = options.baseline
    ? compareFindings(report, options.baseline.baseline, "baseline", options.baseline.file)
    : previous && compareFindings(report, previous, "previous run", previousFile);
  return {
    provenance: { commit: gitCommit(projectDir), evaluatedAt: report.evaluatedAt, toolVersion: TOOL_VERSION, packVersion: report.packVersion },
    locate: sourceLocator(projectDir, report.stack),
    comparison,
  };
}

/** Reports of a report alone (no project at hand): locations are the stack file, no commit, no comparison. */
export function bareContext(report: PolicyReport): ReportContext {
  const stackFile = { uri: `Pulumi.${report.stack}.yaml`, line: 1 };
  return { provenance: { evaluatedAt: report.evaluatedAt, toolVersion: TOOL_VERSION, packVersion: report.packVersion }, locate: () => stackFile };
}
