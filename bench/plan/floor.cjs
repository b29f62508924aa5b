// The floor for `estate plan`: a Node process that only loads the Pulumi SDK and the provider
// modules the estate program uses (passed as arguments: package submodules, or files by path), then exits. Plain JavaScript run by
// Node itself, so the floor holds no TypeScript loader that `estate plan` does not have either.
require("@pulumi/pulumi");
for (const module of process.argv.slice(2)) require(module);
