/**
 * One documentation page per rule under docs/rules/, and an index, generated from the rules' own
 * data (id, title, severity, types, rationale, remediation, examples, mappings, controls) the way
 * the reference tools document their rules. The examples are run on the compliant fixture, so each
 * page shows what a failing example reports. `node bin/run-ts.js policies/rule-docs.ts` rewrites
 * the folder; policies/rule-docs.test.ts fails when it is stale.
 */
import { DIFFERENCES } from "./coverage.js";
import { compliantEstate } from "./fixtures/estate.js";
import {
  isNotApplicable,
  PROFILES,
  REMOVE,
  type InputPatch,
  type ResourceRule,
  type Rule,
  type RuleContext,
  type StackRule,
} from "./model.js";
import { patchInputs } from "./rules/patch.js";
import { RULES } from "./rules/index.js";
import { DEFAULT_SETTINGS } from "./settings.js";

/** The context the examples run in: the strictest profile, the default settings, a fixed date. */
const CONTEXT: RuleContext = {
  profile: "prod",
  stack: "docs",
  now: new Date("2026-01-01T00:00:00Z"),
  settings: DEFAULT_SETTINGS,
};

const area = (rule: Rule) => rule.id.split("-")[1]!;

/** Prose from rule data as Markdown: angle brackets outside code spans (`<base />`) are shown, not taken as HTML. */
const prose = (text: string) =>
  text
    .split(/(`[^`]*`)/)
    .map((part, index) => (index % 2 ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("");

/** A code span holding `text` whatever backticks it contains. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map(([ticks]) => ticks.length));
  const fence = "`".repeat(longest + 1);
  return text.startsWith("`") || text.endsWith("`") ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

const LINKS = {
  psrule: (id: string) => `[${id}](https://azure.github.io/PSRule.Rules.Azure/en/rules/${id}/)`,
  checkov: (id: string) => `[${id}](https://www.checkov.io/5.Policy%20Index/azure.html)`,
  azurePolicy: (id: string) =>
    `[${id}](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F${id})`,
};

/** One patch as `path = value` lines. */
const patchText = (patch: InputPatch) =>
  Object.entries(patch)
    .map(([path, value]) => (value === REMOVE ? `${path} removed` : `${path} = ${JSON.stringify(value)}`))
    .join(", ");

/** What a rule reports on the compliant fixture changed by one example. */
function resourceVerdict(rule: ResourceRule, patch: InputPatch): string[] {
  const subject = compliantEstate().resources.find((resource) => resource.type === rule.types[0])!;
  const verdict = rule.check({ ...subject, inputs: patchInputs(subject.inputs, patch) }, CONTEXT);
  return isNotApplicable(verdict) ? [`not applicable: ${verdict.notApplicable}`] : verdict;
}

function stackVerdict(rule: StackRule, edit: (graph: ReturnType<typeof compliantEstate>) => void): string[] {
  const graph = compliantEstate();
  edit(graph);
  return rule
    .check(graph, CONTEXT)
    .map((finding) => (finding.notApplicable ? `not applicable: ` : "") + finding.message);
}

const reported = (messages: string[]) =>
  messages.length ? messages.map((message) => `  - reports ${code(message)}`) : ["  - passes"];

function examples(rule: Rule): string[] {
  const lines = ["## Examples", ""];
  if (rule.kind === "resource") {
    lines.push(
      `Each change below, made to a compliant \`${rule.types[0]!.split(":").at(-1)}\` (\`policies/fixtures/estate.ts\`), fails the rule:`,
      "",
    );
    for (const patch of rule.examples.fail)
      lines.push(`- ${code(patchText(patch))}`, ...reported(resourceVerdict(rule, patch)));
    if (rule.examples.pass?.length) {
      lines.push("", "These still pass:", "");
      for (const patch of rule.examples.pass) lines.push(`- ${code(patchText(patch))}`);
    }
  } else {
    lines.push(
      "The rule judges the whole stack. Each failing example edits the compliant estate (`policies/fixtures/estate.ts`; the edits are in the rule's `examples`):",
      "",
    );
    rule.examples.fail.forEach((edit, index) =>
      lines.push(`- failing example ${index + 1}`, ...reported(stackVerdict(rule, edit))),
    );
    const passing = rule.examples.pass?.length ?? 0;
    if (passing) lines.push("", `${passing} further edit${passing > 1 ? "s" : ""} of the estate must still pass.`);
  }
  return [...lines, ""];
}

function references(rule: Rule): string[] {
  const mapped = (["psrule", "checkov", "azurePolicy"] as const).flatMap((kind) =>
    (rule.mappings[kind] ?? []).map((id) => ({ kind, id })),
  );
  const differences = mapped.filter(({ id }) => DIFFERENCES[id]);
  return [
    "## Reference rules",
    "",
    ...(mapped.length
      ? [
          "| Tool | Rule |",
          "| --- | --- |",
          ...mapped.map(
            ({ kind, id }) =>
              `| ${{ psrule: "PSRule for Azure", checkov: "Checkov", azurePolicy: "Azure Policy" }[kind]} | ${LINKS[kind](id)} |`,
          ),
        ]
      : ["None: the rule is Estate's own."]),
    "",
    ...(differences.length
      ? [
          "Where Estate's verdict differs from the reference's ([coverage](../policy-coverage.md)):",
          "",
          ...differences.map(({ id }) => `- ${code(id)}: ${prose(DIFFERENCES[id]!)}`),
          "",
        ]
      : []),
  ];
}

/** The page of one rule. */
export function rulePage(rule: Rule): string {
  const { controls } = rule;
  const frameworks = [
    ...(controls.mcsb.length ? [`Microsoft cloud security benchmark v3: ${controls.mcsb.join(", ")}`] : []),
    ...(controls.cis?.length ? [`CIS Microsoft Azure Foundations Benchmark v2.0.0: ${controls.cis.join(", ")}`] : []),
    `Well-Architected pillar: ${controls.waf}`,
  ];
  return [
    `# ${rule.id}: ${prose(rule.title)}`,
    "",
    "| | |",
    "| --- | --- |",
    `| Severity | ${rule.severity} |`,
    `| Area | ${area(rule)} |`,
    `| Judges | ${rule.kind === "resource" ? "one resource at a time" : "the stack's graph"}: ${rule.types.map((type) => code(type)).join(", ")} |`,
    `| Enforcement | ${PROFILES.map((profile) => `${profile}: ${rule.enforcement[profile]}`).join(", ")} |`,
    `| Controls | ${cell(frameworks.join("; "))} |`,
    "",
    "## Rationale",
    "",
    prose(rule.description),
    "",
    "## Recommendation",
    "",
    prose(rule.remediation),
    "",
    ...examples(rule),
    ...references(rule),
    `[All rules](README.md)`,
    "",
  ].join("\n");
}

/** The index of every rule. */
export function ruleIndex(): string {
  return [
    "# Policy rules",
    "",
    `Generated from the rules in \`policies/rules/\` by \`node bin/run-ts.js policies/rule-docs.ts\` (a test fails when a page is stale). The pack has ${RULES.length} rules; what each external rule set covers is in [policy-coverage.md](../policy-coverage.md).`,
    "",
    "| Rule | Title | Severity | Enforcement (dev, prod, ephemeral) | References |",
    "| --- | --- | --- | --- | --- |",
    ...RULES.map((rule) => {
      const mapped = [...(rule.mappings.psrule ?? []), ...(rule.mappings.checkov ?? [])];
      return `| [${rule.id}](${rule.id}.md) | ${cell(prose(rule.title))} | ${rule.severity} | ${PROFILES.map((profile) => rule.enforcement[profile]).join(", ")} | ${cell(mapped.join(", ")) || "—"} |`;
    }),
    "",
  ].join("\n");
}

/** Every file of docs/rules/, by name. */
export function ruleDocs(): Map<string, string> {
  return new Map([["README.md", ruleIndex()], ...RULES.map((rule) => [`${rule.id}.md`, rulePage(rule)] as const)]);
}

if (process.argv[1]?.endsWith("rule-docs.ts")) {
  const { mkdirSync, readdirSync, rmSync, writeFileSync } = await import("node:fs");
  const dir = new URL("../docs/rules/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  const docs = ruleDocs();
  for (const file of readdirSync(dir)) if (!docs.has(file)) rmSync(new URL(file, dir));
  for (const [file, text] of docs) writeFileSync(new URL(file, dir), text);
  console.log(`wrote docs/rules/ (${docs.size} files)`);
}
