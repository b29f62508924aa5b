import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitCommit } from "./provenance.js";

const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    "git",
    ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "init.defaultBranch=main", ...args],
    { cwd, encoding: "utf8" },
  ).trim();

function repository(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "estate-git-"));
  git(dir, "init", "-q");
  writeFileSync(path.join(dir, "a.txt"), "a");
  git(dir, "add", "a.txt");
  git(dir, "commit", "-qm", "first");
  return dir;
}

describe("the commit in a report's provenance, read from the repository's files", () => {
  it("is HEAD's commit on a branch, from a subfolder, after the refs are packed, and on a detached HEAD", () => {
    const dir = repository();
    const head = git(dir, "rev-parse", "HEAD");
    expect(gitCommit(dir)).toBe(head);
    mkdirSync(path.join(dir, "sub"));
    expect(gitCommit(path.join(dir, "sub"))).toBe(head);
    git(dir, "pack-refs", "--all");
    expect(gitCommit(dir)).toBe(head);
    git(dir, "commit", "-q", "--allow-empty", "-m", "second");
    git(dir, "checkout", "-q", "--detach", head);
    expect(gitCommit(dir)).toBe(head);
  });

  it("is the worktree's own HEAD in a linked worktree", () => {
    const dir = repository();
    git(dir, "commit", "-q", "--allow-empty", "-m", "second");
    const worktree = path.join(mkdtempSync(path.join(tmpdir(), "estate-wt-")), "wt");
    git(dir, "worktree", "add", "-q", "-b", "other", worktree, "HEAD~1");
    expect(gitCommit(worktree)).toBe(git(worktree, "rev-parse", "HEAD"));
    expect(gitCommit(worktree)).not.toBe(gitCommit(dir));
  });

  it("is undefined outside a repository", () => {
    expect(gitCommit(mkdtempSync(path.join(tmpdir(), "estate-nogit-")))).toBeUndefined();
  });
});
