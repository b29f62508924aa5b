import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffLines, withContext } from "./lines.js";

describe("line diffs", () => {
  it("keep the common lines and mark only what changed", () => {
    expect(diffLines(["<a>", "  <b x=1/>", "</a>"], ["<a>", "  <b x=2/>", "  <c/>", "</a>"])).toEqual([
      { mark: " ", line: "<a>" },
      { mark: "-", line: "  <b x=1/>" },
      { mark: "+", line: "  <b x=2/>" },
      { mark: "+", line: "  <c/>" },
      { mark: " ", line: "</a>" },
    ]);
  });

  it("give back each text from its own lines, with as many common lines as there can be", () => {
    const text = fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 12 });
    fc.assert(
      fc.property(text, text, (a, b) => {
        const lines = diffLines(a, b);
        expect(lines.filter((l) => l.mark !== "+").map((l) => l.line)).toEqual(a);
        expect(lines.filter((l) => l.mark !== "-").map((l) => l.line)).toEqual(b);
        // No common line left unmatched: a line removed next to the same line added could be kept.
        const kept = lines.filter((l) => l.mark === " ").length;
        expect(kept).toBe(lcsLength(a, b));
      }),
    );
  });

  it("show the changes with their context, and count the unchanged lines between", () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const b = a.map((line, i) => (i === 3 || i === 15 ? `${line} changed` : line));
    const shown = withContext(diffLines(a, b), 2);
    expect(shown[0]).toEqual({ hidden: 1 });
    expect(shown.slice(1, 3)).toEqual([
      { mark: " ", line: "line 1" },
      { mark: " ", line: "line 2" },
    ]);
    expect(shown).toContainEqual({ hidden: 7 }); // lines 6-12
    expect(shown.at(-1)).toEqual({ hidden: 2 }); // lines 18-19
    expect(shown.filter((l) => "mark" in l && l.mark !== " ")).toHaveLength(4);
  });
});

function lcsLength(a: string[], b: string[]): number {
  const row = new Array(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.length];
}
