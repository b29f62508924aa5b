// Preloaded (`node -r`) into one `estate plan` run by bench/plan/seeds.ts: as the process exits,
// writes to the file named by BENCH_LOADED_MODULES_OUT every file of a Pulumi package (the SDK and
// the providers) in Node's module cache, in the order they were loaded, one a line. That is the
// floor of that stack's plan: what it loads before it has done any planning of its own.
const { writeFileSync } = require("node:fs");

const PULUMI_PACKAGE = /[\\/]node_modules[\\/]@pulumi[\\/]/;

process.once("exit", () => {
  const files = Object.keys(require.cache).filter((file) => PULUMI_PACKAGE.test(file));
  writeFileSync(process.env.BENCH_LOADED_MODULES_OUT, `${files.join("\n")}\n`);
});
