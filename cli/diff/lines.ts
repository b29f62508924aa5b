/** One line of a line diff: in both texts (` `), only in the first (`-`) or only in the second (`+`). */
export interface DiffLine {
  mark: " " | "-" | "+";
  line: string;
}

/** Beyond this many cells (lines of a × lines of b) the texts are not compared line by line. */
const LCS_CELLS_AT_MOST = 4_000_000;

/**
 * The lines of `a` and `b` in order, each marked: the longest common subsequence kept as context,
 * the rest removed or added (removals first where both change). Texts too long to compare come
 * back as all of a removed, then all of b added.
 */
export function diffLines(a: string[], b: string[]): DiffLine[] {
  if (a.length * b.length > LCS_CELLS_AT_MOST)
    return [...a.map((line) => ({ mark: "-" as const, line })), ...b.map((line) => ({ mark: "+" as const, line }))];
  // common[i][j]: the longest common subsequence of a[i..] and b[j..], filled from the end.
  const common = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      common[i][j] = a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      lines.push({ mark: " ", line: a[i] });
      i++;
      j++;
    } else if (common[i + 1][j] >= common[i][j + 1]) lines.push({ mark: "-", line: a[i++] });
    else lines.push({ mark: "+", line: b[j++] });
  }
  for (; i < a.length; i++) lines.push({ mark: "-", line: a[i] });
  for (; j < b.length; j++) lines.push({ mark: "+", line: b[j] });
  return lines;
}

/**
 * The changed lines with `context` unchanged lines on each side; a longer unchanged run between
 * them is one line saying how many it hides.
 */
export function withContext(lines: DiffLine[], context: number): Array<DiffLine | { hidden: number }> {
  if (context >= lines.length) return lines;
  const near = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.mark === " ") return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) near[k] = true;
  });
  const shown: Array<DiffLine | { hidden: number }> = [];
  let hidden = 0;
  lines.forEach((line, index) => {
    if (near[index]) {
      if (hidden) shown.push({ hidden });
      hidden = 0;
      shown.push(line);
    } else hidden++;
  });
  if (hidden) shown.push({ hidden });
  return shown;
}
