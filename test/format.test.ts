import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;

/** The tracked files Prettier formats (.prettierignore leaves out Markdown, YAML, vendored schemas and fixtures). */
async function formattedFiles(): Promise<string[]> {
  const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);
  const files: string[] = [];
  for (const file of tracked) {
    const info = await prettier.getFileInfo(root + file, { ignorePath: root + ".prettierignore" });
    if (!info.ignored && info.inferredParser) files.push(file);
  }
  return files;
}

describe("formatting", () => {
  it("every tracked source file is as Prettier writes it (fix with `npx prettier --write .`)", async () => {
    const unformatted: string[] = [];
    for (const file of await formattedFiles()) {
      const options = await prettier.resolveConfig(root + file);
      const text = await readFile(root + file, "utf8");
      if (!(await prettier.check(text, { ...options, filepath: root + file }))) unformatted.push(file);
    }
    expect(unformatted).toEqual([]);
  }, 120_000);
});
