// The floor for `estate plan`: a Node process that only loads the Pulumi SDK and the azure-native
// submodules the estate program uses (passed as arguments), then exits.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
require("@pulumi/pulumi");
for (const module of process.argv.slice(2)) require(module);
