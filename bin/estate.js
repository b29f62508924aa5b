#!/usr/bin/env node
// The `estate` command. Runs from a bundle of the TypeScript CLI (bin/cli-bundle.js);
// ESTATE_NO_BUNDLE=1 runs the sources through tsx instead. ESTATE_BUNDLE=<file> runs that bundle as
// it is (bench/policy and the bundle test run a private copy of this checkout's).
if (process.env.ESTATE_NO_BUNDLE) {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/main.ts");
} else {
  // Stack traces of the bundle point at the TypeScript sources when debugging.
  if (process.env.ESTATE_DEBUG) process.setSourceMapsEnabled(true);
  const { cliBundle, runBundle } = await import("./cli-bundle.js");
  runBundle(process.env.ESTATE_BUNDLE || (await cliBundle()), process.argv[2]);
}
