/** `npm run bench`: every benchmark, one after another (they share the machine), each writing bench/results/. */
import { execFileSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const BENCHES = ["plan", "policy", "servicebus", "services", "reliability"];
const only = process.argv.slice(2);

for (const bench of only.length ? only : BENCHES) {
  if (!BENCHES.includes(bench)) {
    console.error(`unknown bench "${bench}"; benches: ${BENCHES.join(", ")}`);
    process.exit(2);
  }
  console.error(`── bench/${bench}`);
  execFileSync(process.execPath, [path.join(ROOT, "bin/run-ts.js"), path.join(ROOT, "bench", bench, "run.ts")], {
    stdio: "inherit",
    cwd: ROOT,
  });
}
