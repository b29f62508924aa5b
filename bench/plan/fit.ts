/** The least-squares line through points [x, y], and its R² (how much of y the line explains: 1 for a straight line). */
export function leastSquares(xy: number[][]): { slope: number; intercept: number; rSquared: number } {
  const n = xy.length;
  const mx = xy.reduce((s, [x]) => s + x, 0) / n;
  const my = xy.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = xy.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = xy.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssRes = xy.reduce((s, [x, y]) => s + (y - (intercept + slope * x)) ** 2, 0);
  const ssTot = xy.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  return { slope, intercept, rSquared: 1 - ssRes / ssTot };
}
