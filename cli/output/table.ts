/** Width tables fit in when stdout is not a terminal: a log or a pull-request comment. */
const PIPED_WIDTH = 120;
/** No column is squeezed below this (wrapped text stays readable). */
const MIN_COLUMN = 8;

const visibleLength = (text: string): number =>
  text
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .reduce((max, line) => Math.max(max, line.length), 0);

/**
 * Column widths (padding included) that fit `width`: each column's natural width, then the widest
 * column is narrowed one character at a time until the table fits or every column is at the minimum.
 */
export function fitColumns(rows: string[][], width: number): number[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => visibleLength(row[column] ?? ""))) + 2);
  const borders = widths.length + 1;
  for (let total = widths.reduce((a, b) => a + b, 0) + borders; total > width; total -= 1) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= MIN_COLUMN) break;
    widths[widest]! -= 1;
  }
  return widths;
}

/**
 * Lines of one cell's text `width` characters wide at most: cut at that width whatever the
 * character, whitespace kept except where a cut falls on it (as cli-table3's hard wrap did, so the
 * tables read as before). A cell that must wrap loses its colour codes.
 */
function wrapCell(text: string, width: number): string[] {
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  const source = plain === text || visibleLength(text) <= width ? text : plain;
  return source.split("\n").flatMap((input) => {
    if (visibleLength(input) <= width) return [input];
    const lines: string[] = [];
    let line = "";
    const parts = input.split(/(\s+)/);
    for (let i = 0; i < parts.length; i += 2) {
      if (line.length > 0 && i > 0) line += parts[i - 1];
      line += parts[i];
      for (; line.length > width; line = line.slice(width)) lines.push(line.slice(0, width));
    }
    if (line.length > 0) lines.push(line);
    return lines;
  });
}

/**
 * Every table the CLI prints: no colour codes of its own, wrapped to the terminal's width, with a
 * line between rows. Drawn here: cli-table3 took longer than everything else `estate cost` does.
 */
export function renderTable(head: string[], rows: string[][], width = process.stdout.columns || PIPED_WIDTH): string {
  const widths = fitColumns([head, ...rows], width);
  const rule = (left: string, middle: string, right: string) =>
    `${left}${widths.map((w) => "─".repeat(w)).join(middle)}${right}`;
  const drawRow = (row: string[]) => {
    const cells = widths.map((w, column) => wrapCell(String(row[column] ?? ""), w - 2));
    const height = Math.max(1, ...cells.map((lines) => lines.length));
    return Array.from(
      { length: height },
      (_, line) => `│${cells.map((lines, column) => ` ${pad(lines[line] ?? "", widths[column]! - 2)} `).join("│")}│`,
    ).join("\n");
  };
  return [
    rule("┌", "┬", "┐"),
    [head, ...rows].map(drawRow).join(`\n${rule("├", "┼", "┤")}\n`),
    rule("└", "┴", "┘"),
  ].join("\n");
}

/**
 * A long line of prose (a list of free resources, the policy settings) wrapped at spaces to the
 * terminal's width, the lines after the first indented: a 1,000-character line reads as a block.
 */
export function wrapLine(text: string, width = process.stdout.columns || PIPED_WIDTH, indent = "  "): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line ? `${line} ${word}` : `${lines.length ? indent : ""}${word}`;
    if (line && visibleLength(next) > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = next;
  }
  return [...lines, line].join("\n");
}

const pad = (text: string, width: number) => text + " ".repeat(Math.max(0, width - visibleLength(text)));
