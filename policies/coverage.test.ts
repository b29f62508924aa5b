import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHECKOV, coverageMarkdown, DIFFERENCES, mappedBy, PSRULE } from "./coverage.js";
import { RULES } from "./rules/index.js";
import { T } from "./types.js";

const listed = (catalogue: typeof PSRULE) => Object.values(catalogue).flatMap((group) => Object.entries(group.rules));

/** The resource types the pack judges (the stack's outputs are no Azure resource). */
const judgedTypes = [...new Set(RULES.flatMap((rule) => rule.types))].filter((type) => type !== "pulumi:pulumi:Stack");

describe.each([
  ["PSRule", PSRULE, "psrule"],
  ["Checkov", CHECKOV, "checkov"],
] as const)("%s coverage", (_name, catalogue, kind) => {
  it("explains every external rule no Estate rule maps, and lists every mapped one", () => {
    const covered = mappedBy(kind);
    const unexplained = listed(catalogue)
      .filter(([id, note]) => !covered.has(id) && !note)
      .map(([id]) => id);
    expect(unexplained).toEqual([]);
    const unlisted = [...covered.keys()].filter((id) => !listed(catalogue).some(([listedId]) => listedId === id));
    expect(unlisted).toEqual([]);
  });

  it("does not call a mapped rule uncovered", () => {
    const covered = mappedBy(kind);
    expect(
      listed(catalogue)
        .filter(([id, note]) => covered.has(id) && note)
        .map(([id]) => id),
    ).toEqual([]);
  });

  it("has a group for every resource type the pack judges", () => {
    const grouped = new Set(Object.values(catalogue).flatMap((group) => group.types));
    expect(judgedTypes.filter((type) => !grouped.has(type))).toEqual([]);
  });

  it("groups only types the pack knows, each group with rules or a reason it has none", () => {
    const known = new Set<string>(Object.values(T));
    for (const [title, group] of Object.entries(catalogue)) {
      expect(
        group.types.filter((type) => !known.has(type)),
        title,
      ).toEqual([]);
      expect(Object.keys(group.rules).length > 0 || Boolean(group.none), title).toBe(true);
    }
  });
});

describe("policy coverage", () => {
  it("notes verdict differences only for external rules an Estate rule maps", () => {
    const covered = new Set([...mappedBy("psrule").keys(), ...mappedBy("checkov").keys()]);
    expect(Object.keys(DIFFERENCES).filter((id) => !covered.has(id))).toEqual([]);
  });

  it("docs/policy-coverage.md is up to date", () => {
    expect(readFileSync(new URL("../docs/policy-coverage.md", import.meta.url), "utf8")).toBe(coverageMarkdown());
  });
});
