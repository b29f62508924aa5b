import Table from "cli-table3";

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

/** Every table the CLI prints: no colour codes of its own, wrapped to the terminal's width. */
export function renderTable(head: string[], rows: string[][], width = process.stdout.columns || PIPED_WIDTH): string {
  const table = new Table({
    head,
    style: { head: [], border: [] },
    colWidths: fitColumns([head, ...rows], width),
    wordWrap: true,
    wrapOnWordBoundary: false,
  });
  table.push(...rows);
  return table.toString();
}
