/**
 * What the Pulumi CLI loads: it starts a Node policy pack as `node @pulumi/pulumi/cmd/run-policy-pack
 * <engine> <pack dir>` and `require`s the pack's `main`, with ts-node registered and
 * PulumiPolicy.yaml's `nodeargs` (`--import tsx`) ignored, so `index.ts` (ESM TypeScript) cannot be
 * loaded directly. This loads tsx as `--import tsx` would, then the pack; run-policy-pack awaits the import.
 * test/engine/policy-pack.test.ts starts the pack this way.
 */
module.exports = import("tsx").then(() => import("./index.ts"));
