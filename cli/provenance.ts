import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { TOOL_VERSION } from "./version.js";

/** What every artifact of one run carries: the sources' commit (in a git checkout), the run's time, the tool's version. */
export interface RunProvenance {
  commit?: string;
  runAt: string;
  toolVersion: string;
}

export const runProvenance = (projectDir: string, now = new Date()): RunProvenance => ({
  commit: gitCommit(projectDir),
  runAt: now.toISOString(),
  toolVersion: TOOL_VERSION,
});

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
    const gitDir = statSync(dotGit).isDirectory()
      ? dotGit
      : path.resolve(
          top,
          readFileSync(dotGit, "utf8")
            .replace(/^gitdir:\s*/, "")
            .trim(),
        );
    const commonDir = existsSync(path.join(gitDir, "commondir"))
      ? path.resolve(gitDir, readFileSync(path.join(gitDir, "commondir"), "utf8").trim())
      : gitDir;
    const head = readFileSync(path.join(gitDir, "HEAD"), "utf8").trim();
    const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
    if (!ref) return head;
    for (const base of [gitDir, commonDir]) {
      if (existsSync(path.join(base, ref))) return readFileSync(path.join(base, ref), "utf8").trim();
    }
    const packed = readFileSync(path.join(commonDir, "packed-refs"), "utf8")
      .split("\n")
      .find((line) => line.endsWith(` ${ref}`));
    return packed?.split(" ")[0];
  } catch {
    return undefined;
  }
}

function commitFromGit(dir: string): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "HEAD"], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    }).trim();
  } catch {
    return undefined;
  }
}
