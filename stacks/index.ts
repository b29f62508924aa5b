// Pulumi entry point (see Pulumi.yaml): the default export is run as the stack's program.
import { estateProgram } from "./program.js";

export default estateProgram;
