import chalk from "chalk";
import { afterEach, describe, expect, it } from "vitest";
import { configureColour } from "./colour.js";
import { fitColumns, renderTable, wrapLine } from "./table.js";

const level = chalk.level;
afterEach(() => {
  chalk.level = level;
});

describe("tables", () => {
  const rows = [
    ["asp-estate-dev-weu-func", "web:AppServicePlan", "EP1 (1 instance), zone redundant over three zones", "$170.60"],
  ];

  it("fit the width they are given, wrapping the widest column and keeping every character", () => {
    const text = renderTable(["Resource", "Type", "Billed as", "Monthly"], rows, 60);
    const lines = text.split("\n");
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(60);
    const characters = (cells: string[]) => cells.join("").replace(/\s/g, "").length;
    expect(text).not.toContain("…");
    expect(text.replace(/[\s│┌┐└┘├┤┬┴┼─]/g, "").length).toBe(
      characters(["Resource", "Type", "Billed as", "Monthly", ...rows[0]!]),
    );
    expect(text).not.toMatch(/\x1b\[/); // no colour codes of the table's own
  });

  it("draw a line between rows, cut a cell too wide for its column at the column's width and keep its own line breaks", () => {
    const rows = [
      ["web-app-one", "two words"],
      ["b", "multi\nline"],
    ];
    expect(renderTable(["Name", "Note"], rows, 22).split("\n")).toEqual([
      "┌─────────┬──────────┐",
      "│ Name    │ Note     │",
      "├─────────┼──────────┤",
      "│ web-app │ two word │",
      "│ -one    │ s        │",
      "├─────────┼──────────┤",
      "│ b       │ multi    │",
      "│         │ line     │",
      "└─────────┴──────────┘",
    ]);
  });

  it("keep natural widths when there is room, and stop narrowing at a readable minimum", () => {
    expect(fitColumns([["ab", "cdef"]], 200)).toEqual([4, 6]);
    expect(fitColumns([["a".repeat(40), "b".repeat(40)]], 10)).toEqual([8, 8]);
  });

  it("colour output only on a terminal and never with NO_COLOR, unless FORCE_COLOR", () => {
    chalk.level = 3;
    configureColour({ NO_COLOR: "1" }, true);
    expect(chalk.level).toBe(0);
    chalk.level = 3;
    configureColour({}, false);
    expect(chalk.level).toBe(0);
    chalk.level = 3;
    configureColour({ NO_COLOR: "1", FORCE_COLOR: "1" }, false);
    expect(chalk.level).toBe(3);
    configureColour({}, true);
    expect(chalk.level).toBe(3);
  });
});

describe("long lines of prose", () => {
  it("wrap at spaces to the width, the lines after the first indented, every word kept in order", () => {
    const text = `Free (40): ${Array.from({ length: 40 }, (_, i) => `AFDOriginGroup${i} x${i + 1}`).join(", ")}`;
    const lines = wrapLine(text, 70).split("\n");
    expect(lines.length).toBeGreaterThan(5);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(70);
    expect(lines.slice(1).every((line) => line.startsWith("  ") && !line.startsWith("   "))).toBe(true);
    expect(lines.map((line) => line.trim()).join(" ")).toBe(text);
  });

  it("leave a line that fits alone, and put a word longer than the width on its own line", () => {
    expect(wrapLine("Free (1): Lock x1", 70)).toBe("Free (1): Lock x1");
    expect(wrapLine(`a ${"b".repeat(30)} c`, 10).split("\n")).toEqual(["a", `  ${"b".repeat(30)}`, "  c"]);
  });

  it("cut a word longer than the width when asked, colour codes kept with their characters", () => {
    const id = `"${"x".repeat(25)}"`;
    expect(wrapLine(`a ${id} c`, 12, { cutLongWords: true }).split("\n")).toEqual([
      "a",
      `  ${id.slice(0, 10)}`,
      `  ${id.slice(10, 20)}`,
      `  ${id.slice(20)} c`,
    ]);
    const red = wrapLine(`\x1b[31m${"y".repeat(15)}\x1b[39m`, 10, { cutLongWords: true });
    expect(red.split("\n")).toEqual([`\x1b[31m${"y".repeat(10)}`, `  ${"y".repeat(5)}\x1b[39m`]);
  });

  it("continue an indented or marked line under its text, and wrap text of several lines line by line", () => {
    expect(wrapLine("    key: one two three", 14).split("\n")).toEqual(["    key: one", "      two", "      three"]);
    expect(wrapLine("  -   <a b c>\n  + <d>", 10).split("\n")).toEqual(["  -   <a b", "        c>", "  + <d>"]);
    // However narrow, a cut keeps a character a line: the wrapping ends.
    expect(wrapLine("        abcdef", 4, { cutLongWords: true }).split("\n")).toEqual([
      "        abc",
      ..."def".split("").map((c) => `          ${c}`),
    ]);
  });
});
