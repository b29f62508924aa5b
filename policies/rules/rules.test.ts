import { describe, expect, it } from "vitest";
import { compliantEstate, patchInputs } from "../fixtures/estate.js";
import { PROFILES, problemsOf, type Graph, type GraphResource, type RuleContext } from "../model.js";
import { DEFAULT_SETTINGS } from "../settings.js";
import { T } from "../types.js";
import { RULES } from "./index.js";

const context = (profile: RuleContext["profile"] = "prod"): RuleContext => ({
  profile,
  stack: "test",
  now: new Date("2026-11-24T12:00:00Z"),
  settings: DEFAULT_SETTINGS,
});
/** Paths (dots, `[n]`) at which two values differ. */
function changedPaths(before: unknown, after: unknown, path = ""): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object";
  if (!isObject(before) || !isObject(after) || Array.isArray(before) !== Array.isArray(after))
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((key) =>
    changedPaths(before[key], after[key], Array.isArray(before) ? `${path}[${key}]` : path ? `${path}.${key}` : key),
  );
}

const stepsOf = (path: string) => path.split(/[.[\]]/).filter((step) => step && !/^\d+$/.test(step));

/**
 * The words that name what an edit changed: each resource it added, removed or changed the inputs
 * of (its name, its type's last segment, the steps of the changed input paths), and the steps of
 * the stack outputs it changed.
 */
function changedWords(before: Graph, after: Graph): string[] {
  const byUrn = (graph: Graph) => new Map(graph.resources.map((resource) => [resource.urn, resource]));
  const [old, edited] = [byUrn(before), byUrn(after)];
  const words = (resource: GraphResource, paths: string[]) => [
    resource.name,
    resource.type.split(":").at(-1)!,
    ...paths.flatMap(stepsOf),
  ];
  const added = [...edited.values()].filter((resource) => !old.has(resource.urn));
  const removed = [...old.values()].filter((resource) => !edited.has(resource.urn));
  const changed = [...edited.values()].flatMap((resource) => {
    const paths = old.has(resource.urn) ? changedPaths(old.get(resource.urn)!.inputs, resource.inputs) : [];
    return paths.length ? [words(resource, paths)] : [];
  });
  return [
    ...new Set([
      ...[...added, ...removed].flatMap((resource) => words(resource, [])),
      ...changed.flat(),
      ...changedPaths(before.outputs, after.outputs).flatMap(stepsOf),
    ]),
  ];
}

/**
 * Whether a message names a word, as written or in words (`DiagnosticSetting` as "diagnostic
 * setting", `AFDOrigin` as "AFD origin"), case aside, singular or plural, never inside a longer name.
 */
function names(message: string, word: string): boolean {
  const spaced = word.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2");
  return [word, spaced].some((form) => {
    const escaped = form
      .toLowerCase()
      .replace(/s$/, "")
      .replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(?<![a-z0-9_-])${escaped}s?(?![a-z0-9_-])`).test(message.toLowerCase());
  });
}

const subjectOf = (graph: Graph, type: string) => graph.resources.find((resource) => resource.type === type);

describe("the rule catalogue", () => {
  it("has at least 100 rules with ids, controls, remediation and an enforcement per profile", () => {
    expect(RULES.length).toBeGreaterThanOrEqual(100);
    for (const rule of RULES) {
      expect(rule.id, rule.id).toMatch(/^EST-[A-Z]+-\d{3}$/);
      expect(rule.remediation.length, rule.id).toBeGreaterThan(10);
      expect(Object.keys(rule.enforcement).sort(), rule.id).toEqual([...PROFILES].sort());
      expect(rule.controls.waf, rule.id).toBeTruthy();
    }
  });

  it("maps every security rule to at least one benchmark control", () => {
    const unmapped = RULES.filter((rule) => rule.controls.waf === "Security" && !rule.controls.mcsb.length).map(
      (rule) => rule.id,
    );
    expect(unmapped).toEqual([]);
  });
});

describe.each(RULES.map((rule) => [rule.id, rule] as const))("%s", (_id, rule) => {
  it("has at least one failing example", () => {
    expect(rule.examples.fail.length).toBeGreaterThan(0);
  });

  if (rule.kind === "resource") {
    const baseline = subjectOf(compliantEstate(), rule.types[0]!);
    it("has a compliant fixture that passes", () => {
      expect(baseline, `no ${rule.types[0]} in the compliant estate`).toBeDefined();
      expect(rule.check(baseline!, context())).toEqual([]);
      for (const patch of rule.examples.pass ?? [])
        expect(rule.check({ ...baseline!, inputs: patchInputs(baseline!.inputs, patch) }, context())).toEqual([]);
    });
    it.each(rule.examples.fail.map((patch, index) => [index, patch] as const))(
      "fails on example %i",
      (_index, patch) => {
        const messages = problemsOf(
          rule.check({ ...baseline!, inputs: patchInputs(baseline!.inputs, patch) }, context()),
        );
        expect(messages.length).toBeGreaterThan(0);
        // The message names the input to change: a step of one of the paths the example patched.
        const steps = Object.keys(patch).flatMap(stepsOf);
        for (const message of messages)
          expect(
            steps.some((step) => message.includes(step)),
            `${JSON.stringify(message)} names none of ${steps.join(", ")}`,
          ).toBe(true);
      },
    );
  } else {
    it("passes on the compliant estate", () => {
      expect(rule.check(compliantEstate(), context())).toEqual([]);
      for (const edit of rule.examples.pass ?? []) {
        const graph = compliantEstate();
        edit(graph);
        expect(rule.check(graph, context())).toEqual([]);
      }
    });
    it.each(rule.examples.fail.map((edit, index) => [index, edit] as const))("fails on example %i", (_index, edit) => {
      const before = compliantEstate();
      const graph = compliantEstate();
      edit(graph);
      const findings = rule.check(graph, context()).filter((finding) => !finding.notApplicable);
      expect(findings.length).toBeGreaterThan(0);
      // Each message names what the edit changed (a resource, or an input of it), which is what the user must change.
      const words = changedWords(before, graph);
      for (const finding of findings)
        expect(
          words.some((word) => names(finding.message, word)),
          `${JSON.stringify(finding.message)} names none of ${words.join(", ")}`,
        ).toBe(true);
    });
  }
});

describe("EST-APIM-023 judges operations, not the API policy", () => {
  const rule = RULES.find((r) => r.id === "EST-APIM-023")!;

  it("names the operation that lacks the managed-identity step, and only that one", () => {
    const graph = compliantEstate();
    const listed = subjectOf(graph, T.apiOperation)!;
    const bare = {
      ...listed,
      urn: `${listed.urn}-create`,
      name: "api-events-create",
      inputs: { ...listed.inputs, operationId: "create", method: "POST" },
    };
    graph.resources.push(bare);
    expect(rule.kind === "stack" && rule.check(graph, context())).toEqual([
      { urn: bare.urn, message: expect.stringMatching(/^POST \/: .*no <authentication-managed-identity/) },
    ]);
  });
});
