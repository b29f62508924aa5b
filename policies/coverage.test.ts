import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHECKOV, coverageMarkdown, mappedBy, PSRULE } from "./coverage.js";

const listed = (catalogue: typeof PSRULE) => Object.values(catalogue).flatMap((group) => Object.entries(group));

describe("policy coverage", () => {
  it.each([
    ["PSRule", PSRULE, "psrule"],
    ["Checkov", CHECKOV, "checkov"],
  ] as const)("explains every %s rule no Estate rule maps, and lists every mapped one", (_name, catalogue, kind) => {
    const covered = mappedBy(kind);
    const unexplained = listed(catalogue).filter(([id, note]) => !covered.has(id) && !note).map(([id]) => id);
    expect(unexplained).toEqual([]);
    const unlisted = [...covered.keys()].filter((id) => !listed(catalogue).some(([listedId]) => listedId === id));
    expect(unlisted).toEqual([]);
  });

  it("docs/policy-coverage.md is up to date", () => {
    expect(readFileSync(new URL("../docs/policy-coverage.md", import.meta.url), "utf8")).toBe(coverageMarkdown());
  });
});
