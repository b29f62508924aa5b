import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePlan } from "../testing/plan-fixture.js";
import { readPlanFile } from "./source.js";
import { stackFilePath } from "../../stacks/config/stackfile.js";
import { defaultOutDir } from "./write.js";

const dir = mkdtempSync(path.join(tmpdir(), "estate-plan-file-"));
const good = fixturePlan("dev", [
  { type: "azure-native:resources:ResourceGroup", name: "rg", inputs: { location: "westeurope" } },
]);
function saved(edit: (plan: any) => void): string {
  const plan = structuredClone(good) as any;
  edit(plan);
  const file = path.join(dir, `plan-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

describe("saved plans", () => {
  it("reads a plan as estate plan writes it", () => {
    expect(readPlanFile(saved(() => {})).resources).toHaveLength(1);
  });

  it.each([
    ["a null resource", (p: any) => (p.resources = [null]), /resources\[0\]: Expected object, received null/],
    ["a resource without inputs", (p: any) => delete p.resources[0].inputs, /resources\[0\]\.inputs: Required/],
    ["no createdAt", (p: any) => delete p.createdAt, /createdAt: Required/],
    ["no outputs", (p: any) => delete p.outputs, /- outputs: Required/],
    ["a stack that is a path", (p: any) => (p.stack = "../../outside/pwn"), /- stack: expected a stack name/],
  ])("refuses %s, naming the file and the field", (_what, edit, message) => {
    const file = saved(edit);
    expect(() => readPlanFile(file)).toThrow(message);
    expect(() => readPlanFile(file)).toThrow(file);
  });
});

describe("stack names", () => {
  it("never become paths outside the project or .estate/", () => {
    for (const stack of ["x/../../outside/evil", "..", ".hidden", "a\\b", ""]) {
      expect(() => stackFilePath(dir, stack)).toThrow(/expected a stack name/);
      expect(() => defaultOutDir(dir, stack)).toThrow(/expected a stack name/);
    }
    expect(defaultOutDir(dir, "ephemeral-pr1.v2_x")).toBe(path.join(dir, ".estate", "ephemeral-pr1.v2_x"));
  });
});
