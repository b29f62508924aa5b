import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "./rules/index.js";
import { ruleDocs } from "./rule-docs.js";

const dir = new URL("../docs/rules/", import.meta.url);
const docs = ruleDocs();

describe("docs/rules", () => {
  it("has one page per rule and the index, and nothing else", () => {
    expect(readdirSync(dir).sort()).toEqual([...docs.keys()].sort());
    expect(docs.size).toBe(RULES.length + 1);
  });

  it.each([...docs.keys()])("%s is what policies/rule-docs.ts writes", (file) => {
    expect(readFileSync(new URL(file, dir), "utf8")).toBe(docs.get(file));
  });

  it("shows, for each failing example of a resource rule, what the rule reports", () => {
    const page = docs.get("EST-APIM-004.md")!;
    expect(page).toContain("- `identity removed`\n  - reports `identity.type is not set;");
    expect(page).toContain(
      "[Azure.APIM.ManagedIdentity](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.ManagedIdentity/)",
    );
  });
});
