/** Width tables fit in when stdout is not a terminal: a log or a pull-request comment. */
const PIPED_WIDTH = 120;

/** The width terminal text is fitted to: the terminal's, else PIPED_WIDTH. */
export const terminalWidth = (): number => process.stdout.columns || PIPED_WIDTH;
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
export function renderTable(head: string[], rows: string[][], width = terminalWidth()): string {
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

/** Where a line's text starts: after its indentation and a change marker (`-`, `+`, `~`, `±`) if any. */
const textStart = (line: string) => /^ *(?:[-+~±] +)?/.exec(line.replace(/\x1b\[[0-9;]*m/g, ""))![0].length;

export interface WrapOptions {
  /** Added to where the first line's text starts (`textStart`) before each line after it. */
  indent?: string;
  /**
   * Cut a word too long for a line of its own at the width (an id, a URL, a path), so that every
   * line fits; without it such a word stands whole on its own line.
   */
  cutLongWords?: boolean;
}

/**
 * A long line of prose (a list of free resources, the policy settings, a DR note, a diff's value)
 * wrapped at spaces to the terminal's width, the lines after the first indented past the start of
 * its text: a 1,000-character line reads as a block. Text of several lines wraps line by line.
 */
export function wrapLine(text: string, width = terminalWidth(), options: WrapOptions = {}): string {
  if (text.includes("\n"))
    return text
      .split("\n")
      .map((line) => wrapLine(line, width, options))
      .join("\n");
  const { indent: extra = "  ", cutLongWords = false } = options;
  const lead = /^ */.exec(text)![0];
  const indent = " ".repeat(textStart(text)) + extra;
  const lines: string[] = [];
  let line = lead;
  for (const [i, word] of text.slice(lead.length).split(" ").entries()) {
    const next = i ? `${line} ${word}` : `${line}${word}`;
    if (i && visibleLength(next) > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = next;
    // At least one character of the word per line, whatever the width: the loop ends.
    for (const room = Math.max(width, indent.length + 1); cutLongWords && visibleLength(line) > room; ) {
      const [head, rest] = sliceVisible(line, room);
      lines.push(head);
      line = `${indent}${rest}`;
    }
  }
  return [...lines, line].join("\n");
}

/** The first `count` visible characters of `text` and the rest, colour codes kept with their characters. */
function sliceVisible(text: string, count: number): [string, string] {
  let head = "";
  let visible = 0;
  for (const [token] of text.matchAll(/\x1b\[[0-9;]*m|[\s\S]/g)) {
    if (visible === count) break;
    head += token;
    if (!token.startsWith("\x1b")) visible += 1;
  }
  return [head, text.slice(head.length)];
}

const pad = (text: string, width: number) => text + " ".repeat(Math.max(0, width - visibleLength(text)));
