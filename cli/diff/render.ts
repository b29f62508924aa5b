import chalk from "chalk";
import { terminalWidth, wrapLine } from "../output/table.js";
import { OFFLINE_LABEL, shortType } from "../plan/schema.js";
import type { ChangedResource, InputChange, PlanDiff, ResourceRef } from "./diff.js";
import { diffLines, withContext } from "./lines.js";

const show = (value: unknown) => (value === undefined ? chalk.dim("(unset)") : JSON.stringify(value));
const label = (r: ResourceRef) => `${r.physicalName ?? r.name} ${chalk.dim(shortType(r.type))}`;

/** Groups by component so a reader sees "the data tier differs like this", not a flat list. */
function byComponent<T extends ResourceRef>(items: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = item.component ?? "(stack)";
    groups.set(group, [...(groups.get(group) ?? []), item]);
  }
  return new Map([...groups.entries()].sort(([x], [y]) => x.localeCompare(y)));
}

/**
 * The terminal diff, every line wrapped to `width` under its own indentation, so a long value (an
 * id, a policy document) reads as part of its change; an id longer than the width is cut.
 */
export function renderDiff(diff: PlanDiff, width = terminalWidth()): string {
  const lines: string[] = [];
  const side = (s: PlanDiff["a"]) => `${s.label} (profile ${s.profile || "?"})`;
  lines.push(chalk.bold(`Diff of ${side(diff.a)} → ${side(diff.b)}`));
  lines.push(chalk.yellow(`  ${OFFLINE_LABEL}`));
  const list = (title: string, mark: string, items: ResourceRef[]) => {
    if (!items.length) return;
    lines.push("", chalk.bold(title));
    for (const [group, members] of byComponent(items)) {
      lines.push(`  ${chalk.cyan(group)}`);
      for (const r of members) lines.push(`    ${mark} ${label(r)}`);
    }
  };
  list(`Only in ${diff.a.label} (${diff.onlyInA.length})`, chalk.red("-"), diff.onlyInA);
  list(`Only in ${diff.b.label} (${diff.onlyInB.length})`, chalk.green("+"), diff.onlyInB);
  if (diff.changed.length) {
    lines.push("", chalk.bold(`Different inputs (${diff.changed.length} resources)`));
    const repeated = repeatedChanges(diff);
    for (const [text, count] of repeated)
      lines.push(`  ${chalk.cyan(`on ${count} resources`)}  ${indentBlock(text, "  ")}`);
    for (const [group, members] of byComponent(diff.changed)) {
      const shown = members
        .map((r) => ({ r, changes: r.changes.filter((c) => !repeated.has(renderChange(c))) }))
        .filter(({ changes }) => changes.length);
      if (!shown.length) continue;
      lines.push(`  ${chalk.cyan(group)}`);
      for (const { r, changes } of shown) {
        const action =
          r.action === "replace"
            ? `${chalk.red("±")} ${label(r)}  ${chalk.red("replace")}`
            : `${chalk.yellow("~")} ${label(r)}  ${chalk.yellow("update")}`;
        lines.push(`    ${action}`);
        for (const change of changes) lines.push(`        ${indentBlock(renderChange(change), "        ")}`);
        if (r.blastRadius.length) lines.push(`        ${blastRadius(r)}`);
      }
    }
  }
  const renamed = diff.changed.reduce((n, r) => n + r.renamed, 0);
  const replaced = diff.changed.filter((r) => r.action === "replace").length;
  lines.push(
    "",
    `${diff.onlyInA.length} only in ${diff.a.label}, ${diff.onlyInB.length} only in ${diff.b.label}, ` +
      `${diff.changed.length} with different inputs${replaced ? ` (${replaced} replaced)` : ""}, ${diff.same} the same` +
      (renamed ? ` (inputs differing only by the environment name are not shown)` : ""),
  );
  return wrapLine(lines.join("\n"), width, { cutLongWords: true });
}

/** Changes made identically on many resources (a tag from the stack file) are listed once, not per resource. */
const REPEATED_AT = 3;

function repeatedChanges(diff: PlanDiff): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of diff.changed)
    for (const c of r.changes) counts.set(renderChange(c), (counts.get(renderChange(c)) ?? 0) + 1);
  return new Map([...counts].filter(([, n]) => n >= REPEATED_AT));
}

/** Unchanged lines shown around each changed line of a text of several lines. */
const CONTEXT_LINES = 2;

/**
 * One change: `path: a → b` on a line, or, where a side is text of several lines (a policy
 * document), the path and then the lines, marked `-` for a and `+` for b: where both sides are
 * such texts, only the lines that differ, with their context, the unchanged ones between counted.
 */
function renderChange(change: InputChange): string {
  const replaces = change.replaces ? `  ${chalk.red(`forces replacement: ${change.replaces}`)}` : "";
  const linesOf = (value: unknown) =>
    typeof value === "string" && value.includes("\n") ? value.split("\n") : undefined;
  const [a, b] = [linesOf(change.a), linesOf(change.b)];
  if (!a && !b) return `${change.path}: ${chalk.red(show(change.a))} → ${chalk.green(show(change.b))}${replaces}`;
  const lines = diffLines(a ?? [show(change.a)], b ?? [show(change.b)]);
  const colour = { " ": (text: string) => text, "-": chalk.red, "+": chalk.green };
  return [
    `${change.path}:${replaces}`,
    ...withContext(lines, a && b ? CONTEXT_LINES : Infinity).map((line) =>
      "hidden" in line
        ? `    ${chalk.dim(`(${line.hidden} unchanged line${line.hidden === 1 ? "" : "s"})`)}`
        : `  ${colour[line.mark](`${line.mark} ${line.line}`)}`,
    ),
  ].join("\n");
}

/** A text of several lines placed after `indent`: its lines after the first start there too. */
const indentBlock = (text: string, indent: string) => text.replaceAll("\n", `\n${indent}`);

/** The dependents a replacement takes along, the first few by name. */
const BLAST_NAMED = 6;

function blastRadius(r: ChangedResource): string {
  const named = r.blastRadius
    .slice(0, BLAST_NAMED)
    .map((d) => `${d.physicalName ?? d.name} ${chalk.dim(shortType(d.type))}`);
  const more = r.blastRadius.length > BLAST_NAMED ? `, and ${r.blastRadius.length - BLAST_NAMED} more` : "";
  const count = `${r.blastRadius.length} dependent${r.blastRadius.length === 1 ? "" : "s"}`;
  return `${chalk.red("blast radius:")} ${count} change${r.blastRadius.length === 1 ? "s" : ""} too: ${named.join(", ")}${more}`;
}
